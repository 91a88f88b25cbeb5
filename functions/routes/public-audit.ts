/**
 * Appends the villager-side events (lookups, questions, triage, posting proofs) to the audit log
 * through the API's audit writer (src/data/audit.ts), behind the write lock so the chain never
 * forks. Writes that change data call `auditInput` and append in their own transaction instead.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { appendAudit, type AuditInput } from '../../src/data/audit.ts';
import { writeTransaction } from '../../src/data/write-lock.ts';

export interface PublicAuditEvent {
  action: string;
  subjectType: string;
  subjectId: string | null;
  detail: Record<string, unknown>;
}

/** The audit entry for an event: the staff actor when there is one, else `公众` (the public). */
export function auditInput(c: Context<AppEnv>, event: PublicAuditEvent): AuditInput {
  const { clock } = c.get('deps');
  const actor = c.get('actor') as AppEnv['Variables']['actor'] | undefined;
  return {
    at: clock().toISOString(),
    actorId: actor?.userId ?? null,
    actorLabel: actor ? actor.name : '公众',
    action: event.action,
    subjectType: event.subjectType,
    subjectId: event.subjectId,
    detail: event.detail,
    requestId: c.get('requestId') ?? null,
  };
}

/** Appends one entry on its own (for events that write nothing else, such as a lookup). */
export async function appendPublicAudit(c: Context<AppEnv>, event: PublicAuditEvent): Promise<void> {
  const input = auditInput(c, event);
  await writeTransaction(c.get('deps').db, (tx) => appendAudit(tx, input));
}
