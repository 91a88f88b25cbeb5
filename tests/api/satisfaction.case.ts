/**
 * 满意度问卷 on both runtimes: the village page's questionnaire without JavaScript (a cookie names
 * the phone, one answer per phone per year, the question form's challenge and sum), the paper
 * results the county enters (checked, audited), and both feeding the 绩效自评表's 满意度 line.
 */
import { eq } from 'drizzle-orm';
import { readSheet } from 'read-excel-file/universal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../../db/schema.ts';
import { shanghaiDate } from '../../src/domain/shared/dates.ts';
import { MIN_FILL_MS, sumQuestion } from '../../src/domain/villager/form-check.ts';
import type { ApiTarget } from '../support/api-target.ts';
import { auth, mintAll, seedCounty, VILLAGE_A1, VILLAGE_A2, type Tokens } from './fixtures.ts';
import { challengeIn } from './villager-feedback-form.case.ts';

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

export function runSatisfactionContract(newTarget: () => Promise<ApiTarget>): void {
  describe('satisfaction questionnaire', () => {
    let target: ApiTarget;
    let tokens: Tokens;
    let year: number;
    beforeAll(async () => {
      target = await newTarget();
      await seedCounty(target.db);
      tokens = await mintAll(target.db);
      await target.db.insert(schema.resettlementVillages).values([
        { villageCode: VILLAGE_A1, migrantPopulation: 120, migrantHouseholds: 30 },
        { villageCode: VILLAGE_A2, migrantPopulation: 80, migrantHouseholds: 20 },
      ]);
      year = Number(shanghaiDate(target.clock.now()).slice(0, 4));
    });
    afterAll(() => target.dispose());

    const open = async (cookie?: string) => {
      const res = await target.request(`/survey/${VILLAGE_A1}/`, cookie ? { headers: { cookie } } : {});
      const html = await res.text();
      const set = res.headers.get('set-cookie') ?? '';
      return { res, html, cookie: /survey_id=[0-9a-f]{32}/.exec(set)?.[0] ?? cookie ?? '' };
    };
    const answers = { 'q-overall': 'fair', 'q-projects': 'satisfied', 'q-openness': 'unsatisfied' };
    const submit = (cookie: string, challenge: string, extra: Record<string, string> = {}) =>
      target.request(`/survey/${VILLAGE_A1}/`, { ...form({ ...answers, check: challenge, answer: String(sumQuestion(challenge).answer), website: '', ...extra }), headers: { 'content-type': 'application/x-www-form-urlencoded', cookie } });
    const responses = () => target.db.select().from(schema.satisfactionResponses);

    it('serves three questions with choices, no script, and names the phone with an HttpOnly cookie', async () => {
      const { res, html, cookie } = await open();
      expect(res.status).toBe(200);
      expect(html).toContain('总的来说，您对本村的后期扶持工作满意吗？');
      expect(html.match(/type="radio"/g)).toHaveLength(9);
      expect(html).not.toContain('<script');
      expect(cookie).toMatch(/^survey_id=/);
      expect(res.headers.get('set-cookie')).toMatch(/HttpOnly/i);
      expect((await target.request('/survey/430482999999/')).status).toBe(404);
    });

    it('takes one answer per phone per year, storing only counts-worthy choices and no cookie value', async () => {
      const { html, cookie } = await open();
      const challenge = challengeIn(html);
      await target.clock.pass(MIN_FILL_MS + 200);
      const res = await submit(cookie, challenge);
      expect(res.status).toBe(201);
      expect(await res.text()).toContain('已收到');
      const rows = await responses();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ year, villageCode: VILLAGE_A1 });
      expect(JSON.parse(rows[0]!.answersJson)).toEqual({ overall: 'fair', projects: 'satisfied', openness: 'unsatisfied' });
      expect(rows[0]!.deviceKey).not.toContain(cookie.split('=')[1]!);

      const again = await open(cookie);
      expect(again.html).toContain('今年');
      expect(again.html).toContain('已经填过问卷了');
      expect(await responses()).toHaveLength(1);
    });

    it('refuses a questionnaire with a question left out, and a used challenge, writing nothing', async () => {
      const { html, cookie } = await open();
      const challenge = challengeIn(html);
      await target.clock.pass(MIN_FILL_MS + 200);
      const partial = await submit(cookie, challenge, { 'q-openness': '' });
      expect(partial.status).toBe(400);
      expect(await partial.text()).toContain('第 3 题还没有选');
      const reused = await submit(cookie, challenge);
      expect(reused.status).toBe(409);
      expect(await responses()).toHaveLength(1);
    });

    it('takes the county’s paper results, checked and audited, and counts both in the 绩效自评表', async () => {
      const put = (token: string, rows: unknown) =>
        target.request(`/api/v1/satisfaction/${year}/paper`, { method: 'PUT', headers: auth(token, { 'content-type': 'application/json' }), body: JSON.stringify({ rows }) });
      expect((await put(tokens.inspector, [])).status).toBe(403);
      const bad = await put(tokens.county, [{ villageCode: VILLAGE_A2, respondents: 10, satisfied: 12 }, { villageCode: '430482999999', respondents: 1, satisfied: 1 }]);
      expect(bad.status).toBe(400);
      const details = ((await bad.json()) as { details: Array<{ row: number; column: string; problem: string }> }).details;
      expect(details).toContainEqual(expect.objectContaining({ row: 1, column: '满意和基本满意份数', problem: '比问卷份数还多' }));
      expect(details).toContainEqual(expect.objectContaining({ row: 2, column: '村', problem: '不是本县的移民村' }));
      expect(await target.db.select().from(schema.satisfactionPaperResults)).toHaveLength(0);

      expect((await put(tokens.county, [{ villageCode: VILLAGE_A2, respondents: 30, satisfied: 27 }])).status).toBe(200);
      expect(await target.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'satisfaction.paper'))).toHaveLength(1);
      const list = (await (await target.request(`/api/v1/satisfaction/${year}`, { headers: auth(tokens.county) })).json()) as { villages: Array<{ code: string; online: number; paper: number }> };
      expect(list.villages.find((v) => v.code === VILLAGE_A1)).toMatchObject({ online: 1, paper: 0 });
      expect(list.villages.find((v) => v.code === VILLAGE_A2)).toMatchObject({ online: 0, paper: 30 });
      const table = (await (await target.request(`/api/v1/self-evaluation/${year}`, { headers: auth(tokens.county) })).json()) as { rows: Array<{ key: string; actualText: string }> };
      // One online (基本满意 counts as satisfied) and 27 of 30 on paper: 28 of 31.
      expect(table.rows.find((r) => r.key === 'satisfaction')!.actualText).toBe('90.3%（31 份问卷，满意和基本满意 28 份）');
    });

    it('gives the county a template of its villages and takes the filled file back, naming each bad cell by its row', async () => {
      const template = await target.request(`/api/v1/satisfaction/${year}/paper-template.xlsx`, { headers: auth(tokens.county) });
      expect(template.status).toBe(200);
      const rows = await readSheet(await template.arrayBuffer());
      expect(rows[0]).toEqual(['村代码', '村', '问卷份数', '满意和基本满意份数']);
      expect(rows.slice(1).map((r) => r[0])).toEqual([VILLAGE_A1, VILLAGE_A2]);
      expect(rows.find((r) => r[0] === VILLAGE_A2)?.slice(2)).toEqual([30, 27]);

      const upload = (csv: string) =>
        target.request(`/api/v1/satisfaction/${year}/paper-file`, { method: 'PUT', headers: auth(tokens.county, { 'content-type': 'text/csv' }), body: `\uFEFF${csv}` });
      const bad = await upload(`村代码,村,问卷份数,满意和基本满意份数\r\n${VILLAGE_A1},禄福村委会,20,很多\r\n`);
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { details: unknown[] }).details).toEqual([{ row: 2, column: '满意和基本满意份数', problem: '不是整数', received: '很多', expected: '整数，例如 30' }]);
      const tooMany = await upload(`村代码,村,问卷份数,满意和基本满意份数\r\n${VILLAGE_A2},杨家湾居委会,,\r\n${VILLAGE_A1},禄福村委会,20,21\r\n`);
      expect(tooMany.status).toBe(400);
      expect(((await tooMany.json()) as { details: Array<{ row: number }> }).details.map((d) => d.row)).toEqual([3]);
      const good = await upload(`村代码,村,问卷份数,满意和基本满意份数\r\n${VILLAGE_A1},禄福村委会,20,18\r\n`);
      expect(good.status).toBe(200);
      const [a1] = await target.db.select().from(schema.satisfactionPaperResults).where(eq(schema.satisfactionPaperResults.villageCode, VILLAGE_A1));
      expect(a1).toMatchObject({ respondents: 20, satisfied: 18 });
      expect((await target.request(`/api/v1/satisfaction/${year}/paper-file`, { method: 'PUT', headers: auth(tokens.inspector), body: 'x' })).status).toBe(403);
    });
  });
}
