/**
 * The audit log (审计日志): every write appends one entry in the same transaction as the write,
 * hash-chained to the entry before (src/domain/access/audit-chain.ts). Rows can never be changed or
 * removed (triggers); a unique index on `previous_hash` makes a forked chain impossible to insert.
 */
import { asc, desc, gt, lt, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { auditLog } from '../../db/schema.ts';
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
  const [row] = await tx.insert(auditLog).values({ ...entry, previousHash, hash }).returning({ id: auditLog.id });
  return { id: row!.id, hash };
}

export interface AuditPage {
  entries: Array<StoredAuditEntry & { detail: unknown }>;
  nextBefore: number | null;
}

/** Newest first, `limit` at a time; pass `nextBefore` back for the next page. */
export async function listAudit(db: Database, options: { limit?: number; before?: number } = {}): Promise<AuditPage> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
  const where: SQL | undefined = options.before ? lt(auditLog.id, options.before) : undefined;
  const rows = await db.select().from(auditLog).where(where).orderBy(desc(auditLog.id)).limit(limit);
  return {
    entries: rows.map((r) => ({ ...r, detail: JSON.parse(r.detailJson) as unknown })),
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
