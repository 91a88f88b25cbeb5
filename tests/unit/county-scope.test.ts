/**
 * Two counties in one database (issue 16): a county's ledger and its publish read its own villages
 * only. Without the county scope, publishing such a database fails (villages of two counties).
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../../db/schema.ts';
import { publishDisclosures } from '../../src/data/disclosures.ts';
import { loadLedger } from '../../src/data/ledger.ts';
import { createTempDatabase, type TempDatabase } from '../support/temp-database.ts';

const CHANGNING_VILLAGE = '430482101232';
const HENGYANG_VILLAGE = '430421101201';

describe('two counties in one database', () => {
  let temp: TempDatabase;
  beforeAll(async () => {
    temp = await createTempDatabase();
    await temp.db.insert(schema.divisions).values([
      { code: '430482', name: '常宁市', level: 'county', parentCode: '430400' },
      { code: '430482101', name: '柏坊镇', level: 'township', parentCode: '430482' },
      { code: CHANGNING_VILLAGE, name: '塘口村委会', level: 'village', parentCode: '430482101' },
      { code: '430421', name: '衡阳县', level: 'county', parentCode: '430400' },
      { code: '430421101', name: '西渡镇', level: 'township', parentCode: '430421' },
      { code: HENGYANG_VILLAGE, name: '梅花村委会', level: 'village', parentCode: '430421101' },
    ]);
    const subsidy = (villageCode: string) => ({ villageCode, year: 2022, beneficiaries: 10, amountFen: 600_000, dueDate: '2022-06-30', paymentDate: '2022-06-20' });
    await temp.db.insert(schema.directSubsidies).values([subsidy(CHANGNING_VILLAGE), subsidy(HENGYANG_VILLAGE)]);
    const training = (countyCode: string, townshipCode: string | null, course: string) => ({ countyCode, year: 2022, course, organizer: '县人社局', startDate: '2022-05-01', endDate: '2022-05-10', townshipCode, trainees: 20, passed: 18 });
    await temp.db.insert(schema.trainings).values([training('430421', '430421101', '衡阳县西渡镇电工'), training('430482', '430482101', '常宁市柏坊镇电工'), training('430482', null, '全县通用技能'), training('430421', null, '衡阳县全县技能')]);
  });
  afterAll(() => temp?.dispose());

  const publish = (countyCode?: string) =>
    publishDisclosures(temp.db, { year: 2022, asOf: '2022-08-31', publishedAt: '2022-09-01T02:00:00.000Z', periodStart: '2022-09-01', issuingUnit: '常宁市库区移民事务中心', isSample: false, ...(countyCode ? { countyCode } : {}) });

  it('loads one county’s ledger by its code, and every county’s without one', async () => {
    const changning = await loadLedger(temp.db, { year: 2022, scopeCode: '430482' });
    expect(changning.directSubsidies.map((s) => s.villageCode)).toEqual([CHANGNING_VILLAGE]);
    expect(changning.trainings.map((t) => t.course).sort()).toEqual(['全县通用技能', '常宁市柏坊镇电工']);
    const township = await loadLedger(temp.db, { year: 2022, scopeCode: '430482101' });
    expect(township.trainings.map((t) => t.course)).toEqual(['常宁市柏坊镇电工']);
    expect((await loadLedger(temp.db, { year: 2022 })).directSubsidies).toHaveLength(2);
  });

  it('refuses to publish villages of two counties at once, and publishes one county when told which', async () => {
    const mixed = await publish();
    expect(mixed.ok).toBe(false);
    if (!mixed.ok) expect(mixed.message).toContain('一次发布只能包含一个县的村');
    const result = await publish('430482');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.created.map((r) => r.scopeCode).sort()).toEqual(['430482', CHANGNING_VILLAGE]);
    const rows = await temp.db.select({ scopeCode: schema.disclosures.scopeCode }).from(schema.disclosures);
    expect(rows.map((r) => r.scopeCode)).not.toContain(HENGYANG_VILLAGE);
  });

  it('lists in a county’s snapshot its own villages only, when the other county has published too', async () => {
    const hengyang = await publish('430421');
    expect(hengyang.ok).toBe(true);
    // 常宁市 again: nothing of its own changed, and 衡阳县's version is none of its business.
    const again = await publish('430482');
    expect(again.ok).toBe(true);
    if (!again.ok) return;
    expect(again.createdCount).toBe(0);
    const counties = await temp.db.select({ scopeCode: schema.disclosures.scopeCode, contentJson: schema.disclosures.contentJson }).from(schema.disclosures).where(eq(schema.disclosures.scopeType, 'county'));
    const listed = (code: string) => (JSON.parse(counties.find((c) => c.scopeCode === code)!.contentJson) as { villages: Array<{ code: string }> }).villages.map((v) => v.code);
    expect(listed('430482')).toEqual([CHANGNING_VILLAGE]);
    expect(listed('430421')).toEqual([HENGYANG_VILLAGE]);
  });
});
