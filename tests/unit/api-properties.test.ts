/**
 * Property tests (fast-check) over the upload API: any valid projects upload round-trips (what is
 * read back equals what was sent), and any upload with an invalid cell writes nothing at all.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, ledgerCounts, mintAll, postJson, seedCounty, VILLAGE_A1, VILLAGE_A2, type Tokens } from '../api/fixtures.ts';
import { InjectedClock } from '../support/test-clock.ts';
import { createNodeTarget, type ApiTarget } from '../support/api-target.ts';

const hanzi = fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((c) => String.fromCodePoint(c));
const text = fc.array(hanzi, { minLength: 1, maxLength: 20 }).map((a) => a.join(''));
const date = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2025-06-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
/** 1,000.00 to 5,000,000.00 元 as fen. */
const budgetFen = fc.integer({ min: 100_000, max: 500_000_000 });

const validRow = fc.record({
  village: fc.constantFrom(VILLAGE_A1, VILLAGE_A2),
  name: text,
  contentScale: text,
  budgetFen,
  applied: date,
  beneficiaries: fc.nat({ max: 5000 }),
});

type ValidRow = typeof validRow extends fc.Arbitrary<infer T> ? T : never;

const invalidCell = fc.constantFrom<[string, unknown]>(
  ['budgetCentral', -100],
  ['budgetCentral', 'abc'],
  ['budgetCentral', 12.345],
  ['villageCode', '4304821050'],
  ['villageCode', '430482999999'],
  ['appliedDate', '2025-02-30'],
  ['appliedDate', 45726],
  ['name', '=1+1'],
  ['name', '<b>x</b>'],
  ['lon', 26.4],
  ['year', 1999],
);

describe('upload properties', () => {
  let target: ApiTarget;
  let tokens: Tokens;
  let serial = 0;
  beforeAll(async () => {
    target = await createNodeTarget({ clock: InjectedClock.at('2025-06-30T02:00:00.000Z') });
    await seedCounty(target.db);
    tokens = await mintAll(target.db);
  });
  afterAll(() => target.dispose());

  const toJson = (r: ValidRow, code: string): Record<string, unknown> => ({
    code,
    year: 2025,
    villageCode: r.village,
    type: '生产开发',
    name: r.name,
    contentScale: r.contentScale,
    implementingUnit: '村民委员会',
    budgetCentral: `${Math.trunc(r.budgetFen / 100)}.${String(r.budgetFen % 100).padStart(2, '0')}`,
    appliedDate: r.applied,
    beneficiaries: r.beneficiaries,
  });

  it('round-trips any valid projects upload', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(validRow, { minLength: 1, maxLength: 5 }), async (rows) => {
        const codes = rows.map(() => `PROP-${++serial}`);
        const res = await postJson(target, '/api/v1/uploads/projects', tokens.townshipA, { rows: rows.map((r, i) => toJson(r, codes[i]!)) });
        expect(res.status, await res.clone().text()).toBe(200);
        for (const [i, r] of rows.entries()) {
          const got = (await (await target.request(`/api/v1/projects/${codes[i]}`, { headers: auth(tokens.county) })).json()) as {
            project: { villageCode: string; name: string; contentScale: string; beneficiaries: number; budget: Array<{ fundSource: string; amountFen: number }>; milestones: Array<{ kind: string; date: string }> };
          };
          expect(got.project).toMatchObject({ villageCode: r.village, name: r.name, contentScale: r.contentScale, beneficiaries: r.beneficiaries });
          expect(got.project.budget).toEqual([{ fundSource: 'central', amountFen: r.budgetFen }]);
          expect(got.project.milestones).toEqual([expect.objectContaining({ kind: 'applied', date: r.applied })]);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('never writes anything when any one cell of the upload is invalid', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(validRow, { minLength: 1, maxLength: 5 }), fc.nat(), invalidCell, async (rows, pick, [key, value]) => {
        const json = rows.map((r) => toJson(r, `BAD-${++serial}`));
        json[pick % json.length]![key] = value;
        const before = await ledgerCounts(target.db);
        const res = await postJson(target, '/api/v1/uploads/projects', tokens.townshipA, { rows: json });
        expect([400, 403]).toContain(res.status);
        expect(await ledgerCounts(target.db)).toEqual(before);
      }),
      { numRuns: 40 },
    );
  });
});
