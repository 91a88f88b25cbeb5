/**
 * 满意度 results for the 绩效自评表: GET /satisfaction/{year} lists every resettlement village with
 * its questionnaire counts (village pages' and paper), PUT /satisfaction/{year}/paper saves the
 * county's paper results (one row per village, checked, audited). County and inspectors read; only
 * the county saves. Only counts: no answer is tied to anyone.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { listPaperResults, resettlementVillageNames, savePaperResults } from '../../src/data/satisfaction.ts';
import { loadSatisfaction } from '../../src/data/self-evaluation.ts';
import writeXlsxFile from 'write-excel-file/universal';
import { XLSX_TYPE } from '../../src/data/self-evaluation-files.ts';
import { neutraliseCell } from '../../src/domain/shared/csv-safety.ts';
import { checkPaperResults, PAPER_TEMPLATE_HEADER, readPaperResultsTable } from '../../src/domain/villager/satisfaction.ts';
import { DEFAULT_MAX_UPLOAD_BYTES, readBodyBytes, readSheetCells } from './upload-body.ts';
import { isWithinOneCounty } from '../../src/domain/access/access.ts';
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

const fileRoute = createRoute({
  method: 'put',
  path: '/satisfaction/{year}/paper-file',
  tags: ['绩效自评'],
  summary: '上传纸质问卷结果（.xlsx 或 .csv，列：村代码、问卷份数、满意和基本满意份数；模板见 paper-template.xlsx）',
  description: '请求体是文件本身（最大与上传文件相同）。表头在前五行之内；两个份数都空的行跳过；出错时按表格的行号列出每一处，什么也不保存。',
  security: bearer,
  request: { params: YearParam },
  responses: { 200: { description: '已保存', content: { 'application/json': { schema: z.object({ saved: z.number().int() }) } } }, ...errorResponses(400, 401, 403, 413, 415) },
});

const templateRoute = createRoute({
  method: 'get',
  path: '/satisfaction/{year}/paper-template.xlsx',
  tags: ['绩效自评'],
  summary: '纸质问卷结果模板：本县每个移民村一行（已填的结果也在里面）',
  security: bearer,
  request: { params: YearParam },
  responses: { 200: { description: 'Excel 文件', content: { [XLSX_TYPE]: { schema: z.string().meta({ format: 'binary' }) } } }, ...errorResponses(401, 403) },
});

export function registerSatisfactionRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(getRoute, async (c) => {
    const { role, scopeCode } = c.get('actor');
    if (role !== 'county' && role !== 'inspector') throw new ApiError(403, 'FORBIDDEN', '问卷结果是全县的，只有县级管理员和监督检查员可以看。');
    if (!isWithinOneCounty(scopeCode)) throw new ApiError(403, 'FORBIDDEN', '问卷结果是每个县自己的：市、省的监督检查员请用县级账号查看某一个县的。');
    const { year } = c.req.valid('param');
    const db = c.get('deps').db;
    const [names, satisfaction, paper] = await Promise.all([resettlementVillageNames(db, scopeCode), loadSatisfaction(db, year, scopeCode), listPaperResults(db, year, scopeCode)]);
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
    const problems = checkPaperResults(rows, new Set((await resettlementVillageNames(deps.db, actor.scopeCode)).keys()));
    if (problems.length > 0) throw new ApiError(400, 'VALIDATION_FAILED', `纸质问卷结果有 ${problems.length} 处要改，没有保存。`, problems);
    await savePaperResults(deps.db, { year, rows, actorId: actor.userId, actorLabel: actor.name, at: deps.clock().toISOString(), requestId: c.get('requestId') });
    return c.json({ saved: rows.length }, 200);
  });

  // The body is read raw (not through a validator): a file, checked by its bytes.
  app.openapi(fileRoute, async (c) => {
    const actor = c.get('actor');
    if (actor.role !== 'county') throw new ApiError(403, 'FORBIDDEN', '只有县级管理员可以上传纸质问卷结果。');
    const { year } = c.req.valid('param');
    const deps = c.get('deps');
    const cells = await readSheetCells(await readBodyBytes(c.req.raw, deps.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES));
    const table = readPaperResultsTable(cells);
    if (!table.ok) throw new ApiError(400, 'VALIDATION_FAILED', `文件有 ${table.problems.length} 处要改，没有保存。`, table.problems);
    const problems = checkPaperResults(table.rows, new Set((await resettlementVillageNames(deps.db, actor.scopeCode)).keys())).map((p) => ({ ...p, row: table.rows[p.row - 1]!.sheetRow }));
    if (problems.length > 0) throw new ApiError(400, 'VALIDATION_FAILED', `文件有 ${problems.length} 处要改，没有保存。`, problems);
    const rows = table.rows.map(({ villageCode, respondents, satisfied }) => ({ villageCode, respondents, satisfied }));
    await savePaperResults(deps.db, { year, rows, actorId: actor.userId, actorLabel: actor.name, at: deps.clock().toISOString(), requestId: c.get('requestId') });
    return c.json({ saved: rows.length }, 200);
  });

  app.openapi(templateRoute, async (c) => {
    const { role, scopeCode } = c.get('actor');
    if (role !== 'county' && role !== 'inspector') throw new ApiError(403, 'FORBIDDEN', '只有县级管理员和监督检查员可以下载问卷结果模板。');
    if (!isWithinOneCounty(scopeCode)) throw new ApiError(403, 'FORBIDDEN', '问卷结果模板是每个县自己的：请用县级账号下载。');
    const { year } = c.req.valid('param');
    const db = c.get('deps').db;
    const [names, paper] = await Promise.all([resettlementVillageNames(db, scopeCode), listPaperResults(db, year, scopeCode)]);
    const byVillage = new Map(paper.map((p) => [p.villageCode, p]));
    const text = (v: string, bold = false) => ({ value: neutraliseCell(v), type: String, ...(bold ? { fontWeight: 'bold' as const } : {}) });
    const data = [
      PAPER_TEMPLATE_HEADER.map((h) => text(h, true)),
      ...[...names.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([code, name]) => {
          const p = byVillage.get(code);
          return [text(code), text(name), p ? { value: p.respondents, type: Number } : null, p ? { value: p.satisfied, type: Number } : null];
        }),
    ];
    const blob = await writeXlsxFile(data as never, { columns: [{ width: 16 }, { width: 18 }, { width: 12 }, { width: 20 }], stickyRowsCount: 1, sheet: `${year}年纸质问卷` } as never).toBlob();
    c.header('Content-Type', XLSX_TYPE);
    c.header('Content-Disposition', `attachment; filename="paper-results-${year}.xlsx"; filename*=UTF-8''${encodeURIComponent(`${year}年纸质问卷结果.xlsx`)}`);
    c.header('Cache-Control', 'no-store');
    return c.body(new Uint8Array(await blob.arrayBuffer()), 200) as never;
  });
}
