/**
 * `GET /villages/{code}/draft-poster.pdf` and `.png`: the 草稿 poster of a village — what its
 * disclosure would print if the county published now (src/data/draft-disclosure.ts), watermarked
 * 草稿, with no version and no verification code — for staff to check before publishing.
 *
 * Who may look: anyone whose scope holds the village (county: every village; township: its
 * villages; village: itself; inspector: every village, since a preview only reads). Drawing needs
 * the poster fonts and about a second of CPU, so only the Node server passes a renderer
 * (AppDeps.draftPosters); in a Worker the route answers 501 after the same checks.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { inScope } from '../../src/domain/access/access.ts';
import { shanghaiDate } from '../../src/domain/shared/dates.ts';
import { loadDraftVillageDisclosure } from '../../src/data/draft-disclosure.ts';
import { missingGlyphMessage } from '../../src/posters/glyph-message.ts';
import { ApiError } from '../api-error.ts';
import type { AppEnv } from '../app-env.ts';
import { bearer, errorResponses, ErrorSchema } from './schemas.ts';

const Params = z.object({
  code: z
    .string()
    .regex(/^\d{12}$/, '应为 12 位村级区划代码')
    .openapi({ param: { name: 'code', in: 'path' }, example: '430482105205' }),
});

const year = z.coerce.number().int().min(2000).max(2100).optional().describe('公示年度；默认该村有县级已审批项目或直补资金的最近一年');

const error = (description: string) => ({ description, content: { 'application/json': { schema: ErrorSchema } } });
const responsesFor = (type: 'application/pdf' | 'image/png') => ({
  200: {
    description: type === 'application/pdf' ? '草稿海报 PDF（每页有“草稿”水印，没有版本号和核对码）' : '草稿海报一页，A4、150 dpi 灰度 PNG；响应头 X-Poster-Pages 为总页数',
    content: { [type]: { schema: z.string().meta({ format: 'binary' }) } },
  },
  ...errorResponses(400, 401, 403, 404),
  422: error('台账中有海报字体没有的字（message 列出这些字）'),
  501: error('草稿预览只在本地服务器模式（Node）提供，云端（Worker）没有'),
});

const pdfRoute = createRoute({
  method: 'get',
  path: '/villages/{code}/draft-poster.pdf',
  tags: ['公示'],
  summary: '草稿海报预览（PDF）：现在发布时该村公示海报的样子',
  description:
    '按县级已审批的台账、以今天为数据截至日，生成该村若现在发布会得到的公示海报，加“草稿”水印，不含版本号和核对码，不写入任何数据。' +
    '县级管理员和监督检查员可看全县，乡镇看本乡镇各村，村看本村。只在本地服务器模式（npm start）提供。',
  security: bearer,
  request: { params: Params, query: z.object({ year, paper: z.enum(['A4', 'A3']).default('A4').describe('纸张') }) },
  responses: responsesFor('application/pdf'),
});

const pngRoute = createRoute({
  method: 'get',
  path: '/villages/{code}/draft-poster.png',
  tags: ['公示'],
  summary: '草稿海报预览（PNG，一页）',
  description: '同 PDF 预览，返回 A4 版面的一页图片，供手机查看。',
  security: bearer,
  request: { params: Params, query: z.object({ year, page: z.coerce.number().int().min(1).max(999).default(1).describe('第几页，从 1 开始') }) },
  responses: responsesFor('image/png'),
});

export function registerDraftPosterRoutes(app: OpenAPIHono<AppEnv>): void {
  const handle = async (c: Context<AppEnv>, code: string, format: 'pdf' | 'png', query: { year?: number | undefined; paper?: 'A4' | 'A3'; page?: number }) => {
    const actor = c.get('actor');
    if (!inScope(actor, code)) throw new ApiError(403, 'OUT_OF_SCOPE', `村 ${code} 不在您的管理范围内，不能预览它的海报。`);
    const deps = c.get('deps');
    if (!deps.draftPosters) {
      throw new ApiError(501, 'DRAFT_PREVIEW_UNAVAILABLE', '草稿预览只在本地服务器模式提供（县里用 npm start 运行的服务器）。云端网站不能生成海报，请到本地服务器的工作人员页面预览。');
    }
    const today = shanghaiDate(deps.clock());
    const draft = await loadDraftVillageDisclosure(deps.db, { villageCode: code, year: query.year, today });
    if (!draft.ok) throw new ApiError(404, draft.code, draft.message);
    const paper = query.paper ?? 'A4';
    const page = query.page ?? 1;
    const result = await deps.draftPosters({ content: draft.content, previous: draft.previous, format, paper, page });
    if (!result.ok) {
      if (result.code === 'MISSING_GLYPHS') throw new ApiError(422, 'MISSING_GLYPHS', missingGlyphMessage(result.characters));
      throw new ApiError(404, 'NO_SUCH_PAGE', `草稿海报只有 ${result.pages} 页，没有第 ${page} 页。`);
    }
    const name = format === 'pdf' ? `${code}-${draft.year}-draft-${paper.toLowerCase()}.pdf` : `${code}-${draft.year}-draft-p${page}.png`;
    const label = format === 'pdf' ? `草稿-${draft.content.scope.name}-${draft.year}-${paper}.pdf` : `草稿-${draft.content.scope.name}-${draft.year}-第${page}页.png`;
    c.header('Content-Type', format === 'pdf' ? 'application/pdf' : 'image/png');
    c.header('Content-Disposition', `inline; filename="${name}"; filename*=UTF-8''${encodeURIComponent(label)}`);
    c.header('Cache-Control', 'no-store');
    c.header('X-Poster-Pages', String(result.pages));
    return c.body(result.bytes as Uint8Array<ArrayBuffer>, 200);
  };
  // The answers are files, not JSON: the handler's Response is not one the route's types describe.
  app.openapi(pdfRoute, (c) => handle(c, c.req.valid('param').code, 'pdf', c.req.valid('query')) as never);
  app.openapi(pngRoute, (c) => handle(c, c.req.valid('param').code, 'png', c.req.valid('query')) as never);
}
