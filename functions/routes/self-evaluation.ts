/**
 * 绩效自评表 on the staff page: the table of a year as of a day (JSON for the page, XLSX and PDF
 * to download), and the office's 年度指标值, 分值, 效益 lines and notes. The county and the
 * inspectors read it (it is the county's report on the whole county); only the county saves, and
 * every save is audited. The PDF needs the posters' fonts, so only the Node server draws it
 * (AppDeps.reportPdf); a Worker answers 501 after the same checks. The XLSX works everywhere.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { countyOfCode } from '../../src/data/county-settings.ts';
import { loadSelfEvaluation, loadSelfEvaluationLines, saveSelfEvaluationLines } from '../../src/data/self-evaluation.ts';
import { selfEvaluationDocument, selfEvaluationTitle, selfEvaluationXlsx, XLSX_TYPE } from '../../src/data/self-evaluation-files.ts';
import { BENEFIT_CATEGORIES, checkSelfEvaluationLines, type SelfEvaluationLineInput } from '../../src/domain/ledger/self-evaluation.ts';
import { shanghaiDate } from '../../src/domain/shared/dates.ts';
import { missingGlyphMessage } from '../../src/posters/glyph-message.ts';
import { isWithinOneCounty } from '../../src/domain/access/access.ts';
import { ApiError } from '../api-error.ts';
import type { AppEnv } from '../app-env.ts';
import { bearer, errorResponses, ErrorSchema } from './schemas.ts';

const YearParam = z.object({
  year: z.coerce.number().int().min(2000).max(2100).openapi({ param: { name: 'year', in: 'path' }, example: 2022 }),
});
const AsOfQuery = z.object({
  asOf: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, '应为 YYYY-MM-DD 格式的日期')
    .optional()
    .describe('数据截至日（YYYY-MM-DD）；默认今天（北京时间）'),
});

const Target = z.object({ op: z.enum(['>=', '<=', '=']), value: z.number() }).nullable();
const MeasuredLine = z.object({ key: z.string().max(40), target: Target, weight: z.number(), note: z.string().max(2000) });
const BenefitLine = z.object({
  key: z.string().regex(/^benefit-\d{1,2}$/),
  category: z.enum(BENEFIT_CATEGORIES),
  name: z.string().max(200),
  targetText: z.string().max(200),
  actualText: z.string().max(200),
  score: z.number().nullable(),
  weight: z.number(),
  note: z.string().max(2000),
});
const Lines = z.array(z.union([BenefitLine, MeasuredLine])).max(40);

const Row = z.object({
  key: z.string(),
  level1: z.string(),
  level2: z.string(),
  name: z.string(),
  targetText: z.string(),
  actualText: z.string(),
  actualValue: z.number().nullable(),
  source: z.enum(['ledger', 'questionnaire', 'entered']),
  weight: z.number(),
  score: z.number().nullable(),
  unscoredReason: z.string().nullable(),
  note: z.string(),
  behindPath: z.string().nullable().describe('公开网站上列出该指标依据记录的页面'),
  behindCount: z.number().int().nullable().describe('依据记录条数（比率指标为未达到的记录）'),
});

const Answer = z
  .object({
    year: z.number().int(),
    asOf: z.string(),
    title: z.string(),
    isSample: z.boolean(),
    rows: z.array(Row),
    funds: z.array(z.object({ source: z.string(), label: z.string(), budgetFen: z.number().int(), disbursedFen: z.number().int(), rateText: z.string() })),
    weightTotal: z.number(),
    scoredWeight: z.number(),
    scoreTotal: z.number(),
    scaledScore: z.number().nullable(),
    grade: z.string().nullable(),
    lines: Lines,
    updatedAt: z.string().nullable(),
    updatedBy: z.string().nullable(),
    satisfaction: z.object({ respondents: z.number().int(), satisfied: z.number().int(), villages: z.number().int() }),
  })
  .openapi('SelfEvaluation');

const getRoute = createRoute({
  method: 'get',
  path: '/self-evaluation/{year}',
  tags: ['绩效自评'],
  summary: '某年度的绩效自评表（按台账计算到数据截至日）',
  description: '实际完成值按县级已审批的台账计算；年度指标值、分值、效益指标和偏差原因是县里填写的。县级管理员和监督检查员可看。',
  security: bearer,
  request: { params: YearParam, query: AsOfQuery },
  responses: { 200: { description: '绩效自评表', content: { 'application/json': { schema: Answer } } }, ...errorResponses(400, 401, 403) },
});

const putRoute = createRoute({
  method: 'put',
  path: '/self-evaluation/{year}/lines',
  tags: ['绩效自评'],
  summary: '保存某年度的年度指标值、分值、效益指标和偏差原因（只有县级管理员）',
  security: bearer,
  request: { params: YearParam, body: { content: { 'application/json': { schema: z.object({ lines: Lines }).openapi('SelfEvaluationLines') } }, required: true } },
  responses: { 200: { description: '已保存', content: { 'application/json': { schema: z.object({ saved: z.number().int(), updatedAt: z.string() }) } } }, ...errorResponses(400, 401, 403) },
});

const fileResponses = (type: string, what: string) => ({
  200: { description: what, content: { [type]: { schema: z.string().meta({ format: 'binary' }) } } },
  ...errorResponses(400, 401, 403),
  ...(type === 'application/pdf'
    ? {
        422: { description: '有海报字体没有的字', content: { 'application/json': { schema: ErrorSchema } } },
        501: { description: 'PDF 只在本地服务器模式（Node）提供', content: { 'application/json': { schema: ErrorSchema } } },
      }
    : {}),
});

const xlsxRoute = createRoute({
  method: 'get',
  path: '/self-evaluation/{year}/table.xlsx',
  tags: ['绩效自评'],
  summary: '绩效自评表（Excel）：自评表、依据（每个数字背后的记录）、各村满意度',
  security: bearer,
  request: { params: YearParam, query: AsOfQuery },
  responses: fileResponses(XLSX_TYPE, 'Excel 文件'),
});

const pdfRoute = createRoute({
  method: 'get',
  path: '/self-evaluation/{year}/table.pdf',
  tags: ['绩效自评'],
  summary: '绩效自评表（PDF，A4，可打印）',
  security: bearer,
  request: { params: YearParam, query: AsOfQuery },
  responses: fileResponses('application/pdf', 'PDF 文件'),
});

function canRead(c: Context<AppEnv>): void {
  const { role, scopeCode } = c.get('actor');
  if (role !== 'county' && role !== 'inspector') throw new ApiError(403, 'FORBIDDEN', '绩效自评表是全县的报告，只有县级管理员和监督检查员可以看。');
  if (!isWithinOneCounty(scopeCode)) throw new ApiError(403, 'FORBIDDEN', '绩效自评表是每个县自己的报告：市、省的监督检查员请用县级账号查看某一个县的。');
}

function asOfOf(c: Context<AppEnv>, asOf: string | undefined): string {
  const today = shanghaiDate(c.get('deps').clock());
  if (asOf === undefined) return today;
  const d = new Date(`${asOf}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== asOf) {
    throw new ApiError(400, 'BAD_REQUEST', `数据截至日“${asOf}”不是真实的日期。`, [{ column: 'asOf', problem: '不是真实的日期', received: asOf, expected: 'YYYY-MM-DD，例如 2023-08-31' }]);
  }
  if (asOf > today) throw new ApiError(400, 'BAD_REQUEST', `数据截至日 ${asOf} 在今天（${today}）之后。`, [{ column: 'asOf', problem: '在今天之后', received: asOf, expected: `不晚于 ${today}` }]);
  return asOf;
}

const attachment = (c: Context<AppEnv>, ascii: string, label: string, type: string) => {
  c.header('Content-Type', type);
  c.header('Content-Disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(label)}`);
  c.header('Cache-Control', 'no-store');
};

export function registerSelfEvaluationRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(getRoute, async (c) => {
    canRead(c);
    const { year } = c.req.valid('param');
    const asOf = asOfOf(c, c.req.valid('query').asOf);
    const db = c.get('deps').db;
    const countyCode = countyOfCode(c.get('actor').scopeCode);
    const [report, stored] = await Promise.all([loadSelfEvaluation(db, { countyCode, year, asOf }), loadSelfEvaluationLines(db, countyCode, year)]);
    const e = report.evaluation;
    const behindCounts = report.behind as Record<string, unknown[]>;
    return c.json(
      {
        year,
        asOf,
        title: selfEvaluationTitle(report),
        isSample: report.isSample,
        rows: e.rows.map((r) => ({ ...r, behindCount: behindCounts[r.key]?.length ?? null })),
        funds: e.funds.map((f) => ({ source: f.source, label: f.label, budgetFen: f.budgetFen, disbursedFen: f.disbursedFen, rateText: f.rate.ratio === null ? '无数据' : `${Math.round(f.rate.ratio * 1000) / 10}%` })),
        weightTotal: e.weightTotal,
        scoredWeight: e.scoredWeight,
        scoreTotal: e.scoreTotal,
        scaledScore: e.scaledScore,
        grade: e.grade,
        lines: stored.lines as z.infer<typeof Lines>,
        updatedAt: stored.updatedAt,
        updatedBy: stored.updatedBy,
        satisfaction: { respondents: report.satisfactionByVillage.reduce((s, v) => s + v.online + v.paper, 0), satisfied: report.satisfactionByVillage.reduce((s, v) => s + v.onlineSatisfied + v.paperSatisfied, 0), villages: report.satisfactionByVillage.length },
      },
      200,
    );
  });

  app.openapi(putRoute, async (c) => {
    const actor = c.get('actor');
    if (actor.role !== 'county') throw new ApiError(403, 'FORBIDDEN', '只有县级管理员可以填写绩效自评的年度指标值。');
    const { year } = c.req.valid('param');
    const lines = c.req.valid('json').lines as SelfEvaluationLineInput[];
    const problems = checkSelfEvaluationLines(lines);
    if (problems.length > 0) {
      throw new ApiError(
        400,
        'VALIDATION_FAILED',
        `绩效自评有 ${problems.length} 处要改，没有保存。`,
        problems.map((p) => ({ column: `${p.line}：${p.field}`, problem: p.problem })),
      );
    }
    const deps = c.get('deps');
    const at = deps.clock().toISOString();
    await saveSelfEvaluationLines(deps.db, { countyCode: countyOfCode(actor.scopeCode), year, lines, actorId: actor.userId, actorLabel: actor.name, at, requestId: c.get('requestId') });
    return c.json({ saved: lines.length, updatedAt: at }, 200);
  });

  app.openapi(xlsxRoute, async (c) => {
    canRead(c);
    const { year } = c.req.valid('param');
    const deps = c.get('deps');
    const asOf = asOfOf(c, c.req.valid('query').asOf);
    const report = await loadSelfEvaluation(deps.db, { countyCode: countyOfCode(c.get('actor').scopeCode), year, asOf });
    const bytes = await selfEvaluationXlsx(report, { siteUrl: deps.config.SITE_URL, exportedAt: deps.clock().toISOString() });
    attachment(c, `self-evaluation-${year}-${asOf}.xlsx`, `${year}年度绩效自评表（截至${asOf}）.xlsx`, XLSX_TYPE);
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200) as never;
  });

  app.openapi(pdfRoute, async (c) => {
    canRead(c);
    const { year } = c.req.valid('param');
    const deps = c.get('deps');
    const asOf = asOfOf(c, c.req.valid('query').asOf);
    if (!deps.reportPdf) throw new ApiError(501, 'PDF_UNAVAILABLE', '绩效自评表的 PDF 只在本地服务器模式提供（县里用 npm start 运行的服务器）。云端网站请下载 Excel 版。');
    const report = await loadSelfEvaluation(deps.db, { countyCode: countyOfCode(c.get('actor').scopeCode), year, asOf });
    const result = await deps.reportPdf(selfEvaluationDocument(report, { siteUrl: deps.config.SITE_URL, exportedAt: deps.clock().toISOString() }));
    if (!result.ok) throw new ApiError(422, 'MISSING_GLYPHS', missingGlyphMessage(result.characters));
    attachment(c, `self-evaluation-${year}-${asOf}.pdf`, `${year}年度绩效自评表（截至${asOf}）.pdf`, 'application/pdf');
    return c.body(result.bytes as Uint8Array<ArrayBuffer>, 200) as never;
  });
}
