/** Projects in the caller's scope, one project's record, the approval queue and workflow steps. */
import { loadCountySettings } from '../../src/data/county-settings.ts';
import { normalizeCode } from '../../src/domain/upload/upload-cells.ts';
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { inScope } from '../../src/domain/access/access.ts';
import { shanghaiDate } from '../../src/domain/shared/dates.ts';
import { pendingActionFor, WORKFLOW_ACTIONS, WORKFLOW_STATES, type WorkflowState } from '../../src/domain/ledger/workflow.ts';
import { getProject, listProjects, transitionProject } from '../../src/data/workflow.ts';
import { ApiError } from '../api-error.ts';
import type { AppEnv } from '../app-env.ts';
import { bearer, errorResponses } from './schemas.ts';

const ProjectSummary = z
  .object({
    code: z.string(),
    year: z.number().int(),
    villageCode: z.string(),
    villageName: z.string(),
    name: z.string(),
    typeCode: z.string(),
    workflowState: z.enum(WORKFLOW_STATES),
    updatedAt: z.string(),
    budgetFen: z.number().int().describe('预算合计（分）'),
  })
  .openapi('ProjectSummary');

const CodeParam = z.object({ code: z.string().min(1).max(40).openapi({ param: { name: 'code', in: 'path' }, example: 'CN2025-0101' }) });

const listRoute = createRoute({
  method: 'get',
  path: '/projects',
  tags: ['项目与审批'],
  summary: '本人管理范围内的项目',
  security: bearer,
  request: {
    query: z.object({
      state: z.enum(WORKFLOW_STATES).optional(),
      year: z.coerce.number().int().min(2000).max(2100).optional(),
      village: z.string().regex(/^\d{12}$/).optional(),
      limit: z.coerce.number().int().min(1).max(1000).optional(),
      offset: z.coerce.number().int().min(0).optional(),
    }),
  },
  responses: { 200: { description: '项目列表', content: { 'application/json': { schema: z.object({ projects: z.array(ProjectSummary) }) } } }, ...errorResponses(400, 401, 403) },
});

const queueRoute = createRoute({
  method: 'get',
  path: '/workflow/queue',
  tags: ['项目与审批'],
  summary: '待我办理的项目（复核、审核、审批；村账号还包括被退回待修改的）',
  security: bearer,
  responses: {
    200: {
      description: '待办',
      content: { 'application/json': { schema: z.object({ projects: z.array(ProjectSummary.extend({ nextAction: z.enum(WORKFLOW_ACTIONS) })) }) } },
    },
    ...errorResponses(401),
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/projects/{code}',
  tags: ['项目与审批'],
  summary: '一个项目：预算、进度、拨付和审批记录',
  security: bearer,
  request: { params: CodeParam },
  responses: { 200: { description: '项目', content: { 'application/json': { schema: z.object({ project: z.record(z.string(), z.unknown()) }) } } }, ...errorResponses(401, 403, 404) },
});

const TransitionBody = z
  .object({
    action: z.enum(WORKFLOW_ACTIONS).describe('village_review 村理财小组复核；township_review 乡镇审核；county_approve 县级审批；return 退回修改（须写原因）；resubmit 重新提交'),
    comment: z.string().max(500).optional().describe('意见；退回时必填'),
  })
  .openapi('TransitionRequest');

const transitionRoute = createRoute({
  method: 'post',
  path: '/projects/{code}/transitions',
  tags: ['项目与审批'],
  summary: '办理审批步骤（复核、审核、审批、退回、重新提交）',
  security: bearer,
  request: { params: CodeParam, body: { required: true, content: { 'application/json': { schema: TransitionBody } } } },
  responses: {
    200: {
      description: '已办理',
      content: { 'application/json': { schema: z.object({ code: z.string(), from: z.enum(WORKFLOW_STATES), to: z.enum(WORKFLOW_STATES), stepId: z.number().int() }).openapi('TransitionResult') } },
    },
    ...errorResponses(400, 401, 403, 404, 409),
  },
});

export function registerProjectRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(listRoute, async (c) => {
    const q = c.req.valid('query');
    const actor = c.get('actor');
    if (q.village && !inScope(actor, q.village)) throw new ApiError(403, 'OUT_OF_SCOPE', `村 ${q.village} 不在您的管理范围内。`);
    const projects = await listProjects(c.get('deps').db, actor, { ...(q.state ? { states: [q.state] } : {}), year: q.year, villageCode: q.village, limit: q.limit, offset: q.offset });
    return c.json({ projects }, 200);
  });

  app.openapi(queueRoute, async (c) => {
    const actor = c.get('actor');
    const waiting: WorkflowState[] =
      actor.role === 'village' ? ['applied', 'returned'] : actor.role === 'township' ? ['village_reviewed'] : actor.role === 'county' ? ['township_reviewed'] : [];
    const rows = waiting.length === 0 ? [] : await listProjects(c.get('deps').db, actor, { states: waiting, limit: 1000 });
    const projects = rows.map((p) => ({ ...p, nextAction: p.workflowState === 'returned' ? ('resubmit' as const) : pendingActionFor(p.workflowState, actor.role)! }));
    return c.json({ projects }, 200);
  });

  app.openapi(getRoute, async (c) => {
    // The same code however it is typed (case, full-width), as uploads store it.
    const code = normalizeCode(c.req.valid('param').code, { upperCase: true });
    const project = await getProject(c.get('deps').db, code);
    if (!project) throw new ApiError(404, 'NOT_FOUND', `没有编号为 ${code} 的项目。`);
    if (!inScope(c.get('actor'), project.villageCode)) throw new ApiError(403, 'OUT_OF_SCOPE', `项目 ${code} 所在的村不在您的管理范围内。`);
    return c.json({ project }, 200);
  });

  app.openapi(transitionRoute, async (c) => {
    // The same code however it is typed (case, full-width), as uploads store it.
    const code = normalizeCode(c.req.valid('param').code, { upperCase: true });
    const body = c.req.valid('json');
    const actor = c.get('actor');
    if (actor.role === 'inspector') throw new ApiError(403, 'FORBIDDEN', '监督检查员只能查看，不能办理审批。');
    const deps = c.get('deps');
    const now = deps.clock();
    const outcome = await transitionProject(deps.db, {
      actor,
      projectCode: code,
      action: body.action,
      comment: body.comment ?? null,
      at: now.toISOString(),
      today: shanghaiDate(now),
      requestId: c.get('requestId'),
      countyUnit: (await loadCountySettings(deps.db, deps.config, actor.scopeCode)).issuingUnit,
    });
    if (!outcome.ok) {
      const status = outcome.code === 'NOT_FOUND' ? 404 : outcome.code === 'OUT_OF_SCOPE' || outcome.code === 'WRONG_ROLE' ? 403 : outcome.code === 'REASON_REQUIRED' ? 400 : 409;
      throw new ApiError(status, outcome.code, outcome.message);
    }
    return c.json({ code: outcome.code, from: outcome.from, to: outcome.to, stepId: outcome.stepId }, 200);
  });
}
