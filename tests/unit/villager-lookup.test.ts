import { drizzle } from 'drizzle-orm/libsql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../../db/schema.ts';
import { lookupSubsidy } from '../../src/data/subsidy-lookup.ts';
import {
  CANDIDATE_SLOTS,
  constantTimeEqual,
  explainFailure,
  matchCandidates,
  normaliseInput,
  paymentLine,
  parseLookupRequest,
  type LookupRequest,
} from '../../src/domain/villager/subsidy-lookup.ts';
import { ROSTER, seedVillagerRoster, VILLAGE_A } from '../api/villager-roster.case.ts';
import { createTempDatabase, type TempDatabase } from '../support/temp-database.ts';
import { TEST_ROSTER_KEY } from '../support/api-target.ts';

describe('lookup input', () => {
  it.each([
    ['full-width digits and spaces', { villageCode: '４３０４８２１０５００３', name: '张 守田', idTail: '１２３４５ｘ' }, { mode: 'id', villageCode: '430482105003', name: '张守田', idTail: '12345X' }],
    ['a household number with a full-width dash', { householdNumber: '430482105003－0001', name: '张守田' }, { mode: 'household', householdNumber: '430482105003-0001', name: '张守田' }],
  ])('normalises %s', (_label, input, expected) => {
    expect(parseLookupRequest(input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['a short ID tail', { villageCode: '430482105003', name: '张守田', idTail: '1234' }, 'idTail'],
    ['a name in Latin letters', { villageCode: '430482105003', name: 'Zhang', idTail: '123456' }, 'name'],
    ['a village that is not a 12-digit code', { villageCode: '禄福村', name: '张守田', idTail: '123456' }, 'villageCode'],
    ['a household number without its sequence', { householdNumber: '430482105003', name: '张守田' }, 'householdNumber'],
  ])('rejects %s, naming the field in plain Chinese', (_label, input, field) => {
    const result = parseLookupRequest(input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems[0]!.field).toBe(field);
      expect(result.problems[0]!.problem).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('normalises full-width letters', () => expect(normaliseInput('ＡＢ１')).toBe('AB1'));
});

describe('matching', () => {
  it('compares strings exactly, whatever the lengths', () => {
    expect(constantTimeEqual('12345X', '12345X')).toBe(true);
    expect(constantTimeEqual('12345', '12345X')).toBe(false);
    expect(constantTimeEqual('12345XX', '12345X')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });

  it('matches only when name and secret both match, and refuses an ambiguous match', () => {
    const c = [
      { householdId: 1, name: '张三', secret: '111111' },
      { householdId: 2, name: '张三', secret: '222222' },
    ];
    expect(matchCandidates(c, '张三', '222222')).toBe(2);
    expect(matchCandidates(c, '张三', '333333')).toBe(-1);
    expect(matchCandidates([...c, { householdId: 3, name: '张三', secret: '222222' }], '张三', '222222')).toBe(-1);
    expect(matchCandidates([], '张三', '222222')).toBe(-1);
    expect(CANDIDATE_SLOTS).toBeGreaterThanOrEqual(8);
  });
});

describe('payment lines in plain words', () => {
  it.each([
    ['账户冻结', false, '冻结'],
    ['户名与身份证不符（核实后已补发）', true, '户名'],
    ['某种新原因', false, '某种新原因'],
  ])('explains %s', (stored, repaid, word) => {
    const e = explainFailure(stored);
    expect(e.repaid).toBe(repaid);
    expect(e.reason).toContain(word);
    expect(e.advice.length).toBeGreaterThan(5);
  });

  it('says what to do for a failed payment and nothing for a paid one', () => {
    expect(paymentLine({ year: 2024, persons: 2, amountFen: 120000, paymentDate: null, status: 'failed', failureReason: '账号错误' })).toMatchObject({ statusText: '没有发放成功', paymentDateText: null, advice: expect.stringContaining('卡号') });
    expect(paymentLine({ year: 2022, persons: 2, amountFen: 120000, paymentDate: '2022-06-30', status: 'paid', failureReason: null })).toMatchObject({ statusText: '已发放', paymentDateText: '2022年6月30日', reason: null, advice: null });
  });
});

describe('equal work for every outcome', () => {
  let temp: TempDatabase;
  beforeAll(async () => {
    temp = await createTempDatabase();
    await seedVillagerRoster(temp.db);
  });
  afterAll(() => temp.dispose());

  /** Runs a lookup on a drizzle instance that records every SQL statement sent. */
  async function traced(req: LookupRequest) {
    const log: string[] = [];
    const db = drizzle(temp.client, { schema, logger: { logQuery: (query) => log.push(query) } });
    const started = performance.now();
    const outcome = await lookupSubsidy(db, req, TEST_ROSTER_KEY);
    return { log, found: outcome.answer.found, ms: performance.now() - started };
  }

  const tail = ROSTER.zhang.id.slice(-6);
  it.each([
    ['id mode', { mode: 'id', villageCode: VILLAGE_A, name: ROSTER.zhang.name, idTail: tail }, { mode: 'id', villageCode: VILLAGE_A, name: '赵无名', idTail: tail }, { mode: 'id', villageCode: VILLAGE_A, name: ROSTER.zhang.name, idTail: '000000' }],
    ['household mode', { mode: 'household', householdNumber: ROSTER.zhang.household, name: ROSTER.zhang.name }, { mode: 'household', householdNumber: `${VILLAGE_A}-0999`, name: ROSTER.zhang.name }, { mode: 'household', householdNumber: ROSTER.zhang.household, name: '赵无名' }],
  ] as const)('%s sends the same SQL, in the same order, for found, no such person and wrong second factor', async (_mode, hit, nobody, wrong) => {
    const a = await traced(hit);
    const b = await traced(nobody);
    const c = await traced(wrong);
    expect([a.found, b.found, c.found]).toEqual([true, false, false]);
    expect(b.log).toEqual(a.log);
    expect(c.log).toEqual(a.log);
    expect(a.log).toHaveLength(4);
    // Timing is measured for the record (see docs/benchmarks.md), never asserted.
    console.info(`lookup ms (${_mode}): found ${a.ms.toFixed(2)}, nobody ${b.ms.toFixed(2)}, wrong ${c.ms.toFixed(2)}`);
  });
});
