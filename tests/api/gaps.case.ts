/**
 * 缺漏和滞后 over the API on both runtimes: each kind of gap is found for a record made to have it,
 * counted under its township and village, listed as the record behind the count, kept within the
 * asker's scope, and written to the XLSX; a record that stops being a gap leaves the count.
 */
import { eq } from 'drizzle-orm';
import { readSheet } from 'read-excel-file/universal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../../db/schema.ts';
import { addDays, shanghaiDate } from '../../src/domain/shared/dates.ts';
import type { ApiTarget } from '../support/api-target.ts';
import { approve, auth, mintAll, postJson, projectRow, seedCounty, TOWNSHIP_A, TOWNSHIP_B, VILLAGE_A1, VILLAGE_A2, VILLAGE_B1, type Tokens } from './fixtures.ts';

interface Finding { kind: string; ref: string; villageCode: string; townshipCode: string; title: string; detail: string }
interface Report {
  kinds: Array<{ key: string; total: number }>;
  townships: Array<{ code: string; counts: Record<string, number>; villages: Array<{ code: string; counts: Record<string, number> }> }>;
  findings: Finding[];
}

export function runGapsContract(newTarget: () => Promise<ApiTarget>): void {
  describe('gaps screen', () => {
    let target: ApiTarget;
    let tokens: Tokens;
    let asOf: string;
    beforeAll(async () => {
      target = await newTarget();
      await seedCounty(target.db);
      tokens = await mintAll(target.db);
      // Approved today and never started: late once the screen looks 200 days ahead.
      const r = await postJson(target, '/api/v1/uploads/projects', tokens.county, { rows: [projectRow('GAP-1', VILLAGE_A1)] });
      expect(r.status).toBe(200);
      await approve(target, { county: tokens.county, township: tokens.townshipA }, ['GAP-1']);
      asOf = addDays(shanghaiDate(target.clock.now()), 200);
      const year = Number(asOf.slice(0, 4));
      // An objection received 30 days before that day, never answered; one answered.
      await target.db.insert(schema.feedback).values([
        { kind: 'objection', subjectType: 'village', subjectRef: VILLAGE_A2, villageCode: VILLAGE_A2, body: '=公示的金额不对', receivedAt: `${addDays(asOf, -30)}T02:00:00.000Z` },
        { kind: 'objection', subjectType: 'village', subjectRef: VILLAGE_B1, villageCode: VILLAGE_B1, body: '已答复的异议', receivedAt: `${addDays(asOf, -30)}T02:00:00.000Z`, status: 'answered', answer: '已核实', answeredAt: `${addDays(asOf, -20)}T02:00:00.000Z` },
      ]);
      // A failed one-card payment of a household in B1.
      const [hh] = await target.db.insert(schema.households).values({ villageCode: VILLAGE_B1, householdNumber: `${VILLAGE_B1}-0001`, headName: '王某某', population: 3, accountNumber: '6217000000000000001' }).returning({ id: schema.households.id });
      await target.db.insert(schema.householdPayments).values({ householdId: hh!.id, year, persons: 3, amountFen: 180_000, status: 'failed', failureReason: '账户冻结' });
      // A resettlement village whose registry says 40 people and which has no direct subsidy that year.
      await target.db.insert(schema.resettlementVillages).values({ villageCode: VILLAGE_B1, migrantPopulation: 40, migrantHouseholds: 12 });
      await target.db.insert(schema.villageRegistry).values({ villageCode: VILLAGE_B1, year, migrantPopulation: 40, migrantHouseholds: 12 });
    });
    afterAll(() => target.dispose());

    const gaps = async (token: string, extra = '') => {
      const res = await target.request(`/api/v1/gaps?asOf=${asOf}${extra}`, { headers: auth(token) });
      expect(res.status).toBe(200);
      return (await res.json()) as Report;
    };
    const total = (r: Report, kind: string) => r.kinds.find((k) => k.key === kind)!.total;

    it('finds each kind of gap for the record that has it, and no other', async () => {
      const r = await gaps(tokens.county);
      const refs = (kind: string) => r.findings.filter((f) => f.kind === kind).map((f) => f.ref);
      expect(refs('approvedNotStarted')).toEqual(['GAP-1']);
      expect(r.findings.filter((f) => f.kind === 'objectionsOverdue').map((f) => f.villageCode)).toEqual([VILLAGE_A2]);
      expect(r.findings.filter((f) => f.kind === 'failedPayments').map((f) => f.villageCode)).toEqual([VILLAGE_B1]);
      expect(refs('registryMismatch')).toEqual([VILLAGE_B1]);
      expect(refs('idleVillages')).toEqual([VILLAGE_B1]);
      // Approved, with no document uploaded: its application and its approval are missing.
      expect(r.findings.filter((f) => f.kind === 'missingDocuments').map((f) => [f.ref, f.detail])).toEqual([['GAP-1', '还缺：立项申请报告、批复文件']]);
      // Staff see the household number, never the name or the account.
      const payment = r.findings.find((f) => f.kind === 'failedPayments')!;
      expect(payment.title).toContain(`${VILLAGE_B1}-0001`);
      expect(JSON.stringify(r)).not.toMatch(/王某某|6217000000000000001/);
    });

    it('counts every finding under its township and village, so each count opens exactly its records', async () => {
      const r = await gaps(tokens.county);
      for (const t of r.townships) {
        for (const [kind, n] of Object.entries(t.counts)) {
          expect(r.findings.filter((f) => f.kind === kind && f.townshipCode === t.code), `${t.code} ${kind}`).toHaveLength(n);
        }
        for (const v of t.villages) {
          for (const [kind, n] of Object.entries(v.counts)) expect(r.findings.filter((f) => f.kind === kind && f.villageCode === v.code)).toHaveLength(n);
        }
      }
      for (const k of r.kinds) expect(r.findings.filter((f) => f.kind === k.key)).toHaveLength(k.total);
      expect(r.townships.find((t) => t.code === TOWNSHIP_A)!.counts.approvedNotStarted).toBe(1);
    });

    it('keeps each role within its scope', async () => {
      const b = await gaps(tokens.townshipB);
      expect(b.townships.map((t) => t.code)).toEqual([TOWNSHIP_B]);
      expect(b.findings.every((f) => f.villageCode.startsWith(TOWNSHIP_B))).toBe(true);
      expect(total(b, 'approvedNotStarted')).toBe(0);
      const a1 = await gaps(tokens.villageA1);
      expect(a1.findings.map((f) => [f.kind, f.ref])).toEqual([['approvedNotStarted', 'GAP-1'], ['missingDocuments', 'GAP-1']]);
      expect(total(await gaps(tokens.inspector), 'approvedNotStarted')).toBe(1);
      expect((await target.request(`/api/v1/gaps?asOf=${asOf}`)).status).toBe(401);
    });

    it('follows the thresholds, and a record that is no longer late leaves the count', async () => {
      expect(total(await gaps(tokens.county, '&startDays=365'), 'approvedNotStarted')).toBe(0);
      await target.db.update(schema.feedback).set({ status: 'answered', answer: '已核实', answeredAt: `${addDays(asOf, -1)}T02:00:00.000Z` }).where(eq(schema.feedback.villageCode, VILLAGE_A2));
      expect(total(await gaps(tokens.county), 'objectionsOverdue')).toBe(0);
    });

    it('downloads the counts and every record as XLSX, formulas kept as text', async () => {
      const res = await target.request(`/api/v1/gaps/table.xlsx?asOf=${asOf}`, { headers: auth(tokens.county) });
      expect(res.status).toBe(200);
      const bytes = await res.arrayBuffer();
      const [summary, details] = await Promise.all([readSheet(bytes, 1), readSheet(bytes, 2)]);
      const report = await gaps(tokens.county);
      expect(details.length - 1).toBe(report.findings.length);
      expect(details.map((r) => r[3])).toContain('GAP-1');
      expect(summary.find((r) => r[0] === '合计')).toBeDefined();
    });

    it('refuses a day that does not exist, in Chinese', async () => {
      const res = await target.request('/api/v1/gaps?asOf=2025-02-30', { headers: auth(tokens.county) });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { message: string }).message).toContain('不是真实的日期');
    });
  });
}
