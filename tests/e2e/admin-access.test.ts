/**
 * The staff page /admin/ signed in with a Cloudflare Access identity alone, in Chromium. The shared
 * e2e server has no Access team, so this file starts a second Node server on the run's built site
 * and database, configured with a made-up team whose keys (a locally generated RSA key) a local
 * HTTP server serves at /cdn-cgi/access/certs. The test plays Access's part: it adds
 * `Cf-Access-Jwt-Assertion` to every request the page sends to that server. Nothing here has been
 * tried against a real Cloudflare Access team.
 *
 * The upload goes into 2024 in a village without 2024 projects (the first such, where
 * admin-page.test.ts takes the last), with a code in the middle of the year's range, and is never
 * approved, so it changes nothing other e2e files see (see admin-page.test.ts).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../db/client.ts';
import { createMemoryLogger } from '../../functions/logger.ts';
import { startNodeServer, type RunningServer } from '../../functions/node-server.ts';
import { loadConfig } from '../../src/config.ts';
import { grantAccess, mintToken } from '../../src/data/users.ts';
import { axeViolations, hasHorizontalScroll, launchBrowser, newPhoneContext } from './browser.ts';
import { E2E_TILE_URL } from './global-setup.ts';

const siteDir = inject('siteDir');
const databaseUrl = inject('databaseUrl');

const TEAM = 'https://e2e-team.cloudflareaccess.com';
const AUD = 'e2e0access0audience0tag0for0the0staff0page0test0000000000000000';
const RS256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
const KID = 'e2e-key-1';
const YEAR = 2024;
/** A page on another site (fulfilled by the test; the name cannot resolve). */
const EVIL = 'http://evil.e2e.invalid';

const b64url = (bytes: ArrayBuffer | Uint8Array) => Buffer.from(bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes).toString('base64url');
const jsonPart = (value: unknown) => b64url(new TextEncoder().encode(JSON.stringify(value)));

