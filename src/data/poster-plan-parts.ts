/**
 * The Worker's own plans of the posters' manifest parts a publish changed (db/schema.ts,
 * `poster_plan_parts`; functions/worker-posters.ts): kept per build, since a new build plans every
 * part again from the database.
 *
 * @example
 * await savePosterPlanPart(db, buildId, { year: 2024, townshipCode: '430482101' }, manifest, clock());
 * const part = await loadPosterPlanPart(db, buildId, { year: 2024, townshipCode: '430482101' });
 */
import { and, desc, eq } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { posterPlanParts } from '../../db/schema.ts';
import { lastPublicChange } from './audit.ts';
import { parsePosterManifest, type ManifestPart, type PosterManifest } from '../posters/manifest.ts';

/** The part as the Worker of build `buildId` planned it after a publish; null when it has not. */
export async function loadPosterPlanPart(db: Database, buildId: string, part: ManifestPart): Promise<PosterManifest | null> {
  const [row] = await db
    .select({ json: posterPlanParts.manifestJson })
    .from(posterPlanParts)
    .where(and(eq(posterPlanParts.buildId, buildId), eq(posterPlanParts.year, part.year), eq(posterPlanParts.townshipCode, part.townshipCode)))
    .limit(1);
  return row ? parsePosterManifest(JSON.parse(row.json)) : null;
}

/**
 * Stores a new plan of the part, with a new id, in place of any earlier one (this build's, or an
 * earlier build's, which the deployed build never reads).
 */
export async function savePosterPlanPart(db: Database, buildId: string, part: ManifestPart, manifest: PosterManifest, at: Date): Promise<void> {
  const samePart = and(eq(posterPlanParts.year, part.year), eq(posterPlanParts.townshipCode, part.townshipCode));
  await db.batch([
    db.delete(posterPlanParts).where(samePart),
    db.insert(posterPlanParts).values({ buildId, year: part.year, townshipCode: part.townshipCode, manifestJson: JSON.stringify(manifest), plannedAt: at.toISOString() }),
  ]);
}

/**
 * What the Worker keys the pages it keeps by (functions/worker.ts): the last audited change a
 * public page can show (`publicChangeStamp`) and the newest poster plan (pages link its posters),
 * read in one round trip.
 */
export async function publicPageStamp(db: Database): Promise<string> {
  const [changes, plans] = await db.batch([
    lastPublicChange(db),
    db.select({ id: posterPlanParts.id }).from(posterPlanParts).orderBy(desc(posterPlanParts.id)).limit(1),
  ]);
  return `${changes[0]?.id ?? 0}.${plans[0]?.id ?? 0}`;
}
