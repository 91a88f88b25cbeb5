/**
 * Script of AdminSelfEvaluation.astro: loads the 绩效自评表 of a year as of a day from
 * /api/v1/self-evaluation, lets the county fill in targets, weights, 效益 lines and notes, saves
 * them, and downloads the table as Excel or PDF (fetched with the page's credentials, then saved).
 */
import { isWithinOneCounty } from '../domain/access/access.ts';
import { shanghaiDate } from '../domain/shared/dates.ts';
import { NO_ANSWER, staffApi, staffFetch } from './staff-api.ts';
import { esc, problemsTable, show, type Problem } from './staff-html.ts';

interface Target { op: '>=' | '<=' | '='; value: number }
interface MeasuredLine { key: string; target: Target | null; weight: number; note: string }
interface BenefitLine { key: string; category: string; name: string; targetText: string; actualText: string; score: number | null; weight: number; note: string }
type Line = MeasuredLine | BenefitLine;
interface Row {
  key: string;
  level1: string;
  name: string;
  targetText: string;
  actualText: string;
  weight: number;
  score: number | null;
  unscoredReason: string | null;
  source: 'ledger' | 'questionnaire' | 'entered';
  behindPath: string | null;
  behindCount: number | null;
}
interface Evaluation {
  year: number;
  asOf: string;
  title: string;
  rows: Row[];
  lines: Line[];
  weightTotal: number;
  scoredWeight: number;
  scoreTotal: number;
  scaledScore: number | null;
  grade: string | null;
  updatedAt: string | null;
  updatedBy: string | null;
  satisfaction: { respondents: number; villages: number };
}
interface Answer { message?: string; details?: Problem[]; [k: string]: unknown }

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const isBenefit = (l: Line): l is BenefitLine => l.key.startsWith('benefit-');
let role = '';
let current: Evaluation | null = null;

const OPS: Array<[Target['op'], string]> = [['>=', '≥'], ['<=', '≤'], ['=', '=']];

function targetCell(row: Row, line: MeasuredLine | undefined): string {
  if (row.key === 'budgetExecution') return '100%';
  const op = line?.target?.op ?? '>=';
  const ops = OPS.map(([v, label]) => `<option value="${v}"${v === op ? ' selected' : ''}>${label}</option>`).join('');
  const unit = /%$/.test(row.actualText) || row.key === 'satisfaction' || row.actualText.includes('%') ? '%' : row.actualText.replace(/^[\d,]+/, '');
  return `<div class="se-target"><select data-field="op" aria-label="${esc(row.name)}：比较方式">${ops}</select><input type="number" min="0" step="any" data-field="target" aria-label="${esc(row.name)}：年度指标值${unit ? `（${esc(unit)}）` : ''}" value="${line?.target ? String(line.target.value) : ''}" placeholder="未填写" /></div>`;
}

function measuredRow(row: Row, line: MeasuredLine | undefined): string {
  const behind = row.behindPath
    ? `<br><a href="${esc(row.behindPath)}" target="_blank" rel="noopener">${row.actualText.endsWith('%') ? '未达到的' : '明细'}${row.behindCount === null ? '' : ` ${row.behindCount} 条`}<span class="visually-hidden">：${esc(row.name)}</span></a>`
    : row.source === 'questionnaire'
      ? `<br><small>问卷来自 ${current?.satisfaction.villages ?? 0} 个村</small>`
      : '';
  const score = row.score === null ? `<td class="unscored">${esc(row.unscoredReason ?? '不计分')}</td>` : `<td class="num">${row.score}</td>`;
  return `<tr data-key="${esc(row.key)}"><th scope="row">${esc(row.name)}</th><td>${targetCell(row, line)}</td><td>${esc(row.actualText)}${behind}</td><td><input type="number" min="0" max="100" step="any" data-field="weight" aria-label="${esc(row.name)}：分值" value="${line?.weight ?? row.weight}" /></td>${score}<td><textarea rows="2" maxlength="300" data-field="note" aria-label="${esc(row.name)}：偏差原因分析及改进措施">${esc(line?.note ?? '')}</textarea></td></tr>`;
}

