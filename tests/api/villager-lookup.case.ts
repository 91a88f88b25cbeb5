/**
 * Contract cases for "my direct subsidy" (`POST /api/v1/public/lookup` and the no-JavaScript
 * `POST /lookup/`). Run with any ApiTarget whose database holds the villager roster fixture.
 */
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiTarget } from '../support/api-target.ts';
import { LOOKUP_CLIENT_RULES } from '../../src/domain/access/throttle.ts';
import { findPersonalData } from '../../src/domain/villager/masking.ts';
import { ROSTER, seedVillagerRoster, VILLAGE_A, VILLAGE_B } from './villager-roster.case.ts';

const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});
const tail = (id: string) => id.slice(-6);

export function runLookupContract(newTarget: () => Promise<ApiTarget>) {
  describe('villager subsidy lookup', () => {
    let target: ApiTarget;
    beforeEach(async () => {
      target = await newTarget();
      await seedVillagerRoster(target.db);
    });
    afterEach(async () => target.dispose());

    const lookup = (body: unknown) => target.request('/api/v1/public/lookup', json(body));

    it("finds a migrant's own household by village, name and the last 6 ID characters, masked, newest year first", async () => {
      const res = await lookup({ mode: 'id', villageCode: VILLAGE_A, name: ROSTER.zhang.name, idTail: tail(ROSTER.zhang.id) });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { found: boolean; name: string; headName: string; villageName: string; payments: Array<Record<string, unknown>> };
      expect(body).toMatchObject({ found: true, name: '张*', headName: '张*', villageName: '禄福村' });
      expect(body.payments.map((p) => p.year)).toEqual([2024, 2022, 2021]);
      expect(body.payments[0]).toMatchObject({ status: 'failed', statusText: '没有发放成功', amountText: '1,200.00 元' });
      expect(String(body.payments[0]!.reason)).toContain('冻结');
      expect(String(body.payments[0]!.advice)).toContain('银行');
      expect(body.payments[2]).toMatchObject({ statusText: '已补发' });
      const text = JSON.stringify(body);
      expect(text).not.toContain(ROSTER.zhang.name);
      expect(text).not.toContain(ROSTER.zhangWife.name);
      expect(findPersonalData(text)).toEqual([]);
    });

    it('finds a household by household number and the name of any member, and accepts full-width input', async () => {
      const res = await lookup({ householdNumber: ROSTER.zhangWife.household.replace('-', '－'), name: ` ${ROSTER.zhangWife.name} ` });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ found: true, name: '李*', headName: '张*' });
    });

    it('never answers with another village’s person of the same name', async () => {
      const res = await lookup({ mode: 'id', villageCode: VILLAGE_B, name: ROSTER.zhang.name, idTail: tail(ROSTER.zhang.id) });
      expect(await res.json()).toMatchObject({ found: false });
    });

    it('answers "no such person", "wrong second factor" and "unknown household" with the identical status and body', async () => {
      const cases = [
        { mode: 'id', villageCode: VILLAGE_A, name: '赵无名', idTail: tail(ROSTER.zhang.id) },
        { mode: 'id', villageCode: VILLAGE_A, name: ROSTER.zhang.name, idTail: '000000' },
        { mode: 'id', villageCode: VILLAGE_A, name: ROSTER.zhang.name, idTail: tail(ROSTER.wang.id) },
        { mode: 'household', householdNumber: `${VILLAGE_A}-0099`, name: ROSTER.zhang.name },
        { mode: 'household', householdNumber: ROSTER.zhang.household, name: ROSTER.wang.name },
      ];
      const answers = [];
      for (const c of cases) {
        const res = await lookup(c);
        answers.push({ status: res.status, type: res.headers.get('content-type'), body: await res.text() });
      }
      for (const a of answers) expect(a).toEqual(answers[0]);
      expect(answers[0]!.status).toBe(200);
      expect(JSON.parse(answers[0]!.body)).toEqual({ found: false, message: expect.stringContaining('没有查到') });
    });

    it('rejects a malformed request with 400 and the one error shape naming the field', async () => {
      const res = await lookup({ mode: 'id', villageCode: VILLAGE_A, name: ROSTER.zhang.name, idTail: '12' });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { code: string; message: string; details: Array<{ column: string; problem: string }>; requestId: string };
      expect(body.code).toBe('VALIDATION_FAILED');
      expect(body.details[0]).toMatchObject({ column: 'idTail' });
      expect(typeof body.requestId).toBe('string');
      const notJson = await target.request('/api/v1/public/lookup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
      expect(notJson.status).toBe(400);
    });

    it('audits every lookup with the outcome but never the ID characters or the full name', async () => {
      await lookup({ mode: 'id', villageCode: VILLAGE_A, name: ROSTER.zhang.name, idTail: tail(ROSTER.zhang.id) });
      await lookup({ mode: 'id', villageCode: VILLAGE_A, name: ROSTER.zhang.name, idTail: '000000' });
      const rows = await target.db.all<{ action: string; subject_id: string; detail_json: string }>(
        sql`select action, subject_id, detail_json from audit_log where action = 'subsidy.lookup' order by id`,
      );
      expect(rows.map((r) => JSON.parse(r.detail_json).outcome)).toEqual(['found', 'not_found']);
      expect(rows.every((r) => r.subject_id === VILLAGE_A)).toBe(true);
      const text = JSON.stringify(rows);
      expect(text).not.toContain(tail(ROSTER.zhang.id));
      expect(text).not.toContain(ROSTER.zhang.name);
      expect(text).not.toContain(ROSTER.zhang.id);
    });

    it('throttles a client after 10 lookups in 10 minutes with 429, Retry-After and the error shape, and audits it', async () => {
      const ask = { mode: 'id', villageCode: VILLAGE_A, name: '赵无名', idTail: '123456' };
      // Eleven lookups inside one fixed window, whatever the minute the suite runs.
      await target.clock.stayInOneWindow(LOOKUP_CLIENT_RULES[0]!.windowSeconds);
      for (let i = 0; i < 10; i++) expect((await lookup(ask)).status).toBe(200);
      const res = await lookup(ask);
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await res.json()).toMatchObject({ code: 'TOO_MANY_REQUESTS', message: expect.stringContaining('过一会儿') });
      const [row] = await target.db.all<{ n: number }>(sql`select count(*) as n from audit_log where detail_json like '%throttled%'`);
      expect(row!.n).toBe(1);
    });

    it('answers the no-JavaScript form with an HTML page: found, not found and invalid', async () => {
      const found = await target.request('/lookup/', form({ mode: 'id', villageCode: VILLAGE_A, name: ROSTER.zhang.name, idTail: tail(ROSTER.zhang.id) }));
      expect(found.status).toBe(200);
      expect(found.headers.get('content-type')).toContain('text/html');
      expect(found.headers.get('cache-control')).toBe('no-store');
      const html = await found.text();
      expect(html).toContain('张*家的直补');
      expect(html).toContain('2024年：没有发放成功');
      expect(html).not.toContain(ROSTER.zhang.name);
      const missing = await target.request('/lookup/', form({ mode: 'id', villageCode: VILLAGE_A, name: ROSTER.zhang.name, idTail: '000000' }));
      expect(missing.status).toBe(200);
      expect(await missing.text()).toContain('没有查到');
      const invalid = await target.request('/lookup/', form({ mode: 'id', villageCode: 'x', name: '', idTail: '' }));
      expect(invalid.status).toBe(400);
      expect(await invalid.text()).toContain('填写的内容有问题');
    });
  });
}
