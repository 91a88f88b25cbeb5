/**
 * The portal's interactive pages in Chromium: search by pinyin initials, map filters that
 * round-trip through the URL (tiles blocked, page still works), and verification of a real and a
 * wrong code.
 */
import { readdirSync, readFileSync } from 'node:fs';
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
    // The filters wait behind one button.
    expect(await page.locator('#f-year').isVisible()).toBe(false);
    await page.getByText('筛选：', { exact: false }).click();
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
    // The closed button says what is chosen.
    expect(await page.locator('#map-filter-summary').textContent()).toMatch(/^已完工.* · .+(镇|乡|街道)$/);
    expect(await page.locator('#f-year').inputValue()).toBe('');
    expect(await page.locator('#f-township').inputValue()).toBe(township);
    expect(await page.locator('#f-status').inputValue()).toBe('done');
    expect(await page.locator('.leaflet-marker-icon').count()).toBeGreaterThan(0);

    // Popups link to the project and the village.
    const first = page.locator('.leaflet-marker-icon.pm').first();
    if ((await first.count()) > 0) {
      // The clusters may still be settling after the reload's fitBounds (a marker re-placed under
      // the tap): tap again until the popup shows, as a person would.
      await page.waitForFunction(() => document.getElementById('map')?.getAttribute('aria-busy') === 'false');
      await expect
        .poll(async () => {
          await first.click();
          return page.locator('.leaflet-popup-content').isVisible();
        }, { timeout: 30_000 })
        .toBe(true);
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

  it('puts the map first on a phone, with township names on it and nothing too small to tap', async () => {
    const { context, blocked } = await newPhoneContext(browser, baseUrl);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/map/`);
    await page.waitForFunction(() => document.getElementById('map')?.dataset.places !== undefined && document.getElementById('map')?.getAttribute('aria-busy') === 'false');
    const map = (await page.locator('#map').boundingBox())!;
    // The map fills the first screen under the site's header, the sample banner and one line with
    // the title and the 筛选 button.
    expect(map.y).toBeLessThan(300);
    expect(map.y + map.height).toBeGreaterThan(640);
    const inFirstScreen = async (selector: string) =>
      (await page.locator(selector).evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).filter((r) => r.width > 0 && r.top >= 0 && r.bottom <= 640))).length;
    expect(await inFirstScreen('.place-t span')).toBeGreaterThan(2);
    expect(await inFirstScreen('.pm, .pc')).toBeGreaterThan(0);
    // Place names are drawn from the site's own data: nothing else was fetched for them.
    expect(blocked.every((u) => u.startsWith('https://tiles.e2e.invalid/'))).toBe(true);
    // Leaflet may still be placing markers (a zoom animation, clusters): axe once met markers
    // replaced under it and reported them as `:root`. Wait until two looks 250 ms apart agree.
    await page.waitForFunction(
      () => {
        const el = document.getElementById('map')!;
        if (el.querySelector('.leaflet-zoom-anim')) return false;
        const layout = [...el.querySelectorAll('.pm, .pc, .place-t')].map((e) => e.getBoundingClientRect()).map((r) => `${Math.round(r.x)},${Math.round(r.y)}`).join(';');
        const w = window as unknown as { __mapLayout?: string };
        const settled = w.__mapLayout === layout;
        w.__mapLayout = layout;
        return settled;
      },
      undefined,
      { polling: 250, timeout: 10_000 },
    );
    // axeViolations includes WCAG 2.2 AA, whose target-size rule wants 24 × 24 px.
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });

  /**
   * Chromium here has no voices (no speech engine is installed on the test machine), so the page is
   * given a stand-in speechSynthesis with or without a zh-CN voice that records what it is asked to say.
   */
  const speech = (voices: Array<{ name: string; lang: string }>) => `(() => {
    const spoken = [];
    window.__spoken = spoken;
    window.SpeechSynthesisUtterance = class extends EventTarget { constructor(text) { super(); this.text = text; } };
    Object.defineProperty(window, 'speechSynthesis', { configurable: true, value: {
      getVoices: () => ${JSON.stringify(voices)},
      speak: (u) => { spoken.push({ text: u.text, lang: u.lang }); setTimeout(() => u.dispatchEvent(new Event('end')), 300); },
      cancel: () => {},
      addEventListener: () => {},
    } });
  })()`;

  it('reads a village’s printed summary aloud where a Chinese voice exists (听一听), and hides the button where none does', async () => {
    const village = readdirSync(join(inject('staticSiteDir'), 'villages')).filter((c) => /^\d{12}$/.test(c)).sort()[0]!;
    const { context } = await newPhoneContext(browser, baseUrl);
    await context.addInitScript(speech([{ name: '普通话（测试）', lang: 'zh-CN' }]));
    const page = await context.newPage();
    await page.goto(`${baseUrl}/villages/${village}/`);
    const button = page.getByRole('button', { name: '听一听' });
    await button.waitFor();
    const summary = (await page.locator('#summary').textContent())!.trim();
    expect(summary).toMatch(/^.+\d{4}年(有\d+个项目|没有安排)/);
    await button.click();
    await expect.poll(() => page.evaluate(() => (window as unknown as { __spoken: Array<{ text: string; lang: string }> }).__spoken)).toEqual([{ text: summary, lang: 'zh-CN' }]);
    expect(await page.getByRole('button', { name: '停止朗读' }).getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => button.isVisible(), { timeout: 5_000 }).toBe(true);
    expect(await axeViolations(page)).toEqual([]);

    const { context: silent } = await newPhoneContext(browser, baseUrl);
    await silent.addInitScript(speech([{ name: 'English', lang: 'en-US' }]));
    const plain = await silent.newPage();
    await plain.goto(`${baseUrl}/villages/${village}/`);
    await plain.waitForLoadState('load');
    expect(await plain.locator('[data-read-aloud]').isHidden()).toBe(true);
    expect((await plain.locator('#summary').textContent())!.trim()).toBe(summary);
    await Promise.all([context.close(), silent.close()]);
  });

  it('听一听 picks the browser’s own Mandarin voice (espeak-ng through speech-dispatcher here) to read the printed summary', async () => {
    const village = readdirSync(join(inject('staticSiteDir'), 'villages')).filter((c) => /^\d{12}$/.test(c)).sort()[0]!;
    const { context } = await newPhoneContext(browser, baseUrl);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/villages/${village}/`);
    const button = page.getByRole('button', { name: '听一听' });
    // Voices arrive a moment after the page (voiceschanged).
    await expect.poll(() => button.isVisible(), { timeout: 15_000 }).toBe(true);
    // Record what would be handed to the real engine, without playing it: this machine has no sound
    // device, and a speech-dispatcher left speaking into none stopped answering later browsers.
    await page.evaluate(() => {
      const spoken: Array<{ text: string; voice: string }> = [];
      (window as unknown as { __spoken: typeof spoken }).__spoken = spoken;
      speechSynthesis.speak = (u) => void spoken.push({ text: u.text, voice: u.voice?.lang ?? '' });
    });
    await button.click();
    const summary = (await page.locator('#summary').textContent())!.trim();
    const spoken = await page.evaluate(() => (window as unknown as { __spoken: Array<{ text: string; voice: string }> }).__spoken);
    expect(spoken).toHaveLength(1);
    expect(spoken[0]!.text).toBe(summary);
    expect(spoken[0]!.voice).toMatch(/^(zh|cmn)/i);
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
