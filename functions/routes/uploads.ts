/**
 * `POST /uploads/{kind}`: JSON, CSV or XLSX rows of one kind, checked all at once and committed
 * all or nothing. `?dryRun=true` checks and writes nothing. Re-sending the same content (or the
 * same `Idempotency-Key`) returns the first result and writes nothing again.
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { loadCountySettings, rosterKeyFor } from '../../src/data/county-settings.ts';
import { loadUploadExamples } from '../../src/data/upload-examples.ts';
import { canUpload, ROLE_LABELS, UPLOAD_KINDS, type UploadKind } from '../../src/domain/access/access.ts';
import { ROW_SCHEMAS, UPLOAD_KIND_LABELS } from '../../src/domain/upload/upload-columns.ts';
import type { UploadReport } from '../../src/data/uploads.ts';
import { ApiError, type ErrorDetail } from '../api-error.ts';
import type { AppEnv } from '../app-env.ts';
import { DEFAULT_MAX_UPLOAD_BYTES, readBodyBytes } from './upload-body.ts';
import { inProcessUploadRunner } from './upload-run.ts';
import { bearer, ErrorDetailSchema, errorResponses } from './schemas.ts';

export const UploadReportSchema = z
  .object({
    status: z.enum(['committed', 'dry_run', 'replayed', 'rejected']),
    uploadId: z.number().int().nullable(),
    kind: z.enum(UPLOAD_KINDS),
    format: z.enum(['json', 'csv', 'xlsx']),
    encoding: z.string().nullable(),
    rows: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    errors: z.array(ErrorDetailSchema),
    warnings: z.array(ErrorDetailSchema),
    firstCommittedAt: z.string().optional(),
  })
  .openapi('UploadReport');

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,100}$/;

export function registerUploadRoutes(app: OpenAPIHono<AppEnv>): void {
  for (const kind of UPLOAD_KINDS) {
    app.openAPIRegistry.registerPath({
      method: 'post',
      path: `/uploads/${kind}`,
      tags: ['上传'],
      summary: `上传${UPLOAD_KIND_LABELS[kind]}`,
      description:
        '请求体可以是 JSON（{"rows": [...]}）、CSV（UTF-8 或 GB18030，有无 BOM 均可）或 XLSX（第一个工作表），也可以用 multipart/form-data 的 file 字段。' +
        '格式按文件内容判断，不看文件名。所有问题一次列出；有任何问题则不写入任何数据。',
      security: bearer,
      request: {
        query: z.object({ dryRun: z.enum(['true', 'false']).optional().describe('true：只检查，不写入') }),
        headers: z.object({ 'idempotency-key': z.string().optional().describe('同一个键重复发送只处理一次（8–100 位字母数字 . _ : -）') }),
        body: {
          required: true,
          content: {
            'application/json': { schema: z.object({ rows: z.array(ROW_SCHEMAS[kind]) }).openapi(`${camel(kind)}Upload`) },
            'text/csv': { schema: z.string().describe('模板表头 + 数据行') },
            'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: z.string().meta({ format: 'binary' }) },
          },
        },
      },
      responses: {
        200: { description: '已写入（committed）、试运行通过（dry_run）或重复上传（replayed）', content: { 'application/json': { schema: UploadReportSchema } } },
        ...errorResponses(400, 401, 403, 409, 413, 415, 429),
      },
    });
  }

  app.post('/uploads/:kind', async (c) => {
    const kind = c.req.param('kind') as UploadKind;
    if (!UPLOAD_KINDS.includes(kind)) {
      throw new ApiError(404, 'NOT_FOUND', `没有“${kind}”这种上传。可上传：${UPLOAD_KINDS.join('、')}。`);
    }
    const actor = c.get('actor');
    const deps = c.get('deps');
    if (!canUpload(actor, kind)) {
      throw new ApiError(403, 'FORBIDDEN', `${ROLE_LABELS[actor.role]}不能上传${UPLOAD_KIND_LABELS[kind]}。`);
    }
    const idempotencyKey = c.req.header('idempotency-key') ?? null;
    if (idempotencyKey !== null && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new ApiError(400, 'BAD_REQUEST', 'Idempotency-Key 应为 8–100 位字母、数字或 . _ : -。');
    }
    const dryRun = c.req.query('dryRun') === 'true';
    const bytes = await readBodyBytes(c.req.raw, deps.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES);
    const run = deps.runUpload ?? inProcessUploadRunner(deps.db);
    const settings = await loadCountySettings(deps.db, deps.config, actor.scopeCode);
    let report: UploadReport;
    try {
      report = await run({
        kind,
        bytes,
        actor,
        idempotencyKey,
        dryRun,
        requestId: c.get('requestId'),
        at: deps.clock().toISOString(),
        countyUnit: settings.issuingUnit,
        examples: await loadUploadExamples(deps.db, actor.scopeCode),
        rosterKey: rosterKeyFor(settings, deps.config),
      });
    } catch (e) {
      // One line per refusal of a whole file, with the request's id; never the file's content.
      if (e instanceof ApiError) deps.logger.log('info', 'upload refused', { requestId: c.get('requestId'), kind, code: e.code, status: e.status, bytes: bytes.length });
      throw e;
    }
    if (report.status === 'rejected') {
      const outOfScope = report.errors.filter((e) => e.code === 'OUT_OF_SCOPE');
      deps.logger.log('info', 'upload refused', {
        requestId: c.get('requestId'),
        kind,
        code: outOfScope.length > 0 ? 'OUT_OF_SCOPE' : 'VALIDATION_FAILED',
        problems: report.errors.length,
        rows: report.rows,
        firstRow: report.errors.find((e) => e.row !== undefined)?.row ?? null,
      });
      const details = report.errors.map(toDetail);
      if (outOfScope.length > 0) {
        throw new ApiError(403, 'OUT_OF_SCOPE', `有 ${outOfScope.length} 行的数据不在您的管理范围内，整份文件未写入。`, details);
      }
      throw new ApiError(400, 'VALIDATION_FAILED', `发现 ${report.errors.length} 处问题，整份文件未写入任何数据。请按下表逐项更正后重新上传。`, details);
    }
    return c.json(report, 200);
  });
}

function toDetail(p: UploadReport['errors'][number]): ErrorDetail {
  const { code: _code, ...rest } = p;
  return rest;
}

const camel = (kind: string) => kind.replace(/(^|-)([a-z])/g, (_m, _d, ch: string) => ch.toUpperCase());