function benefitRow(line: BenefitLine): string {
  const categories = $<HTMLTemplateElement>('se-benefit-categories').innerHTML.replace(`value="${line.category}"`, `value="${line.category}" selected`);
  const label = line.name || '新的效益指标';
  return `<tr data-key="${esc(line.key)}"><td><select data-field="category" aria-label="${esc(label)}：二级指标">${categories}</select></td><td><input type="text" maxlength="60" data-field="name" aria-label="效益指标名称" value="${esc(line.name)}" /></td><td><input type="text" maxlength="60" data-field="targetText" aria-label="${esc(label)}：年度指标值" value="${esc(line.targetText)}" /></td><td><input type="text" maxlength="60" data-field="actualText" aria-label="${esc(label)}：实际完成值" value="${esc(line.actualText)}" /></td><td><input type="number" min="0" max="100" step="any" data-field="weight" aria-label="${esc(label)}：分值" value="${line.weight}" /></td><td><input type="number" min="0" step="any" data-field="score" aria-label="${esc(label)}：得分（不填为未评分）" value="${line.score ?? ''}" /></td><td><textarea rows="2" maxlength="300" data-field="note" aria-label="${esc(label)}：偏差原因">${esc(line.note)}</textarea></td><td><button type="button" class="secondary" data-remove aria-label="删除效益指标 ${esc(label)}">删除</button></td></tr>`;
}

function render(e: Evaluation): void {
  current = e;
  const byKey = new Map(e.lines.map((l) => [l.key, l]));
  $('se-rows').innerHTML = e.rows
    .filter((r) => r.source !== 'entered')
    .map((r) => measuredRow(r, byKey.get(r.key) as MeasuredLine | undefined))
    .join('');
  $('se-benefits').innerHTML = e.lines.filter(isBenefit).map(benefitRow).join('');
  const scaled = e.scaledScore === null ? '还没有可以计分的指标。' : `折合百分制 ${e.scaledScore} 分，等级：${e.grade}。`;
  const saved = e.updatedAt ? `最后保存：${e.updatedAt.slice(0, 10)}，${e.updatedBy ?? ''}。` : '本年还没有保存过，年度指标值都是空的。';
  $('se-total').textContent = `合计：分值 ${e.weightTotal}，计分的分值 ${e.scoredWeight}，得分 ${e.scoreTotal}；${scaled}${saved}`;
  $('se-form').hidden = false;
  const readOnly = role !== 'county';
  $('se-form').querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('input,select,textarea').forEach((el) => (el.disabled = readOnly));
  $('se-form').querySelectorAll<HTMLElement>('[data-se-edit],[data-remove]').forEach((el) => (el.hidden = readOnly));
}

const period = () => `${encodeURIComponent($<HTMLInputElement>('se-year').value)}`;
const asOfQuery = () => `asOf=${encodeURIComponent($<HTMLInputElement>('se-asof').value)}`;
const refusal = (body: Answer) => `${esc(body.message)}${body.details ? problemsTable(body.details) : ''}`;

async function load(): Promise<void> {
  $('se-result').innerHTML = '';
  show($('se-status'), '正在计算……');
  const { status, body } = await staffApi<Answer>(`/self-evaluation/${period()}?${asOfQuery()}`);
  if (status !== 200) return show($('se-status'), refusal(body), true);
  const e = body as unknown as Evaluation;
  show($('se-status'), `${esc(e.title)}，数据截至 ${esc(e.asOf)}。`);
  render(e);
  await loadSurvey();
}

const num = (el: Element | null): number | null => {
  const v = (el as HTMLInputElement | null)?.value.trim() ?? '';
  return v === '' ? null : Number(v);
};
const text = (tr: Element, field: string) => (tr.querySelector(`[data-field="${field}"]`) as HTMLInputElement | null)?.value ?? '';

