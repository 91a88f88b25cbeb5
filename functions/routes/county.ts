/**
 * The county's own settings on the staff page: read by every signed-in user, changed only by the
 * county role, each change audited (src/data/county-edit.ts). Always the acting user's county (the
 * first six digits of their scope): in a database holding several counties, one county's staff
 * never see or change another's. A change that shows on the public pages (公示单位, phones,
 * types…) starts the same rebuild as a publish.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { loadCountyForEditing, loadSetupCounts, replaceProjectTypes, setCountyOutline, updateCountySettings, type EditedBy } from '../../src/data/county-edit.ts';
import { countyOfCode, loadCountySettings, rosterKeyFor } from '../../src/data/county-settings.ts';
import { setupChecklist } from '../../src/domain/county/setup-checklist.ts';
import { INDICATOR_GROUP_LABELS, PERIOD_DAYS } from '../../src/domain/county/settings-edit.ts';
import type { IndicatorGroup } from '../../src/domain/ledger/ledger.ts';
import type { UploadProblem } from '../../src/domain/upload/upload-plan.ts';
import { isWithinOneCounty } from '../../src/domain/access/access.ts';
import { ApiError } from '../api-error.ts';
import type { AppEnv } from '../app-env.ts';
import { scheduleRebuild } from '../rebuild.ts';
import { bearer, errorResponses } from './schemas.ts';
import { DEFAULT_MAX_UPLOAD_BYTES, readBodyBytes } from './upload-body.ts';

const INDICATOR_GROUPS = Object.keys(INDICATOR_GROUP_LABELS) as [IndicatorGroup, ...IndicatorGroup[]];

const Settings = z
  .object({
    issuingUnit: z.string(),
    supervisionPhones: z.array(z.string()),
    townshipPhones: z.record(z.string(), z.string()),
    supervisionAddress: z.string(),
    disclosurePeriodDays: z.number().int(),
    posterTitleTemplate: z.string().nullable(),
    subsidyStandardFen: z.number().int().describe('直补标准（分/人·年）'),
  })
  .openapi('CountySettings');

const CountyAnswer = z
  .object({
    countyCode: z.string(),
    countyName: z.string(),
    isSample: z.boolean(),
    settings: Settings,
    overridden: z.array(z.string()).describe('由环境变量覆盖的项：页面和海报用环境变量的值，改这里要等运维取消覆盖后才生效'),
    townships: z.array(z.object({ code: z.string(), name: z.string() })),
    projectTypes: z.array(z.object({ code: z.string(), name: z.string(), indicatorGroup: z.enum(INDICATOR_GROUPS), projects: z.number().int() })),
    outline: z.object({ points: z.number().int(), bounds: z.object({ minLon: z.number(), minLat: z.number(), maxLon: z.number(), maxLat: z.number() }) }).nullable(),
    updatedAt: z.string(),
  })
  .openapi('County');

const SettingsPatch = z
  .object({
    issuingUnit: z.string().max(200).optional(),
    supervisionPhones: z.array(z.string().max(100)).max(20).optional(),
    townshipPhones: z.record(z.string().max(20), z.string().max(100)).optional(),
    supervisionAddress: z.string().max(400).optional(),
    disclosurePeriodDays: z.number().optional().describe(`${PERIOD_DAYS.min}–${PERIOD_DAYS.max} 天`),
    posterTitleTemplate: z.string().max(200).nullable().optional().describe('可用 {village} {year} {township} {county}；null 或空为默认标题'),
    subsidyStandardYuan: z.number().optional().describe('直补标准（元/人·年）'),
  })
  .openapi('CountySettingsPatch');

const ProjectTypesBody = z
  .object({ projectTypes: z.array(z.object({ code: z.string().max(60), name: z.string().max(100), indicatorGroup: z.string().max(60) })).max(100) })
  .openapi('ProjectTypesRequest');

const getRoute = createRoute({
  method: 'get',
  path: '/county',
  tags: ['本县设置'],
  summary: '本县设置：公示单位、监督电话、受理地址、公示期、海报标题、直补标准、项目类型和县界',
  security: bearer,
  responses: { 200: { description: '本县设置', content: { 'application/json': { schema: CountyAnswer } } }, ...errorResponses(401, 404) },
});

const patchRoute = createRoute({
  method: 'patch',
  path: '/county/settings',
  tags: ['本县设置'],
  summary: '修改本县设置（县级管理员；只改传来的项，记入审计日志）',
  security: bearer,
  request: { body: { required: true, content: { 'application/json': { schema: SettingsPatch } } } },
  responses: {
    200: { description: '已保存（changed 为空表示没有变化）', content: { 'application/json': { schema: z.object({ changed: z.array(z.string()), rebuild: z.enum(['scheduled', 'not_configured', 'not_needed']) }) } } },
    ...errorResponses(400, 401, 403),
  },
});

const typesRoute = createRoute({
  method: 'put',
  path: '/county/project-types',
  tags: ['本县设置'],
  summary: '项目类型的完整列表（县级管理员；顺序即显示顺序；有项目在用的类型不能删除；平台上有多个县时各县共用，不能在这里修改：409）',
  security: bearer,
  request: { body: { required: true, content: { 'application/json': { schema: ProjectTypesBody } } } },
  responses: {
    200: {
      description: '已保存',
      content: { 'application/json': { schema: z.object({ added: z.array(z.string()), removed: z.array(z.string()), renamed: z.array(z.string()), reordered: z.boolean(), rebuild: z.enum(['scheduled', 'not_configured', 'not_needed']) }) } },
    },
    ...errorResponses(400, 401, 403, 409),
  },
});

const outlineRoute = createRoute({
  method: 'put',
  path: '/county/outline',
  tags: ['本县设置'],
  summary: '上传县界（GeoJSON 面，WGS-84/CGCS2000 经纬度；县级管理员）',
  description:
    '请求体是 GeoJSON 文件本身（Polygon、MultiPolygon，或只含一个面的 Feature / FeatureCollection），最大与上传文件相同。' +
    '只用来检查上传的项目位置是否在本县内。没有县界时，按村部位置的范围加约 5 公里检查。',
  security: bearer,
  responses: {
    200: { description: '已保存', content: { 'application/json': { schema: z.object({ points: z.number().int(), notes: z.array(z.string()) }) } } },
    ...errorResponses(400, 401, 403, 413),
  },
});

const outlineDeleteRoute = createRoute({
  method: 'delete',
  path: '/county/outline',
  tags: ['本县设置'],
  summary: '删除县界（之后按村部位置的范围检查）',
  security: bearer,
  responses: { 200: { description: '已删除', content: { 'application/json': { schema: z.object({ points: z.number().int(), notes: z.array(z.string()) }) } } }, ...errorResponses(401, 403) },
});

const checklistRoute = createRoute({
  method: 'get',
  path: '/county/checklist',
  tags: ['本县设置'],
  summary: '开通步骤：载入区划 → 移民村名册 → 花名册 → 账号 → 项目 → 审批 → 发布，每步的数量和去处（县级管理员）',
  security: bearer,
  responses: {
    200: {
      description: '开通步骤',
      content: {
        'application/json': {
          schema: z
            .object({
              published: z.boolean(),
              next: z.string().nullable().describe('下一步的 key；都做完了为 null'),
              steps: z.array(
                z.object({
                  key: z.string(),
                  title: z.string(),
                  done: z.boolean(),
                  status: z.string(),
                  links: z.array(z.object({ label: z.string(), href: z.string() })),
                  command: z.string().optional(),
                  blocker: z.string().optional(),
                }),
              ),
            })
            .openapi('SetupChecklist'),
        },
      },
    },
    ...errorResponses(401, 403),
  },
});

function countyOnly(c: Context<AppEnv>): EditedBy {
  const actor = c.get('actor');
  if (actor.role !== 'county') throw new ApiError(403, 'FORBIDDEN', '只有县级管理员可以办理本县设置。');
  return { countyCode: countyOfCode(actor.scopeCode), actorId: actor.userId, actorLabel: actor.name, at: c.get('deps').clock().toISOString(), requestId: c.get('requestId') };
}

function refused(result: { problems: UploadProblem[]; shared?: true }): never {
  const { problems } = result;
  if (result.shared) throw new ApiError(409, 'SHARED_WITH_OTHER_COUNTIES', problems[0]?.problem ?? '这项设置由同一平台上的各县共用，不能由一个县单独修改。', problems);
  throw new ApiError(400, 'VALIDATION_FAILED', `设置有误（${problems.length} 处），没有保存。`, problems);
}

/** Rebuilds the public site after a change that shows on it, as a publish does. */
const rebuildAfter = (c: Context<AppEnv>) => scheduleRebuild(c, { reason: 'settings', year: null, createdCount: 0, publishedAt: c.get('deps').clock().toISOString() });

