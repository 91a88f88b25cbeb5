/** Who the token belongs to, and the divisions within its scope (for the staff page's forms). */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { codeStartsWith } from '../../src/data/code-prefix.ts';
import { divisions } from '../../db/schema.ts';
import { canUpload, ROLE_LABELS, ROLES, UPLOAD_KINDS } from '../../src/domain/access/access.ts';
import { isLoopbackOrigin } from '../../src/domain/shared/public-origin.ts';
import type { AppEnv } from '../app-env.ts';
import { bearer, errorResponses } from './schemas.ts';

const meRoute = createRoute({
  method: 'get',
  path: '/me',
  tags: ['账号'],
  summary: '当前令牌的账号、角色、管理范围和可上传的类型',
  security: bearer,
  responses: {
    200: {
      description: '账号',
      content: {
        'application/json': {
          schema: z
            .object({
              name: z.string(),
              role: z.enum(ROLES),
              roleLabel: z.string(),
              scopeCode: z.string(),
              scopeName: z.string(),
              uploads: z.array(z.enum(UPLOAD_KINDS)),
              canPublish: z.boolean(),
              canReadAudit: z.boolean(),
              publicAddress: z.object({ url: z.string(), reachable: z.boolean() }).describe('海报二维码和订阅用的网址（SITE_URL）；reachable 为 false 时是本机地址，海报印“样张”'),
            })
            .openapi('Me'),
        },
      },
    },
    ...errorResponses(401, 429),
  },
});

const divisionsRoute = createRoute({
  method: 'get',
  path: '/divisions',
  tags: ['账号'],
  summary: '管理范围内现有的乡镇和村（区划代码；已撤并的不列）',
  security: bearer,
  responses: {
    200: {
      description: '区划',
      content: { 'application/json': { schema: z.object({ divisions: z.array(z.object({ code: z.string(), name: z.string(), level: z.enum(['county', 'township', 'village']), parentCode: z.string().nullable() })) }) } },
    },
    ...errorResponses(401),
  },
});

export function registerMeRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(meRoute, async (c) => {
    const actor = c.get('actor');
    const rows = await c.get('deps').db.select({ code: divisions.code, name: divisions.name }).from(divisions).where(eq(divisions.code, actor.scopeCode)).limit(1);
    return c.json(
      {
        name: actor.name,
        role: actor.role,
        roleLabel: ROLE_LABELS[actor.role],
        scopeCode: actor.scopeCode,
        scopeName: rows[0]?.name ?? actor.scopeCode,
        uploads: UPLOAD_KINDS.filter((k) => canUpload(actor, k)),
        canPublish: actor.role === 'county',
        canReadAudit: actor.role === 'county' || actor.role === 'inspector',
        publicAddress: { url: c.get('deps').config.SITE_URL, reachable: !isLoopbackOrigin(c.get('deps').config.SITE_URL) },
      },
      200,
    );
  });
  app.openapi(divisionsRoute, async (c) => {
    const actor = c.get('actor');
    const rows = await c
      .get('deps')
      .db.select({ code: divisions.code, name: divisions.name, level: divisions.level, parentCode: divisions.parentCode })
      .from(divisions)
      // Current divisions only: a village merged away (村撤并) takes no new data. The city and
      // province rows above the counties are scopes, not places data is recorded for.
      .where(and(codeStartsWith(divisions.code, actor.scopeCode), isNull(divisions.retiredOn), inArray(divisions.level, ['county', 'township', 'village'])))
      .orderBy(asc(divisions.code));
    return c.json({ divisions: rows.flatMap((r) => (r.level === 'province' || r.level === 'city' ? [] : [{ ...r, level: r.level }])) }, 200);
  });
}
