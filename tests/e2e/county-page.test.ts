import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeViolations, hasHorizontalScroll, launchBrowser, newPhoneContext } from './browser.ts';

describe('county overview in Chromium at 360×640', () => {
  const baseUrl = inject('baseUrl');
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => browser?.close());

  it('shows the latest year with the sample label, and passes axe without sideways scrolling', async () => {
    const { context } = await newPhoneContext(browser, baseUrl);
    const page = await context.newPage();
    const res = await page.goto(`${baseUrl}/`);
    expect(res?.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toMatch(/常宁市2024年度/);
    await expect(page.locator('.sample-banner').textContent()).resolves.toContain('示例数据');
    expect(await axeViolations(page)).toEqual([]);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await context.close();
  });

  it('reaches 2022 from the year switcher and shows the self-evaluation figures', async () => {
    const { context } = await newPhoneContext(browser, baseUrl);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/`);
    await page.getByRole('link', { name: '2022年' }).click();
    await page.waitForURL(`${baseUrl}/years/2022/`);
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain('数据截至 2023年8月31日');
    await expect(page.locator('#indicator-directSubsidyBeneficiaries .value').textContent()).resolves.toBe('14,452 人');
    await expect(page.locator('#indicator-implementationRate .value').textContent()).resolves.toBe('95%');
    await expect(page.locator('#indicator-disbursementRate .value').textContent()).resolves.toBe('60%');
    await expect(page.locator('#indicator-beautifulHomeProjects .value').textContent()).resolves.toBe('77 个');
    await expect(page.locator('#indicator-productionInfrastructureProjects .value').textContent()).resolves.toBe('171 个');
    expect(await axeViolations(page)).toEqual([]);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await context.close();
  });

  it('answers an unknown page with a Chinese 404 and the health check with ok', async () => {
    const missing = await fetch(`${baseUrl}/no-such-page/`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('没有找到这个页面');
    const health = await fetch(`${baseUrl}/api/v1/health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { status: string }).status).toBe('ok');
  });

  it('says a rate at 100 % has nothing behind it, in words, with no empty "未达到的0项" heading', async () => {
    // 2022's acceptance pass rate in the sample is 100 % (the seed report's 质量 figure).
    const html = await (await fetch(`${baseUrl}/years/2022/indicators/acceptancePassRate/`)).text();
    expect(html).toContain('100');
    expect(html).toContain('全部达到，没有未达到的项。');
    expect(html).not.toMatch(/未达到的\s*0\s*项/);
  });
});
