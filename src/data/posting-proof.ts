/**
 * Poster photos (posting_proofs): which disclosure a photo is for, storing the checked proof,
 * staff review, and the accepted proofs the site shows as 已张贴.
 */
import { and, desc, eq, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { disclosures, divisions, postingProofs } from '../../db/schema.ts';
import { normalizeVerificationCode } from '../domain/disclosure/disclosure-content.ts';
import type { ProofCheck, ProofStatus } from '../domain/villager/posting-proof.ts';
import type { WriteTx } from './write-lock.ts';
import { loadedOnce } from './site-cache.ts';
import { codeStartsWith } from './code-prefix.ts';

export interface ProofTarget {
  disclosureId: number;
  villageCode: string;
  villageName: string;
  periodStart: string;
  periodEnd: string;
  villageLon: number | null;
  villageLat: number | null;
}

/** The village disclosure a photo is for, by id or verification code; null when none. */
export async function findProofTarget(db: Database, ref: { disclosureId?: number; verificationCode?: string }): Promise<ProofTarget | null> {
  const where = ref.disclosureId !== undefined ? eq(disclosures.id, ref.disclosureId) : eq(disclosures.verificationCode, normalizeVerificationCode(ref.verificationCode ?? '') ?? '');
  const [row] = await db
    .select({
      disclosureId: disclosures.id,
      scopeType: disclosures.scopeType,
      villageCode: disclosures.scopeCode,
      villageName: divisions.name,
      periodStart: disclosures.periodStart,
      periodEnd: disclosures.periodEnd,
      villageLon: divisions.lon,
      villageLat: divisions.lat,
    })
    .from(disclosures)
    .innerJoin(divisions, eq(divisions.code, disclosures.scopeCode))
    .where(where);
  if (!row || row.scopeType !== 'village') return null;
  const { scopeType: _scope, ...target } = row;
  return target;
}

export interface NewProof {
  target: ProofTarget;
  check: ProofCheck;
  imageKey: string;
  width: number;
  height: number;
  uploadedBy: number;
  uploadedAt: string;
}

export async function insertProof(tx: Database | WriteTx, p: NewProof): Promise<number> {
  const [row] = await tx
    .insert(postingProofs)
    .values({
      disclosureId: p.target.disclosureId,
      villageCode: p.target.villageCode,
      uploadedBy: p.uploadedBy,
      uploadedAt: p.uploadedAt,
      imageKey: p.imageKey,
      width: p.width,
      height: p.height,
      takenAt: p.check.takenAt,
      lon: p.check.lon,
      lat: p.check.lat,
      distanceM: p.check.distanceM,
      timeCheck: p.check.timeCheck,
      placeCheck: p.check.placeCheck,
      status: p.check.status,
    })
    .returning({ id: postingProofs.id });
  return row!.id;
}

export type ProofRow = typeof postingProofs.$inferSelect;

export async function getProof(db: Database, id: number): Promise<ProofRow | null> {
  const [row] = await db.select().from(postingProofs).where(eq(postingProofs.id, id));
  return row ?? null;
}

/** Proofs within a division prefix (all for the county), newest first. */
export async function listProofs(db: Database, options: { scopeCode: string; countyWide: boolean; status?: ProofStatus | undefined }): Promise<ProofRow[]> {
  const where: SQL[] = [];
  if (!options.countyWide) where.push(codeStartsWith(postingProofs.villageCode, options.scopeCode));
  if (options.status) where.push(eq(postingProofs.status, options.status));
  return db.select().from(postingProofs).where(where.length ? and(...where) : undefined).orderBy(desc(postingProofs.uploadedAt), desc(postingProofs.id));
}

export async function reviewProof(tx: Database | WriteTx, id: number, review: { status: ProofStatus; note: string | null; by: number }): Promise<void> {
  await tx.update(postingProofs).set({ status: review.status, reviewNote: review.note, reviewedBy: review.by }).where(eq(postingProofs.id, id));
}

/** An accepted proof as the site shows it. */
export interface PublicProof {
  id: number;
  disclosureId: number;
  villageCode: string;
  takenAt: string | null;
  uploadedAt: string;
  width: number;
  height: number;
}

/** Every accepted proof, newest first (for 已张贴 on village pages). */
export async function listAcceptedProofs(db: Database): Promise<PublicProof[]> {
  return db
    .select({
      id: postingProofs.id,
      disclosureId: postingProofs.disclosureId,
      villageCode: postingProofs.villageCode,
      takenAt: postingProofs.takenAt,
      uploadedAt: postingProofs.uploadedAt,
      width: postingProofs.width,
      height: postingProofs.height,
    })
    .from(postingProofs)
    .where(eq(postingProofs.status, 'accepted'))
    .orderBy(desc(postingProofs.uploadedAt), desc(postingProofs.id));
}

/** Accepted proofs, loaded once per site build or data change. */
export const siteAcceptedProofs: () => Promise<PublicProof[]> = loadedOnce(async () => {
  const { siteDatabase } = await import('./site-database.ts');
  return listAcceptedProofs((await siteDatabase()).db);
});
