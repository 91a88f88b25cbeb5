/**
 * The staff page /admin/ in Chromium, worked the way staff would (issue 4, item 8): sign in with a
 * token, download a template, upload a CSV and read the validation report table (nothing written),
 * upload the corrected file, approve the project as the township and then the county from the
 * queue, publish, and see the project on the rebuilt village page.
 *
 * The project goes into 2024 (the sample county's latest year) in a village without 2024 projects,
 * with a code in the middle of the year's range: a new year would become the portal's latest year
 * and change what other e2e files see on the rebuilt site, and the other files pick 2024's first or
 * last project code.
 *
 * Last, the county opens a township account under 工作人员账号 (issue 17 part 5), signs in with its
 * token, and stops it again.
 */
import { sql } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../db/client.ts';
import { mintToken } from '../../src/data/users.ts';
import { axeViolations, hasHorizontalScroll, launchBrowser, newPhoneContext } from './browser.ts';

const baseUrl = inject('baseUrl');
const databaseUrl = inject('databaseUrl');

const YEAR = 2024;
const OLD_ADDRESS = '常宁市库区移民事务中心（常宁市宜阳街道）';
const NEW_ADDRESS = '常宁市库区移民事务中心（常宁市宜阳街道 一楼窗口）';
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 360, height: 640 };

