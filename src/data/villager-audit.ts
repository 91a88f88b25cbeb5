/**
 * Interim audit-log appender for the villager side, on the shared hash chain
 * (src/domain/audit-chain.ts). Replace its body with the API's audit writer once that lands; the
 * signature is what the villager routes rely on.
 */
import { desc } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { auditLog } from '../../db/schema.ts';
import { auditHash, type AuditEntry } from '../domain/audit-chain.ts';
import { canonicalJson } from '../domain/disclosure-content.ts';

export interface AuditInput extends Omit<AuditEntry, 'detailJson'> {
  detail: Record<string, unknown>;
}

const ATTEMPTS = 5;

/** Appends one entry after the current last one; retries when a concurrent append won the race. */
export async function appendAuditEntry(db: Database, input: AuditInput): Promise<void> {
  const { detail, ...rest } = input;
  const entry: AuditEntry = { ...rest, detailJson: canonicalJson(detail) };
  for (let attempt = 1; ; attempt++) {
    const [last] = await db.select({ hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1);
    const previousHash = last?.hash ?? null;
    const hash = await auditHash(previousHash, entry);
    try {
      await db.insert(auditLog).values({ ...entry, previousHash, hash });
      return;
    } catch (err) {
      if (attempt >= ATTEMPTS || !/UNIQUE/i.test(String((err as { cause?: unknown }).cause ?? err))) throw err;
    }
  }
}
