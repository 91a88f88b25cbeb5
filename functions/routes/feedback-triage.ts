/**
 * Staff triage of questions and objections (bearer token, src/domain/access.ts roles):
 * - `GET /api/v1/feedback?status=received` — messages within the caller's scope, oldest first, with
 *   the reply phone (staff only). Every role may read (inspector included).
 * - `PATCH /api/v1/feedback/:id` `{ status, responsibleUnit?, answer? }` — received → handling →
 *   answered → closed (answered may be reopened to handling). County, township and village staff,
 *   within scope; the inspector only reads. The answer is public once given: an `answered` step
 *   asks the runtime to rebuild the site (the publish hook), so the tracker and feeds show it.
 * Each step is audited in the same transaction as the change.
 */
import { Hono } from 'hono';
import { ApiError } from '../api-error.ts';
import type { AppEnv } from '../app-env.ts';
import { FailureThrottle, requireToken } from '../middleware/auth.ts';
import { appendAudit } from '../../src/data/audit.ts';
import { applyTriage, getFeedbackForStaff, listFeedbackForStaff } from '../../src/data/feedback.ts';
import { writeTransaction } from '../../src/data/write-lock.ts';
import { inScope } from '../../src/domain/access.ts';
import { decideTriage, FEEDBACK_STATUSES, feedbackRef, STATUS_LABELS, triageChangeSchema, type FeedbackStatus } from '../../src/domain/feedback.ts';
import { auditInput } from './public-audit.ts';

const wall = requireToken(new FailureThrottle(20));

const withLabels = <T extends { id: number; status: FeedbackStatus }>(f: T) => ({ ...f, ref: feedbackRef(f.id), statusLabel: STATUS_LABELS[f.status] });

export const feedbackTriageRoutes = new Hono<AppEnv>()
  .use('/api/v1/feedback', wall)
  .use('/api/v1/feedback/*', wall)
  .get('/api/v1/feedback', async (c) => {
    const actor = c.get('actor');
    const status = c.req.query('status');
    if (status !== undefined && !(FEEDBACK_STATUSES as readonly string[]).includes(status)) {
      throw new ApiError(400, 'VALIDATION_FAILED', `status 只能是 ${FEEDBACK_STATUSES.join('、')}（收到：${status}）。`);
    }
    const items = await listFeedbackForStaff(c.get('deps').db, {
      scopeCode: actor.scopeCode,
      countyWide: actor.role === 'county' || actor.role === 'inspector',
      status: status as FeedbackStatus | undefined,
    });
    return c.json({ items: items.map(withLabels) });
  })
  .patch('/api/v1/feedback/:id', async (c) => {
    const actor = c.get('actor');
    const { db, clock, onPublished } = c.get('deps');
    if (actor.role === 'inspector') throw new ApiError(403, 'FORBIDDEN', '监督检查员只能查看，不能办理。');
    const id = Number(c.req.param('id'));
    if (!Number.isInteger(id) || id <= 0) throw new ApiError(400, 'VALIDATION_FAILED', `编号不对（收到：${c.req.param('id')}）。`);
    const parsed = triageChangeSchema.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) {
      throw new ApiError(400, 'VALIDATION_FAILED', '办理内容有误。', parsed.error.issues.map((i) => ({ column: String(i.path[0] ?? ''), problem: i.message })));
    }
    const current = await getFeedbackForStaff(db, id);
    if (!current) throw new ApiError(404, 'NOT_FOUND', `没有编号为 ${id} 的意见。`);
    const countyWide = actor.role === 'county';
    if (!countyWide && !(current.villageCode && inScope(actor, current.villageCode))) {
      throw new ApiError(403, 'OUT_OF_SCOPE', '这条意见不在您的管理范围内。');
    }
    const decision = decideTriage(current, parsed.data);
    if (!decision.ok) throw new ApiError(409, decision.code, decision.message);
    const now = clock();
    await writeTransaction(db, async (tx) => {
      await applyTriage(tx, id, decision, now, current);
      await appendAudit(
        tx,
        auditInput(c, {
          action: 'feedback.triage',
          subjectType: 'feedback',
          subjectId: String(id),
          detail: { from: current.status, to: decision.status, responsibleUnit: decision.responsibleUnit, answered: decision.answer !== null },
        }),
      );
    });
    if (decision.status === 'answered' && onPublished) {
      const requestId = c.get('requestId');
      // The answer is public now: same rebuild as after a publish (not awaited; errors are logged).
      Promise.resolve()
        .then(() => onPublished({ year: Number(now.toISOString().slice(0, 4)), createdCount: 0, publishedAt: now.toISOString(), requestId }))
        .catch((err: unknown) => c.get('deps').logger.log('error', 'rebuild after answer failed', { requestId, error: String(err) }));
    }
    const updated = await getFeedbackForStaff(db, id);
    return c.json(withLabels(updated!));
  });
