/**
 * The posters' view of the database: the published snapshots and previous outcomes `planPosters`
 * reads (src/posters/plan.ts), so that the posters layer never imports this one.
 *
 * @example
 * const plan = await planPosters({ source: posterSource(db), outDir, settings });
 */
import type { Database } from '../../db/database.ts';
import type { PosterSource } from '../posters/plan.ts';
import { listPublishedYears, listVillageVersionsOfYear } from './disclosures.ts';
import { loadPreviousOutcomes } from './previous-outcome.ts';

export function posterSource(db: Database): PosterSource {
  return {
    listPublishedYears: () => listPublishedYears(db),
    loadVillageVersions: (year, codePrefixes) => listVillageVersionsOfYear(db, year, codePrefixes),
    loadPreviousOutcomes: (year, today, codePrefixes) => loadPreviousOutcomes(db, year, today, codePrefixes),
  };
}
