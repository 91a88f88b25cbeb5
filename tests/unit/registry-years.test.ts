/**
 * Each year keeps its own 移民村名册 figures (人口核定核减): a year published after the next year's
 * registry was uploaded still shows its own figures, and the year's indicators and township totals
 * are that year's; a village with no registry row for a year falls back to its latest figures
 * (resettlement_villages).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as t from '../../db/schema.ts';
import { loadPublishedYear, publishDisclosures } from '../../src/data/disclosures.ts';
import { loadPortalData } from '../../src/data/portal-data.ts';
import { townshipSummary } from '../../src/data/township-summary.ts';
import { computeIndicators } from '../../src/domain/ledger/indicators.ts';
import { createTempDatabase, type TempDatabase } from '../support/temp-database.ts';

const COUNTY = '430421';
const TOWNSHIP = '430421100';
/** Registry rows for 2024 (512 人) and 2025 (509 人 after 核减 3). */
const VILLAGE_A = '430421100201';
/** No registry rows: only its latest figures (88 人). */
const VILLAGE_B = '430421100202';

let temp: TempDatabase;
beforeEach(async () => {
  temp = await createTempDatabase();
  const { db } = temp;
  await db.insert(t.divisions).values([
    { code: COUNTY, name: '衡阳县', level: 'county' },
    { code: TOWNSHIP, name: '西渡镇', level: 'township', parentCode: COUNTY },
    { code: VILLAGE_A, name: '梅花村委会', level: 'village', parentCode: TOWNSHIP },
    { code: VILLAGE_B, name: '石狮村委会', level: 'village', parentCode: TOWNSHIP },
  ]);
  await db.insert(t.villageRegistry).values([
    { villageCode: VILLAGE_A, year: 2024, migrantPopulation: 512, migrantHouseholds: 131, isKeyVillage: true },
    { villageCode: VILLAGE_A, year: 2025, migrantPopulation: 509, migrantHouseholds: 130, isKeyVillage: true, note: '核减3人' },
  ]);
  // The latest year's figures, as the registry upload keeps them.
  await db.insert(t.resettlementVillages).values([
    { villageCode: VILLAGE_A, migrantPopulation: 509, migrantHouseholds: 130, isKeyVillage: true },
    { villageCode: VILLAGE_B, migrantPopulation: 88, migrantHouseholds: 20 },
  ]);
  const subsidy = (villageCode: string, year: number, beneficiaries: number) => ({
    villageCode,
    year,
    beneficiaries,
    amountFen: beneficiaries * 60_000,
    dueDate: `${year}-06-30`,
    paymentDate: `${year}-06-28`,
  });
  await db.insert(t.directSubsidies).values([subsidy(VILLAGE_A, 2024, 512), subsidy(VILLAGE_A, 2025, 509), subsidy(VILLAGE_B, 2024, 88), subsidy(VILLAGE_B, 2025, 88)]);
});
afterEach(() => temp.dispose());

async function publish(year: number): Promise<void> {
  const result = await publishDisclosures(temp.db, { year, asOf: `${year}-08-31`, publishedAt: `${year}-09-01T02:00:00.000Z`, periodStart: `${year}-09-01`, issuingUnit: '衡阳县水库移民事务中心', isSample: false });
  expect(result.ok).toBe(true);
}

describe('each year uses its own registry figures', () => {
  it('publishes, counts and totals 2024 with 512 人 and 2025 with 509 人, whatever order they are published in', async () => {
    // 2025 first: publishing 2024 afterwards must not take 2025's (the latest) figures.
    await publish(2025);
    await publish(2024);

    const figures = async (year: number) => {
      const published = await loadPublishedYear(temp.db, year);
      return Object.fromEntries(published.villages.map((v) => [v.scopeCode, v.content.village]));
    };
    expect(await figures(2024)).toEqual({
      [VILLAGE_A]: expect.objectContaining({ migrantPopulation: 512, migrantHouseholds: 131, isKeyVillage: true }),
      [VILLAGE_B]: expect.objectContaining({ migrantPopulation: 88, migrantHouseholds: 20 }),
    });
    expect(await figures(2025)).toEqual({
      [VILLAGE_A]: expect.objectContaining({ migrantPopulation: 509, migrantHouseholds: 130 }),
      [VILLAGE_B]: expect.objectContaining({ migrantPopulation: 88, migrantHouseholds: 20 }),
    });

    // 直补资金受益移民 (扶持人数) is the year's own direct-subsidy figure.
    for (const [year, people] of [[2024, 600], [2025, 597]] as const) {
      const published = await loadPublishedYear(temp.db, year);
      expect(computeIndicators(published.ledger, { year, asOf: published.asOf! }).directSubsidyBeneficiaries, String(year)).toBe(people);
    }

    const data = await loadPortalData(temp.db);
    const township = data.townshipByCode.get(TOWNSHIP)!;
    for (const [year, a, total] of [[2024, 512, 600], [2025, 509, 597]] as const) {
      const summary = townshipSummary(data, township, year);
      expect(summary.rows.map((r) => [r.village.code, r.migrants]), String(year)).toEqual([[VILLAGE_A, a], [VILLAGE_B, 88]]);
      expect(summary.total.migrants, String(year)).toBe(total);
    }
  });
});
