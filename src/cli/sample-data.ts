/**
 * The sample county (示例数据) as one step: the deterministic ledger, then its published
 * disclosure history. Used by `npm start` on an empty database, `npm run db:seed` and the tests.
 */
import { count } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { divisions } from '../../db/schema.ts';
import { seedSampleCounty, type SampleSummary } from '../../db/seed/sample-county.ts';
import { publishSampleDisclosures } from './sample-disclosures.ts';

export interface LoadedSample extends SampleSummary {
  disclosures: number;
}

export async function loadSampleCounty(db: Database): Promise<LoadedSample> {
  const summary = await seedSampleCounty(db);
  const disclosures = await publishSampleDisclosures(db);
  return { ...summary, disclosures };
}

/** Loads the sample county when the database holds no divisions yet; returns null otherwise. */
export async function ensureSampleData(db: Database): Promise<LoadedSample | null> {
  const [row] = await db.select({ n: count() }).from(divisions);
  if ((row?.n ?? 0) > 0) return null;
  return loadSampleCounty(db);
}
