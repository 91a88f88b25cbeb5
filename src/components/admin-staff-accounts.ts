/**
 * Script of AdminStaffAccounts.astro: lists, opens and stops (停用) staff accounts over
 * /api/v1/staff-accounts as the signed-in county user. A new token is put in the page once and
 * nowhere else: not in sessionStorage or localStorage, not in a form field the browser might
 * remember; closing the box, signing in again or leaving the page forgets it.
 */
import { shanghaiDate } from '../domain/shared/dates.ts';
import { staffApi } from './staff-api.ts';
import { esc, problemsTable, show, type Problem } from './staff-html.ts';

interface Answer { code?: string; message?: string; details?: Problem[]; [k: string]: unknown }
interface Division { code: string; name: string; level: 'county' | 'township' | 'village'; parentCode: string | null }
interface Account {
  id: number;
  name: string;
  label: string;
  roleLabel: string;
  scopeCode: string;
  scopeName: string;
  kind: 'token' | 'access';
  createdAt: string;
  revokedAt: string | null;
  current: boolean;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const api = (path: string, init: RequestInit = {}) => staffApi<Answer>(path, init);
const refusal = (body: Answer) => `${esc(body.message)}${body.details ? problemsTable(body.details) : ''}`;
const day = (iso: string) => shanghaiDate(new Date(iso));

let divisions: Division[] | null = null;
/** Accounts by id, for the 停用 question. */
const shown = new Map<number, Account>();

/** The divisions the chosen role may be given, in the 管理范围 select (villages grouped by township). */
function fillScopes(): void {
  const select = $<HTMLSelectElement>('sa-scope');
  const role = $<HTMLSelectElement>('sa-role');
  const level = role.selectedOptions[0]?.dataset.level;
  const list = (divisions ?? []).filter((d) => d.level === level);
  const option = (d: Division) => `<option value="${esc(d.code)}">${esc(d.name)}（${esc(d.code)}）</option>`;
  if (level !== 'village') {
    select.innerHTML = list.map(option).join('');
    return;
  }
  const townships = new Map((divisions ?? []).filter((d) => d.level === 'township').map((t) => [t.code, t.name]));
  const groups = new Map<string, Division[]>();
  for (const v of list) groups.set(v.parentCode ?? '', [...(groups.get(v.parentCode ?? '') ?? []), v]);
  select.innerHTML = Array.from(groups, ([parent, villages]) => `<optgroup label="${esc(townships.get(parent) ?? parent)}">${villages.map(option).join('')}</optgroup>`).join('');
}

async function loadDivisions(): Promise<void> {
  const { status, body } = await api('/divisions');
  if (status !== 200) return show($('staff-result'), refusal(body), true);
  divisions = body.divisions as Division[];
  fillScopes();
}

function accountRow(a: Account): string {
  const name = a.kind === 'access' ? `${esc(a.name)}<br><small>Cloudflare Access：${esc(a.label.replace(/^access:/, ''))}</small>` : esc(a.name);
  const state = a.revokedAt ? `已停用（${day(a.revokedAt)}）` : '有效';
  const action = a.revokedAt
    ? ''
    : a.current
      ? '您正在用'
      : `<button type="button" data-revoke="${a.id}" aria-label="停用 ${esc(a.name)}">停用</button>`;
  return `<tr><td>${name}</td><td>${esc(a.roleLabel)}</td><td>${esc(a.scopeName)}（${esc(a.scopeCode)}）</td><td>${day(a.createdAt)}</td><td${a.revokedAt ? ' class="state-revoked"' : ''}>${state}</td><td>${action}</td></tr>`;
}

async function loadAccounts(): Promise<void> {
  const box = $('staff-list');
  const { status, body } = await api('/staff-accounts');
  if (status !== 200) return show(box, refusal(body), true);
  const accounts = body.accounts as Account[];
  shown.clear();
  for (const a of accounts) shown.set(a.id, a);
  // Active ones first (newest first within each), then the stopped ones.
  const ordered = [...accounts.filter((a) => !a.revokedAt), ...accounts.filter((a) => a.revokedAt)];
  box.innerHTML = `<div class="table-scroll" role="region" aria-labelledby="staff-list-h" tabindex="0"><table><thead><tr><th scope="col">姓名/标签</th><th scope="col">角色</th><th scope="col">管理范围</th><th scope="col">开通日期</th><th scope="col">状态</th><th scope="col">操作</th></tr></thead><tbody>${ordered
    .map(accountRow)
    .join('')}</tbody></table></div>`;
}

function forgetToken(): void {
  $('staff-token').hidden = true;
  $('staff-token-text').textContent = '';
  $('staff-token-who').textContent = '';
  $('staff-token-copied').textContent = '';
}

async function create(e: Event): Promise<void> {
  e.preventDefault();
  forgetToken();
  const out = $('staff-result');
  const body = { role: $<HTMLSelectElement>('sa-role').value, scopeCode: $<HTMLSelectElement>('sa-scope').value, name: $<HTMLInputElement>('sa-name').value };
  show(out, '正在开通……');
  const res = await api('/staff-accounts', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 201) return show(out, refusal(res.body), true);
  const made = res.body as { token: string; name: string; roleLabel: string; scopeName: string; scopeCode: string };
  show(out, `已开通：${esc(made.name)}（${esc(made.roleLabel)}，${esc(made.scopeName)}）。令牌在下面，只显示这一次。`);
  $('staff-token-who').textContent = `${made.name}（${made.roleLabel}，${made.scopeName} ${made.scopeCode}）的令牌：`;
  $('staff-token-text').textContent = made.token;
  $('staff-token').hidden = false;
  $('staff-token-h').focus();
  $<HTMLInputElement>('sa-name').value = '';
  await loadAccounts();
}

async function copyToken(): Promise<void> {
  const text = $('staff-token-text');
  const said = $('staff-token-copied');
  try {
    await navigator.clipboard.writeText(text.textContent ?? '');
    said.textContent = '已复制。';
  } catch {
    // No clipboard access (an old browser, or not allowed): select it for 复制 by hand.
    getSelection()?.selectAllChildren(text);
    said.textContent = '没能自动复制：令牌已选中，请按 Ctrl+C（手机上长按）复制。';
  }
}

async function revoke(id: number): Promise<void> {
  const a = shown.get(id);
  if (!a || !confirm(`停用“${a.name}”（${a.roleLabel}，${a.scopeName}）的账号？停用后它的令牌立即失效，不能恢复；要再用得重新开通。`)) return;
  const out = $('staff-list-result');
  const { status, body } = await api(`/staff-accounts/${id}/revoke`, { method: 'POST' });
  if (status !== 200) show(out, refusal(body), true);
  else show(out, `已停用“${esc(a.name)}”的账号，它的令牌已经不能再用。`);
  await loadAccounts();
}

document.addEventListener('staff-signed-in', (e) => {
  // Whoever signs in now, a token shown to the one before is not shown again.
  forgetToken();
  $('staff-result').innerHTML = '';
  $('staff-list-result').innerHTML = '';
  if ((e as CustomEvent<{ role: string }>).detail.role !== 'county') return;
  void loadDivisions();
  void loadAccounts();
});
$('sa-role').addEventListener('change', fillScopes);
$('staff-form').addEventListener('submit', (e) => void create(e));
$('staff-token-copy').addEventListener('click', () => void copyToken());
$('staff-token-done').addEventListener('click', () => {
  forgetToken();
  $('sa-name').focus();
});
$('staff-reload').addEventListener('click', () => void loadAccounts());
$('staff-list').addEventListener('click', (e) => {
  const id = (e.target as HTMLElement).closest<HTMLElement>('[data-revoke]')?.dataset.revoke;
  if (id) void revoke(Number(id));
});
