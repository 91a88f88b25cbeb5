/**
 * Appends the villager-side events (lookups, questions, triage, posting proofs) to the audit log.
 * One call site for all of them, so the writer behind it can change in one place.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { appendAuditEntry } from '../../src/data/villager-audit.ts';

export interface PublicAuditEvent {
  action: string;
  subjectType: string;
  subjectId: string | null;
  detail: Record<string, unknown>;
  /** Staff actor, when the event is a staff action; public events have none. */
  actor?: { id: number; label: string };
}

export async function appendPublicAudit(c: Context<AppEnv>, event: PublicAuditEvent): Promise<void> {
  const { db, clock } = c.get('deps');
  await appendAuditEntry(db, {
    at: clock().toISOString(),
    actorId: event.actor?.id ?? null,
    actorLabel: event.actor?.label ?? '公众',
    action: event.action,
    subjectType: event.subjectType,
    subjectId: event.subjectId,
    detail: event.detail,
    requestId: c.get('requestId') ?? null,
  });
}
