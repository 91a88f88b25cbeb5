/**
 * Questions and objections in the `feedback` table: resolving what a message is about (project,
 * village or disclosure, and the disclosure in effect), storing it, triage, and reading them for
 * the public tracker and the disclosure outcomes. The reply phone is written here and read only by
 * {@link getFeedbackForStaff}; nothing public selects it.
 */
import { and, asc, desc, eq, inArray, or, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import type { WriteTx } from './write-lock.ts';
import { disclosures, divisions, feedback, projects } from '../../db/schema.ts';
import { shanghaiDate } from '../domain/shared/dates.ts';
import { normalizeVerificationCode } from '../domain/disclosure/disclosure-content.ts';
import { disclosureOutcome, type DisclosureOutcome, type FeedbackRecord, type FeedbackStatus, type FeedbackSubjectType, type FeedbackSubmission, type VersionWindow } from '../domain/villager/feedback.ts';
import { loadedOnce } from './site-cache.ts';
import { codeStartsWith } from './code-prefix.ts';

export interface ResolvedSubject {
  subjectType: FeedbackSubjectType;
  /** Normalised reference: project code, village code, or the disclosure's verification code. */
  subjectRef: string;
  villageCode: string | null;
  /** The disclosure the message is counted on (the one in effect when it was received). */
  disclosureId: number | null;
}

type DisclosureRow = { id: number; periodStart: string; periodEnd: string; year: number; version: number };

/** The version in effect on `today`: the newest whose period contains today, else the newest. */
function inEffect(rows: readonly DisclosureRow[], today: string): DisclosureRow | null {
  const sorted = [...rows].sort((a, b) => b.year - a.year || b.version - a.version);
  return sorted.find((r) => r.periodStart <= today && today <= r.periodEnd) ?? sorted[0] ?? null;
}

const disclosureCols = {
  id: disclosures.id,
  periodStart: disclosures.periodStart,
  periodEnd: disclosures.periodEnd,
  year: disclosures.year,
  version: disclosures.version,
};

/** What a message is about, or null when the reference names nothing published. */
export async function resolveSubject(db: Database, subjectType: FeedbackSubjectType, ref: string, now: Date): Promise<ResolvedSubject | null> {
  const today = shanghaiDate(now);
  if (subjectType === 'project') {
    const [p] = await db.select({ code: projects.code, villageCode: projects.villageCode, year: projects.year }).from(projects).where(eq(projects.code, ref));
    if (!p) return null;
    const rows = await db
      .select(disclosureCols)
      .from(disclosures)
      .where(and(eq(disclosures.scopeType, 'village'), eq(disclosures.scopeCode, p.villageCode), eq(disclosures.year, p.year)));
    if (rows.length === 0) return null;
    return { subjectType, subjectRef: p.code, villageCode: p.villageCode, disclosureId: inEffect(rows, today)?.id ?? null };
  }
  if (subjectType === 'village') {
    const rows = await db
      .select(disclosureCols)
      .from(disclosures)
      .where(and(eq(disclosures.scopeType, 'village'), eq(disclosures.scopeCode, ref)));
    if (rows.length === 0) return null;
    return { subjectType, subjectRef: ref, villageCode: ref, disclosureId: inEffect(rows, today)?.id ?? null };
  }
  const [d] = await db
    .select({ id: disclosures.id, scopeType: disclosures.scopeType, scopeCode: disclosures.scopeCode, code: disclosures.verificationCode })
    .from(disclosures)
    .where(eq(disclosures.verificationCode, normalizeVerificationCode(ref) ?? ''));
  if (!d) return null;
  return { subjectType, subjectRef: d.code, villageCode: d.scopeType === 'village' ? d.scopeCode : null, disclosureId: d.id };
}

/** Stores a new message with status `received`; returns its id. */
export async function createFeedback(db: Database | WriteTx, subject: ResolvedSubject, submission: FeedbackSubmission, now: Date): Promise<number> {
  const [row] = await db
    .insert(feedback)
    .values({
      kind: submission.kind,
      subjectType: subject.subjectType,
      subjectRef: subject.subjectRef,
      villageCode: subject.villageCode,
      disclosureId: subject.disclosureId,
      body: submission.body,
      contactPhone: submission.contactPhone,
      status: 'received',
      receivedAt: now.toISOString(),
    })
    .returning({ id: feedback.id });
  return row!.id;
}

const publicCols = {
  id: feedback.id,
  kind: feedback.kind,
  subjectType: feedback.subjectType,
  subjectRef: feedback.subjectRef,
  villageCode: feedback.villageCode,
  disclosureId: feedback.disclosureId,
  body: feedback.body,
  status: feedback.status,
  responsibleUnit: feedback.responsibleUnit,
  answer: feedback.answer,
  answeredAt: feedback.answeredAt,
  receivedAt: feedback.receivedAt,
};

/** Every message without the phone, newest first (for the tracker, feeds and outcomes). */
export async function listFeedbackRecords(db: Database): Promise<FeedbackRecord[]> {
  return db.select(publicCols).from(feedback).orderBy(desc(feedback.receivedAt), desc(feedback.id));
}

export interface StaffFeedback extends FeedbackRecord {
  /** The reply phone, for staff only. */
  contactPhone: string | null;
}

/**
 * Messages for staff, limited to a division prefix (a county sees all; a township or village only
 * messages about its villages), optionally by status, oldest open first.
 */
export async function listFeedbackForStaff(db: Database, options: { scopeCode: string; countyWide: boolean; status?: FeedbackStatus | undefined }): Promise<StaffFeedback[]> {
  const where: SQL[] = [];
  if (!options.countyWide) where.push(codeStartsWith(feedback.villageCode, options.scopeCode));
  if (options.status) where.push(eq(feedback.status, options.status));
  return db
    .select({ ...publicCols, contactPhone: feedback.contactPhone })
    .from(feedback)
    .where(where.length ? and(...where) : undefined)
    .orderBy(asc(feedback.receivedAt), asc(feedback.id));
}

export async function getFeedbackForStaff(db: Database, id: number): Promise<StaffFeedback | null> {
  const [row] = await db.select({ ...publicCols, contactPhone: feedback.contactPhone }).from(feedback).where(eq(feedback.id, id));
  return row ?? null;
}

/** Applies a decided triage step; `answeredAt` is set the first time an answer is given. */
export async function applyTriage(
  db: Database | WriteTx,
  id: number,
  step: { status: FeedbackStatus; responsibleUnit: string | null; answer: string | null },
  now: Date,
  previous: { answeredAt: string | null },
): Promise<void> {
  await db
    .update(feedback)
    .set({
      status: step.status,
      responsibleUnit: step.responsibleUnit,
      answer: step.answer,
      answeredAt: step.status === 'answered' ? (previous.answeredAt ?? now.toISOString()) : previous.answeredAt,
    })
    .where(eq(feedback.id, id));
}

/** Labels and links for tracker entries: project names, village names, disclosure scopes. */
export async function subjectLabels(db: Database, records: readonly FeedbackRecord[]): Promise<Map<string, { label: string; href: string | null }>> {
  const out = new Map<string, { label: string; href: string | null }>();
  const projectCodes = [...new Set(records.filter((r) => r.subjectType === 'project').map((r) => r.subjectRef))];
  const villageCodes = [...new Set(records.flatMap((r) => (r.villageCode ? [r.villageCode] : [])))];
  const codes = [...new Set(records.filter((r) => r.subjectType === 'disclosure').map((r) => r.subjectRef))];
  const villageNames = new Map<string, string>();
  if (villageCodes.length) {
    for (const v of await db.select({ code: divisions.code, name: divisions.name }).from(divisions).where(inArray(divisions.code, villageCodes))) villageNames.set(v.code, v.name);
  }
  if (projectCodes.length) {
    for (const p of await db.select({ code: projects.code, name: projects.name, villageCode: projects.villageCode }).from(projects).where(inArray(projects.code, projectCodes))) {
      out.set(`project:${p.code}`, { label: `${villageNames.get(p.villageCode) ?? ''} ${p.name}`.trim(), href: `/projects/${p.code}/` });
    }
  }
  for (const [code, name] of villageNames) out.set(`village:${code}`, { label: `${name}公示`, href: `/villages/${code}/` });
  if (codes.length) {
    const rows = await db
      .select({ code: disclosures.verificationCode, scopeType: disclosures.scopeType, scopeCode: disclosures.scopeCode, year: disclosures.year, version: disclosures.version })
      .from(disclosures)
      .where(or(inArray(disclosures.verificationCode, codes)));
    for (const d of rows) {
      const name = d.scopeType === 'village' ? (villageNames.get(d.scopeCode) ?? d.scopeCode) : '全县';
      out.set(`disclosure:${d.code}`, { label: `${name}${d.year}年度公示（第${d.version}版）`, href: d.scopeType === 'village' ? `/villages/${d.scopeCode}/` : '/' });
    }
  }
  return out;
}

export interface SiteFeedback {
  records: FeedbackRecord[];
  labels: Map<string, { label: string; href: string | null }>;
}

/** Every message and its subject labels, loaded once per site build or data change (tracker, outcomes, feeds). */
export const siteFeedback: () => Promise<SiteFeedback> = loadedOnce(async () => {
  const { siteDatabase } = await import('./site-database.ts');
  const { db } = await siteDatabase();
  const records = await listFeedbackRecords(db);
  return { records, labels: await subjectLabels(db, records) };
});

/** The label of a record's subject, from {@link subjectLabels}. */
export function labelOf(labels: SiteFeedback['labels'], r: FeedbackRecord): { label: string; href: string | null } {
  const key = r.subjectType === 'village' ? `village:${r.villageCode}` : `${r.subjectType}:${r.subjectRef}`;
  return labels.get(key) ?? { label: r.subjectRef, href: null };
}

/**
 * The outcome of one disclosure on `today` (Asia/Shanghai), e.g. for the next poster version:
 * 公示期满无异议, or the objections raised inside the period and how many are answered.
 */
export async function loadDisclosureOutcome(
  db: Database,
  disclosure: { id: number; periodStart: string; periodEnd: string },
  today: string,
  versions: readonly VersionWindow[] = [],
): Promise<DisclosureOutcome> {
  const ids = [...new Set([disclosure.id, ...versions.map((v) => v.id)])];
  const rows = await db.select(publicCols).from(feedback).where(inArray(feedback.disclosureId, ids));
  return disclosureOutcome(disclosure, rows, today, versions);
}
