/**
 * 项目档案 in Chromium (issue 17 part 4, "done when"): the county attaches a contract PDF to a
 * published project on the staff page; it is not public until the county ticks it reviewed and
 * public; after the rebuild the server runs itself, the project page lists it and the browser opens
 * it as a PDF. Removed, the page stops listing it after the next rebuild and its address says
 * 已撤下 (410), never 404.
 *
 * The project is 2024's second by code: the other e2e files pick 2024's first or last, and a
 * document changes nothing but its own project page.
 */
import { sql } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../db/client.ts';
import { mintToken } from '../../src/data/users.ts';
import { REVIEW_STATEMENT } from '../../src/domain/ledger/project-documents.ts';
import { contractPdf } from '../api/project-documents.case.ts';
import { axeViolations, hasHorizontalScroll, launchBrowser, newPhoneContext } from './browser.ts';

const baseUrl = inject('baseUrl');
const databaseUrl = inject('databaseUrl');
const TITLE = `村组道路硬化施工合同${process.pid}`;

describe('a contract PDF on the project page once the county marks it public, in Chromium', () => {
  let browser: Browser;
  let staff: BrowserContext;
  let page: Page;
  let opened: OpenDatabase;
  let countyToken: string;
  let code = '';
  let path = '';
  const pdf = contractPdf(`Contract ${process.pid}`);
  const dialogs: string[] = [];

  const served = async (url: string, marker: string) => {
    const res = await fetch(`${baseUrl}${url}`);
    return res.ok && (await res.text()).includes(marker);
  };
  const section = () => page.locator('#pd-section');
  const row = () => section().locator('#pd-list tbody tr').filter({ hasText: TITLE });

  beforeAll(async () => {
    browser = await launchBrowser();
    opened = await openDatabase({ url: databaseUrl });
    const [p] = await opened.db.all<{ code: string }>(sql`select code from projects where year = 2024 order by code limit 1 offset 1`);
    code = p!.code;
    countyToken = (await mintToken(opened.db, { role: 'county', scopeCode: '430482', name: `e2e 档案 县${process.pid}`, at: new Date().toISOString() })).token;
    ({ context: staff } = await newPhoneContext(browser, baseUrl));
    page = await staff.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.accept();
    });
  });
  afterAll(async () => {
    await staff?.close();
    await browser?.close();
    opened?.close();
  });

  it('the county attaches the contract on the staff page; it stays off the public site until ticked reviewed and public', async () => {
    expect((await fetch(`${baseUrl}/projects/${code}/`)).status).toBe(200);
    await page.goto(`${baseUrl}/admin/`);
    await page.getByLabel('令牌').fill(countyToken);
    await page.getByRole('region', { name: '登录', exact: true }).getByRole('button', { name: '登录', exact: true }).click();
    await expect.poll(() => page.locator('#me').textContent()).toMatch(/^已登录：/);

    await section().getByLabel('项目编号').fill(code);
    await section().getByRole('button', { name: '查看', exact: true }).click();
    await expect.poll(() => section().locator('#pd-title').textContent()).toContain(code);
    await expect(section().locator('#pd-missing').textContent()).resolves.toMatch(/^按进度应有：/);

    await section().getByLabel('类型', { exact: true }).selectOption({ label: '合同' });
    await section().getByLabel(/^标题/).fill(TITLE);
    await section().getByLabel(/^文件/).setInputFiles({ name: '施工合同.pdf', mimeType: 'application/pdf', buffer: Buffer.from(pdf) });
    await section().getByRole('button', { name: '上传', exact: true }).click();
    await expect.poll(() => section().locator('#pd-result').textContent(), { timeout: 30_000 }).toContain(`已上传《${TITLE}》`);
    await expect.poll(() => row().locator('[data-status]').textContent()).toBe('待县里核对');
    const [doc] = await opened.db.all<{ id: number; sha256: string }>(sql`select id, sha256 from project_documents where title = ${TITLE}`);
    path = `/files/projects/${code}/${doc!.id}-${doc!.sha256.slice(0, 8)}.pdf`;
    expect((await fetch(`${baseUrl}${path}`)).status).toBe(404);
    expect(await axeViolations(page, '#pd-section')).toEqual([]);

    // A label's text keeps the space after its checkbox, so these match by substring, not /^…/.
    await row().getByLabel(REVIEW_STATEMENT).check();
    expect(await row().getByLabel('公开').isChecked()).toBe(true);
    await row().getByRole('button', { name: /^保存/ }).click();
    // The save answers, then the list is read again, while the server starts its rebuild: not within poll's default second.
    await expect.poll(() => row().locator('[data-status]').textContent(), { timeout: 30_000 }).toBe('已公开');
    expect((await fetch(`${baseUrl}${path}`)).status).toBe(200);
    expect(dialogs).toEqual([]);
  });

  it('lists it on the project page after the rebuild the server runs itself, and Chromium opens it as the same PDF', async () => {
    expect(path).not.toBe('');
    await expect.poll(() => served(`/projects/${code}/`, path), { timeout: 300_000, interval: 2_000 }).toBe(true);
    const { context } = await newPhoneContext(browser, baseUrl);
    const visitor = await context.newPage();
    await visitor.goto(`${baseUrl}/projects/${code}/`);
    const docs = visitor.getByRole('region', { name: '照片和文件' });
    const link = docs.getByRole('link', { name: TITLE, exact: true });
    expect(await link.getAttribute('href')).toBe(path);
    expect((await docs.locator('li').filter({ hasText: TITLE }).textContent())?.replace(/\s+/g, '')).toMatch(/^合同：.+（PDF，1KB，\d{4}年\d{1,2}月\d{1,2}日公开）$/);
    expect(await axeViolations(visitor)).toEqual([]);
    expect(await hasHorizontalScroll(visitor)).toBe(false);
    // The bytes as the browser gets them, then the link followed: Chromium shows a PDF, no download.
    const bytes = await visitor.evaluate(async (url) => Array.from(new Uint8Array(await (await fetch(url)).arrayBuffer())), path);
    expect(Buffer.from(bytes).equals(Buffer.from(pdf))).toBe(true);
    const [response] = await Promise.all([visitor.waitForResponse((r) => r.url().endsWith(path)), link.click()]);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toBe('application/pdf');
    expect(response.headers()['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent(`${TITLE}.pdf`)}`);
    await expect.poll(() => visitor.url()).toBe(`${baseUrl}${path}`);
    await expect.poll(() => visitor.evaluate(() => document.contentType)).toBe('application/pdf');
    await context.close();
  }, 330_000);

  it('removed on the staff page: its address says 已撤下 (410) at once, and the page stops listing it after the rebuild', async () => {
    await row().getByRole('button', { name: /^删除/ }).click();
    await expect.poll(() => row().locator('[data-status]').textContent(), { timeout: 30_000 }).toBe('已删除');
    expect(dialogs).toHaveLength(1);
    const { context } = await newPhoneContext(browser, baseUrl);
    const visitor = await context.newPage();
    const gone = await visitor.goto(`${baseUrl}${path}`);
    expect(gone?.status()).toBe(410);
    await expect(visitor.locator('h1').textContent()).resolves.toBe('这份文件已撤下');
    expect(await visitor.locator('main').textContent()).toContain(`《${TITLE}》（合同）`);
    expect(await axeViolations(visitor)).toEqual([]);
    await expect.poll(() => served(`/projects/${code}/`, '暂无公开的照片和文件'), { timeout: 300_000, interval: 2_000 }).toBe(true);
    expect(await served(`/projects/${code}/`, path)).toBe(false);
    await context.close();
  }, 330_000);
});