function collect(): Line[] {
  const lines: Line[] = [];
  for (const tr of Array.from($('se-rows').querySelectorAll('tr'))) {
    const key = (tr as HTMLElement).dataset.key!;
    const value = num(tr.querySelector('[data-field="target"]'));
    const op = text(tr, 'op') as Target['op'];
    lines.push({ key, target: key === 'budgetExecution' || value === null ? null : { op, value }, weight: num(tr.querySelector('[data-field="weight"]')) ?? 0, note: text(tr, 'note') });
  }
  $('se-benefits')
    .querySelectorAll('tr')
    .forEach((tr, i) => {
      lines.push({
        key: `benefit-${i + 1}`,
        category: text(tr, 'category'),
        name: text(tr, 'name').trim(),
        targetText: text(tr, 'targetText').trim(),
        actualText: text(tr, 'actualText').trim(),
        score: num(tr.querySelector('[data-field="score"]')),
        weight: num(tr.querySelector('[data-field="weight"]')) ?? 0,
        note: text(tr, 'note'),
      });
    });
  return lines;
}

interface SurveyVillage { code: string; name: string; online: number; onlineSatisfied: number; paper: number; paperSatisfied: number }

async function loadSurvey(): Promise<void> {
  const { status, body } = await staffApi<Answer>(`/satisfaction/${period()}`);
  if (status !== 200) return show($('se-survey-result'), refusal(body), true);
  const villages = (body.villages as SurveyVillage[]) ?? [];
  $('se-survey-rows').innerHTML = villages
    .map(
      (v) =>
        `<tr data-village="${esc(v.code)}"><th scope="row">${esc(v.name)}</th><td class="num">${v.online}</td><td class="num">${v.onlineSatisfied}</td><td><input type="number" min="0" step="1" data-field="respondents" aria-label="${esc(v.name)}：纸质问卷份数" value="${v.paper || ''}" /></td><td><input type="number" min="0" step="1" data-field="satisfied" aria-label="${esc(v.name)}：纸质问卷中满意和基本满意的份数" value="${v.paper ? v.paperSatisfied : ''}" /></td></tr>`,
    )
    .join('');
  $('se-survey-count').textContent = String(villages.length);
  $('se-survey').hidden = false;
  const readOnly = role !== 'county';
  $('se-survey').querySelectorAll<HTMLInputElement>('input').forEach((el) => (el.disabled = readOnly));
  $('se-survey').querySelectorAll<HTMLElement>('[data-se-edit]').forEach((el) => (el.hidden = readOnly));
}

async function saveSurvey(event: Event): Promise<void> {
  event.preventDefault();
  const rows = Array.from($('se-survey-rows').querySelectorAll<HTMLElement>('tr'))
    .map((tr) => ({ villageCode: tr.dataset.village!, respondents: num(tr.querySelector('[data-field="respondents"]')), satisfied: num(tr.querySelector('[data-field="satisfied"]')) }))
    .filter((r) => r.respondents !== null || r.satisfied !== null)
    .map((r) => ({ ...r, respondents: r.respondents ?? 0, satisfied: r.satisfied ?? 0 }));
  const { status, body } = await staffApi<Answer>(`/satisfaction/${period()}/paper`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rows }) });
  if (status !== 200) return show($('se-survey-result'), refusal(body), true);
  await load();
  show($('se-survey-result'), `已保存 ${rows.length} 个村的纸质问卷结果，自评表的满意度已更新。`);
}

async function uploadSurvey(): Promise<void> {
  const file = $<HTMLInputElement>('se-survey-file').files?.[0];
  if (!file) return show($('se-survey-result'), '请先选择填好的文件。', true);
  const { status, body } = await staffApi<Answer>(`/satisfaction/${period()}/paper-file`, { method: 'PUT', body: file });
  if (status !== 200) return show($('se-survey-result'), refusal(body), true);
  await load();
  show($('se-survey-result'), `已保存 ${String(body.saved)} 个村的纸质问卷结果，自评表的满意度已更新。`);
}

