/**
 * The portal's interactive pages in Chromium: search by pinyin initials, map filters that
 * round-trip through the URL (tiles blocked, page still works), and verification of a real and a
 * wrong code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { initialsOf } from '../../src/data/search-index.ts';
import { axeViolations, hasHorizontalScroll, launchBrowser, newPhoneContext } from './browser.ts';

const baseUrl = inject('baseUrl');
const siteDir = inject('siteDir');

describe('search, map and verification in Chromium at 360×640', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => browser?.close());

  it('finds a village by its pinyin initials as the user types', async () => {
    const villages = JSON.parse(readFileSync(join(siteDir, 'data/villages.json'), 'utf8')) as { rows: Array<{ code: string; name: string }> };
    const village = villages.rows.find((v) => v.name.endsWith('村委会'))!;
    // First letter of each of the first three characters, e.g. 沙水村委会 → "ssc".
    const query = initialsOf(village.name).split('|').slice(0, 3).map((s) => s[0]).join('');
    const { context, blocked } = await newPhoneContext(browser, baseUrl);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/search/`);
    await page.getByLabel(/拼音首字母/).fill(query);
    const hit = page.locator(`#search-results a[href="/villages/${village.code}/"]`);
    await hit.waitFor();
    expect(await page.locator('#search-status').textContent()).toMatch(/找到 \d+ 个结果/);
    expect(new URL(page.url()).searchParams.get('q')).toBe(query);
    expect(await axeViolations(page)).toEqual([]);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await hit.click();
    await page.waitForURL(`${baseUrl}/villages/${village.code}/`);
    expect(blocked).toEqual([]);
    await context.close();
  });

  it('says so when nothing matches', async () => {
    const { context } = await newPhoneContext(browser, baseUrl);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/search/?q=${encodeURIComponent('不存在的村名')}`);
    await page.waitForFunction(() => document.getElementById('search-status')?.textContent?.includes('没有找到'));
    expect(await page.locator('#search-status').textContent()).toContain('没有找到');
    await context.close();
  });

  it('keeps map filters in the URL, restores them on reload, and lists the same projects as the markers', async () => {
    const { context, blocked } = await newPhoneContext(browser, baseUrl);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/map/`);
    await page.waitForFunction(() => /共 \d+ 个项目/.test(document.getElementById('map-count')?.textContent ?? ''));
    const township = await page.locator('#f-township option').nth(1).getAttribute('value');
    await page.selectOption('#f-year', '');
    await page.selectOption('#f-township', township!);
    await page.selectOption('#f-status', 'done');
    await page.waitForFunction(() => location.search.includes('status=done'));
    // Every year's file must be in before the list is counted (year = all).
    await page.waitForFunction(() => document.getElementById('map')?.getAttribute('aria-busy') === 'false');
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).toEqual({ year: 'all', status: 'done', township });
    const listed = await page.locator('#map-list li').count();
    expect(listed).toBeGreaterThan(0);
    expect(await page.locator('#map-count').textContent()).toBe(`共 ${listed} 个项目`);

    await page.reload();
    await page.waitForFunction((n) => document.getElementById('map-count')?.textContent === `共 ${n} 个项目`, listed);
    expect(await page.locator('#f-year').inputValue()).toBe('');
    expect(await page.locator('#f-township').inputValue()).toBe(township);
    expect(await page.locator('#f-status').inputValue()).toBe('done');
    expect(await page.locator('.leaflet-marker-icon').count()).toBeGreaterThan(0);

    // Popups link to the project and the village.
    const first = page.locator('.leaflet-marker-icon.pm').first();
    if ((await first.count()) > 0) {
      await first.click();
      await page.locator('.leaflet-popup-content').waitFor();
      await expect(page.locator('.leaflet-popup-content a[href^="/projects/"]').count()).resolves.toBe(1);
      await expect(page.locator('.leaflet-popup-content a[href^="/villages/"]').count()).resolves.toBe(1);
    }
    expect(await hasHorizontalScroll(page)).toBe(false);
    expect(await axeViolations(page)).toEqual([]);
    // The configured tiles were requested and blocked; nothing else left the site.
    expect(blocked.length).toBeGreaterThan(0);
    expect(blocked.every((u) => u.startsWith('https://tiles.e2e.invalid/'))).toBe(true);
    await context.close();
  });

  it('verifies a real code from a QR link and rejects a wrong one', async () => {
    const { context, blocked } = await newPhoneContext(browser, baseUrl);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/`);
    await page.locator('main table a[href^="/townships/"]').first().click();
    await page.locator('main table a[href^="/villages/"]').first().click();
    await page.waitForURL(/\/villages\//);
    const code = (await page.locator('.box .code').first().textContent())!.trim();
    expect(code).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/);

    await page.goto(`${baseUrl}/verify/?code=${code.toLowerCase().replace('-', '')}`);
    await page.waitForURL(`${baseUrl}/verify/${code}/`);
    const ok = (await page.locator('main').textContent()) ?? '';
    expect(ok).toContain('核对无误');
    expect(ok).toContain('这是当前最新的版本');
    expect(await axeViolations(page)).toEqual([]);

    await page.goto(`${baseUrl}/verify/`);
    await page.getByLabel('核对码').fill('ABCD-EFGH');
    await page.getByRole('button', { name: '核对' }).click();
    await page.waitForFunction(() => document.getElementById('verify-result')?.textContent?.includes('没有找到'));
    await page.getByLabel('核对码').fill('1234');
    await page.getByRole('button', { name: '核对' }).click();
    await page.waitForFunction(() => document.getElementById('verify-result')?.textContent?.includes('格式不对'));
    expect(await axeViolations(page)).toEqual([]);
    expect(await hasHorizontalScroll(page)).toBe(false);
    expect(blocked).toEqual([]);
    await context.close();
  });

  it('answers a verification code without JavaScript on its own page', async () => {
    const { context } = await newPhoneContext(browser, baseUrl, { javaScriptEnabled: false });
    const page = await context.newPage();
    const entries = JSON.parse(readFileSync(join(siteDir, 'verify/codes/A.json'), 'utf8')) as { entries: Array<{ code: string; version: number; latestVersion: number }> };
    const old = entries.entries.find((e) => e.version < e.latestVersion);
    const any = old ?? entries.entries[0]!;
    const res = await page.goto(`${baseUrl}/verify/${any.code}/`);
    expect(res?.status()).toBe(200);
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain('核对无误');
    if (old) expect(text).toContain(`当前最新的是第${old.latestVersion}版`);
    await context.close();
  });
});
