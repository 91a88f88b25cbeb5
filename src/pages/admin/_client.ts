/**
 * The staff page's script. Signed in with a token (kept in sessionStorage) or, without one, with
 * the Cloudflare Access identity that Access adds to every request (src/components/staff-api.ts).
 */
import { NO_ANSWER, staffApi, staffFetch, storedToken, TOKEN_KEY } from '../../components/staff-api.ts';
import { esc, problemsTable, show, type Problem } from '../../components/staff-html.ts';
import { shanghaiDate } from '../../domain/shared/dates.ts';

interface ApiAnswer { code?: string; message?: string; details?: Problem[]; [k: string]: unknown }

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const api = (path: string, init: RequestInit = {}) => staffApi<ApiAnswer>(path, init);

let signInSerial = 0;

/**
 * Asks the API who the page is signed in as and shows what that person may do. With a token, as
 * the token's user. Without one, as the Cloudflare Access identity, if any: a plain 401
 * (`UNAUTHENTICATED`: no Access in front, or Access not configured) or no answer (Access sent its
 * login page) leaves just the token form; any other refusal (e.g. 403 `ACCESS_NOT_GRANTED`) is
 * shown, since the staff member is behind Access and needs to know why it did not work.
 */
async function signIn(): Promise<void> {
  const me = $('me');
  const viaAccess = storedToken() === null;
  // The check on page load may answer after a token typed in the meantime; only the latest counts.
  const serial = ++signInSerial;
  const box = $('login-box');
  box.setAttribute('aria-busy', 'true');
  const { status, body } = await api('/me');
  if (serial !== signInSerial) return;
  box.setAttribute('aria-busy', 'false');
  document.querySelectorAll<HTMLElement>('[data-needs-login],[data-needs-role],[data-needs-audit],#setup-box,#public-address').forEach((el) => (el.hidden = true));
  $('logout').hidden = viaAccess;
  $('access-logout').hidden = !(viaAccess && status === 200);
  $('access-switch').hidden = !(viaAccess && body.code === 'ACCESS_NOT_GRANTED');
  if (status !== 200) {
    const quiet = viaAccess && (status === 0 || body.code === 'UNAUTHENTICATED');
    me.hidden = quiet;
    // Quiet is not an error: nobody tried to sign in yet (and a test waiting for the error class
    // of a refused token must not see it before that answer comes).
    me.className = quiet ? 'status' : 'status error';
    me.textContent = quiet ? '' : (body.message ?? '登录失败');
    return;
  }
  me.hidden = false;
  me.className = 'status';
  me.textContent = `${viaAccess ? '已通过 Cloudflare Access 登录' : '已登录'}：${body.name}（${body.roleLabel}，${body.scopeName} ${body.scopeCode}）`;
  const address = body.publicAddress as { url: string; reachable: boolean } | undefined;
  const site = $('public-address');
  site.hidden = !address;
  site.className = address?.reachable === false ? 'status error' : 'status';
  site.textContent = !address
    ? ''
    : address.reachable
      ? `海报二维码指向：${address.url}`
      : `海报二维码指向本机地址 ${address.url}，别人手机上打不开：海报会印“样张（地址未设置，勿张贴）”。请管理员把 SITE_URL 设为公众能打开的网址后重启。`;
  document.querySelectorAll<HTMLElement>('[data-needs-login]').forEach((el) => (el.hidden = false));
  document.querySelectorAll<HTMLElement>('[data-needs-role]').forEach((el) => (el.hidden = el.dataset.needsRole !== body.role));
  document.querySelectorAll<HTMLElement>('[data-needs-audit]').forEach((el) => (el.hidden = body.canReadAudit !== true));
  const kind = $<HTMLSelectElement>('kind');
  const allowed = new Set(body.uploads as string[]);
  for (const option of Array.from(kind.options)) option.disabled = !allowed.has(option.value);
  // The office's year is the year in China, whatever the time zone of the browser.
  $<HTMLInputElement>('year').value = shanghaiDate(new Date()).slice(0, 4);
  // Other parts of the page (e.g. 本县设置) load what the signed-in role may see.
  document.dispatchEvent(new CustomEvent('staff-signed-in', { detail: { role: body.role, scopeCode: body.scopeCode } }));
  await Promise.all([loadQueue(), loadDraftVillages()]);
}

