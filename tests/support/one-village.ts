/**
 * A database with one village (塘口村委会 of 柏坊镇, 常宁市) whose 2022 disclosure tests publish
 * version after version through the real publishDisclosures, with the ledger they pass.
 */
import type { Database } from '../../db/database.ts';
import * as schema from '../../db/schema.ts';
import { publishDisclosures } from '../../src/data/disclosures.ts';
import type { ProjectRecord } from '../../src/domain/ledger/ledger.ts';

export const ONE_VILLAGE = '430482101232';

export async function insertOneVillage(db: Database): Promise<void> {
  await db.insert(schema.divisions).values([
    { code: '430482', name: '常宁市', level: 'county', parentCode: '430400' },
    { code: '430482101', name: '柏坊镇', level: 'township', parentCode: '430482' },
    { code: ONE_VILLAGE, name: '塘口村委会', level: 'village', parentCode: '430482101' },
  ]);
}

/** Publishes the village's 2022 disclosure with `projects`, its 10-day period starting (and its data cut off) on `periodStart`. */
export function publishOneVillage(db: Database, periodStart: string, projects: ProjectRecord[], correctionReason?: string) {
  return publishDisclosures(db, {
    year: 2022,
    asOf: periodStart,
    publishedAt: `${periodStart}T02:00:00.000Z`,
    periodStart,
    periodDays: 10,
    issuingUnit: '常宁市库区移民事务中心',
    isSample: false,
    villageCodes: [ONE_VILLAGE],
    ledger: { projects, directSubsidies: [], trainings: [] },
    ...(correctionReason ? { correctionReason } : {}),
  });
}
