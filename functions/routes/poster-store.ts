/**
 * The Worker's poster store (functions/storage/poster-store.ts), filled by `npm run deploy`
 * (src/cli/poster-sync.ts), which draws in Node the posters the store lacks:
 *
 * - `GET /posters/stored?cursor=…`: the names stored, up to 1,000 per page;
 * - `PUT /posters/{year}/{file}`: stores one file, only a name the deployed build planned (listed in
 *   its manifest), of a village or township in the caller's county, with the bytes of a PDF or a PNG;
 * - `PUT /posters/share/{file}`: stores a village's share card (发到村民群), only the one of its
 *   year's current version at this site's address.
 *
 * For the county's administrator (who publishes); a file never changes once stored (names are
 * content keys), so storing one again answers 200 and changes nothing. The Node server keeps its
 * posters in its own folder and draws them itself: there both routes answer 501.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { canPublish, inScope } from '../../src/domain/access/access.ts';
import { loadCurrentVersion } from '../../src/data/disclosures.ts';
import { SHARE_CARD_STORE_NAME, shareCardStoreName } from '../../src/posters/card-model.ts';
import { POSTER_FILE_NAME } from '../../src/posters/manifest.ts';
import { ApiError } from '../api-error.ts';
import type { AppEnv } from '../app-env.ts';
import { posterContentType, type PosterStore } from '../storage/poster-store.ts';
import { readBodyBytes } from './upload-body.ts';
import { bearer, errorResponses, ErrorSchema } from './schemas.ts';

/** A village poster is a few hundred KB; a township's 合订本 a few MB. */
export const MAX_POSTER_BYTES = 20 * 1024 * 1024;

const error = (description: string) => ({ description, content: { 'application/json': { schema: ErrorSchema } } });

const StoredList = z
  .object({
    names: z.array(z.string()).describe('已存的海报文件名（<年度>/<文件>）'),
    cursor: z.string().nullable().describe('还有下一页时，用它取下一页；null 表示已经是最后一页'),
  })
  .openapi('StoredPosters');

const listRoute = createRoute({
  method: 'get',
  path: '/posters/stored',
  tags: ['公示'],
  summary: '云端已存的公示海报（发布部署用）',
  description: '列出云端（Worker）存储里已有的海报文件名，每页最多 1000 个。npm run deploy 用它只生成还没有的海报。县级管理员可用；本地服务器模式自己生成海报，答 501。',
  security: bearer,
  request: { query: z.object({ cursor: z.string().max(1024).optional().describe('上一页返回的 cursor') }) },
  responses: {
    200: { description: '一页文件名', content: { 'application/json': { schema: StoredList } } },
    ...errorResponses(401, 403),
    501: error('本地服务器模式自己生成海报，没有云端存储'),
  },
});

const FileParams = z.object({
  year: z
    .string()
    .regex(/^\d{4}$/, '应为 4 位年度')
    .openapi({ param: { name: 'year', in: 'path' }, example: '2024' }),
  file: z
    .string()
    .max(200)
    .openapi({ param: { name: 'file', in: 'path' }, example: '430482101207-v1-5d41402abc4b2a76-a4.pdf' }),
});

const putRoute = createRoute({
  method: 'put',
  path: '/posters/{year}/{file}',
  tags: ['公示'],
  summary: '存一张公示海报到云端（发布部署用）',
  description:
    '把 npm run deploy 在本地生成的一个海报文件（PDF 或 PNG）存到云端，以后由网站直接提供。只收已部署网站规划过的文件名（海报清单里有的），' +
    '而且是本县的村或乡镇。文件按内容命名，存了就不会变；再存一次不改变任何东西。',
  security: bearer,
  request: {
    params: FileParams,
    body: { required: true, content: { 'application/pdf': { schema: z.string().meta({ format: 'binary' }) }, 'image/png': { schema: z.string().meta({ format: 'binary' }) } } },
  },
  responses: {
    200: { description: '已存（或原来就有）', content: { 'application/json': { schema: z.object({ name: z.string(), bytes: z.number().int() }).openapi('StoredPoster') } } },
    ...errorResponses(400, 401, 403, 404),
    413: error('文件太大'),
    501: error('本地服务器模式自己生成海报，没有云端存储'),
  },
});

const ShareParams = z.object({
  file: z
    .string()
    .max(200)
    .openapi({ param: { name: 'file', in: 'path' }, example: '430482101207-2024-5d41402abc4b2a76-0a1b2c3d.png' }),
});

