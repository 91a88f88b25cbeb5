/**
 * Script of AdminProjectDocuments.astro: loads a project's documents and checklist from
 * /api/v1/projects/{code}/documents, uploads a file (multipart), opens a stored file with the
 * page's credentials (a blob link: tokens are not cookies), and for the county saves the review
 * tick and public switch, removes a document, and saves which types are public.
 */
import { NO_ANSWER, staffApi, staffFetch } from './staff-api.ts';
import { esc, problemsTable, show, type Problem } from './staff-html.ts';

interface Doc {
  id: number;
  type: string;
  typeLabel: string;
  title: string;
  contentType: string;
  sizeText: string;
  uploadedAt: string;
  isPublic: boolean;
  reviewed: boolean;
  shown: boolean;
  status: string;
  removedAt: string | null;
  publicUrl: string | null;
  fileUrl: string | null;
}
interface PolicyType { type: string; label: string; isPublic: boolean }
interface Listing {
  project: { code: string; name: string; year: number; villageCode: string };
  documents: Doc[];
  checklist: Array<{ type: string; label: string; present: boolean }>;
  missingLabels: string[];
  types: PolicyType[];
  reviewStatement: string;
}
interface Answer { message?: string; details?: Problem[]; [k: string]: unknown }

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
let role = '';
let current: Listing | null = null;
const blobUrls: string[] = [];

const refusal = (body: Answer) => `${esc(body.message ?? '出错了')}${body.details && body.details.length > 1 ? problemsTable(body.details) : ''}`;
const day = (iso: string) => iso.slice(0, 10);

function rowHtml(d: Doc, publicTypes: Set<string>, statement: string): string {
  const open = d.fileUrl ? `<button type="button" class="secondary" data-open="${d.id}">查看<span class="visually-hidden">《${esc(d.title)}》</span></button><span data-opened="${d.id}"></span>` : '';
  const pub = d.shown && d.publicUrl ? `<br><a href="${esc(d.publicUrl)}" target="_blank" rel="noopener">公开地址</a>` : '';
  let actions = '';
  if (role === 'county' && !d.removedAt) {
    const typePublic = publicTypes.has(d.type);
    actions = `<td>
      <label class="pd-check"><input type="checkbox" data-reviewed="${d.id}"${d.reviewed ? ' checked' : ''} /> ${esc(statement)}<span class="visually-hidden">（《${esc(d.title)}》）</span></label>
      <label class="pd-check"><input type="checkbox" data-public="${d.id}"${d.isPublic && typePublic ? ' checked' : ''}${typePublic ? '' : ' disabled'} /> 公开${typePublic ? '' : `（“${esc(d.typeLabel)}”不公开）`}<span class="visually-hidden">（《${esc(d.title)}》）</span></label>
      <button type="button" data-save="${d.id}">保存<span class="visually-hidden">《${esc(d.title)}》的核对和公开</span></button>
      <button type="button" class="secondary" data-remove="${d.id}">删除<span class="visually-hidden">《${esc(d.title)}》</span></button>
    </td>`;
  } else if (role === 'county') {
    actions = '<td></td>';
  }
  return `<tr data-doc="${d.id}"><td>${esc(d.typeLabel)}</td><td>${esc(d.title)}<br><small>${esc(d.contentType === 'application/pdf' ? 'PDF' : d.contentType === 'image/png' ? 'PNG' : 'JPG')}，${esc(d.sizeText)}</small></td><td>${esc(day(d.uploadedAt))}</td><td><span data-status>${esc(d.status)}</span>${pub}</td><td>${open}</td>${actions}</tr>`;
}