async function save(event: Event): Promise<void> {
  event.preventDefault();
  const { status, body } = await staffApi<Answer>(`/self-evaluation/${period()}/lines`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ lines: collect() }),
  });
  if (status !== 200) return show($('se-result'), refusal(body), true);
  await load();
  show($('se-result'), '已保存。下载的表会用新的内容。');
}

async function downloadTable(format: 'xlsx' | 'pdf'): Promise<void> {
  show($('se-result'), format === 'pdf' ? '正在生成 PDF，大约要几秒……' : '正在生成 Excel……');
  await download(`/self-evaluation/${period()}/table.${format}?${asOfQuery()}`, `绩效自评表.${format}`, $('se-result'));
}

/** Fetches a file with the page's credentials and saves it (a link cannot carry the token). */
async function download(path: string, fallbackName: string, out: HTMLElement): Promise<void> {
  const res = await staffFetch(path);
  if (!res) return show(out, esc(NO_ANSWER), true);
  if (!res.ok) {
    const body = (await res.json().catch(() => ({ message: `服务器返回 ${res.status}` }))) as Answer;
    return show(out, refusal(body), true);
  }
  const blob = await res.blob();
  const name = /filename\*=UTF-8''([^;]+)/.exec(res.headers.get('content-disposition') ?? '')?.[1];
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name ? decodeURIComponent(name) : fallbackName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  show(out, `已下载：${esc(a.download)}`);
}

document.addEventListener('staff-signed-in', (e) => {
  const detail = (e as CustomEvent<{ role: string; scopeCode: string }>).detail;
  role = detail.role;
  // The county fills the table in; its inspectors may read it and download it (one county's report:
  // not offered to an inspector over a city or province).
  $('se-section').hidden = (role !== 'county' && role !== 'inspector') || !isWithinOneCounty(detail.scopeCode);
  if ($('se-section').hidden) return;
  const today = shanghaiDate(new Date());
  if (!$<HTMLInputElement>('se-year').value) $<HTMLInputElement>('se-year').value = String(Number(today.slice(0, 4)) - 1);
  if (!$<HTMLInputElement>('se-asof').value) $<HTMLInputElement>('se-asof').value = today;
  $('se-form').hidden = true;
  $('se-survey').hidden = true;
});
$('se-load').addEventListener('submit', (e) => {
  e.preventDefault();
  void load();
});
$('se-form').addEventListener('submit', (e) => void save(e));
$('se-survey').addEventListener('submit', (e) => void saveSurvey(e));
$('se-survey-upload').addEventListener('click', () => void uploadSurvey());
$('se-survey-template').addEventListener('click', () => void download(`/satisfaction/${period()}/paper-template.xlsx`, `${$<HTMLInputElement>('se-year').value}年纸质问卷结果.xlsx`, $('se-survey-result')));
$('se-load')
  .querySelectorAll<HTMLButtonElement>('[data-se-download]')
  .forEach((b) => b.addEventListener('click', () => void downloadTable(b.dataset.seDownload as 'xlsx' | 'pdf')));
$('se-benefit-add').addEventListener('click', () => {
  const n = $('se-benefits').querySelectorAll('tr').length;
  if (n >= 8) return show($('se-result'), '效益指标最多 8 行。', true);
  $('se-benefits').insertAdjacentHTML('beforeend', benefitRow({ key: `benefit-${n + 1}`, category: '社会效益指标', name: '', targetText: '', actualText: '', score: null, weight: 0, note: '' }));
});
$('se-benefits').addEventListener('click', (e) => {
  const button = (e.target as HTMLElement).closest('[data-remove]');
  if (button) button.closest('tr')?.remove();
});
