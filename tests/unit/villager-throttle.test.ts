import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseThrottleStore, memoryThrottleStore, throttle, type ThrottleStore } from '../../src/data/throttle-store.ts';
import { countersFor, judge, LOOKUP_CLIENT_RULES, LOOKUP_VILLAGE_RULES, windowStart } from '../../src/domain/access/throttle.ts';
import { createTempDatabase, type TempDatabase } from '../support/temp-database.ts';

describe('throttle rules', () => {
  const now = new Date('2026-11-26T08:03:20.000Z');
  it('puts a request in fixed windows and names the key by subject, rule and window', () => {
    expect(windowStart(now, 600)).toBe(Date.parse('2026-11-26T08:00:00.000Z') / 1000);
    const [c] = countersFor('lookup:client:abc', LOOKUP_CLIENT_RULES, now);
    expect(c).toMatchObject({ key: `lookup:client:abc:client-10min:${windowStart(now, 600)}`, resetsAt: '2026-11-26T08:10:00.000Z' });
  });
  it('allows up to the limit and then says how long to wait', () => {
    const counters = countersFor('x', LOOKUP_VILLAGE_RULES, now);
    expect(judge(counters, [120], now).allowed).toBe(true);
    expect(judge(counters, [121], now)).toEqual({ allowed: false, retryAfterSeconds: 3400, exceeded: ['village-hour'] });
  });
});

let temp: TempDatabase;
let clock = new Date('2026-11-26T08:00:00.000Z');
beforeAll(async () => {
  temp = await createTempDatabase();
});
afterAll(() => temp.dispose());

describe.each([
  ['memory', () => memoryThrottleStore(() => clock)],
  ['database', () => databaseThrottleStore(temp.db, () => clock)],
])('%s throttle store', (_name, make: () => ThrottleStore) => {
  it('limits a village to 120 lookups an hour from any number of clients, and starts again next hour', async () => {
    const store = make();
    clock = new Date('2026-11-26T08:00:00.000Z');
    const ask = (client: number) =>
      throttle(store, [{ subject: `lookup:client:${client}`, rules: LOOKUP_CLIENT_RULES }, { subject: `lookup:village:${_name}`, rules: LOOKUP_VILLAGE_RULES }], clock);
    for (let i = 0; i < 120; i++) expect((await ask(i)).allowed).toBe(true);
    const over = await ask(999);
    expect(over).toMatchObject({ allowed: false, exceeded: ['village-hour'] });
    clock = new Date('2026-11-26T09:00:01.000Z');
    expect((await ask(1000)).allowed).toBe(true);
  });
});