/** The villages in scope, for the 草稿预览 form. */
async function loadDraftVillages(): Promise<void> {
  const select = $<HTMLSelectElement>('draft-village');
  const { status, body } = await api('/divisions');
  if (status !== 200) return;
  const villages = (body.divisions as Array<{ code: string; name: string; level: string }>).filter((d) => d.level === 'village');
  select.innerHTML = villages.map((v) => `<option value="${esc(v.code)}">${esc(v.name)}（${esc(v.code)}）</option>`).join('');
}

let draftUrl: string | null = null;

/**
 * Fetches a 草稿 poster as the signed-in staff member (an <a href> could not send a token: tokens
 * are not cookies) and shows it from a blob URL: a link that opens the PDF, or the PNG page in place.
 */
async function showDraft(format: 'pdf' | 'png', page = 1): Promise<void> {
  const out = $('draft-result');
  const code = $<HTMLSelectElement>('draft-village').value;
  if (!code) return show(out, '请先选择村。', true);
  const query = new URLSearchParams();
  const year = $<HTMLInputElement>('draft-year').value.trim();
  if (year) query.set('year', year);
  if (format === 'pdf') query.set('paper', $<HTMLSelectElement>('draft-paper').value);
  else query.set('page', String(page));
  show(out, '正在生成草稿海报，大约需要几秒……');
  const res = await staffFetch(`/villages/${encodeURIComponent(code)}/draft-poster.${format}?${query}`);
  if (!res) return show(out, esc(NO_ANSWER), true);
  if (!res.ok) {
    const body = (await res.json().catch(() => ({ message: `服务器返回 ${res.status}` }))) as ApiAnswer;
    return show(out, esc(body.message), true);
  }
  if (draftUrl) URL.revokeObjectURL(draftUrl);
  draftUrl = URL.createObjectURL(await res.blob());
  const name = decodeURIComponent(/filename\*=UTF-8''([^;]+)/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `草稿.${format}`);
  const pages = Number(res.headers.get('x-poster-pages') ?? '1');
  const download = `<a href="${draftUrl}" download="${esc(name)}" data-draft-download>下载（${esc(name)}）</a>`;
  if (format === 'pdf') return show(out, `草稿已生成，共 ${pages} 页：<a href="${draftUrl}" target="_blank" rel="noopener" data-draft-open>打开草稿 PDF</a>\u3000${download}`);
  const nav = pages > 1
    ? Array.from({ length: pages }, (_, i) => `<button type="button" class="secondary" data-draft-page="${i + 1}"${i + 1 === page ? ' aria-current="page"' : ''}>第 ${i + 1} 页</button>`).join('')
    : '';
  show(out, `草稿第 ${page} 页，共 ${pages} 页：${download}${nav ? `<br>${nav}` : ''}<img src="${draftUrl}" alt="草稿海报第 ${page} 页" />`);
}

async function loadQueue(): Promise<void> {
  const box = $('queue');
  const { status, body } = await api('/workflow/queue');
  if (status !== 200) return show(box, esc(body.message), true);
  const projects = body.projects as Array<{ code: string; name: string; villageName: string; budgetFen: number; workflowState: string; nextAction: string }>;
  if (projects.length === 0) return show(box, '没有待办事项。');
  const label: Record<string, string> = { village_review: '复核通过', township_review: '审核通过', county_approve: '审批通过', resubmit: '重新提交' };
  box.innerHTML = `<table><thead><tr><th scope="col">编号</th><th scope="col">项目</th><th scope="col">村</th><th scope="col">预算（元）</th><th scope="col">办理</th></tr></thead><tbody>${projects
    .map(
      (p) => `<tr><td>${esc(p.code)}</td><td>${esc(p.name)}</td><td>${esc(p.villageName)}</td><td class="num">${(p.budgetFen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2 })}</td>
      <td><button type="button" data-code="${esc(p.code)}" data-action="${esc(p.nextAction)}">${esc(label[p.nextAction] ?? p.nextAction)}</button>${p.nextAction === 'resubmit' ? '' : `<button type="button" class="secondary" data-code="${esc(p.code)}" data-action="return">退回修改</button>`}</td></tr>`,
    )
    .join('')}</tbody></table>`;
}

