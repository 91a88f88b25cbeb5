/** The audit log (county administrators and inspectors): read it, and verify its hash chain. */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { canReadAudit } from '../../src/domain/access/access.ts';
import { listAudit, verifyAuditLog } from '../../src/data/audit.ts';
import { ApiError } from '../api-error.ts';
import type { AppEnv } from '../app-env.ts';
import { bearer, errorResponses } from './schemas.ts';

const AuditEntry = z
  .object({
    id: z.number().int(),
    at: z.string(),
    actorId: z.number().int().nullable(),
    actorLabel: z.string(),
    action: z.string(),
    subjectType: z.string(),
    subjectId: z.string().nullable(),
    detail: z.unknown(),
    requestId: z.string().nullable(),
    previousHash: z.string().nullable(),
    hash: z.string(),
  })
  .openapi('AuditEntry');

const listRoute = createRoute({
  method: 'get',
  path: '/audit',
  tags: ['审计'],
  summary: '审计日志（新的在前）',
  security: bearer,
  request: { query: z.object({ limit: z.coerce.number().int().min(1).max(500).optional(), before: z.coerce.number().int().min(1).optional() }) },
  responses: {
    200: { description: '一页记录；nextBefore 用于取下一页', content: { 'application/json': { schema: z.object({ entries: z.array(AuditEntry), nextBefore: z.number().int().nullable() }) } } },
    ...errorResponses(400, 401, 403),
  },
});

const verifyRoute = createRoute({
  method: 'get',
  path: '/audit/verify',
  tags: ['审计'],
  summary: '校验审计日志哈希链，指出第一处断链',
  security: bearer,
  responses: {
    200: {
      description: 'ok 为 false 时 broken 指出第一条有问题的记录',
      content: {
        'application/json': {
          schema: z
            .object({
              ok: z.boolean(),
              checked: z.number().int(),
              broken: z.object({ id: z.number().int(), at: z.string(), action: z.string(), problem: z.enum(['previous_hash_mismatch', 'hash_mismatch']) }).optional(),
              message: z.string(),
            })
            .openapi('AuditVerification'),
        },
      },
    },
    ...errorResponses(401, 403),
  },
});

export function registerAuditRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(listRoute, async (c) => {
    if (!canReadAudit(c.get('actor'))) throw new ApiError(403, 'FORBIDDEN', '只有县级管理员和监督检查员可以查看审计日志。');
    const q = c.req.valid('query');
    // A county's staff read their county's entries; an inspector above the counties, theirs.
    const page = await listAudit(c.get('deps').db, { limit: q.limit, before: q.before, scopeCode: c.get('actor').scopeCode });
    return c.json(page, 200);
  });
  app.openapi(verifyRoute, async (c) => {
    if (!canReadAudit(c.get('actor'))) throw new ApiError(403, 'FORBIDDEN', '只有县级管理员和监督检查员可以校验审计日志。');
    const result = await verifyAuditLog(c.get('deps').db);
    return c.json(
      result.ok
        ? { ok: true, checked: result.checked, message: `审计日志完整：${result.checked} 条记录的哈希链全部吻合。` }
        : { ok: false, checked: result.checked, broken: result.broken, message: result.message },
      200,
    );
  });
}
