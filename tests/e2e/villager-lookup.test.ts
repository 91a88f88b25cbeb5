/**
 * "My direct subsidy" in Chromium at 360×640, as a sample migrant would use it: with JavaScript
 * (answer shown in the page) and without (the form posts and an HTML page answers).
 */
import { sql } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase } from '../../db/client.ts';
import { buildSampleCounty } from '../../db/seed/sample-county.ts';
import { axeViolations, hasHorizontalScroll, launchBrowser, newPhoneContext } from './browser.ts';

interface Migrant {
  name: string;
  idTail: string;
  villageCode: string;
  householdNumber: string;
  amountFen: number;
}

describe('查我的直补 in Chromium', () => {
  const baseUrl = inject('baseUrl');
  let browser: Browser;
  let migrant: Migrant;
  let neighbour: string;
  beforeAll(async () => {
    browser = await launchBrowser();
    const { db, close } = await openDatabase({ url: inject('databaseUrl') });
    const rows = await db.all<{ name: string; id: number; village_code: string; household_number: string; amount_fen: number }>(
      sql`select p.name, p.id, h.village_code, h.household_number, hp.amount_fen from persons p join households h on h.id = p.household_id
          join household_payments hp on hp.household_id = h.id and hp.year = 2022 where p.relation = '户主' order by h.id limit 2`,
    );
    close();
    const [a, b] = rows;
    // The database keeps only hashes of ID numbers: the migrant's own comes from the sample's generator (rows in the same order).
    const person = buildSampleCounty().persons[a!.id - 1]!;
    expect(person.name).toBe(a!.name);
    const idNumber = person.idNumber;
    migrant = { name: a!.name, idTail: idNumber.slice(-6), villageCode: a!.village_code, householdNumber: a!.household_number, amountFen: a!.amount_fen };
    neighbour = b!.name;
  });
  afterAll(async () => browser?.close());

  it('finds a sample migrant’s own 2022 payment with name and the last 6 ID characters, masked, and nobody else’s', async () => {
    const { context } = await newPhoneContext(browser, baseUrl);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/lookup/`);
    expect(await axeViolations(page)).toEqual([]);
    // The township first; then the village list holds that township's villages only.
    await page.getByLabel('您是哪个乡镇的').selectOption(migrant.villageCode.slice(0, 9));
    const villages = await page.getByLabel('您是哪个村的').locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
    expect(villages.length).toBeGreaterThan(0);
    expect(villages.every((code) => code.startsWith(migrant.villageCode.slice(0, 9)))).toBe(true);
    await page.getByLabel('您是哪个村的').selectOption(migrant.villageCode);
    await page.getByLabel('名字（和身份证上一样）').fill(migrant.name);
    await page.getByLabel('身份证号码最后6位').fill(migrant.idTail);
    await page.locator('section[aria-labelledby="by-id-title"]').getByRole('button', { name: '查询' }).click();
    const result = page.locator('#lookup-result');
    await expect.poll(() => result.textContent()).toContain('家的直补');
    const text = (await result.textContent()) ?? '';
    expect(text).toContain('2022年');
    expect(text).toContain(`${(migrant.amountFen / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`);
    expect(text).not.toContain(migrant.name);
    expect(text).not.toContain(neighbour);
    expect(await axeViolations(page)).toEqual([]);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await context.close();
  });

  it('says 没有查到 for a wrong ID tail, the same as for a made-up person', async () => {
    const { context } = await newPhoneContext(browser, baseUrl);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/lookup/`);
    const ask = async (name: string, tail: string) => {
      await page.getByLabel('您是哪个乡镇的').selectOption(migrant.villageCode.slice(0, 9));
      await page.getByLabel('您是哪个村的').selectOption(migrant.villageCode);
      await page.getByLabel('名字（和身份证上一样）').fill(name);
      await page.getByLabel('身份证号码最后6位').fill(tail);
      // Each lookup must be answered on its own: wait for this request's answer, then for the box
      // to show it (it still shows the previous answer until then).
      const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/public/lookup') && r.request().method() === 'POST');
      await page.locator('#lookup-result').evaluate((box) => box.replaceChildren());
      await page.locator('section[aria-labelledby="by-id-title"]').getByRole('button', { name: '查询' }).click();
      const res = await answered;
      expect(res.status()).toBe(200);
      expect(JSON.parse(res.request().postData() ?? '{}')).toMatchObject({ name, idTail: tail });
      await expect.poll(() => page.locator('#lookup-result').textContent()).toContain('没有查到');
      return page.locator('#lookup-result').textContent();
    };
    const wrongTail = await ask(migrant.name, migrant.idTail === '000000' ? '111111' : '000000');
    const nobody = await ask('查无此人', migrant.idTail);
    expect(wrongTail).toBe(nobody);
    await context.close();
  });

  it('works without JavaScript: the household-number form posts and an HTML page answers', async () => {
    const { context } = await newPhoneContext(browser, baseUrl, { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/lookup/`);
    await page.getByLabel('户编号', { exact: true }).fill(migrant.householdNumber);
    await page.getByLabel('家里任何一个人的名字').fill(migrant.name);
    await page.locator('section[aria-labelledby="by-household-title"]').getByRole('button', { name: '查询' }).click();
    await page.waitForURL(`${baseUrl}/lookup/`);
    await expect(page.locator('h1').textContent()).resolves.toContain('家的直补');
    const body = (await page.locator('main').textContent()) ?? '';
    expect(body).toContain('2022年');
    expect(body).not.toContain(migrant.name);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await context.close();
  });

  it('answers the no-JavaScript form with an HTML page that passes axe', async () => {
    // axe needs JavaScript in the page, so post the form natively (form.submit() skips the script).
    const { context } = await newPhoneContext(browser, baseUrl);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/lookup/`);
    await page.getByLabel('户编号', { exact: true }).fill(migrant.householdNumber);
    await page.getByLabel('家里任何一个人的名字').fill(migrant.name);
    await Promise.all([page.waitForNavigation(), page.locator('section[aria-labelledby="by-household-title"] form').evaluate((f: HTMLFormElement) => f.submit())]);
    await expect(page.locator('h1').textContent()).resolves.toContain('家的直补');
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });
});
