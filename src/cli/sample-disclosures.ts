/**
 * The sample county's publication history: for every year two versions — the year-end
 * disclosure, then a progress update as of 31 August of the next year (the county's reporting
 * date for the self-evaluation), published as a correction with its reason. It publishes through
 * the data layer, so it lives with the entry points (src/cli), not with the seed's raw tables.
 */
import type { Database } from '../../db/database.ts';
import { addDays } from '../domain/shared/dates.ts';
import { publishDisclosures } from '../data/disclosures.ts';

export const SAMPLE_YEARS = [2018, 2019, 2020, 2021, 2022, 2023, 2024] as const;
export const SAMPLE_ISSUING_UNIT = '常宁市库区移民事务中心';

export interface SamplePublication {
  year: number;
  asOf: string;
  periodStart: string;
  correctionReason?: string;
}

/** Year-end disclosure, then the 31 August progress update. */
export function samplePublications(year: number): SamplePublication[] {
  const yearEnd = `${year}-12-31`;
  const update = `${year + 1}-08-31`;
  return [
    { year, asOf: yearEnd, periodStart: addDays(yearEnd, 6) },
    { year, asOf: update, periodStart: addDays(update, 6), correctionReason: '更新项目进度和资金拨付情况（截至8月31日）' },
  ];
}

/** Publishes the whole sample history; returns how many snapshots were written. */
export async function publishSampleDisclosures(db: Database): Promise<number> {
  let written = 0;
  for (const year of SAMPLE_YEARS) {
    for (const p of samplePublications(year)) {
      const result = await publishDisclosures(db, {
        year: p.year,
        asOf: p.asOf,
        publishedAt: `${addDays(p.periodStart, -1)}T02:00:00.000Z`,
        periodStart: p.periodStart,
        issuingUnit: SAMPLE_ISSUING_UNIT,
        isSample: true,
        ...(p.correctionReason ? { correctionReason: p.correctionReason } : {}),
      });
      if (!result.ok) throw new Error(`sample publication ${p.year} as of ${p.asOf} failed: ${result.code} ${result.message}`);
      written += result.createdCount;
    }
  }
  return written;
}
