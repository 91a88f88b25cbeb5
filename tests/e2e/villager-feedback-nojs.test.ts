/**
 * Asking without JavaScript, in Chromium at 360×640 with scripts off (old WeChat browsers): from a
 * project page through its <noscript> link to the server-rendered form, and from a village page by
 * sending the page's own form (the server asks for the last step, a small sum). The message is
 * stored and audited; a form sent back too fast, a wrong sum, a page sent twice and an expired
 * challenge are refused in plain Chinese and write nothing.
 */
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../db/client.ts';
import { MIN_FILL_MS, sumQuestion } from '../../src/domain/villager/form-check.ts';
import { axeViolations, hasHorizontalScroll, launchBrowser, newPhoneContext } from './browser.ts';

const baseUrl = inject('baseUrl');
const databaseUrl = inject('databaseUrl');

/** The sum the page asks, worked out as a villager would from its text (一…九 加 一…九). */
async function answerFor(page: Page): Promise<string> {
  const label = (await page.locator('label[for="answer"]').textContent()) ?? '';
  const m = /算一算：([一二三四五六七八九])加([一二三四五六七八九])等于几？/.exec(label);
  expect(m, `the sum in "${label}"`).not.toBeNull();
  const digits = '零一二三四五六七八九';
  return String(digits.indexOf(m![1]!) + digits.indexOf(m![2]!));
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('questions without JavaScript in Chromium', () => {
  let browser: Browser;
  let opened: OpenDatabase;
  let project: { code: string; name: string; villageCode: string };
  beforeAll(async () => {
    browser = await launchBrowser();
    opened = await openDatabase({ url: databaseUrl });
    const [p] = await opened.db.all<{ code: string; name: string; village_code: string }>(
      sql`select code, name, village_code from projects where year = 2024 order by code desc limit 1`,
    );
    project = { code: p!.code, name: p!.name, villageCode: p!.village_code };
  });
  afterAll(async () => {
    await browser?.close();
    opened?.close();
  });

  const counts = async () => {
    const [row] = await opened.db.all<{ f: number; a: number }>(
      sql`select (select count(*) from feedback) as f, (select count(*) from audit_log where action = 'feedback.receive') as a`,
    );
    return row!;
  };

  it('sends a question from a project page: the <noscript> link, the sum, the reference number; stored as received and audited', async () => {
    const { context } = await newPhoneContext(browser, baseUrl, { javaScriptEnabled: false });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/projects/${project.code}/`);
    await page.getByRole('link', { name: '打开简单的提问页' }).click();
    await page.waitForURL(/\/feedback\/send\/\?project=/);
    expect(await page.locator('main').textContent()).toContain(project.name);
    expect(await hasHorizontalScroll(page)).toBe(false);
    const before = await counts();

    await page.getByLabel('提出异议（认为公示的内容不对）').check();
    await page.getByLabel('请写下您的问题').fill('这个项目的钱是不是都用到路上了？');
    await page.getByLabel('电话（可以不填）').fill('139 0000 5678');
    // Sent at once: a person cannot have read the form yet.
    await page.getByLabel(/^算一算：/).fill(await answerFor(page));
    await page.getByRole('button', { name: '提交' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('提交得太快了');
    expect(await page.getByLabel('请写下您的问题').inputValue()).toBe('这个项目的钱是不是都用到路上了？');
    expect(await page.getByLabel('提出异议（认为公示的内容不对）').isChecked()).toBe(true);
    expect(await counts()).toEqual(before);

    await wait(MIN_FILL_MS + 300);
    await page.getByLabel(/^算一算：/).fill(await answerFor(page));
    await page.getByRole('button', { name: '提交' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('已收到');
    const text = (await page.locator('main').textContent()) ?? '';
    const id = Number(/编号第(\d+)号/.exec(text)?.[1]);
    expect(id).toBeGreaterThan(0);
    expect(await page.getByRole('link', { name: '问答公开' }).first().getAttribute('href')).toBe('/feedback/');
    expect(text).not.toContain('13900005678');

    const [row] = await opened.db.all<{ status: string; kind: string; subject_ref: string; contact_phone: string }>(
      sql`select status, kind, subject_ref, contact_phone from feedback where id = ${id}`,
    );
    expect(row).toEqual({ status: 'received', kind: 'objection', subject_ref: project.code, contact_phone: '13900005678' });
    const audit = await opened.db.all<{ detail_json: string }>(sql`select detail_json from audit_log where action = 'feedback.receive' and subject_id = ${String(id)}`);
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.detail_json)).toMatchObject({ kind: 'objection', subjectType: 'project', subjectRef: project.code, withPhone: true });

    // Back to the form and sent again: the challenge was used.
    await page.goBack();
    await page.getByRole('button', { name: '提交' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('已经提交过一次了');
    expect(await counts()).toEqual({ f: before.f + 1, a: before.a + 1 });
    await context.close();
  });

  it('sends a village page’s own form without its script: the server asks for the sum, keeps the text, and refuses a wrong answer', async () => {
    const { context } = await newPhoneContext(browser, baseUrl, { javaScriptEnabled: false });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/villages/${project.villageCode}/`);
    expect(await page.getByRole('link', { name: '打开简单的提问页' }).getAttribute('href')).toBe(`/feedback/send/?village=${project.villageCode}`);
    const before = await counts();
    await page.getByLabel('请写下您的问题').fill('今年村里的项目什么时候公示？');
    await page.getByRole('button', { name: '提交' }).click();
    await page.waitForURL(/\/feedback\/send\/$/);
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('还差一步');
    expect(await page.getByLabel('请写下您的问题').inputValue()).toBe('今年村里的项目什么时候公示？');

    await wait(MIN_FILL_MS + 300);
    await page.getByLabel(/^算一算：/).fill(String(Number(await answerFor(page)) + 1));
    await page.getByRole('button', { name: '提交' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('算术题答错了');
    expect(await page.getByLabel(/^算一算：/).getAttribute('aria-invalid')).toBe('true');
    expect(await counts()).toEqual(before);
    await context.close();
  });

  it('serves form and refusal pages that pass axe (checked with scripts on: axe runs in the page; the pages have none)', async () => {
    const { context } = await newPhoneContext(browser, baseUrl);
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/feedback/send/?project=${project.code}`);
    expect(await page.locator('script').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel('请写下您的问题').fill('修');
    await page.getByLabel(/^算一算：/).fill('0');
    await Promise.all([page.waitForURL(/\/feedback\/send\/$/), page.locator('form').evaluate((f: HTMLFormElement) => f.submit())]);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('至少5个字');
    expect(await axeViolations(page)).toEqual([]);
    expect(await hasHorizontalScroll(page)).toBe(false);
    await context.close();
  });

  it('refuses an expired challenge with a plain message and writes nothing', async () => {
    const { context } = await newPhoneContext(browser, baseUrl, { javaScriptEnabled: false });
    const before = await counts();
    const old = `${Date.now() - 31 * 60_000}.${'c3'.repeat(16)}.${'0'.repeat(16)}`;
    const res = await context.request.post(`${baseUrl}/feedback/send/`, {
      form: { subjectType: 'project', subjectRef: project.code, kind: 'question', body: '这个项目什么时候验收？', check: old, answer: String(sumQuestion(old).answer) },
    });
    expect(res.status()).toBe(400);
    expect(await res.text()).toContain('这一页放得太久了');
    expect(await counts()).toEqual(before);
    await context.close();
  });
});