describe('the staff page /admin/ in Chromium: sign in, templates, upload, approve, publish', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let opened: OpenDatabase;
  let countyToken: string;
  let townshipToken: string;
  let village: { code: string; name: string; townshipCode: string };
  /** Alert/confirm/prompt messages the page raised (it alerts when a transition fails). */
  const dialogs: string[] = [];
  /** Whether a confirm() is answered 确定 (else every dialog is dismissed). */
  let acceptConfirm = false;
  const projectCode = `CN2024-0100-E${process.pid}`;
  const projectName = `e2e村组道路硬化${process.pid}`;
  let headers: string[] = [];

  const countProjects = async () => (await opened.db.all<{ n: number }>(sql`select count(*) as n from projects`))[0]!.n;
  const workflowState = async () =>
    (await opened.db.all<{ s: string }>(sql`select workflow_state as s from projects where code = ${projectCode}`))[0]?.s;

  /** A CSV in the template's column order from rows keyed by the template's Chinese headers. */
  const csv = (rows: Array<Record<string, string>>) => {
    for (const row of rows) for (const key of Object.keys(row)) expect(headers, `template has a 「${key}」 column`).toContain(key);
    const line = (cells: string[]) => cells.map((c) => (/[",\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(',');
    return Buffer.from(`\uFEFF${[line(headers), ...rows.map((r) => line(headers.map((h) => r[h] ?? '')))].join('\r\n')}\r\n`, 'utf8');
  };
  const goodRow = () => ({
    项目编号: projectCode,
    年度: String(YEAR),
    村代码: village.code,
    组: '三组',
    项目类型: '美丽家园建设',
    项目名称: projectName,
    建设内容及规模: '硬化道路0.8公里，宽3.5米',
    实施单位: village.name,
    '中央资金(元)': '180000',
    申请日期: `${YEAR}-03-10`,
    村理财小组复核日期: `${YEAR}-03-15`,
  });

  const region = (name: string) => page.getByRole('region', { name, exact: true });
  const me = () => page.locator('#me');
  const uploadResult = () => page.locator('#upload-result');

  /** At 360 px: nothing if the page does not scroll sideways, else what sticks out (for the message). */
  async function sidewaysAtPhoneWidth(): Promise<string[]> {
    await page.setViewportSize(PHONE);
    try {
      if (!(await hasHorizontalScroll(page))) return [];
      return await page.evaluate(() =>
        Array.from(document.querySelectorAll('main *'))
          .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && e.children.length === 0)
          .map((e) => `${e.tagName.toLowerCase()} ${Math.round(e.getBoundingClientRect().right)}px: ${(e.textContent ?? '').slice(0, 40)}`),
      );
    } finally {
      await page.setViewportSize(DESKTOP);
    }
  }

  async function submitToken(token: string) {
    await page.getByLabel('令牌').fill(token);
    await region('登录').getByRole('button', { name: '登录', exact: true }).click();
  }

  async function signIn(token: string) {
    await submitToken(token);
    // Waits as long as the file's other waits for the server: the default (1 s) failed once on a
    // loaded machine, with the queue still loading.
    await expect.poll(() => me().textContent(), { timeout: 30_000 }).toMatch(/^已登录：/);
    // The queue is loaded as part of signing in; wait until it has answered.
    await expect.poll(() => page.locator('#queue').textContent(), { timeout: 30_000 }).not.toBe('');
  }

  async function signOut() {
    // 退出 reloads the page; wait for the new document's load, by when its script has run.
    const reloaded = page.waitForEvent('load');
    await region('登录').getByRole('button', { name: '退出' }).click();
    await reloaded;
    await expect.poll(() => region('上传').isVisible()).toBe(false);
    expect(await me().isVisible()).toBe(false);
  }

  async function upload(name: string, content: Buffer) {
    const form = region('上传');
    await form.getByLabel('数据类型').selectOption({ label: '项目申报' });
    await form.getByLabel(/^文件/).setInputFiles({ name, mimeType: 'text/csv', buffer: content });
    await form.getByRole('button', { name: '上传', exact: true }).click();
    await expect.poll(() => uploadResult().textContent(), { timeout: 30_000 }).not.toMatch(/^(正在上传和检查……)?$/);
  }

  /** Clicks the button for our project in the queue and waits until the row is gone. */
  async function act(buttonName: string) {
    const row = page.locator('#queue tbody tr').filter({ hasText: projectCode });
    await expect.poll(() => row.count()).toBe(1);
    await expect(row.locator('td').nth(2).textContent()).resolves.toBe(village.name);
    await row.getByRole('button', { name: buttonName, exact: true }).click();
    await expect.poll(() => row.count()).toBe(0);
    expect(dialogs).toEqual([]);
  }

  beforeAll(async () => {
    browser = await launchBrowser();
    opened = await openDatabase({ url: databaseUrl });
    const [v] = await opened.db.all<{ code: string; name: string; parent_code: string }>(
      sql`select v.code, v.name, v.parent_code from divisions v
          where v.level = 'village' and v.code like '430482%'
            and not exists (select 1 from projects p where p.village_code = v.code and p.year = ${YEAR})
          order by v.code desc limit 1`,
    );
    village = { code: v!.code, name: v!.name, townshipCode: v!.parent_code };
    const at = new Date().toISOString();
    countyToken = (await mintToken(opened.db, { role: 'county', scopeCode: '430482', name: `e2e staff page 县${process.pid}`, at })).token;
    townshipToken = (await mintToken(opened.db, { role: 'township', scopeCode: village.townshipCode, name: `e2e staff page 乡${process.pid}`, at })).token;
    ({ context } = await newPhoneContext(browser, baseUrl));
    page = await context.newPage();
    page.on('dialog', (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      void (acceptConfirm && d.type() === 'confirm' ? d.accept() : d.dismiss());
    });
    await page.setViewportSize(DESKTOP);
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    opened?.close();
  });

  it('signs in with a county token and says who is signed in; axe finds nothing and nothing scrolls sideways at 360 px', async () => {
    const res = await page.goto(`${baseUrl}/admin/`);
    expect(res?.status()).toBe(200);
    await expect(page.locator('h1').textContent()).resolves.toBe('工作人员入口');
    expect(await region('上传').isVisible()).toBe(false);

    await submitToken('not-a-real-token');
    // A wrong token is refused in Chinese, and nothing that needs a login shows.
    await expect.poll(() => me().getAttribute('class')).toBe('status error');
    expect(await me().textContent()).toMatch(/[\u4e00-\u9fff]/);
    expect(await region('上传').isVisible()).toBe(false);

    await signIn(countyToken);
    expect(await me().textContent()).toBe(`已登录：e2e staff page 县${process.pid}（县级管理员，常宁市 430482）`);
    // The e2e server has no SITE_URL: the page says posters are 样张 until there is a public address.
    expect(await page.locator('#public-address').textContent()).toMatch(/^海报二维码指向本机地址 http:\/\/localhost:\d+，别人手机上打不开/);
    for (const name of ['上传', '待我办理', '发布公示']) expect(await region(name).isVisible(), name).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    expect(await sidewaysAtPhoneWidth()).toEqual([]);
  });

  it('offers the templates: the XLSX link answers a workbook, the CSV link the Chinese headers', async () => {
    const templates = region('下载模板');
    const xlsxHref = await templates.getByRole('link', { name: 'projects.xlsx', exact: true }).getAttribute('href');
    const xlsx = await fetch(new URL(xlsxHref!, page.url()));
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const bytes = new Uint8Array(await xlsx.arrayBuffer());
    expect(bytes.length).toBeGreaterThan(1000);
    expect(Buffer.from(bytes.subarray(0, 4)).toString('latin1')).toBe('PK\x03\x04');

    const csvHref = await templates.getByRole('link', { name: 'projects.csv', exact: true }).getAttribute('href');
    expect(csvHref).toBe('/api/v1/templates/projects.csv');
    const template = await fetch(new URL(csvHref!, page.url()));
    expect(template.status).toBe(200);
    expect(template.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = (await template.text()).replace(/^\uFEFF/, '');
    headers = text.split(/\r?\n/)[0]!.split(',').map((h) => h.replace(/^"|"$/g, ''));
    expect(headers.slice(0, 3)).toEqual(['项目编号', '年度', '村代码']);
    expect(headers).toEqual(expect.arrayContaining(['项目名称', '中央资金(元)', '申请日期', '村理财小组复核日期']));
  });

  it('shows every problem of a bad upload as a table of row, column and problem in Chinese, and writes nothing', async () => {
    expect(headers.length).toBeGreaterThan(0);
    const before = await countProjects();
    // Rows whose cells cannot be read are left out of the row checks, so each problem gets its own row.
    const unknownVillage = { ...goodRow(), 项目编号: `CN2024-0100-F${process.pid}`, 村代码: '430482999999' };
    const negative = { ...goodRow(), 项目编号: `CN2024-0100-G${process.pid}`, '中央资金(元)': '-5000' };
    await upload('项目申报-有错.csv', csv([goodRow(), unknownVillage, negative]));

    const report = uploadResult().locator('.status.error');
    expect(await report.isVisible()).toBe(true);
    expect(await report.textContent()).toMatch(/[\u4e00-\u9fff]/);
    const table = report.getByRole('table');
    expect(await table.locator('thead th').allTextContents()).toEqual(['行', '列', '问题', '收到', '应为 / 提示']);
    const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')));
    // Rows of the sheet: the header is row 1, the good row row 2.
    expect(rows).toEqual([
      ['3', '村代码', '找不到这个村', '430482999999', expect.stringContaining('12 位村级统计区划代码')],
      ['4', '中央资金(元)', '金额不能为负数', '-5000', expect.stringContaining('不要填负数')],
    ]);

    // All or nothing: the good row was not written either.
    expect(await countProjects()).toBe(before);
    expect(await workflowState()).toBeUndefined();
    expect(await sidewaysAtPhoneWidth()).toEqual([]);
    // At 360 px a code or an amount stays on one line: the table scrolls in its own box instead.
    await page.setViewportSize(PHONE);
    try {
      const received = await table.locator('tbody td:nth-child(4)').evaluateAll((tds) =>
        tds.map((td) => {
          // The text's own height (a cell is as tall as its row).
          const range = document.createRange();
          range.selectNodeContents(td);
          return { text: td.textContent ?? '', lines: Math.round(range.getBoundingClientRect().height / parseFloat(getComputedStyle(td).lineHeight)) };
        }),
      );
      expect(received).toEqual([{ text: '430482999999', lines: 1 }, { text: '-5000', lines: 1 }]);
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await page.setViewportSize(DESKTOP);
    }
  });

  it('commits the corrected file, already reviewed by the village, and puts it in the queue', async () => {
    const before = await countProjects();
    await upload('项目申报.csv', csv([goodRow()]));
    const result = uploadResult().locator('.status');
    expect(await result.getAttribute('class')).toBe('status');
    expect(await result.textContent()).toMatch(/^已保存：新增 1 条，更新 0 条，未变 0 条。/);
    expect(await countProjects()).toBe(before + 1);
    expect(await workflowState()).toBe('village_reviewed');
    // Not the county's turn yet.
    expect(await page.locator('#queue').textContent()).not.toContain(projectCode);
  });

  it('lets the township reviewer approve it from the queue (乡镇审核), then the county (县级审批)', async () => {
    await signOut();
    await signIn(townshipToken);
    expect(await me().textContent()).toMatch(new RegExp(`^已登录：e2e staff page 乡${process.pid}（乡镇审核员，.+ ${village.townshipCode}）$`));
    // A township reviewer neither publishes nor sees the publish form.
    expect(await region('发布公示').isVisible()).toBe(false);
    expect(await page.locator('#queue').textContent()).toContain(projectCode);
    expect(await sidewaysAtPhoneWidth()).toEqual([]);
    await act('审核通过');
    expect(await workflowState()).toBe('township_reviewed');

    await signOut();
    await signIn(countyToken);
    await act('审批通过');
    expect(await workflowState()).toBe('county_approved');
    const steps = await opened.db.all<{ action: string; to_state: string; name: string }>(
      sql`select w.action, w.to_state, u.name from workflow_steps w join projects p on p.id = w.subject_id join users u on u.id = w.actor_id
          where w.subject_type = 'project' and p.code = ${projectCode} order by w.id`,
    );
    expect(steps.slice(-2)).toEqual([
      { action: 'township_review', to_state: 'township_reviewed', name: `e2e staff page 乡${process.pid}` },
      { action: 'county_approve', to_state: 'county_approved', name: `e2e staff page 县${process.pid}` },
    ]);
  });

  it('starts the publish form at the year in China, on a browser whose clock and time zone still say the old year', async () => {
    // 00:30 on 1 January 2028 in China is 16:30 on 31 December 2027 in UTC, the browser's zone here.
    const other = await browser.newContext({ timezoneId: 'UTC', locale: 'zh-CN' });
    try {
      const staff = await other.newPage();
      await staff.clock.setFixedTime(new Date('2027-12-31T16:30:00Z'));
      await staff.goto(`${baseUrl}/admin/`);
      expect(await staff.evaluate(() => new Date().getFullYear())).toBe(2027);
      await staff.getByLabel('令牌').fill(countyToken);
      await staff.getByRole('region', { name: '登录', exact: true }).getByRole('button', { name: '登录', exact: true }).click();
      await expect.poll(() => staff.locator('#me').textContent()).toMatch(/^已登录：/);
      const year = staff.getByRole('region', { name: '发布公示', exact: true }).getByLabel('年度', { exact: true });
      await expect.poll(() => year.inputValue()).toBe('2028');
    } finally {
      await other.close();
    }
  });

  it('lets the county change its 受理地址 under 本县设置; a title without the village is refused with the field named, and nothing is saved', async () => {
    const settings = region('本县设置');
    expect(await settings.isVisible()).toBe(true);
    const address = settings.getByLabel(/^受理地址/);
    // Filled from the API once signed in as the county.
    await expect.poll(() => address.inputValue(), { timeout: 30_000 }).toBe(OLD_ADDRESS);
    const result = page.locator('#county-result');
    const save = settings.getByRole('button', { name: '保存设置', exact: true });
    const audited = async () => (await opened.db.all<{ n: number }>(sql`select count(*) as n from audit_log where action = 'county.settings'`))[0]!.n;
    const before = await audited();

    await settings.getByLabel(/^海报标题/).fill('{year}年度移民项目公示');
    await save.click();
    await expect.poll(() => result.textContent(), { timeout: 30_000 }).toMatch(/^设置有误（1 处），没有保存。/);
    expect(await result.locator('.status').getAttribute('class')).toBe('status error');
    expect(await result.locator('tbody tr').first().textContent()).toContain('海报标题标题里没有村名');
    expect(await audited()).toBe(before);

    await settings.getByLabel(/^海报标题/).fill('');
    await address.fill(NEW_ADDRESS);
    await save.click();
    await expect.poll(() => result.textContent(), { timeout: 30_000 }).toBe('已保存：受理地址。网站正在更新，几分钟内可以看到。');
    expect(await audited()).toBe(before + 1);
    expect(await axeViolations(page)).toEqual([]);
    expect(await sidewaysAtPhoneWidth()).toEqual([]);
  });

  it('publishes the year (asking for a correction reason, since the year was published before) and the village page shows the project', async () => {
    const form = region('发布公示');
    const result = page.locator('#publish-result');
    const countDisclosures = async () => (await opened.db.all<{ n: number }>(sql`select count(*) as n from disclosures`))[0]!.n;
    const before = await countDisclosures();
    // The form starts at this year (see the next test); staff change it to the year they mean.
    await form.getByLabel('年度', { exact: true }).fill(String(YEAR));
    await form.getByRole('button', { name: '发布', exact: true }).click();
    await expect.poll(() => result.textContent(), { timeout: 30_000 }).toMatch(/须填写更正原因/);
    expect(await result.locator('.status').getAttribute('class')).toBe('status error');
    expect(await countDisclosures()).toBe(before);

    await form.getByLabel(/^更正原因/).fill(`补录${village.name}漏报的项目`);
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/publish') && r.request().method() === 'POST', { timeout: 120_000 });
    await form.getByRole('button', { name: '发布', exact: true }).click();
    const published = (await (await answer).json()) as { created: Array<{ scopeType: string; scopeCode: string }>; rebuild: 'scheduled' | 'not_configured' };
    await expect.poll(() => result.textContent(), { timeout: 30_000 }).toMatch(/^已发布 \d+ 份公示/);
    expect(await result.locator('.status').getAttribute('class')).toBe('status');
    // Only what changed gets a new version: this village and the county snapshot that lists it.
    expect(published.created.map((c) => `${c.scopeType}:${c.scopeCode}`).sort()).toEqual(['county:430482', `village:${village.code}`]);
    expect(await result.textContent()).toMatch(/^已发布 2 份公示/);
    // The e2e server rebuilds after a publish as `npm start` does (global-setup.ts): the page says so.
    expect(published.rebuild).toBe('scheduled');
    expect(await result.textContent()).toContain('网站正在更新，几分钟内可以看到。');
    expect(await countDisclosures()).toBe(before + 2);
    const [vd] = await opened.db.all<{ content_json: string }>(
      sql`select content_json from disclosures where scope_type = 'village' and scope_code = ${village.code} and year = ${YEAR} order by version desc limit 1`,
    );
    expect(vd!.content_json).toContain(projectName);

    // The server's own rebuild (src/cli/site-rebuild.ts) swaps the new site in when it is complete.
    const villageUrl = `${baseUrl}/villages/${village.code}/`;
    await expect
      .poll(async () => {
        const res = await fetch(villageUrl);
        const html = res.ok ? await res.text() : '';
        // What the page says about the year's projects, so a failure shows it.
        return html.includes(projectName) ? 'shows the project' : `HTTP ${res.status}: ${/<h2 id="projects-title">([^<]*)/.exec(html)?.[1] ?? ''}`;
      }, { timeout: 150_000, interval: 2_000 })
      .toBe('shows the project');
    const visitor = await context.newPage();
    await visitor.goto(villageUrl);
    const main = (await visitor.locator('main').textContent()) ?? '';
    expect(main).toContain(`${YEAR}年度项目（1 个）`);
    expect(main).toContain(projectName);
    // The 受理地址 changed under 本县设置 before the publish is on the rebuilt page too.
    expect(main).toContain(NEW_ADDRESS);
    // Put the address back (the sample is shared by every e2e file: posters are named by what they print)
    // and wait until the rebuilt site has it again.
    const restored = await fetch(`${baseUrl}/api/v1/county/settings`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${countyToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ supervisionAddress: OLD_ADDRESS }),
    });
    expect(restored.status).toBe(200);
    await expect
      .poll(async () => (await (await fetch(villageUrl)).text()).includes(NEW_ADDRESS), { timeout: 150_000, interval: 2_000 })
      .toBe(false);
    await visitor.getByRole('link', { name: projectName }).first().click();
    await visitor.waitForURL(`${baseUrl}/projects/${projectCode}/`);
    await expect(visitor.locator('h1').textContent()).resolves.toContain(projectName);
    await visitor.close();
  }, 400_000);

  it('lets the county open a township account under 工作人员账号: the token is shown once and kept nowhere, signs in as that township, and 停用 stops it', async () => {
    // From a fresh sign-in as the county (the tests before leave one, but this one may run alone).
    await page.goto(`${baseUrl}/admin/`);
    await page.evaluate(() => sessionStorage.clear());
    await page.reload();
    await signIn(countyToken);
    const accounts = region('工作人员账号');
    expect(await accounts.isVisible()).toBe(true);
    const [township] = await opened.db.all<{ name: string }>(sql`select name from divisions where code = ${village.townshipCode}`);
    const name = `e2e 新乡镇${process.pid}`;

    await accounts.getByLabel('角色', { exact: true }).selectOption({ label: '乡镇审核员' });
    const scope = accounts.getByLabel('管理范围', { exact: true });
    // Filled from /api/v1/divisions with the townships only, for this role.
    await expect.poll(() => scope.locator(`option[value="${village.townshipCode}"]`).count(), { timeout: 30_000 }).toBe(1);
    expect(await scope.locator('option').evaluateAll((os) => os.every((o) => /^\d{9}$/.test((o as HTMLOptionElement).value)))).toBe(true);
    await scope.selectOption(village.townshipCode);
    await accounts.getByLabel('姓名或用途', { exact: true }).fill(name);
    await accounts.getByRole('button', { name: '开通账号', exact: true }).click();

    const box = page.locator('#staff-token');
    await expect.poll(() => box.isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await box.getByRole('heading').textContent()).toBe('新账号的令牌（只显示这一次）');
    // Focus goes to the box, so a screen reader reads it next.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('staff-token-h');
    expect(await page.locator('#staff-result').textContent()).toBe(`已开通：${name}（乡镇审核员，${township!.name}）。令牌在下面，只显示这一次。`);
    const token = ((await box.locator('code').textContent()) ?? '').trim();
    expect(token).toMatch(/^csq_[A-Za-z0-9_-]{43}$/);
    expect(await box.textContent()).toContain('令牌只显示这一次。');
    // Kept in the page only: nothing in the tab's or the site's storage has it.
    const stored = await page.evaluate(() => JSON.stringify([{ ...sessionStorage }, { ...localStorage }]));
    expect(stored).not.toContain(token);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(baseUrl).origin });
    await box.getByRole('button', { name: '复制', exact: true }).click();
    await expect.poll(() => page.locator('#staff-token-copied').textContent()).toBe('已复制。');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
    // Listed as active, with a 停用 button; the county's own account has none.
    const row = accounts.locator('#staff-list tbody tr').filter({ hasText: name });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.locator('td').allTextContents()).toEqual([name, '乡镇审核员', `${township!.name}（${village.townshipCode}）`, expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), '有效', '停用']);
    expect(await accounts.locator('#staff-list tbody tr').filter({ hasText: `e2e staff page 县${process.pid}` }).locator('td').last().textContent()).toBe('您正在用');
    expect(await axeViolations(page, '.staff-accounts')).toEqual([]);
    expect(await sidewaysAtPhoneWidth()).toEqual([]);

    // The new token signs in as the township, which does not see 工作人员账号.
    await signOut();
    await signIn(token);
    expect(await me().textContent()).toBe(`已登录：${name}（乡镇审核员，${township!.name} ${village.townshipCode}）`);
    expect(await region('工作人员账号').isVisible()).toBe(false);

    // The county stops it (answering 确定 to the question); the token no longer signs in.
    await signOut();
    await signIn(countyToken);
    const again = region('工作人员账号').locator('#staff-list tbody tr').filter({ hasText: name });
    await expect.poll(() => again.count(), { timeout: 30_000 }).toBe(1);
    acceptConfirm = true;
    try {
      await again.getByRole('button', { name: `停用 ${name}`, exact: true }).click();
      await expect.poll(() => page.locator('#staff-list-result').textContent(), { timeout: 30_000 }).toBe(`已停用“${name}”的账号，它的令牌已经不能再用。`);
    } finally {
      acceptConfirm = false;
    }
    expect(dialogs.splice(0)).toEqual([expect.stringMatching(new RegExp(`^confirm: 停用“${name}”（乡镇审核员，`))]);
    await expect.poll(() => again.locator('td').nth(4).textContent()).toMatch(/^已停用（\d{4}-\d{2}-\d{2}）$/);
    const refused = await fetch(`${baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(refused.status).toBe(401);
    const audited = await opened.db.all<{ action: string; actor_label: string }>(
      sql`select action, actor_label from audit_log where action in ('token.create', 'token.revoke') and detail_json like ${`%${name}%`} order by id`,
    );
    expect(audited).toEqual([
      { action: 'token.create', actor_label: `e2e staff page 县${process.pid}` },
      { action: 'token.revoke', actor_label: `e2e staff page 县${process.pid}` },
    ]);
  });
});
