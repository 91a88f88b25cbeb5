/**
 * The audit log (审计日志): every write appends one entry in the same transaction as the write,
 * hash-chained to the entry before (src/domain/access/audit-chain.ts). Rows can never be changed or
 * removed (triggers); a unique index on `previous_hash` makes a forked chain impossible to insert.
 * Each entry names the division it belongs to (`scope_code`: its county, or the city or province of
 * an account above the counties), so staff read their own county's entries when several counties
 * share the database.
 */
import { and, asc, desc, eq, gt, inArray, lt, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { apiTokens, auditLog, countySettings, feedback, postingProofs, projects, users } from '../../db/schema.ts';
import { codeStartsWith } from './code-prefix.ts';
import { isWithinOneCounty } from '../domain/access/access.ts';
import { auditHash, verifyAuditEntries, type AuditChainVerification, type StoredAuditEntry } from '../domain/access/audit-chain.ts';
import { canonicalJson } from '../domain/disclosure/disclosure-content.ts';
import type { WriteTx } from './write-lock.ts';

export interface AuditInput {
  at: string;
  actorId: number | null;
  actorLabel: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  detail: Record<string, unknown>;
  requestId: string | null;
  /** The division the entry belongs to; by default the acting account's county (or city, province), else the subject's. */
  scopeCode?: string | null;
}

/** A scope as the log keeps it: a county, or the city or province of an account above the counties. */
const countyOrRegion = (code: string | null | undefined): string | null => (code ? (isWithinOneCounty(code) ? code.slice(0, 6) : code) : null);

/**
 * The division an entry belongs to: given, or the acting account's, or its subject's; an entry of
 * none of those belongs to the database's county when it holds one, else to no county (null: no
 * county's staff read it).
 */
async function entryScope(tx: WriteTx | Database, input: AuditInput): Promise<string | null> {
  const found = await scopeOfEntry(tx, input);
  if (found !== null) return found;
  const counties = await tx.select({ code: countySettings.countyCode }).from(countySettings).limit(2);
  return counties.length === 1 ? counties[0]!.code : null;
}

async function scopeOfEntry(tx: WriteTx | Database, input: AuditInput): Promise<string | null> {
  if (input.scopeCode !== undefined) return countyOrRegion(input.scopeCode);
  const one = async (q: Promise<Array<{ code: string | null }>>) => countyOrRegion((await q)[0]?.code);
  if (input.actorId !== null) return one(tx.select({ code: users.scopeCode }).from(users).where(eq(users.id, input.actorId)).limit(1));
  const id = input.subjectId;
  if (id === null) return null;
  switch (input.subjectType) {
    case 'county':
    case 'village':
      return countyOrRegion(id);
    case 'project':
      return one(tx.select({ code: projects.villageCode }).from(projects).where(eq(projects.code, id)).limit(1));
    case 'feedback':
      return Number.isSafeInteger(Number(id)) ? one(tx.select({ code: feedback.villageCode }).from(feedback).where(eq(feedback.id, Number(id))).limit(1)) : null;
    case 'posting_proof':
      return Number.isSafeInteger(Number(id)) ? one(tx.select({ code: postingProofs.villageCode }).from(postingProofs).where(eq(postingProofs.id, Number(id))).limit(1)) : null;
    case 'api_token':
      return Number.isSafeInteger(Number(id))
        ? one(tx.select({ code: users.scopeCode }).from(apiTokens).innerJoin(users, eq(users.id, apiTokens.userId)).where(eq(apiTokens.id, Number(id))).limit(1))
        : null;
    default:
      return null;
  }
}

/** Appends an entry inside `tx` (call it in the transaction of the write it records). */
export async function appendAudit(tx: WriteTx | Database, input: AuditInput): Promise<{ id: number; hash: string }> {
  const [last] = await tx.select({ hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1);
  const previousHash = last?.hash ?? null;
  const entry = {
    at: input.at,
    actorId: input.actorId,
    actorLabel: input.actorLabel,
    action: input.action,
    subjectType: input.subjectType,
    subjectId: input.subjectId,
    detailJson: canonicalJson(input.detail),
    requestId: input.requestId,
  };
  const hash = await auditHash(previousHash, entry);
  const scopeCode = await entryScope(tx, input);
  const [row] = await tx.insert(auditLog).values({ ...entry, previousHash, hash, scopeCode }).returning({ id: auditLog.id });
  return { id: row!.id, hash };
}

export interface AuditPage {
  entries: Array<StoredAuditEntry & { detail: unknown }>;
  nextBefore: number | null;
}

/**
 * The audit actions after which a public page may read differently: a publish, an answer, a
 * objection, a posting proof, a project's public documents, the county's settings and divisions. (Uploads and
 * approvals change only drafts; lookups, tokens and surveys no page.)
 */
export const PUBLIC_CHANGE_ACTIONS = [
  'publish', 'feedback.receive', 'feedback.triage', 'posting_proof.upload', 'posting_proof.review', 'project_document.upload', 'project_document.review',
  'project_document.remove', 'project_document.policy', 'county.settings', 'county.project_types', 'county.divisions', 'county.init',
] as const;

/**
 * A number that grows with every change a public page can show (the last such audit entry's id;
 * 0 before any): the Worker keys the pages it keeps by it (functions/worker.ts). One query.
 */
export async function publicChangeStamp(db: Database): Promise<number> {
  const [row] = await lastPublicChange(db);
  return row?.id ?? 0;
}

/** The query of {@link publicChangeStamp}, for a batch: at most one row, the id of the last public change. */
export const lastPublicChange = (db: Database) =>
  db.select({ id: auditLog.id }).from(auditLog).where(inArray(auditLog.action, [...PUBLIC_CHANGE_ACTIONS])).orderBy(desc(auditLog.id)).limit(1);

/**
 * Newest first, `limit` at a time; pass `nextBefore` back for the next page. With `scopeCode` (the
 * reader's scope: a county, city or province), only the entries of divisions within it.
 */
export async function listAudit(db: Database, options: { limit?: number; before?: number; scopeCode?: string } = {}): Promise<AuditPage> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
  const scope = countyOrRegion(options.scopeCode);
  const where: SQL | undefined = and(options.before ? lt(auditLog.id, options.before) : undefined, scope ? codeStartsWith(auditLog.scopeCode, scope) : undefined);
  const rows = await db.select().from(auditLog).where(where).orderBy(desc(auditLog.id)).limit(limit);
  return {
    entries: rows.map(({ scopeCode: _scope, ...r }) => ({ ...r, detail: JSON.parse(r.detailJson) as unknown })),
    nextBefore: rows.length === limit ? rows.at(-1)!.id : null,
  };
}

/** Recomputes the whole chain, a page at a time, and names the first broken link. */
export async function verifyAuditLog(db: Database, pageSize = 2_000): Promise<AuditChainVerification> {
  let after = 0;
  let previous: string | null = null;
  let checked = 0;
  for (;;) {
    const rows = await db.select().from(auditLog).where(gt(auditLog.id, after)).orderBy(asc(auditLog.id)).limit(pageSize);
    if (rows.length === 0) return { ok: true, checked, lastHash: previous };
    const result = await verifyAuditEntries(rows, previous, checked);
    if (!result.ok) return result;
    previous = result.lastHash;
    checked = result.checked;
    after = rows.at(-1)!.id;
  }
}
