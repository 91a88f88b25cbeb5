/**
 * 数据缺漏和滞后 on the staff page: GET /gaps (JSON: counts per township and village, and every
 * record behind them) and GET /gaps/table.xlsx. Every role sees its own scope: the county and
 * inspectors the whole county, a township its villages, a village itself.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { loadGaps } from '../../src/data/gaps.ts';
import { gapsXlsx } from '../../src/data/gaps-xlsx.ts';
import { XLSX_TYPE } from '../../src/data/self-evaluation-files.ts';
import { DEFAULT_GAP_DAYS, GAP_KINDS, type GapOptions } from '../../src/domain/ledger/gaps.ts';
import { shanghaiDate } from '../../src/domain/shared/dates.ts';
import { ApiError } from '../api-error.ts';
import type { AppEnv } from '../app-env.ts';
import { bearer, errorResponses } from './schemas.ts';

const days = (name: string, fallback: number) => z.coerce.number().int().min(1).max(3650).default(fallback).describe(`${name}（天），默认 ${fallback}`);
const Query = z.object({
  asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '应为 YYYY-MM-DD 格式的日期').optional().describe('从哪一天看；默认今天（北京时间）'),
  year: z.coerce.number().int().min(2000).max(2100).optional().describe('比较名册和直补、检查三年没有项目用的年度；默认数据截至日的年度'),
  startDays: days('批复后多少天未开工算滞后', DEFAULT_GAP_DAYS.startDays),
  paymentDays: days('验收后多少天未拨付完算滞后', DEFAULT_GAP_DAYS.paymentDays),
  answerDays: days('异议收到后多少天未答复算逾期', DEFAULT_GAP_DAYS.answerDays),
  retainPercent: z.coerce.number().int().min(0).max(50).default(DEFAULT_GAP_DAYS.retainPercent).describe(`验收后可以暂不拨付的质保金比例（%），默认 ${DEFAULT_GAP_DAYS.retainPercent}`),
});

const Counts = z.record(z.enum(GAP_KINDS), z.number().int());
const Answer = z
  .object({
    options: z.object({ asOf: z.string(), year: z.number().int(), startDays: z.number().int(), paymentDays: z.number().int(), answerDays: z.number().int(), retainPercent: z.number().int() }),
    kinds: z.array(z.object({ key: z.enum(GAP_KINDS), label: z.string(), rule: z.string(), total: z.number().int() })),
    townships: z.array(z.object({ code: z.string(), name: z.string(), counts: Counts, villages: z.array(z.object({ code: z.string(), name: z.string(), counts: Counts })) })),
    findings: z.array(
      z.object({ kind: z.enum(GAP_KINDS), ref: z.string(), villageCode: z.string(), villageName: z.string(), townshipCode: z.string(), title: z.string(), detail: z.string(), link: z.string().nullable() }),
    ),
  })
  .openapi('Gaps');

const getRoute = createRoute({
  method: 'get',
  path: '/gaps',
  tags: ['数据缺漏'],
  summary: '数据缺漏和滞后：按乡镇、村计数，每个数对应的记录',
  security: bearer,
  request: { query: Query },
  responses: { 200: { description: '缺漏和滞后', content: { 'application/json': { schema: Answer } } }, ...errorResponses(400, 401) },
});

const xlsxRoute = createRoute({
  method: 'get',
  path: '/gaps/table.xlsx',
  tags: ['数据缺漏'],
  summary: '数据缺漏和滞后（Excel：汇总和明细）',
  security: bearer,
  request: { query: Query },
  responses: { 200: { description: 'Excel 文件', content: { [XLSX_TYPE]: { schema: z.string().meta({ format: 'binary' }) } } }, ...errorResponses(400, 401) },
});

function optionsOf(c: Context<AppEnv>, q: z.infer<typeof Query>): GapOptions {
  const today = shanghaiDate(c.get('deps').clock());
  const asOf = q.asOf ?? today;
  const d = new Date(`${asOf}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== asOf) {
    throw new ApiError(400, 'BAD_REQUEST', `日期“${asOf}”不是真实的日期。`, [{ column: 'asOf', problem: '不是真实的日期', received: asOf, expected: 'YYYY-MM-DD，例如 2024-11-30' }]);
  }
  return { asOf, year: q.year ?? Number(asOf.slice(0, 4)), startDays: q.startDays, paymentDays: q.paymentDays, answerDays: q.answerDays, retainPercent: q.retainPercent };
}

export function registerGapRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(getRoute, async (c) => {
    const report = await loadGaps(c.get('deps').db, c.get('actor').scopeCode, optionsOf(c, c.req.valid('query')));
    return c.json(report, 200);
  });
  app.openapi(xlsxRoute, async (c) => {
    const deps = c.get('deps');
    const options = optionsOf(c, c.req.valid('query'));
    const report = await loadGaps(deps.db, c.get('actor').scopeCode, options);
    const bytes = await gapsXlsx(report, deps.config.SITE_URL);
    c.header('Content-Type', XLSX_TYPE);
    c.header('Content-Disposition', `attachment; filename="gaps-${options.asOf}.xlsx"; filename*=UTF-8''${encodeURIComponent(`数据缺漏和滞后（截至${options.asOf}）.xlsx`)}`);
    c.header('Cache-Control', 'no-store');
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200) as never;
  });
}