describe('the staff page /admin/ behind Cloudflare Access, signed in with the Access identity alone', () => {
  let keys: CryptoKeyPair;
  let jwksServer: Server;
  let access: RunningServer;
  let accessBase: string;
  let opened: OpenDatabase;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let grant: { userId: number; name: string; scopeCode: string; scopeName: string };
  let village: { code: string; name: string };
  const grantedEmail = `e2e.access.${process.pid}@example.gov.cn`;
  const projectCode = `CN2024-0100-H${process.pid}`;
  /** Per request the page sent to the Access server: method, path and whether it had a bearer token. */
  let sent: Array<{ method: string; path: string; bearer: boolean }> = [];
  const logger = createMemoryLogger();
  /** What the Access server's cross-site warnings named, since the last test. */
  const refusals = () => logger.entries.filter((e) => e.message.startsWith('cross-site request')).map((e) => e.fields.signal);

  /** What Access would add for `email`: an RS256 assertion for the team and application. */
  async function assertionFor(email: string): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const signing = `${jsonPart({ alg: 'RS256', kid: KID, typ: 'JWT' })}.${jsonPart({ aud: [AUD], email, exp: now + 600, iat: now, nbf: now, iss: TEAM, type: 'app', sub: crypto.randomUUID() })}`;
    return `${signing}.${b64url(await crypto.subtle.sign(RS256, keys.privateKey, new TextEncoder().encode(signing)))}`;
  }

  /**
   * A phone-sized page whose requests to the Access server carry the assertion for `email` (none
   * when null), as Access would add it; `EVIL` answers with `evilHtml`.
   */
  async function openPage(email: string | null, evilHtml = ''): Promise<Page> {
    ({ context } = await newPhoneContext(browser, accessBase));
    const assertion = email ? await assertionFor(email) : null;
    const origin = new URL(accessBase).origin;
    // Registered after newPhoneContext's: runs first, and hands everything else back to it.
    await context.route('**/*', async (route) => {
      const request = route.request();
      const url = request.url();
      if (url.startsWith(EVIL)) return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: evilHtml });
      if (!url.startsWith(origin)) return route.fallback();
      const headers = await request.allHeaders();
      const path = new URL(url).pathname;
      if (path.startsWith('/api/')) sent.push({ method: request.method(), path, bearer: /^Bearer /i.test(headers.authorization ?? '') });
      return route.continue({ headers: assertion ? { ...headers, 'cf-access-jwt-assertion': assertion } : headers });
    });
    return context.newPage();
  }

  /** Opens /admin/ and waits until its sign-in check (GET /api/v1/me) has answered and been shown. */
  async function openAdmin(page: Page): Promise<void> {
    expect((await page.goto(`${accessBase}/admin/`))?.status()).toBe(200);
    await page.locator('#login-box[aria-busy="false"]').waitFor({ state: 'attached' });
  }

  const region = (page: Page, name: string) => page.getByRole('region', { name, exact: true });

  beforeAll(async () => {
    const pair = await crypto.subtle.generateKey({ ...RS256, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }, true, ['sign', 'verify']);
    keys = pair as CryptoKeyPair;
    const publicJwk = await crypto.subtle.exportKey('jwk', keys.publicKey);
    const jwks = JSON.stringify({ keys: [{ kty: 'RSA', n: publicJwk.n, e: publicJwk.e, alg: 'RS256', use: 'sig', kid: KID }] });
    jwksServer = createServer((req, res) => {
      if (req.url === '/cdn-cgi/access/certs') res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
      else res.writeHead(404).end();
    });
    await new Promise<void>((done) => jwksServer.listen(0, '127.0.0.1', done));
    const jwksOrigin = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}`;

    opened = await openDatabase({ url: databaseUrl });
    const [v] = await opened.db.all<{ code: string; name: string; parent_code: string }>(
      sql`select v.code, v.name, v.parent_code from divisions v
          where v.level = 'village' and v.code like '430482%'
            and not exists (select 1 from projects p where p.village_code = v.code and p.year = ${YEAR})
          order by v.code limit 1`,
    );
    village = { code: v!.code, name: v!.name };
    const granted = await grantAccess(opened.db, { email: grantedEmail, role: 'township', scopeCode: v!.parent_code, name: `e2e Access 乡${process.pid}`, at: new Date().toISOString(), by: 'e2e' });
    grant = { userId: granted.userId, name: granted.name, scopeCode: granted.scopeCode, scopeName: granted.scopeName };

    // ACCESS_TEAM_DOMAIN must be https; the team's key requests are sent to the local server instead.
    const config = loadConfig({ DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1', SITE_DIR: siteDir, OSM_TILE_URL: E2E_TILE_URL, ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD });
    access = await startNodeServer({
      db: opened.db,
      config,
      logger,
      siteDir: () => siteDir,
      fetch: (input, init) => fetch(String(input instanceof Request ? input.url : input).replace(TEAM, jwksOrigin), init),
    });
    accessBase = `http://127.0.0.1:${access.port}`;
    browser = await launchBrowser();
  });
  afterEach(async () => {
    await context?.close();
    context = undefined;
    sent = [];
    logger.entries.length = 0;
  });
  afterAll(async () => {
    await browser?.close();
    await access?.close();
    await new Promise((done) => jwksServer?.close(done));
    opened?.close();
  });

  it('shows who is signed in through Access, with the Access sign-out, and uploads with no token at all', async () => {
    const page = await openPage(grantedEmail);
    await openAdmin(page);
    const me = page.locator('#me');
    await expect.poll(() => me.textContent()).toBe(`已通过 Cloudflare Access 登录：${grant.name}（乡镇审核员，${grant.scopeName} ${grant.scopeCode}）`);
    expect(await me.getAttribute('class')).toBe('status');
    const signOut = page.locator('#access-logout');
    expect(await signOut.isVisible()).toBe(true);
    expect(await signOut.getByRole('link', { name: '退出 Cloudflare Access 登录' }).getAttribute('href')).toBe('/cdn-cgi/access/logout');
    // The token's 退出 would do nothing here; the token form stays, for signing in as someone else.
    expect(await region(page, '登录').getByRole('button', { name: '退出' }).isVisible()).toBe(false);
    expect(await page.getByLabel('令牌').isVisible()).toBe(true);
    for (const name of ['上传', '待我办理']) expect(await region(page, name).isVisible(), name).toBe(true);
    expect(await region(page, '发布公示').isVisible()).toBe(false);
    expect(await axeViolations(page)).toEqual([]);
    expect(await hasHorizontalScroll(page)).toBe(false);

    const template = await (await fetch(`${accessBase}/api/v1/templates/projects.csv`)).text();
    const headers = template.replace(/^\uFEFF/, '').split(/\r?\n/)[0]!.split(',').map((h) => h.replace(/^"|"$/g, ''));
    const row: Record<string, string> = {
      项目编号: projectCode,
      年度: String(YEAR),
      村代码: village.code,
      项目类型: '美丽家园建设',
      项目名称: `e2e Access 上传${process.pid}`,
      建设内容及规模: '硬化道路0.5公里',
      实施单位: village.name,
      '中央资金(元)': '120000',
      申请日期: `${YEAR}-04-01`,
      村理财小组复核日期: `${YEAR}-04-05`,
    };
    for (const key of Object.keys(row)) expect(headers, `template has a 「${key}」 column`).toContain(key);
    const csv = `\uFEFF${headers.join(',')}\r\n${headers.map((h) => row[h] ?? '').join(',')}\r\n`;
    const form = region(page, '上传');
    await form.getByLabel('数据类型').selectOption({ label: '项目申报' });
    await form.getByLabel(/^文件/).setInputFiles({ name: '项目申报.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await form.getByRole('button', { name: '上传', exact: true }).click();
    const result = page.locator('#upload-result');
    await expect.poll(() => result.textContent(), { timeout: 30_000 }).not.toMatch(/^(正在上传和检查……)?$/);
    expect(await result.textContent()).toMatch(/^已保存：新增 1 条，更新 0 条，未变 0 条。/);

    const [written] = await opened.db.all<{ state: string; user_id: number }>(
      sql`select p.workflow_state as state, u.user_id from projects p, uploads u where p.code = ${projectCode} and u.kind = 'projects' order by u.id desc limit 1`,
    );
    expect(written).toEqual({ state: 'village_reviewed', user_id: grant.userId });
    // Every API request the page made relied on Access: none carried a token.
    expect(sent.filter((s) => s.method === 'POST').map((s) => s.path)).toEqual(['/api/v1/uploads/projects']);
    expect(sent.filter((s) => s.bearer)).toEqual([]);
    expect(refusals()).toEqual([]);
  });

  it('lets a token typed in win over the Access identity, and 退出 returns to the Access identity', async () => {
    const page = await openPage(grantedEmail);
    await openAdmin(page);
    const { token } = await mintToken(opened.db, { role: 'county', scopeCode: '430482', name: `e2e Access 县${process.pid}`, at: new Date().toISOString() });
    await page.getByLabel('令牌').fill(token);
    await region(page, '登录').getByRole('button', { name: '登录', exact: true }).click();
    const me = page.locator('#me');
    await expect.poll(() => me.textContent()).toBe(`已登录：e2e Access 县${process.pid}（县级管理员，常宁市 430482）`);
    expect(await page.locator('#access-logout').isVisible()).toBe(false);
    expect(await region(page, '发布公示').isVisible()).toBe(true);
    expect(sent.filter((s) => s.path === '/api/v1/me').map((s) => s.bearer)).toEqual([false, true]);

    const reloaded = page.waitForEvent('load');
    await region(page, '登录').getByRole('button', { name: '退出' }).click();
    await reloaded;
    await page.locator('#login-box[aria-busy="false"]').waitFor({ state: 'attached' });
    expect(await me.textContent()).toMatch(/^已通过 Cloudflare Access 登录：/);
  });

  it('says an email without a grant is not granted, and keeps the token form', async () => {
    const email = `e2e.nobody.${process.pid}@example.gov.cn`;
    const page = await openPage(email);
    await openAdmin(page);
    const me = page.locator('#me');
    await expect.poll(() => me.getAttribute('class')).toBe('status error');
    expect(await me.textContent()).toBe(`Cloudflare Access 账号 ${email} 还没有开通本系统的权限。请联系县移民事务中心为这个邮箱开通。`);
    expect(await page.locator('#access-switch').isVisible()).toBe(true);
    expect(await page.locator('#access-logout').isVisible()).toBe(false);
    expect(await page.getByLabel('令牌').isVisible()).toBe(true);
    expect(await region(page, '上传').isVisible()).toBe(false);
    expect(await hasHorizontalScroll(page)).toBe(false);
  });

  it('shows just the token form without Access', async () => {
    const page = await openPage(null);
    await openAdmin(page);
    expect(await page.locator('#me').isVisible()).toBe(false);
    expect(await page.locator('#access-logout').isVisible()).toBe(false);
    expect(await page.locator('#access-switch').isVisible()).toBe(false);
    expect(await page.getByLabel('令牌').isVisible()).toBe(true);
    expect(await region(page, '上传').isVisible()).toBe(false);
  });

  it('refuses a form another site posts through a signed-in browser (CSRF), as Chromium really sends it', async () => {
    // A text/plain form whose body is JSON: `{"rows":[],"x":"="}`.
    const evil = `<!doctype html><html lang="en"><title>x</title><form method="post" enctype="text/plain" action="${accessBase}/api/v1/uploads/projects">` +
      `<input type="hidden" name='{"rows":[],"x":"' value='"}'></form><script>document.forms[0].submit()</script></html>`;
    const page = await openPage(grantedEmail, evil);
    const answer = page.waitForResponse((r) => r.url().startsWith(`${accessBase}/api/v1/uploads/`));
    await page.goto(`${EVIL}/`);
    const res = await answer;
    expect(await res.request().headerValue('origin')).toBe(EVIL);
    expect(res.status()).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'CROSS_SITE_REQUEST' });
    // Chromium adds Sec-Fetch-Site below what Playwright shows; the server's warning names it.
    expect(refusals()).toEqual(['Sec-Fetch-Site: cross-site']);
  });
});
