/**
 * Every portal page type, reached by following links from / as a new user would, at 360×640 in
 * Chromium: axe reports nothing, nothing scrolls sideways, no request leaves the site.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeViolations, hasHorizontalScroll, launchBrowser, newPhoneContext } from './browser.ts';

const baseUrl = inject('baseUrl');

async function checkPage(page: Page, blocked: string[]) {
  expect(await page.title()).toMatch(/示例数据/);
  await expect(page.locator('.sample-banner').textContent()).resolves.toContain('示例数据');
  expect(await page.locator('main h1').count()).toBe(1);
  expect(await axeViolations(page)).toEqual([]);
  expect(await hasHorizontalScroll(page)).toBe(false);
  expect(blocked.filter((u) => !u.startsWith('https://tiles.e2e.invalid/'))).toEqual([]);
}

/** In the county's township table or a township's village table: the first place with projects this year. */
const withProjects = (page: Page, prefix: '/townships/' | '/villages/'): Locator =>
  page
    .locator('main table tbody tr')
    .filter({ has: page.locator(`a[href^="${prefix}"]`) })
    .filter({ has: page.locator('td:nth-child(3)', { hasNotText: /^0 个/ }) })
    .locator(`a[href^="${prefix}"]`);
const villageWithProjects = (page: Page) => withProjects(page, '/villages/');
const townshipWithProjects = (page: Page) => withProjects(page, '/townships/');

async function follow(page: Page, selector: string | Locator, urlPattern: RegExp) {
  const link = (typeof selector === 'string' ? page.locator(selector) : selector).first();
  const href = await link.getAttribute('href');
  expect(href, `a link matching ${selector}`).toMatch(urlPattern);
  await link.click();
  await page.waitForURL((u) => urlPattern.test(u.pathname + u.search));
}

