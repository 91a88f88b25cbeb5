/** Script of AdminCountySettings.astro: reads and saves 本县设置 over /api/v1/county as the signed-in county user. */
import { INDICATOR_GROUP_LABELS, SETTING_LABELS, splitPhones, type EditableSettings } from '../domain/county/settings-edit.ts';
import { staffApi } from './staff-api.ts';
import { esc, problemsTable, show, type Problem } from './staff-html.ts';

interface County {
  countyName: string;
  isSample: boolean;
  settings: EditableSettings;
  overridden: string[];
  townships: Array<{ code: string; name: string }>;
  projectTypes: Array<{ code: string; name: string; indicatorGroup: string; projects: number }>;
  outline: { points: number; bounds: { minLon: number; minLat: number; maxLon: number; maxLat: number } } | null;
}
interface Answer { message?: string; details?: Problem[]; [k: string]: unknown }

const FIELD_LABELS: Record<string, string> = SETTING_LABELS;
const GROUPS: Record<string, string> = INDICATOR_GROUP_LABELS;
const REBUILD: Record<string, string> = {
  scheduled: '网站正在更新，几分钟内可以看到。',
  not_configured: '本服务器没有设置自动更新网站，请联系管理员更新网站。',
  not_needed: '',
};

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const input = (id: string) => $<HTMLInputElement>(id);
const api = (path: string, init: RequestInit = {}) => staffApi<Answer>(path, init);
const json = (method: string, body: unknown): RequestInit => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const refusal = (body: Answer) => `${esc(body.message)}${body.details ? problemsTable(body.details) : ''}`;

function typeRow(t: { code: string; name: string; indicatorGroup: string; projects: number }, isNew = false): string {
  const options = Object.entries(GROUPS)
    .map(([value, label]) => `<option value="${value}"${value === t.indicatorGroup ? ' selected' : ''}>${label}</option>`)
    .join('');
  const code = isNew
    ? `<input type="text" data-field="code" aria-label="新类型的代码（英文小写）" placeholder="例如 water_supply" value="${esc(t.code)}" />`
    : `${esc(t.code)}<input type="hidden" data-field="code" value="${esc(t.code)}" />`;
  const remove = t.projects > 0 ? '—' : `<button type="button" class="secondary" data-remove aria-label="删除类型 ${esc(t.name || t.code)}">删除</button>`;
  return `<tr><td>${code}</td><td><input type="text" data-field="name" aria-label="类型名称" value="${esc(t.name)}" /></td><td><select data-field="indicatorGroup" aria-label="计入指标">${options}</select></td><td class="num">${t.projects}</td><td>${remove}</td></tr>`;
}

function outlineText(outline: County['outline']): string {
  if (!outline) return '现在没有上传县界，按村部位置的范围检查。';
  const b = outline.bounds;
  return `现在的县界有 ${outline.points} 个点，经度 ${b.minLon.toFixed(3)}–${b.maxLon.toFixed(3)}，纬度 ${b.minLat.toFixed(3)}–${b.maxLat.toFixed(3)}。`;
}

async function load(): Promise<void> {
  const { status, body } = await api('/county');
  if (status !== 200) return show($('county-result'), refusal(body), true);
  const county = body as unknown as County;
  const s = county.settings;
  input('cs-unit').value = s.issuingUnit;
  $<HTMLTextAreaElement>('cs-phones').value = s.supervisionPhones.join('\n');
  input('cs-address').value = s.supervisionAddress;
  input('cs-days').value = String(s.disclosurePeriodDays);
  input('cs-title').value = s.posterTitleTemplate ?? '';
  input('cs-subsidy').value = (s.subsidyStandardFen / 100).toString();
  $('cs-townships').innerHTML = county.townships
    .map((t) => `<div class="township-phone"><label for="tp-${esc(t.code)}">${esc(t.name)}</label><input id="tp-${esc(t.code)}" type="text" data-township="${esc(t.code)}" value="${esc(s.townshipPhones[t.code] ?? '')}" /></div>`)
    .join('');
  const overridden = $('county-overridden');
  overridden.hidden = county.overridden.length === 0;
  overridden.textContent = `注意：${county.overridden.map((f) => FIELD_LABELS[f] ?? f).join('、')}由服务器的环境变量指定，页面和海报用的是环境变量的值。这里改了要等管理员取消那个环境变量才生效。`;
  $('types-body').innerHTML = county.projectTypes.map((t) => typeRow(t)).join('');
  $('outline-now').textContent = outlineText(county.outline);
}