const putShareRoute = createRoute({
  method: 'put',
  path: '/posters/share/{file}',
  tags: ['公示'],
  summary: '存一张“发到村民群”图片到云端（发布部署用）',
  description: '把 npm run deploy 在本地画好的村“发到村民群”图片（PNG）存到云端。只收本县的村、该年度当前版本、本网站地址的那一张（文件名由内容决定）。',
  security: bearer,
  request: { params: ShareParams, body: { required: true, content: { 'image/png': { schema: z.string().meta({ format: 'binary' }) } } } },
  responses: {
    200: { description: '已存（或原来就有）', content: { 'application/json': { schema: z.object({ name: z.string(), bytes: z.number().int() }) } } },
    ...errorResponses(400, 401, 403, 404),
    413: error('文件太大'),
    501: error('本地服务器模式自己生成图片，没有云端存储'),
  },
});

function storeOf(c: Context<AppEnv>) {
  const actor = c.get('actor');
  if (!canPublish(actor)) throw new ApiError(403, 'FORBIDDEN', '只有县级管理员可以存取云端海报。');
  const posterStore = c.get('deps').posterStore;
  if (!posterStore) throw new ApiError(501, 'POSTER_STORE_UNAVAILABLE', '本地服务器模式自己生成海报，没有云端海报存储。');
  return { actor, ...posterStore };
}

const PDF = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b);

/** Reads the body, checks it is what its name says, and stores it unless it is there already. */
async function storeFile(c: Context<AppEnv>, store: PosterStore, name: string) {
  const bytes = await readBodyBytes(c.req.raw, MAX_POSTER_BYTES);
  const contentType = posterContentType(name);
  if (!startsWith(bytes, contentType === 'image/png' ? PNG : PDF)) {
    throw new ApiError(400, 'NOT_A_POSTER_FILE', `${name} 的内容不是${contentType === 'image/png' ? ' PNG 图片' : ' PDF 文件'}（收到 ${bytes.byteLength} 字节）。`);
  }
  // Names are content keys: a file stored once stays as it was.
  if (!(await store.has(name))) await store.put(name, bytes, contentType);
  return c.json({ name, bytes: bytes.byteLength }, 200);
}

export function registerPosterStoreRoutes(app: OpenAPIHono<AppEnv>): void {
  // Before `/posters/{year}/{file}`, which would take `share` for a year.
  app.openapi(putShareRoute, async (c) => {
    const { actor, store } = storeOf(c);
    const name = `share/${c.req.valid('param').file}`;
    const m = SHARE_CARD_STORE_NAME.exec(name);
    if (!m) throw new ApiError(400, 'NOT_A_SHARE_CARD_NAME', `“${name.slice(0, 80)}”不是“发到村民群”图片的文件名，应为 <村代码>-<年度>-<16位>-<8位>.png。`);
    const [, code, year] = m;
    if (!inScope(actor, code!)) throw new ApiError(403, 'OUT_OF_SCOPE', `图片 ${name} 属于村 ${code}，不在您的管理范围内。`);
    const deps = c.get('deps');
    const current = await loadCurrentVersion(deps.db, 'village', code!, Number(year));
    if (!current || (await shareCardStoreName(current, deps.config.SITE_URL)) !== name) {
      throw new ApiError(404, 'NOT_CURRENT', `${name} 不是村 ${code} ${year} 年度当前版本在本网站地址的图片：请按当前版本重新生成。`);
    }
    return storeFile(c, store, name) as never;
  });
  app.openapi(listRoute, async (c) => {
    const { store } = storeOf(c);
    return c.json(await store.list(c.req.valid('query').cursor ?? null), 200);
  });

  app.openapi(putRoute, async (c) => {
    const { actor, store, isPlanned } = storeOf(c);
    const { year, file } = c.req.valid('param');
    const name = `${year}/${file}`;
    const m = POSTER_FILE_NAME.exec(name);
    if (!m) throw new ApiError(400, 'NOT_A_POSTER_NAME', `“${file.slice(0, 80)}”不是海报文件名。应为 <村代码>-v<版本>-<16位校验>-a4.pdf、-a3.pdf、-a4-p<页>.png，或 township-<乡镇代码>-<16位校验>-a4.pdf、-a3.pdf。`);
    const code = m[3]!;
    if (!inScope(actor, code)) throw new ApiError(403, 'OUT_OF_SCOPE', `海报 ${name} 属于 ${code}，不在您的管理范围内。`);
    if (!(await isPlanned(name))) throw new ApiError(404, 'NOT_PLANNED', `已部署的网站没有规划海报 ${name}：请先部署，再存它的海报。`);
    return storeFile(c, store, name);
  });
}
