/**
 * Upload templates at stable URLs, no token needed (they hold no data):
 * `/api/v1/templates/<kind>.xlsx` (填写 + 说明 sheets) and `/api/v1/templates/<kind>.csv`. Their
 * example row and notes give a village and township of the county in the database.
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import writeXlsxFile from 'write-excel-file/universal';
import { UPLOAD_KINDS, type UploadKind } from '../../src/domain/access/access.ts';
import { loadUploadExamples } from '../../src/data/upload-examples.ts';
import { UPLOAD_KIND_LABELS } from '../../src/domain/upload/upload-columns.ts';
import type { UploadExamples } from '../../src/domain/upload/upload-examples.ts';
import { templateContent, templateCsv } from '../../src/domain/upload/upload-template.ts';
import { ApiError } from '../api-error.ts';
import type { AppEnv } from '../app-env.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The XLSX template of a kind: data sheet first (uploads read the first sheet), then instructions. */
export async function templateXlsx(kind: UploadKind, examples: UploadExamples): Promise<Uint8Array> {
  const t = templateContent(kind, examples);
  const text = (v: string | number) => ({ value: String(v), type: String });
  const blob = await writeXlsxFile([
    {
      sheet: '填写',
      data: [t.header.map((h) => ({ value: h, type: String, fontWeight: 'bold' as const })), t.example.map(text)],
      columns: t.header.map((h) => ({ width: Math.max(12, h.length * 2 + 4) })),
      stickyRowsCount: 1,
    },
    { sheet: '说明', data: t.instructions.map((r) => r.map(text)), columns: [{ width: 24 }, { width: 10 }, { width: 70 }, { width: 24 }] },
  ]).toBlob();
  return new Uint8Array(await blob.arrayBuffer());
}

export function registerTemplateRoutes(app: OpenAPIHono<AppEnv>): void {
  for (const kind of UPLOAD_KINDS) {
    for (const ext of ['xlsx', 'csv'] as const) {
      app.openAPIRegistry.registerPath({
        method: 'get',
        path: `/templates/${kind}.${ext}`,
        tags: ['模板'],
        summary: `${UPLOAD_KIND_LABELS[kind]} 模板（${ext.toUpperCase()}）`,
        responses: { 200: { description: '模板文件', content: { [ext === 'xlsx' ? XLSX_TYPE : 'text/csv']: { schema: z.string().meta({ format: 'binary' }) } } } },
      });
    }
  }
  app.get('/templates/:file', async (c) => {
    const m = /^([a-z-]+)\.(xlsx|csv)$/.exec(c.req.param('file'));
    const kind = m?.[1] as UploadKind | undefined;
    if (!m || !kind || !UPLOAD_KINDS.includes(kind)) {
      throw new ApiError(404, 'NOT_FOUND', `没有这个模板。可下载：${UPLOAD_KINDS.map((k) => `${k}.xlsx、${k}.csv`).join('，')}。`);
    }
    const filename = encodeURIComponent(`${UPLOAD_KIND_LABELS[kind]}模板.${m[2]}`);
    c.header('Content-Disposition', `attachment; filename="${kind}-template.${m[2]}"; filename*=UTF-8''${filename}`);
    c.header('Cache-Control', 'public, max-age=3600');
    const examples = await loadUploadExamples(c.get('deps').db);
    if (m[2] === 'csv') {
      c.header('Content-Type', 'text/csv; charset=utf-8');
      return c.body(templateCsv(kind, examples));
    }
    c.header('Content-Type', XLSX_TYPE);
    return c.body((await templateXlsx(kind, examples)) as Uint8Array<ArrayBuffer>);
  });
}