export function registerCountyRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(getRoute, async (c) => {
    const deps = c.get('deps');
    if (!isWithinOneCounty(c.get('actor').scopeCode)) throw new ApiError(403, 'FORBIDDEN', '本县设置是每个县自己的：市、省的监督检查员请用县级账号查看某一个县的。');
    const countyCode = countyOfCode(c.get('actor').scopeCode);
    const county = await loadCountyForEditing(deps.db, countyCode, deps.config);
    if (!county) throw new ApiError(404, 'NO_COUNTY', `这个数据库里没有县 ${countyCode}：请先运行 npm run county -- init ${countyCode}。`);
    return c.json(county, 200);
  });

  app.openapi(checklistRoute, async (c) => {
    const { countyCode } = countyOnly(c);
    const deps = c.get('deps');
    const settings = await loadCountySettings(deps.db, deps.config, countyCode);
    return c.json(setupChecklist(await loadSetupCounts(deps.db, countyCode, rosterKeyFor(settings, deps.config) !== null)), 200);
  });

  app.openapi(patchRoute, async (c) => {
    const by = countyOnly(c);
    const result = await updateCountySettings(c.get('deps').db, c.req.valid('json'), by);
    if (!result.ok) refused(result);
    return c.json({ changed: result.value, rebuild: result.value.length > 0 ? rebuildAfter(c) : ('not_needed' as const) }, 200);
  });

  app.openapi(typesRoute, async (c) => {
    const by = countyOnly(c);
    const body = c.req.valid('json');
    const result = await replaceProjectTypes(c.get('deps').db, body.projectTypes.map((p) => ({ ...p, indicatorGroup: p.indicatorGroup as IndicatorGroup })), by);
    if (!result.ok) refused(result);
    const v = result.value;
    const changed = v.added.length + v.removed.length + v.renamed.length > 0 || v.reordered;
    return c.json({ ...v, rebuild: changed ? rebuildAfter(c) : ('not_needed' as const) }, 200);
  });

  // The body is read raw (not through the JSON validator): a county boundary can be megabytes.
  app.openapi(outlineRoute, async (c) => {
    const by = countyOnly(c);
    const deps = c.get('deps');
    const bytes = await readBodyBytes(c.req.raw, deps.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      refused({ problems: [{ column: '县界文件', problem: '不是 UTF-8 文本', expected: '.geojson 文件' }] });
    }
    const result = await setCountyOutline(deps.db, text, by);
    if (!result.ok) refused(result);
    return c.json(result.value, 200);
  });

  app.openapi(outlineDeleteRoute, async (c) => {
    const by = countyOnly(c);
    const result = await setCountyOutline(c.get('deps').db, null, by);
    if (!result.ok) refused(result);
    return c.json(result.value, 200);
  });
}
