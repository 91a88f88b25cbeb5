/**
 * The audit log's hash chain: each entry's hash is sha256 over the previous entry's hash and the
 * entry's canonical JSON, so changing, removing or reordering any entry breaks every later link.
 * Pure (Web Crypto only); the data layer reads and appends rows.
 */
import { canonicalJson, sha256Hex } from '../disclosure/disclosure-content.ts';

export interface AuditEntry {
  at: string;
  actorId: number | null;
  actorLabel: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  /** Canonical JSON of the details, as stored. */
  detailJson: string;
  requestId: string | null;
}

export interface StoredAuditEntry extends AuditEntry {
  id: number;
  previousHash: string | null;
  hash: string;
}

/** The text that is hashed for an entry (field order fixed by canonical JSON). */
export function canonicalAuditEntry(entry: AuditEntry): string {
  return canonicalJson({
    action: entry.action,
    actorId: entry.actorId,
    actorLabel: entry.actorLabel,
    at: entry.at,
    detailJson: entry.detailJson,
    requestId: entry.requestId,
    subjectId: entry.subjectId,
    subjectType: entry.subjectType,
  });
}

/** sha256 hex of `previousHash + '\n' + canonicalAuditEntry(entry)` (`''` before the first). */
export function auditHash(previousHash: string | null, entry: AuditEntry): Promise<string> {
  return sha256Hex(`${previousHash ?? ''}\n${canonicalAuditEntry(entry)}`);
}

export type AuditChainProblem = 'previous_hash_mismatch' | 'hash_mismatch';

export type AuditChainVerification =
  | { ok: true; checked: number; lastHash: string | null }
  | { ok: false; checked: number; broken: { id: number; at: string; action: string; problem: AuditChainProblem }; message: string };

const PROBLEMS: Record<AuditChainProblem, string> = {
  previous_hash_mismatch: '记录的前序哈希与上一条不符（中间有记录被删除、插入或调换）',
  hash_mismatch: '记录的哈希与其内容不符（内容被改过）',
};

/**
 * Checks entries in id order from `previousHash` (null from the start of the log) and names the
 * first one that does not hold.
 */
export async function verifyAuditEntries(
  entries: Iterable<StoredAuditEntry>,
  previousHash: string | null = null,
  alreadyChecked = 0,
): Promise<AuditChainVerification> {
  let prev = previousHash;
  let checked = alreadyChecked;
  for (const e of entries) {
    const problem: AuditChainProblem | null =
      e.previousHash !== prev ? 'previous_hash_mismatch' : (await auditHash(e.previousHash, e)) !== e.hash ? 'hash_mismatch' : null;
    if (problem) {
      return {
        ok: false,
        checked,
        broken: { id: e.id, at: e.at, action: e.action, problem },
        message: `审计日志校验失败：第一处断链在 id ${e.id}（${e.at}，${e.action}）：${PROBLEMS[problem]}。`,
      };
    }
    prev = e.hash;
    checked++;
  }
  return { ok: true, checked, lastHash: prev };
}