export function startAdmin(): void {
  $('login').addEventListener('submit', (e) => {
    e.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $<HTMLInputElement>('token').value.trim());
    $<HTMLInputElement>('token').value = '';
    void signIn();
  });
  // Forgets the token; the page then signs in again as the Access identity, if there is one.
  $('logout').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    location.reload();
  });
  $('upload').addEventListener('submit', async (e) => {
    e.preventDefault();
    const out = $('upload-result');
    const file = $<HTMLInputElement>('file').files?.[0];
    if (!file) return;
    show(out, '正在上传和检查……');
    const dry = $<HTMLInputElement>('dry').checked;
    const { status, body } = await api(`/uploads/${$<HTMLSelectElement>('kind').value}${dry ? '?dryRun=true' : ''}`, { method: 'POST', body: file });
    if (status === 200) {
      const verb = body.status === 'dry_run' ? '检查通过（未保存）' : body.status === 'replayed' ? '这个文件之前已上传过，本次没有重复写入' : '已保存';
      show(out, `${verb}：新增 ${body.created} 条，更新 ${body.updated} 条，未变 ${body.unchanged} 条。${(body.warnings as Problem[]).length ? problemsTable(body.warnings as Problem[]) : ''}`);
      void loadQueue();
    } else {
      show(out, `${esc(body.message)}${body.details ? problemsTable(body.details) : ''}`, true);
    }
  });
  $('queue').addEventListener('click', async (e) => {
    const button = (e.target as HTMLElement).closest('button');
    if (!button?.dataset.code) return;
    let comment: string | null = null;
    if (button.dataset.action === 'return') {
      comment = prompt('请填写退回原因：');
      if (!comment) return;
    }
    const { status, body } = await api(`/projects/${encodeURIComponent(button.dataset.code)}/transitions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: button.dataset.action, ...(comment ? { comment } : {}) }),
    });
    if (status !== 200) alert(body.message);
    void loadQueue();
  });
  $('reload-queue').addEventListener('click', () => void loadQueue());
  $('draft').addEventListener('submit', (e) => {
    e.preventDefault();
    const format = (e as SubmitEvent).submitter?.dataset.format === 'png' ? 'png' : 'pdf';
    void showDraft(format);
  });
  $('draft-result').addEventListener('click', (e) => {
    const page = (e.target as HTMLElement).closest<HTMLElement>('[data-draft-page]')?.dataset.draftPage;
    if (page) void showDraft('png', Number(page));
  });
  $('publish').addEventListener('submit', async (e) => {
    e.preventDefault();
    const out = $('publish-result');
    const reason = $<HTMLTextAreaElement>('reason').value.trim();
    const { status, body } = await api('/publish', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ year: Number($<HTMLInputElement>('year').value), ...(reason ? { correctionReason: reason } : {}) }),
    });
    if (status === 200) {
      const site =
        body.rebuild === 'scheduled' ? '网站正在更新，几分钟内可以看到。' : body.rebuild === 'not_needed' ? '内容没有变化，网站不用更新。' : '本服务器没有设置自动更新网站，请联系管理员更新网站后公众才能看到。';
      show(out, `已发布 ${body.createdCount} 份公示（${body.unchangedCount} 份没有变化）。公示期 ${body.periodStart} 至 ${body.periodEnd}。${site}`);
    }
    else show(out, `${esc(body.message)}${body.details ? problemsTable(body.details) : ''}`, true);
  });
  $('verify').addEventListener('click', async () => {
    const { body } = await api('/audit/verify');
    show($('audit-result'), esc(body.message), body.ok !== true);
  });
  // Always: with a stored token as its user, else as the Access identity, if Access sent one.
  void signIn();
}
