/**
 * Staff triage of questions and objections (bearer token, src/domain/access/access.ts roles):
 * - `GET /api/v1/feedback?status=received` — messages within the caller's scope, oldest first, with
 *   the reply phone (staff only). Every role may read (inspector included).
 * - `PATCH /api/v1/feedback/:id` `{ status, responsibleUnit?, answer? }` — received → handling →
 *   answered → closed (answered may be reopened to handling). County, township and village staff,
 *   within scope; the inspector only reads. The answer is public once given: an `answered` step
 *   asks the runtime to rebuild the site (the publish hook), so the tracker and feeds show it.
 * Each step is audited in the same transaction as the change.
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { ApiError } from '../api-error.ts';
import type { AppEnv } from '../app-env.ts';
import { scheduleRebuild } from '../rebuild.ts';
import { FailureThrottle, requireToken } from '../middleware/auth.ts';
import { appendAudit } from '../../src/data/audit.ts';
import { applyTriage, getFeedbackForStaff, listFeedbackForStaff, type StaffFeedback } from '../../src/data/feedback.ts';
import { writeTransaction } from '../../src/data/write-lock.ts';
import { inScope } from '../../src/domain/access/access.ts';
import { decideTriage, FEEDBACK_KINDS, FEEDBACK_STATUSES, FEEDBACK_SUBJECTS, feedbackRef, STATUS_LABELS, triageChangeSchema } from '../../src/domain/villager/feedback.ts';
import { auditInput } from './public-audit.ts';
import { bearer, errorResponses } from './schemas.ts';

const wall = requireToken(new FailureThrottle(20));

/** `?status=` of the list; validates the request and documents it. */
export const FeedbackListQuery = z.object({ status: z.enum(FEEDBACK_STATUSES).optional().describe('只看这个状态的') });
/** `:id` of a message; validates the request and documents it. */
export const FeedbackIdParam = z.object({ id: z.coerce.number().int().positive().openapi({ param: { name: 'id', in: 'path' }, example: 12 }) });

export const StaffFeedbackSchema = z
  .object({
    id: z.number().int(),
    ref: z.string().meta({ example: '第12号' }),
    kind: z.enum(FEEDBACK_KINDS),
    subjectType: z.enum(FEEDBACK_SUBJECTS),
    subjectRef: z.string().describe('项目编号、村代码或公示核对码'),
    villageCode: z.string().nullable(),
    disclosureId: z.number().int().nullable().describe('计入的公示（收到时正在生效的那一版）'),
    body: z.string(),
    status: z.enum(FEEDBACK_STATUSES),
    statusLabel: z.string(),
    responsibleUnit: z.string().nullable(),
    answer: z.string().nullable(),
    answeredAt: z.string().nullable(),
    receivedAt: z.string(),
    contactPhone: z.string().nullable().describe('回电电话，只给工作人员看，不公开'),
  })
  .openapi('StaffFeedback');

const withLabels = (f: StaffFeedback): z.infer<typeof StaffFeedbackSchema> => ({ ...f, ref: feedbackRef(f.id), statusLabel: STATUS_LABELS[f.status] });

const problems = (error: z.ZodError) => error.issues.map((i) => ({ column: String(i.path[0] ?? ''), problem: i.message }));

/** Documents the triage endpoints from the schemas the handlers below validate with. */
export function registerFeedbackTriageDocs(api: OpenAPIHono<AppEnv>): void {
  api.openAPIRegistry.registerPath({
    method: 'get',
    path: '/feedback',
    tags: ['问答办理'],
    summary: '管理范围内的提问和异议（最早的在前），含回电电话',
    description: '县和监督检查员看全县；乡镇、村只看本辖区。',
    security: bearer,
    request: { query: FeedbackListQuery },
    responses: {
      200: { description: '列表', content: { 'application/json': { schema: z.object({ items: z.array(StaffFeedbackSchema) }) } } },
      ...errorResponses(400, 401, 429),
    },
  });
  api.openAPIRegistry.registerPath({
    method: 'patch',
    path: '/feedback/{id}',
    tags: ['问答办理'],
    summary: '办理一步：已收到 → 正在办理 → 已答复 → 已办结（已答复可退回正在办理）',
    description: '正在办理、已答复要有责任单位；已答复要有答复内容，答复会公开（网站随后重建）。监督检查员只能看。',
    security: bearer,
    request: { params: FeedbackIdParam, body: { required: true, content: { 'application/json': { schema: triageChangeSchema } } } },
    responses: {
      200: { description: '办理后的这一条', content: { 'application/json': { schema: StaffFeedbackSchema } } },
      ...errorResponses(400, 401, 403, 404, 409, 429),
    },
  });
}

export const feedbackTriageRoutes = new Hono<AppEnv>()
  .use('/api/v1/feedback', wall)
  .use('/api/v1/feedback/*', wall)
  .get('/api/v1/feedback', async (c) => {
    const actor = c.get('actor');
    const query = FeedbackListQuery.safeParse(c.req.query());
    if (!query.success) {
      throw new ApiError(400, 'VALIDATION_FAILED', `status 只能是 ${FEEDBACK_STATUSES.join('、')}（收到：${c.req.query('status')}）。`, problems(query.error));
    }
    const { status } = query.data;
    const items = await listFeedbackForStaff(c.get('deps').db, {
      scopeCode: actor.scopeCode,
      countyWide: actor.role === 'county' || actor.role === 'inspector',
      status,
    });
    return c.json({ items: items.map(withLabels) });
  })
  .patch('/api/v1/feedback/:id', async (c) => {
    const actor = c.get('actor');
    const { db, clock } = c.get('deps');
    if (actor.role === 'inspector') throw new ApiError(403, 'FORBIDDEN', '监督检查员只能查看，不能办理。');
    const param = FeedbackIdParam.safeParse(c.req.param());
    if (!param.success) throw new ApiError(400, 'VALIDATION_FAILED', `编号不对（收到：${c.req.param('id')}）。`);
    const { id } = param.data;
    const parsed = triageChangeSchema.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) throw new ApiError(400, 'VALIDATION_FAILED', '办理内容有误。', problems(parsed.error));
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
    // The answer is public now: same rebuild as after a publish.
    if (decision.status === 'answered') scheduleRebuild(c, { reason: 'answer', year: Number(now.toISOString().slice(0, 4)), createdCount: 0, publishedAt: now.toISOString() });
    const updated = await getFeedbackForStaff(db, id);
    return c.json(withLabels(updated!));
  });
