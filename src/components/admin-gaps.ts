/**
 * Script of AdminGaps.astro: loads /api/v1/gaps for the signed-in scope, draws the counts per
 * township (and, on demand, per village), and lists the records behind a count when it is clicked.
 */
import { shanghaiDate } from '../domain/shared/dates.ts';
import { NO_ANSWER, staffApi, staffFetch } from './staff-api.ts';
import { esc, problemsTable, show, type Problem } from './staff-html.ts';

interface Counts { code: string; name: string; counts: Record<string, number> }
interface Finding { kind: string; ref: string; villageCode: string; villageName: string; townshipCode: string; title: string; detail: string; link: string | null }
interface Report {
  options: { asOf: string; year: number };
  kinds: Array<{ key: string; label: string; rule: string; total: number }>;
  townships: Array<Counts & { villages: Counts[] }>;
  findings: Finding[];
}
interface Answer { message?: string; details?: Problem[]; [k: string]: unknown }

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const value = (id: string) => $<HTMLInputElement>(id).value.trim();
let report: Report | null = null;

function query(): string {
  const q = new URLSearchParams({ asOf: value('gaps-asof'), startDays: value('gaps-start'), paymentDays: value('gaps-pay'), answerDays: value('gaps-answer'), retainPercent: value('gaps-retain') });
  if (value('gaps-year')) q.set('year', value('gaps-year'));
  return q.toString();
}

function countCell(n: number, kind: string, scope: string, scopeName: string, label: string): string {
  if (n === 0) return '<td class="num">0</td>';
  return `<td class="num"><button type="button" class="secondary" data-kind="${esc(kind)}" data-scope="${esc(scope)}" aria-label="${esc(scopeName)}：${esc(label)} ${n} 条，列出">${n}</button></td>`;
}

function drawTable(r: Report): void {
  const head = `<tr><th scope="col">乡镇 / 村</th>${r.kinds.map((k) => `<th scope="col" title="${esc(k.rule)}">${esc(k.label)}</th>`).join('')}</tr>`;
  const rows = r.townships
    .map((t) => {
      const villages = t.villages
        .map((v) => `<tr class="village" data-township="${esc(t.code)}" hidden><th scope="row">${esc(v.name)}</th>${r.kinds.map((k) => countCell(v.counts[k.key] ?? 0, k.key, v.code, v.name, k.label)).join('')}</tr>`)
        .join('');
      const toggle = t.villages.length > 0 ? ` <button type="button" class="secondary" data-expand="${esc(t.code)}" aria-expanded="false" aria-label="展开 ${esc(t.name)} 各村">各村</button>` : '';
      return `<tr><th scope="row">${esc(t.name)}${toggle}</th>${r.kinds.map((k) => countCell(t.counts[k.key] ?? 0, k.key, t.code, t.name, k.label)).join('')}</tr>${villages}`;
    })
    .join('');
  const total = `<tr><th scope="row">合计</th>${r.kinds.map((k) => countCell(k.total, k.key, '', '全部', k.label)).join('')}</tr>`;
  const rules = `<details><summary>每一栏怎么算</summary><ul>${r.kinds.map((k) => `<li><strong>${esc(k.label)}</strong>：${esc(k.rule)}</li>`).join('')}</ul></details>`;
  $('gaps-table').innerHTML = `<div class="table-scroll" role="region" aria-label="缺漏和滞后计数（可左右滑动）" tabindex="0"><table class="gaps-counts"><thead>${head}</thead><tbody>${rows}${total}</tbody></table></div>${rules}`;
}

function listRecords(kind: string, scope: string): void {
  if (!report) return;
  const k = report.kinds.find((x) => x.key === kind);
  const found = report.findings.filter((f) => f.kind === kind && f.villageCode.startsWith(scope));
  const items = found
    .map((f) => `<tr><td>${esc(f.villageName)}</td><td>${f.link ? `<a href="${esc(f.link)}" target="_blank" rel="noopener">${esc(f.title)}</a>` : esc(f.title)}</td><td>${esc(f.ref)}</td><td>${esc(f.detail)}</td></tr>`)
    .join('');
  $('gaps-records').innerHTML = `<h3 id="gaps-records-h" tabindex="-1">${esc(k?.label ?? kind)}：${found.length} 条</h3><p>${esc(k?.rule ?? '')}</p><div class="table-scroll" role="region" aria-labelledby="gaps-records-h" tabindex="0"><table data-records="${esc(kind)}"><thead><tr><th scope="col">村</th><th scope="col">记录</th><th scope="col">编号</th><th scope="col">情况</th></tr></thead><tbody>${items}</tbody></table></div>`;
  $('gaps-records-h').focus();
}

async function load(event?: Event): Promise<void> {
  event?.preventDefault();
  show($('gaps-status'), '正在查找……');
  const { status, body } = await staffApi<Answer>(`/gaps?${query()}`);
  if (status !== 200) return show($('gaps-status'), `${esc(body.message)}${body.details ? problemsTable(body.details) : ''}`, true);
  report = body as unknown as Report;
  const total = report.kinds.reduce((s, k) => s + k.total, 0);
  show($('gaps-status'), `截至 ${esc(report.options.asOf)}，共找到 ${total} 条。`);
  $('gaps-records').innerHTML = '';
  drawTable(report);
}

async function download(): Promise<void> {
  const res = await staffFetch(`/gaps/table.xlsx?${query()}`);
  if (!res) return show($('gaps-status'), esc(NO_ANSWER), true);
  if (!res.ok) {
    const body = (await res.json().catch(() => ({ message: `服务器返回 ${res.status}` }))) as Answer;
    return show($('gaps-status'), esc(body.message), true);
  }
  const a = document.createElement('a');
  a.href = URL.createObjectURL(await res.blob());
  const name = /filename\*=UTF-8''([^;]+)/.exec(res.headers.get('content-disposition') ?? '')?.[1];
  a.download = name ? decodeURIComponent(name) : '数据缺漏和滞后.xlsx';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

document.addEventListener('staff-signed-in', () => {
  if (!value('gaps-asof')) $<HTMLInputElement>('gaps-asof').value = shanghaiDate(new Date());
  $('gaps-table').innerHTML = '';
  $('gaps-records').innerHTML = '';
  $('gaps-status').innerHTML = '';
});
$('gaps-form').addEventListener('submit', (e) => void load(e));
$('gaps-download').addEventListener('click', () => void download());
$('gaps-table').addEventListener('click', (e) => {
  const target = e.target as HTMLElement;
  const expand = target.closest<HTMLButtonElement>('[data-expand]');
  if (expand) {
    const open = expand.getAttribute('aria-expanded') !== 'true';
    expand.setAttribute('aria-expanded', String(open));
    document.querySelectorAll<HTMLElement>(`tr.village[data-township="${expand.dataset.expand}"]`).forEach((tr) => (tr.hidden = !open));
    return;
  }
  const count = target.closest<HTMLButtonElement>('[data-kind]');
  if (count) listRecords(count.dataset.kind!, count.dataset.scope!);
});