describe('portal pages in Chromium at 360×640', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => browser?.close());

  it('reaches township, village, project and history pages by following links from /', async () => {
    const { context, blocked } = await newPhoneContext(browser, baseUrl);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/`);

    await follow(page, townshipWithProjects(page), /^\/townships\/\d{9}\/$/);
    await expect(page.locator('h1').textContent()).resolves.toMatch(/常宁市.+/);
    await checkPage(page, blocked);

    await follow(page, villageWithProjects(page), /^\/villages\/\d{12}\/$/);
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('公示期');
    expect(main).toMatch(/核对码：[2-9A-Z]{4}-[2-9A-Z]{4}/);
    expect(main).toMatch(/\d[\d,]*\.\d\d (万元|元)/);
    // What people come for is on the first screen of a 360×640 phone: the year's first project.
    const first = await page.locator('main .projects > li').first().boundingBox();
    expect(first, 'a first project card').not.toBeNull();
    expect(first!.y).toBeLessThan(640);
    // 历年公示 reads in lines, not one character per line: no cell of it is taller than three lines.
    const cells = await page.locator('table:has(caption:text-matches("各年度公示")) td, table:has(caption:text-matches("各年度公示")) th').evaluateAll((els) =>
      els.map((e) => {
        const cs = getComputedStyle(e);
        const line = Number.isFinite(parseFloat(cs.lineHeight)) ? parseFloat(cs.lineHeight) : parseFloat(cs.fontSize) * 1.5;
        const inner = e.getBoundingClientRect().height - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom);
        return { text: (e.textContent ?? '').trim(), lines: Math.round(inner / line) };
      }),
    );
    expect(cells.length).toBeGreaterThan(3);
    expect(cells.filter((c) => c.lines > 3)).toEqual([]);
    await checkPage(page, blocked);

    const villageUrl = page.url();
    await follow(page, 'main .project a[href^="/projects/"]', /^\/projects\/[A-Z0-9-]+\/$/);
    const project = (await page.locator('main').textContent()) ?? '';
    expect(project).toContain('项目进度');
    expect(project).toMatch(/精确位置|村部位置|暂无位置信息/);
    expect(project).toContain('有疑问或异议');
    await checkPage(page, blocked);

    await page.goto(villageUrl);
    await follow(page, 'main a[href*="/history/"]', /^\/villages\/\d{12}\/history\/\d{4}\/$/);
    await expect(page.locator('main h2').first().textContent()).resolves.toMatch(/第\d+版/);
    await checkPage(page, blocked);
    await context.close();
  });

  it('shows what changed between two versions on a history page', async () => {
    const { context, blocked } = await newPhoneContext(browser, baseUrl);
    const page = await context.newPage();
    // The 2022 disclosures were corrected once (version 2) in the sample county.
    await page.goto(`${baseUrl}/years/2022/`);
    // 最近的公示 leads to each version's own page; from there, to the year's history.
    await follow(page, 'main a[href$="/2022/v2/"]', /^\/villages\/\d{12}\/2022\/v2\/$/);
    await expect(page.locator('[data-version-state="current"]').textContent()).resolves.toContain('这是当前版本。');
    await checkPage(page, blocked);
    await follow(page, 'main a[href*="/history/2022/"]', /^\/villages\/\d{12}\/history\/2022\/$/);
    await expect(page.locator('#v2').textContent()).resolves.toContain('第2版');
    const v2 = page.locator('section:has(#v2)');
    await expect(v2.textContent()).resolves.toContain('更正原因');
    expect(await v2.locator('.diff li').count()).toBeGreaterThan(0);
    await expect(page.locator('section:has(#v1) .diff li').first().textContent()).resolves.toBe('首次公示');
    await checkPage(page, blocked);

    // Version 1's own page (where its poster's QR code leads) says it was corrected, why, and where the current one is.
    await follow(page, 'section:has(#v1) a[href$="/2022/v1/"]', /^\/villages\/\d{12}\/2022\/v1\/$/);
    const corrected = page.locator('[data-version-state="corrected"]');
    await expect(corrected.textContent()).resolves.toMatch(/已更正：这一版后来改过，现在以第2版为准。[\s\S]*第2版（.+发布）更正原因：/);
    await checkPage(page, blocked);
    await follow(page, corrected.getByRole('link', { name: '看当前的第2版' }), /^\/villages\/\d{12}\/2022\/v2\/$/);
    await expect(page.locator('[data-version-state="current"]').textContent()).resolves.toContain('这是当前版本。');
    await checkPage(page, blocked);
    await context.close();
  });

  it('links an indicator to the records behind it, e.g. the 2022 projects not started', async () => {
    const { context, blocked } = await newPhoneContext(browser, baseUrl);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/years/2022/`);
    await follow(page, '#indicator-implementationRate a', /^\/years\/2022\/indicators\/implementationRate\/$/);
    await expect(page.locator('h1').textContent()).resolves.toContain('95%');
    // 247 of 260 started: 13 not started, each linked to its project page.
    await expect(page.locator('main h2').first().textContent()).resolves.toContain('13');
    expect(await page.locator('main li a[href^="/projects/"]').count()).toBe(13);
    await checkPage(page, blocked);
    await context.close();
  });

  it.each([
    ['地图', '/map/'],
    ['搜索', '/search/'],
    ['数据下载', '/data/'],
    ['核对海报', '/verify/'],
  ])('reaches %s from the site navigation', async (label, path) => {
    const { context, blocked } = await newPhoneContext(browser, baseUrl);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/`);
    await page.getByRole('navigation', { name: '网站导航' }).getByRole('link', { name: label, exact: true }).click();
    await page.waitForURL((u) => u.pathname === path);
    await page.waitForLoadState('networkidle');
    await checkPage(page, blocked);
    await context.close();
  });

  it('remembers the 大字 mode across pages and keeps it readable', async () => {
    const { context, blocked } = await newPhoneContext(browser, baseUrl);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/`);
    await page.getByRole('button', { name: '大字' }).click();
    await expect(page.getByRole('button', { name: '大字' }).getAttribute('aria-pressed')).resolves.toBe('true');
    await follow(page, 'main a[href^="/townships/"]', /^\/townships\//);
    expect(await page.evaluate(() => document.documentElement.classList.contains('elder'))).toBe(true);
    const size = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
    expect(size).toBeGreaterThanOrEqual(18);
    await checkPage(page, blocked);
    await context.close();
  });

  it('shows village, project and history pages without JavaScript, and hides the 大字 button there', async () => {
    const { context } = await newPhoneContext(browser, baseUrl, { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/`);
    await follow(page, townshipWithProjects(page), /^\/townships\//);
    await follow(page, villageWithProjects(page), /^\/villages\//);
    expect(await page.locator('.project').count()).toBeGreaterThan(0);
    expect(await page.locator('#elder-toggle').isVisible()).toBe(false);
    await follow(page, 'main .project a[href^="/projects/"]', /^\/projects\//);
    expect(await page.locator('.timeline li').count()).toBe(8);
    await context.close();
  });
});

/**
 * One address of every kind of page a visitor can open (static or answered per request), each
 * checked with axe at 360×640 and for sideways scrolling. Addresses come from the site as built.
 */
describe('every page type in Chromium at 360×640', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => browser?.close());

  // Paths found in the static build of the same data (village, project and verification pages are
  // rendered on demand by the server, not files in its folder).
  const site = inject('staticSiteDir');
  const first = (dir: string, pattern: RegExp) => readdirSync(join(site, dir)).filter((f) => pattern.test(f)).sort()[0]!;
  // A village corrected in 2022 (version 2), so both a current and a corrected version's page exist.
  const corrected = readdirSync(join(site, 'villages')).filter((code) => existsSync(join(site, 'villages', code, '2022', 'v2', 'index.html'))).sort()[0]!;
  const project = first('projects', /^[A-Z0-9-]+$/);
  const code = readdirSync(join(site, 'verify')).filter((f) => /^[2-9A-Z]{4}-[2-9A-Z]{4}$/.test(f)).sort()[0]!;
  const pages: Array<[string, string]> = [
    ['首页', '/'],
    ['年度', '/years/2022/'],
    ['指标明细', '/years/2022/indicators/implementationRate/'],
    ['乡镇', `/townships/${first('townships', /^\d{9}$/)}/`],
    ['村', `/villages/${corrected}/`],
    ['村的年度历史', `/villages/${corrected}/history/2022/`],
    ['已更正的版本', `/villages/${corrected}/2022/v1/`],
    ['当前版本', `/villages/${corrected}/2022/v2/`],
    ['项目', `/projects/${project}/`],
    ['地图', '/map/'],
    ['搜索', '/search/'],
    ['数据下载', '/data/'],
    ['核对海报', '/verify/'],
    ['一个核对码', `/verify/${code}/`],
    ['查直补', '/lookup/'],
    ['问答', '/feedback/'],
    ['我要提问', '/feedback/ask/'],
    ['提问（表单）', `/feedback/send/?project=${project}`],
    ['接口说明', '/api-reference/'],
    ['工作人员', '/admin/'],
    ['找不到的页面', '/no-such-page/'],
  ];

  it.each(pages)('%s (%s): axe finds nothing, nothing scrolls sideways', async (_label, path) => {
    const { context } = await newPhoneContext(browser, baseUrl);
    const page = await context.newPage();
    const res = await page.goto(`${baseUrl}${path}`);
    expect(res?.status()).toBe(path === '/no-such-page/' ? 404 : 200);
    await page.waitForLoadState('networkidle');
    expect(await page.locator('main h1').count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await context.close();
  });
});
