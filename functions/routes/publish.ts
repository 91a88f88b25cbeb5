/**
 * `POST /publish` (county administrator): turns the approved ledger of a year into disclosure
 * snapshots (src/data/disclosures.ts publishDisclosures), records it in the audit log in the same
 * transaction, then asks the runtime to rebuild (Node) or redeploy (Worker) the site.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { loadCountySettings } from '../../src/data/county-settings.ts';
import { canPublish } from '../../src/domain/access/access.ts';
import { addDays, shanghaiDate } from '../../src/domain/shared/dates.ts';
import { publishDisclosures, type PublishResult } from '../../src/data/disclosures.ts';
import { loadLedger } from '../../src/data/ledger.ts';
import { appendAudit } from '../../src/data/audit.ts';
import { withWriteLock } from '../../src/data/write-lock.ts';
import { ApiError } from '../api-error.ts';
import type { AppEnv } from '../app-env.ts';
import { scheduleRebuild } from '../rebuild.ts';
import type { Database } from '../../db/database.ts';
import { bearer, errorResponses } from './schemas.ts';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const PublishBody = z
  .object({
    year: z.number().int().min(2000).max(2100).describe('公示年度'),
    asOf: isoDate.optional().describe('数据截至日期，默认今天（北京时间）'),
    periodStart: isoDate.optional().describe('公示期第一天，默认今天'),
    correctionReason: z.string().max(500).optional().describe('已有公示版本且内容变化时必填：更正原因'),
  })
  .openapi('PublishRequest');

const PublishResponse = z
  .object({
    year: z.number().int(),
    createdCount: z.number().int(),
    unchangedCount: z.number().int(),
    created: z.array(z.object({ scopeType: z.enum(['county', 'village']), scopeCode: z.string(), version: z.number().int(), verificationCode: z.string(), contentHash: z.string() })),
    periodStart: z.string(),
    periodEnd: z.string(),
    issuingUnit: z.string(),
    supervisionPhones: z.array(z.string()),
    rebuild: z.enum(['scheduled', 'not_configured', 'not_needed']).describe('not_needed：没有新版本，网站不用更新'),
  })
  .openapi('PublishResult');

const publishRoute = createRoute({
  method: 'post',
  path: '/publish',
  tags: ['公示'],
  summary: '发布公示（县级管理员）',
  description: '从县级已审批的台账生成各村及全县的公示版本；内容有变化的已发布公示生成新版本，须填写更正原因。已发布版本永不修改。',
  security: bearer,
  request: { body: { required: true, content: { 'application/json': { schema: PublishBody } } } },
  responses: {
    200: { description: '已发布（createdCount 为 0 表示内容没有变化）', content: { 'application/json': { schema: PublishResponse } } },
    ...errorResponses(400, 401, 403, 409),
  },
});

export function registerPublishRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(publishRoute, async (c) => {
    const actor = c.get('actor');
    if (!canPublish(actor)) throw new ApiError(403, 'FORBIDDEN', '只有县级管理员可以发布公示。');
    const deps = c.get('deps');
    const body = c.req.valid('json');
    const now = deps.clock();
    const today = shanghaiDate(now);
    const periodStart = body.periodStart ?? today;
    const settings = await loadCountySettings(deps.db, deps.config, actor.scopeCode);
    const periodDays = settings.disclosurePeriodDays;
    const at = now.toISOString();
    const requestId = c.get('requestId');
    const result: PublishResult = await withWriteLock(deps.db, async () => {
      // The publishing county's villages only: the database may hold other counties.
      const ledger = await loadLedger(deps.db, { year: body.year, scopeCode: actor.scopeCode });
      return deps.db.transaction(async (tx) => {
        // publishDisclosures opens a savepoint inside this transaction, so the audit entry commits with it.
        const published = await publishDisclosures(tx as unknown as Database, {
          year: body.year,
          asOf: body.asOf ?? today,
          publishedAt: at,
          periodStart,
          periodDays,
          issuingUnit: settings.issuingUnit,
          isSample: settings.isSample,
          ledger,
          countyCode: actor.scopeCode,
          ...(body.correctionReason ? { correctionReason: body.correctionReason } : {}),
        });
        if (published.ok && published.createdCount > 0) {
          await appendAudit(tx, {
            at,
            actorId: actor.userId,
            actorLabel: actor.name,
            action: 'publish',
            subjectType: 'disclosure_year',
            subjectId: String(body.year),
            detail: { created: published.created.map((r) => `${r.scopeType}:${r.scopeCode}:v${r.version}:${r.contentHash}`), correctionReason: body.correctionReason ?? null },
            requestId,
          });
        }
        return published;
      });
    });
    if (!result.ok) {
      const status = result.code === 'CORRECTION_REASON_REQUIRED' ? 409 : 400;
      const details = result.details?.map((d) => ({ problem: `${d.scopeType === 'county' ? '全县' : `村 ${d.scopeCode}`} 第 ${d.latestVersion} 版之后内容有变化（${d.changes.length} 处）` }));
      throw new ApiError(status, result.code, result.message, details);
    }
    const rebuild = result.createdCount === 0 ? ('not_needed' as const) : scheduleRebuild(c, { reason: 'publish', year: body.year, createdCount: result.createdCount, villageCodes: result.created.filter((r) => r.scopeType === 'village').map((r) => r.scopeCode), publishedAt: at });
    return c.json(
      {
        year: result.year,
        createdCount: result.createdCount,
        unchangedCount: result.unchangedCount,
        created: result.created.map(({ scopeType, scopeCode, version, verificationCode, contentHash }) => ({ scopeType, scopeCode, version, verificationCode, contentHash })),
        periodStart,
        periodEnd: addDays(periodStart, periodDays - 1),
        issuingUnit: settings.issuingUnit,
        supervisionPhones: settings.supervisionPhones,
        rebuild,
      },
      200,
    );
  });
}
