/** Script of AdminLedgerBooks.astro: downloads the 台账 XLSX as the signed-in staff member. */
import { isWithinOneCounty } from '../domain/access/access.ts';
import { shanghaiDate } from '../domain/shared/dates.ts';
import { NO_ANSWER, staffApi, staffFetch } from './staff-api.ts';
import { esc, problemsTable, show, type Problem } from './staff-html.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

let fileUrl: string | null = null;

/** The townships the signed-in role may choose: 全县 and every township, or just its own. */
async function loadTownships(role: string): Promise<void> {
  const select = $<HTMLSelectElement>('ledger-township');
  const { status, body } = await staffApi<{ divisions?: Array<{ code: string; name: string; level: string }> }>('/divisions');
  if (status !== 200 || !body.divisions) return;
  const townships = body.divisions.filter((d) => d.level === 'township');
  const options = townships.map((t) => `<option value="${esc(t.code)}">${esc(t.name)}（${esc(t.code)}）</option>`).join('');
  select.innerHTML = role === 'township' ? options : `<option value="">全县</option>${options}`;
  select.disabled = role === 'township';
}

async function download(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const out = $('ledger-result');
  const year = $<HTMLInputElement>('ledger-year').value.trim();
  const query = new URLSearchParams({ asOf: $<HTMLInputElement>('ledger-asof').value });
  const township = $<HTMLSelectElement>('ledger-township').value;
  if (township) query.set('township', township);
  show(out, '正在生成台账……');
  const res = await staffFetch(`/ledger-books/${encodeURIComponent(year)}.xlsx?${query}`);
  if (!res) return show(out, esc(NO_ANSWER), true);
  if (!res.ok) {
    const body = (await res.json().catch(() => ({ message: `服务器返回 ${res.status}` }))) as { message?: string; details?: Problem[] };
    return show(out, `${esc(body.message)}${body.details ? problemsTable(body.details) : ''}`, true);
  }
  const name = decodeURIComponent(/filename\*=UTF-8''([^;]+)/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `台账-${year}.xlsx`);
  if (fileUrl) URL.revokeObjectURL(fileUrl);
  fileUrl = URL.createObjectURL(await res.blob());
  show(out, `台账已生成：<a href="${fileUrl}" download="${esc(name)}" data-ledger-download>${esc(name)}</a>（如果没有自动保存，点这个链接）`);
  out.querySelector<HTMLAnchorElement>('[data-ledger-download]')?.click();
}

document.addEventListener('staff-signed-in', (e) => {
  const { role, scopeCode } = (e as CustomEvent<{ role: string; scopeCode: string }>).detail;
  // A village account may not export, nor an inspector over a city or province (a 台账 is one
  // county's): the section the page has just shown is hidden again.
  $('ledger-box').hidden = role === 'village' || !isWithinOneCounty(scopeCode);
  if ($('ledger-box').hidden) return;
  // The office's year and day are China's, whatever the time zone of the browser.
  const today = shanghaiDate(new Date());
  $<HTMLInputElement>('ledger-year').value ||= today.slice(0, 4);
  const asOf = $<HTMLInputElement>('ledger-asof');
  asOf.max = today;
  asOf.value ||= today;
  void loadTownships(role);
});
$('ledger-form').addEventListener('submit', (e) => void download(e as SubmitEvent));
