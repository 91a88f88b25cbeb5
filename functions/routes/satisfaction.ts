/**
 * 满意度 results for the 绩效自评表: GET /satisfaction/{year} lists every resettlement village with
 * its questionnaire counts (village pages' and paper), PUT /satisfaction/{year}/paper saves the
 * county's paper results (one row per village, checked, audited). County and inspectors read; only
 * the county saves. Only counts: no answer is tied to anyone.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { listPaperResults, resettlementVillageNames, savePaperResults } from '../../src/data/satisfaction.ts';
import { loadSatisfaction } from '../../src/data/self-evaluation.ts';
import { checkPaperResults } from '../../src/domain/villager/satisfaction.ts';
import { ApiError } from '../api-error.ts';
import type { AppEnv } from '../app-env.ts';
import { bearer, errorResponses } from './schemas.ts';

const YearParam = z.object({ year: z.coerce.number().int().min(2000).max(2100).openapi({ param: { name: 'year', in: 'path' }, example: 2022 }) });
const Village = z.object({ code: z.string(), name: z.string(), online: z.number().int(), onlineSatisfied: z.number().int(), paper: z.number().int(), paperSatisfied: z.number().int(), paperUpdatedAt: z.string().nullable() });
const Rows = z.array(z.object({ villageCode: z.string().max(20), respondents: z.number(), satisfied: z.number() })).max(5000);

const getRoute = createRoute({
  method: 'get',
  path: '/satisfaction/{year}',
  tags: ['绩效自评'],
  summary: '某年度各移民村的满意度问卷份数（网上和纸质）',
  security: bearer,
  request: { params: YearParam },
  responses: { 200: { description: '各村问卷', content: { 'application/json': { schema: z.object({ year: z.number().int(), villages: z.array(Village) }).openapi('Satisfaction') } } }, ...errorResponses(401, 403) },
});

const putRoute = createRoute({
  method: 'put',
  path: '/satisfaction/{year}/paper',
  tags: ['绩效自评'],
  summary: '保存纸质问卷结果（每村一行；只改列出的村）',
  security: bearer,
  request: { params: YearParam, body: { content: { 'application/json': { schema: z.object({ rows: Rows }).openapi('PaperResults') } }, required: true } },
  responses: { 200: { description: '已保存', content: { 'application/json': { schema: z.object({ saved: z.number().int() }) } } }, ...errorResponses(400, 401, 403) },
});

export function registerSatisfactionRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(getRoute, async (c) => {
    const { role } = c.get('actor');
    if (role !== 'county' && role !== 'inspector') throw new ApiError(403, 'FORBIDDEN', '问卷结果是全县的，只有县级管理员和监督检查员可以看。');
    const { year } = c.req.valid('param');
    const db = c.get('deps').db;
    const [names, satisfaction, paper] = await Promise.all([resettlementVillageNames(db), loadSatisfaction(db, year), listPaperResults(db, year)]);
    const counts = new Map(satisfaction.villages.map((v) => [v.villageCode, v]));
    const updated = new Map(paper.map((p) => [p.villageCode, p.updatedAt]));
    const villages = [...names.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([code, name]) => {
        const v = counts.get(code);
        return { code, name, online: v?.online ?? 0, onlineSatisfied: v?.onlineSatisfied ?? 0, paper: v?.paper ?? 0, paperSatisfied: v?.paperSatisfied ?? 0, paperUpdatedAt: updated.get(code) ?? null };
      });
    return c.json({ year, villages }, 200);
  });

  app.openapi(putRoute, async (c) => {
    const actor = c.get('actor');
    if (actor.role !== 'county') throw new ApiError(403, 'FORBIDDEN', '只有县级管理员可以填写纸质问卷结果。');
    const { year } = c.req.valid('param');
    const { rows } = c.req.valid('json');
    const deps = c.get('deps');
    const problems = checkPaperResults(rows, new Set((await resettlementVillageNames(deps.db)).keys()));
    if (problems.length > 0) throw new ApiError(400, 'VALIDATION_FAILED', `纸质问卷结果有 ${problems.length} 处要改，没有保存。`, problems);
    await savePaperResults(deps.db, { year, rows, actorId: actor.userId, actorLabel: actor.name, at: deps.clock().toISOString(), requestId: c.get('requestId') });
    return c.json({ saved: rows.length }, 200);
  });
}
