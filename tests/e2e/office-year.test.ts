/**
 * The county office's year (issue 17) in Chromium on the sample county, as a county user would:
 * the 2022 绩效自评表 as of 2023-08-31 on the staff page, downloaded as XLSX and PDF, whose actual
 * values are the county report's (SAMPLE_SELF_EVALUATION_2022); the gaps screen, where a count
 * opens exactly the records it counts; and a villager answering the 满意度问卷 from a village page
 * with JavaScript off, once a year.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { readSheet } from 'read-excel-file/universal';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../db/client.ts';
import { SAMPLE_SELF_EVALUATION_2022 } from '../../db/seed/sample-county.ts';
import { mintToken } from '../../src/data/users.ts';
import { MIN_FILL_MS, sumQuestion } from '../../src/domain/villager/form-check.ts';
import { axeViolations, launchBrowser, newPhoneContext } from './browser.ts';

const baseUrl = inject('baseUrl');
const databaseUrl = inject('databaseUrl');
const { year, asOf, counts, percents } = SAMPLE_SELF_EVALUATION_2022;
const grouped = (n: number) => n.toLocaleString('en-US');

describe('the county office’s year in Chromium: 绩效自评表, gaps, 满意度问卷', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let opened: OpenDatabase;
  let countyToken: string;
  let downloads: string;

  const section = (name: string) => page.getByRole('region', { name, exact: true });

  beforeAll(async () => {
    browser = await launchBrowser();
    opened = await openDatabase({ url: databaseUrl });
    countyToken = (await mintToken(opened.db, { role: 'county', scopeCode: '430482', name: `e2e office year ${process.pid}`, at: new Date().toISOString() })).token;
    ({ context } = await newPhoneContext(browser, baseUrl));
    page = await context.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    downloads = mkdtempSync(join(tmpdir(), 'office-year-'));
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    opened?.close();
    if (downloads) rmSync(downloads, { recursive: true, force: true });
  });

  async function download(button: string, within: string): Promise<Buffer> {
    const [file] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), section(within).getByRole('button', { name: button, exact: true }).click()]);
    const path = join(downloads, file.suggestedFilename());
    await file.saveAs(path);
    return readFileSync(path);
  }

  it('shows the 2022 table as of 2023-08-31 with the report’s figures, and axe finds nothing in it', async () => {
    await page.goto(`${baseUrl}/admin/`);
    await page.getByLabel('令牌', { exact: true }).fill(countyToken);
    await section('登录').getByRole('button', { name: '登录', exact: true }).click();
    await expect.poll(() => page.locator('#me').textContent()).toMatch(/^已登录：/);
    const se = section('绩效自评');
    await se.getByLabel('年度').fill(String(year));
    await se.getByLabel('数据截至').fill(asOf);
    await se.getByRole('button', { name: '查看', exact: true }).click();
    const row = (name: string) => page.locator('#se-rows tr').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
    await expect.poll(() => row('项目实施率').count()).toBe(1);
    await expect(row('项目实施率').locator('td').nth(1).textContent()).resolves.toContain(`${percents.implementationRate}%`);
    await expect(row('资金拨付率').locator('td').nth(1).textContent()).resolves.toContain(`${percents.disbursementRate}%`);
    await expect(row('直补资金受益移民').locator('td').nth(1).textContent()).resolves.toContain(`${grouped(counts.directSubsidyBeneficiaries)}人`);
    await expect(row('培训移民劳动力').locator('td').nth(1).textContent()).resolves.toContain(`${counts.traineeCount}人次`);
    // Every ledger figure links to its records on the public site.
    await expect(row('项目实施率').getByRole('link').getAttribute('href')).resolves.toBe(`/years/${year}/indicators/implementationRate/`);
    expect(await axeViolations(page, '#se-section')).toEqual([]);
  });

  it('downloads the XLSX and the PDF with the same figures', async () => {
    const xlsx = await download('下载 Excel', '绩效自评');
    const rows = await readSheet(new Blob([new Uint8Array(xlsx)]), 1);
    const text = rows.map((r) => r.join('\t')).join('\n');
    expect(text).toContain(`常宁市${year}年度水库移民后期扶持资金绩效自评表`);
    expect(text).toContain(`直补资金受益移民\t≥${grouped(counts.directSubsidyBeneficiaries)}人\t${grouped(counts.directSubsidyBeneficiaries)}人`);
    expect(text).toContain(`移民美丽家园建设项目\t≥${counts.beautifulHomeProjects}个\t${counts.beautifulHomeProjects}个`);
    expect(text).toContain(`生产开发及配套设施项目\t≥${counts.productionInfrastructureProjects}个\t${counts.productionInfrastructureProjects}个`);
    expect(text).toMatch(new RegExp(`项目实施率\\t[^\\t]+\\t${percents.implementationRate}%`));
    expect(text).toMatch(new RegExp(`项目验收合格率\\t[^\\t]+\\t${percents.acceptancePassRate}%`));

    const pdf = await download('下载 PDF', '绩效自评');
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const path = join(downloads, 'table.pdf');
    writeFileSync(path, pdf);
    const printed = execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });
    expect(printed).toContain(`${grouped(counts.directSubsidyBeneficiaries)}人`);
    expect(printed).toMatch(new RegExp(`项目实施率\\s+\\S+\\s+${percents.implementationRate}%`));
    expect(printed).toMatch(new RegExp(`资金拨付率\\s+\\S+\\s+${percents.disbursementRate}%`));
    expect(printed).toContain('示例数据');
  });

  it('opens the records behind a count on the gaps screen, exactly as many as it says', async () => {
    const gaps = section('缺漏和滞后');
    await gaps.getByLabel('从哪一天看').fill('2024-11-30');
    await gaps.getByRole('button', { name: '查看', exact: true }).click();
    const totals = page.locator('table.gaps-counts tbody tr').filter({ has: page.getByRole('rowheader', { name: '合计', exact: true }) });
    await expect.poll(() => totals.count()).toBe(1);
    const buttons = totals.getByRole('button');
    const n = await buttons.count();
    expect(n).toBeGreaterThan(2);
    for (let i = 0; i < n; i++) {
      const button = buttons.nth(i);
      const count = Number(await button.textContent());
      await button.click();
      await expect.poll(() => page.locator('#gaps-records tbody tr').count()).toBe(count);
      await expect(page.locator('#gaps-records h3').textContent()).resolves.toContain(`${count} 条`);
    }
    // A township's count opens only that township's records, and the not-started projects are the database's.
    const notStarted = await opened.db.all<{ code: string }>(sql`
      select p.code from projects p
      join project_milestones a on a.project_id = p.id and a.kind = 'county_approved' and a.date < date('2024-11-30', '-90 days')
      where p.workflow_state = 'county_approved'
        and not exists (select 1 from project_milestones s where s.project_id = p.id and s.kind = 'started' and s.date <= '2024-11-30')`);
    const column = await page.locator('table.gaps-counts thead th').allTextContents();
    const index = column.indexOf('批复后未开工');
    expect(index).toBeGreaterThan(0);
    await totals.locator('td').nth(index - 1).getByRole('button').click();
    const codes = await page.locator('#gaps-records tbody tr td:nth-child(3)').allTextContents();
    expect(codes.sort()).toEqual(notStarted.map((r) => r.code).sort());
    expect(await axeViolations(page, 'section.gaps')).toEqual([]);
  });

  it('lets a villager answer the 满意度问卷 from a village page without JavaScript, once', async () => {
    const [v] = await opened.db.all<{ code: string; name: string }>(sql`
      select d.code, d.name from resettlement_villages r join divisions d on d.code = r.village_code
      where exists (select 1 from disclosures x where x.scope_code = d.code) order by d.code limit 1`);
    // axe needs a script, so the form is checked in the staff page's browser first.
    await page.goto(`${baseUrl}/survey/${v!.code}/`);
    expect(await axeViolations(page)).toEqual([]);
    const { context: noJs } = await newPhoneContext(browser, baseUrl, { javaScriptEnabled: false });
    try {
      const phone = await noJs.newPage();
      phone.setDefaultTimeout(15_000);
      await phone.goto(`${baseUrl}/villages/${v!.code}/`);
      await phone.getByRole('link', { name: '填满意度问卷' }).click();
      await expect(phone.locator('h1').textContent()).resolves.toBe('满意度问卷');
      for (const name of ['1. 总的来说，您对本村的后期扶持工作满意吗？', '2. 您对本村用扶持资金建的项目（修的路、渠、活动场所等）满意吗？', '3. 您对本村公开项目和资金的情况满意吗？']) {
        await phone.getByRole('group', { name }).getByLabel('满意', { exact: true }).check();
      }
      const challenge = await phone.locator('input[name="check"]').getAttribute('value');
      await phone.getByLabel(/^算一算/).fill(String(sumQuestion(challenge!).answer));
      await phone.waitForTimeout(MIN_FILL_MS + 300);
      const before = (await opened.db.all<{ n: number }>(sql`select count(*) as n from satisfaction_responses where village_code = ${v!.code}`))[0]!.n;
      await phone.getByRole('button', { name: '提交' }).click();
      await expect(phone.locator('h1').textContent()).resolves.toBe('已收到，谢谢您');
      const after = (await opened.db.all<{ n: number }>(sql`select count(*) as n from satisfaction_responses where village_code = ${v!.code}`))[0]!.n;
      expect(after).toBe(before + 1);
      await phone.goto(`${baseUrl}/survey/${v!.code}/`);
      await expect(phone.locator('h1').textContent()).resolves.toBe('已经填过了');
    } finally {
      await noJs.close();
    }
  });
});