async function saveSettings(e: Event): Promise<void> {
  e.preventDefault();
  const out = $('county-result');
  const townshipPhones: Record<string, string> = {};
  for (const el of document.querySelectorAll<HTMLInputElement>('#cs-townships input[data-township]')) {
    if (el.value.trim()) townshipPhones[el.dataset.township!] = el.value.trim();
  }
  const patch = {
    issuingUnit: input('cs-unit').value,
    supervisionPhones: splitPhones($<HTMLTextAreaElement>('cs-phones').value),
    supervisionAddress: input('cs-address').value,
    disclosurePeriodDays: Number(input('cs-days').value),
    posterTitleTemplate: input('cs-title').value.trim() || null,
    subsidyStandardYuan: Number(input('cs-subsidy').value),
    townshipPhones,
  };
  show(out, '正在保存……');
  const { status, body } = await api('/county/settings', json('PATCH', patch));
  if (status !== 200) return show(out, refusal(body), true);
  const changed = (body.changed as string[]).map((f) => FIELD_LABELS[f] ?? f);
  show(out, changed.length === 0 ? '没有改动。' : `已保存：${changed.join('、')}。${REBUILD[String(body.rebuild)] ?? ''}`);
  await load();
}

async function saveTypes(e: Event): Promise<void> {
  e.preventDefault();
  const out = $('types-result');
  const projectTypes = Array.from(document.querySelectorAll<HTMLTableRowElement>('#types-body tr')).map((tr) => ({
    code: tr.querySelector<HTMLInputElement>('[data-field=code]')!.value.trim(),
    name: tr.querySelector<HTMLInputElement>('[data-field=name]')!.value.trim(),
    indicatorGroup: tr.querySelector<HTMLSelectElement>('[data-field=indicatorGroup]')!.value,
  }));
  show(out, '正在保存……');
  const { status, body } = await api('/county/project-types', json('PUT', { projectTypes }));
  if (status !== 200) return show(out, refusal(body), true);
  const parts = [
    (body.added as string[]).length ? `新增 ${(body.added as string[]).length} 个` : '',
    (body.renamed as string[]).length ? `修改 ${(body.renamed as string[]).length} 个` : '',
    (body.removed as string[]).length ? `删除 ${(body.removed as string[]).length} 个` : '',
    body.reordered ? '调整了顺序' : '',
  ].filter(Boolean);
  show(out, parts.length === 0 ? '没有改动。' : `已保存：${parts.join('，')}。${REBUILD[String(body.rebuild)] ?? ''}`);
  await load();
}

async function sendOutline(e: Event): Promise<void> {
  e.preventDefault();
  const out = $('outline-result');
  const file = input('outline-file').files?.[0];
  if (!file) return;
  show(out, '正在上传和检查……');
  const { status, body } = await api('/county/outline', { method: 'PUT', headers: { 'content-type': 'application/geo+json' }, body: file });
  if (status !== 200) return show(out, refusal(body), true);
  const notes = (body.notes as string[]).map((n) => `<br>${esc(n)}`).join('');
  show(out, `县界已保存（${esc(body.points)} 个点）。${notes}`);
  await load();
}

async function removeOutline(): Promise<void> {
  if (!confirm('删除县界后，按村部位置的范围检查项目位置。确定删除？')) return;
  const { status, body } = await api('/county/outline', { method: 'DELETE' });
  show($('outline-result'), status === 200 ? '县界已删除。' : refusal(body), status !== 200);
  await load();
}

interface Checklist {
  published: boolean;
  next: string | null;
  steps: Array<{ key: string; title: string; done: boolean; status: string; links: Array<{ label: string; href: string }>; command?: string; blocker?: string }>;
}

/** 开通步骤: shown to the county until its first publish. */
async function loadChecklist(): Promise<void> {
  const box = $('setup-box');
  const { status, body } = await api('/county/checklist');
  const list = body as unknown as Checklist;
  if (status !== 200 || list.published) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  $('setup-steps').innerHTML = list.steps
    .map((s) => {
      const mark = s.done ? '✓ 已完成' : s.key === list.next ? '下一步' : '未完成';
      const links = s.links.map((l) => `<a href="${esc(l.href)}">${esc(l.label)}</a>`).join('　');
      return `<li class="${s.done ? 'done' : s.key === list.next ? 'next' : ''}" data-step="${esc(s.key)}"><strong>${esc(s.title)}</strong>（${mark}）<br>${esc(s.status)}${
        s.blocker ? `<br><span class="status error">${esc(s.blocker)}</span>` : ''
      }${links ? `<br>${links}` : ''}${s.command && !s.done ? `<br>在服务器上运行：<code>${esc(s.command)}</code>` : ''}</li>`;
    })
    .join('');
}

document.addEventListener('staff-signed-in', (e) => {
  $('setup-box').hidden = true;
  if ((e as CustomEvent<{ role: string }>).detail.role !== 'county') return;
  void load();
  void loadChecklist();
});
$('county-form').addEventListener('submit', (e) => void saveSettings(e));
$('types-form').addEventListener('submit', (e) => void saveTypes(e));
$('types-add').addEventListener('click', () => {
  $('types-body').insertAdjacentHTML('beforeend', typeRow({ code: '', name: '', indicatorGroup: 'other', projects: 0 }, true));
  $('types-body').querySelector<HTMLInputElement>('tr:last-child input[data-field=code]')?.focus();
});
$('types-body').addEventListener('click', (e) => {
  const button = (e.target as HTMLElement).closest<HTMLButtonElement>('[data-remove]');
  button?.closest('tr')?.remove();
});
$('outline-form').addEventListener('submit', (e) => void sendOutline(e));
$('outline-remove').addEventListener('click', () => void removeOutline());
