/**
 * A tiny FAKE roster for the villager-side API cases: one township, two villages, three households
 * with made-up names and made-up, well-formed ID numbers (built here at run time).
 */
import type { Database } from '../../db/database.ts';
import * as t from '../../db/schema.ts';
import { idNumberCheckChar } from '../../db/seed/id-number.ts';
import { addDays } from '../../src/domain/shared/dates.ts';
import { storedIdentity } from '../../src/domain/villager/roster-key.ts';
import { TEST_ROSTER_KEY } from '../support/api-target.ts';

export const VILLAGE_A = '430482105003';
export const VILLAGE_B = '430482105004';

/** A made-up, well-formed ID number: region, birth date, sequence, check character. */
export function fakeId(birth: string, seq: string): string {
  const first17 = `430482${birth}${seq}`;
  return first17 + idNumberCheckChar(first17);
}

export const ROSTER = {
  /** Household head with a failed 2024 payment and a repaid 2021 one. */
  zhang: { name: '张守田', id: fakeId('19580312', '031'), household: `${VILLAGE_A}-0001` },
  zhangWife: { name: '李桂英', id: fakeId('19600505', '042'), household: `${VILLAGE_A}-0001` },
  wang: { name: '王二伢', id: fakeId('19650101', '015'), household: `${VILLAGE_A}-0002` },
  /** Same name as a person in village A, different village. */
  zhangB: { name: '张守田', id: fakeId('19700909', '077'), household: `${VILLAGE_B}-0001` },
} as const;

export async function seedVillagerRoster(db: Database): Promise<void> {
  await db.insert(t.divisions).values([
    { code: '430482', name: '常宁市', level: 'county', parentCode: null },
    { code: '430482105', name: '柏坊镇', level: 'township', parentCode: '430482', lon: 112.5, lat: 26.3 },
    { code: VILLAGE_A, name: '禄福村', level: 'village', parentCode: '430482105', lon: 112.51, lat: 26.31 },
    { code: VILLAGE_B, name: '清江村', level: 'village', parentCode: '430482105', lon: 112.55, lat: 26.35 },
  ]);
  const [h1] = await db.insert(t.households).values({ villageCode: VILLAGE_A, householdNumber: ROSTER.zhang.household, headName: ROSTER.zhang.name, accountNumber: '8101000011112222333' }).returning();
  const [h2] = await db.insert(t.households).values({ villageCode: VILLAGE_A, householdNumber: ROSTER.wang.household, headName: ROSTER.wang.name, accountNumber: '8101000011112222444' }).returning();
  const [h3] = await db.insert(t.households).values({ villageCode: VILLAGE_B, householdNumber: ROSTER.zhangB.household, headName: ROSTER.zhangB.name, accountNumber: '8101000011112222555' }).returning();
  // Stored as the app stores a roster: hashes under the tests' roster key and the masked form.
  const member = async (householdId: number, p: { name: string; id: string }, relation: string) => ({ householdId, name: p.name, relation, ...(await storedIdentity(TEST_ROSTER_KEY, p.id)) });
  await db.insert(t.persons).values([
    await member(h1!.id, ROSTER.zhang, '户主'),
    await member(h1!.id, ROSTER.zhangWife, '配偶'),
    await member(h2!.id, ROSTER.wang, '户主'),
    await member(h3!.id, ROSTER.zhangB, '户主'),
  ]);
  await db.insert(t.householdPayments).values([
    { householdId: h1!.id, year: 2021, persons: 2, amountFen: 120_000, paymentDate: '2021-08-20', status: 'paid', failureReason: '账户冻结（核实后已补发）' },
    { householdId: h1!.id, year: 2022, persons: 2, amountFen: 120_000, paymentDate: '2022-06-30', status: 'paid', failureReason: null },
    { householdId: h1!.id, year: 2024, persons: 2, amountFen: 120_000, paymentDate: null, status: 'failed', failureReason: '账户冻结' },
    { householdId: h2!.id, year: 2022, persons: 1, amountFen: 60_000, paymentDate: '2022-06-30', status: 'paid', failureReason: null },
    { householdId: h3!.id, year: 2022, persons: 1, amountFen: 60_000, paymentDate: '2022-07-02', status: 'paid', failureReason: null },
  ]);
}

export const PROJECT_CODE = 'XM2026-105003-01';
export const DISCLOSURE_CODE = 'K7M2-Q9PX';
/** The 公示期 of the fixture disclosure: 11 days with `today` (the app's China day) the 7th. */
export function periodAround(today: string): { periodStart: string; periodEnd: string } {
  return { periodStart: addDays(today, -6), periodEnd: addDays(today, 4) };
}

/**
 * A project of village A and the village's published disclosure (a minimal row), in its 公示期
 * on `today`: pass `shanghaiDate(target.clock.now())`.
 */
export async function seedVillagerDisclosure(db: Database, today: string): Promise<{ disclosureId: number; period: { periodStart: string; periodEnd: string } }> {
  const period = periodAround(today);
  await db.insert(t.projectTypes).values({ code: 'production', name: '生产开发', indicatorGroup: 'production_infrastructure', sortOrder: 1 });
  await db.insert(t.projects).values({ code: PROJECT_CODE, year: 2026, villageCode: VILLAGE_A, typeCode: 'production', name: '禄福村机耕道硬化', contentScale: '硬化机耕道1.2公里', implementingUnit: '柏坊镇人民政府' });
  const [d] = await db
    .insert(t.disclosures)
    .values({
      scopeType: 'village',
      scopeCode: VILLAGE_A,
      year: 2026,
      version: 1,
      ...period,
      issuingUnit: '常宁市库区移民事务中心',
      publishedAt: `${addDays(period.periodStart, -1)}T02:00:00.000Z`,
      contentJson: '{}',
      contentHash: 'f'.repeat(64),
      previousHash: null,
      verificationCode: DISCLOSURE_CODE,
      isSample: true,
    })
    .returning({ id: t.disclosures.id });
  return { disclosureId: d!.id, period };
}