function render(list: Listing): void {
  current = list;
  const p = list.project;
  $('pd-title').textContent = `${p.name}（${p.code}，${p.year}年度）`;
  const missing = $('pd-missing');
  const expected = list.checklist.map((c) => c.label).join('、');
  if (list.checklist.length === 0) {
    missing.className = '';
    missing.textContent = '这个项目还没有申报，暂时不需要文件。';
  } else if (list.missingLabels.length === 0) {
    missing.className = '';
    missing.textContent = `按进度应有：${expected}。都齐了。`;
  } else {
    missing.className = 'pd-missing';
    missing.textContent = `按进度应有：${expected}。还缺：${list.missingLabels.join('、')}。`;
  }
  const publicTypes = new Set(list.types.filter((t) => t.isPublic).map((t) => t.type));
  const head = `<tr><th scope="col">类型</th><th scope="col">标题</th><th scope="col">上传</th><th scope="col">状态</th><th scope="col">文件</th>${role === 'county' ? '<th scope="col">核对和公开</th>' : ''}</tr>`;
  $('pd-list').innerHTML =
    list.documents.length === 0
      ? '<p>还没有上传文件。</p>'
      : `<div class="table-scroll" role="region" aria-label="项目档案（可左右滑动）" tabindex="0"><table><thead>${head}</thead><tbody>${list.documents.map((d) => rowHtml(d, publicTypes, list.reviewStatement)).join('')}</tbody></table></div>`;
  $('pd-upload').hidden = role === 'inspector';
  $('pd-project').hidden = false;
  renderPolicy(list.types);
}

function renderPolicy(types: PolicyType[]): void {
  const publicTypes = new Set(types.filter((t) => t.isPublic).map((t) => t.type));
  $('pd-policy')
    .querySelectorAll<HTMLInputElement>('input[name="pd-public"]')
    .forEach((box) => (box.checked = publicTypes.has(box.value)));
}

const code = () => $<HTMLInputElement>('pd-code').value.trim();

async function load(quiet = false): Promise<void> {
  if (!code()) return;
  if (!quiet) show($('pd-status'), '正在读取……');
  const { status, body } = await staffApi<Answer>(`/projects/${encodeURIComponent(code())}/documents`);
  if (status !== 200) {
    $('pd-project').hidden = true;
    return show($('pd-status'), refusal(body), true);
  }
  $('pd-status').innerHTML = '';
  render(body as unknown as Listing);
}

async function upload(event: Event): Promise<void> {
  event.preventDefault();
  const out = $('pd-result');
  const file = $<HTMLInputElement>('pd-file').files?.[0];
  if (!current || !file) return show(out, '请选择文件。', true);
  const form = new FormData();
  form.set('type', $<HTMLSelectElement>('pd-type').value);
  form.set('title', $<HTMLInputElement>('pd-doc-title').value);
  form.set('file', file);
  show(out, '正在上传……');
  const { status, body } = await staffApi<Answer>(`/projects/${encodeURIComponent(current.project.code)}/documents`, { method: 'POST', body: form });
  if (status !== 201) return show(out, refusal(body), true);
  const doc = body.document as Doc;
  $<HTMLFormElement>('pd-upload').reset();
  show(out, `已上传《${esc(doc.title)}》（${esc(doc.typeLabel)}，${esc(doc.sizeText)}）。状态：${esc(doc.status)}。`);
  await load(true);
}

async function openFile(id: number): Promise<void> {
  const doc = current?.documents.find((d) => d.id === id);
  const slot = document.querySelector<HTMLElement>(`[data-opened="${id}"]`);
  if (!doc?.fileUrl || !slot) return;
  slot.textContent = ' 正在读取……';
  const res = await staffFetch(doc.fileUrl.replace(/^\/api\/v1/, ''));
  if (!res || !res.ok) {
    const body = res ? ((await res.json().catch(() => ({ message: `服务器返回 ${res.status}` }))) as Answer) : { message: NO_ANSWER };
    slot.textContent = ` ${body.message ?? ''}`;
    return;
  }
  const url = URL.createObjectURL(await res.blob());
  blobUrls.push(url);
  slot.innerHTML = ` <a href="${url}" target="_blank" rel="noopener">打开《${esc(doc.title)}》</a>`;
}

async function saveReview(id: number): Promise<void> {
  if (!current) return;
  const reviewed = document.querySelector<HTMLInputElement>(`[data-reviewed="${id}"]`)?.checked ?? false;
  const isPublic = document.querySelector<HTMLInputElement>(`[data-public="${id}"]`)?.checked ?? false;
  const out = $('pd-result');
  const { status, body } = await staffApi<Answer>(`/projects/${encodeURIComponent(current.project.code)}/documents/${id}/review`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ reviewed, public: isPublic }),
  });
  if (status !== 200) return show(out, refusal(body), true);
  const doc = body.document as Doc;
  const rebuild = body.rebuild === 'scheduled' ? '公开网站正在更新，几分钟后项目页面上就能看到变化。' : '';
  show(out, `《${esc(doc.title)}》：${esc(doc.status)}。${rebuild}`);
  await load(true);
}

async function remove(id: number): Promise<void> {
  const doc = current?.documents.find((d) => d.id === id);
  if (!current || !doc) return;
  if (!confirm(`删除《${doc.title}》？删除后文件内容不再保存；公开过的，原地址会显示“已撤下”。`)) return;
  const out = $('pd-result');
  const { status, body } = await staffApi<Answer>(`/projects/${encodeURIComponent(current.project.code)}/documents/${id}`, { method: 'DELETE' });
  if (status !== 200) return show(out, refusal(body), true);
  show(out, `已删除《${esc(doc.title)}》。`);
  await load(true);
}

async function savePolicy(event: Event): Promise<void> {
  event.preventDefault();
  const out = $('pd-policy-result');
  const chosen = Array.from($('pd-policy').querySelectorAll<HTMLInputElement>('input[name="pd-public"]:checked')).map((b) => b.value);
  const { status, body } = await staffApi<Answer>('/county/document-types', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ public: chosen }) });
  if (status !== 200) return show(out, refusal(body), true);
  const types = body.types as PolicyType[];
  renderPolicy(types);
  const labels = types.filter((t) => t.isPublic).map((t) => t.label);
  show(out, `已保存。公开的类型：${labels.length > 0 ? esc(labels.join('、')) : '无'}。${body.rebuild === 'scheduled' ? '公开网站正在更新。' : ''}`);
  if (current) await load(true);
}

/** The project codes in scope, offered as the code box's suggestions. */
async function loadCodes(): Promise<void> {
  const { status, body } = await staffApi<Answer>('/projects?limit=1000');
  if (status !== 200) return;
  const projects = body.projects as Array<{ code: string; name: string; villageName: string; year: number }>;
  $('pd-codes').innerHTML = projects.map((p) => `<option value="${esc(p.code)}">${esc(p.year)} ${esc(p.villageName)} ${esc(p.name)}</option>`).join('');
}

async function loadPolicy(): Promise<void> {
  const { status, body } = await staffApi<Answer>('/county/document-types');
  if (status === 200) renderPolicy(body.types as PolicyType[]);
}

document.addEventListener('staff-signed-in', (e) => {
  role = (e as CustomEvent<{ role: string }>).detail.role;
  current = null;
  $('pd-project').hidden = true;
  $('pd-status').innerHTML = '';
  void loadCodes();
  if (role === 'county') void loadPolicy();
});

$('pd-load').addEventListener('submit', (e) => {
  e.preventDefault();
  $('pd-result').innerHTML = '';
  void load();
});
$('pd-upload').addEventListener('submit', (e) => void upload(e));
$('pd-policy').addEventListener('submit', (e) => void savePolicy(e));
$('pd-list').addEventListener('click', (e) => {
  const button = (e.target as HTMLElement).closest<HTMLButtonElement>('button');
  if (!button) return;
  if (button.dataset.open) void openFile(Number(button.dataset.open));
  else if (button.dataset.save) void saveReview(Number(button.dataset.save));
  else if (button.dataset.remove) void remove(Number(button.dataset.remove));
});
