/**
 * Proof of posting, for staff (bearer token):
 * - `POST /api/v1/posting-proofs` (multipart: `photo`, and `disclosureId` or `verificationCode`):
 *   a cadre uploads a photo of the poster on the notice board. Its EXIF time and GPS are checked
 *   against the disclosure period and the village's location; the photo is re-encoded with all
 *   metadata removed before it is stored (the original is never stored); answers 201 with the
 *   checks in plain Chinese. A photo passing both checks is accepted at once (已张贴); otherwise
 *   it waits for review. County, township and village staff within scope; not the inspector.
 * - `GET /api/v1/posting-proofs?status=needs_review` — proofs within scope, with their checks.
 * - `PATCH /api/v1/posting-proofs/:id` `{ status: 'accepted' | 'rejected', note? }` — review by
 *   county or township staff (a village cannot approve its own photo).
 * Every upload and review is audited; accepting asks the runtime to rebuild the site.
 */
import exifr from 'exifr';
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { Hono, type Context } from 'hono';
import { ApiError } from '../api-error.ts';
import type { AppEnv } from '../app-env.ts';
import { scheduleRebuild } from '../rebuild.ts';
import { FailureThrottle, requireToken } from '../middleware/auth.ts';
import { UnsupportedImageError } from '../storage/file-storage.ts';
import { appendAudit } from '../../src/data/audit.ts';
import { findProofTarget, getProof, insertProof, listProofs, reviewProof, type ProofRow } from '../../src/data/posting-proof.ts';
import { writeTransaction } from '../../src/data/write-lock.ts';
import { inScope } from '../../src/domain/access/access.ts';
import { checkPostingPhoto, postedOn, type ExifFacts } from '../../src/domain/villager/posting-proof.ts';
import { auditInput } from './public-audit.ts';
import { bearer, ErrorSchema, errorResponses } from './schemas.ts';

export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
const wall = requireToken(new FailureThrottle(20));

const STATUS_LABELS = { accepted: '已通过（显示“已张贴”）', needs_review: '待人工核实', rejected: '未通过' } as const;
const PROOF_STATUSES = ['accepted', 'needs_review', 'rejected'] as const;

/** The text fields of an upload (the photo is checked apart: a File is not a zod type). */
export const ProofUploadFields = z.object({
  disclosureId: z.string().trim().regex(/^\d+$/).optional().describe('公示编号（与核对码二选一）'),
  verificationCode: z.string().trim().optional().describe('海报上的核对码（与公示编号二选一）'),
});
export const ProofListQuery = z.object({ status: z.enum(PROOF_STATUSES).optional() });
export const ProofIdParam = z.object({ id: z.coerce.number().int().positive().openapi({ param: { name: 'id', in: 'path' }, example: 3 }) });
export const reviewSchema = z.object({ status: z.enum(['accepted', 'rejected']), note: z.string().trim().max(200).optional().describe('核实意见') });

export const PostingProofSchema = z
  .object({
    id: z.number().int(),
    disclosureId: z.number().int(),
    villageCode: z.string(),
    uploadedAt: z.string(),
    takenAt: z.string().nullable().describe('照片 EXIF 里的拍摄时间（按北京时间读）'),
    postedOn: z.string().describe('张贴日期（拍摄日，没有则上传日）'),
    distanceM: z.number().nullable().describe('拍摄地点离村部的距离（米）'),
    timeCheck: z.enum(['inside_period', 'outside_period', 'missing']),
    placeCheck: z.enum(['near_village', 'far_from_village', 'missing', 'no_village_location']),
    status: z.enum(PROOF_STATUSES),
    statusLabel: z.string(),
    reviewNote: z.string().nullable(),
    imageUrl: z.string(),
    width: z.number().int(),
    height: z.number().int(),
  })
  .openapi('PostingProof');

function view(p: ProofRow): z.infer<typeof PostingProofSchema> {
  return {
    id: p.id,
    disclosureId: p.disclosureId,
    villageCode: p.villageCode,
    uploadedAt: p.uploadedAt,
    takenAt: p.takenAt,
    postedOn: postedOn(p),
    distanceM: p.distanceM,
    timeCheck: p.timeCheck,
    placeCheck: p.placeCheck,
    status: p.status,
    statusLabel: STATUS_LABELS[p.status],
    reviewNote: p.reviewNote,
    imageUrl: `/api/v1/posting-proofs/${p.id}/image`,
    width: p.width,
    height: p.height,
  };
}

/** Documents the posting-proof endpoints from the schemas the handlers below validate with. */
export function registerPostingProofDocs(api: OpenAPIHono<AppEnv>): void {
  const proof = { 'application/json': { schema: PostingProofSchema } };
  api.openAPIRegistry.registerPath({
    method: 'post',
    path: '/posting-proofs',
    tags: ['张贴照片'],
    summary: '上传公示海报张贴在公开栏的照片',
    description:
      '照片（最大10 MB）的拍摄时间和 GPS 与公示期、村的位置比对；两项都符合就直接通过（村页显示“已张贴”），否则等乡镇或县里核实。' +
      '照片重新编码、去掉全部元数据后才保存，原图不保存。县、乡镇、村工作人员（本辖区），监督检查员不能上传。',
    security: bearer,
    request: {
      body: {
        required: true,
        content: { 'multipart/form-data': { schema: ProofUploadFields.extend({ photo: z.string().meta({ format: 'binary' }).describe('照片（JPG，Node 模式也收 PNG/WebP/HEIC 等）') }) } },
      },
    },
    responses: {
      201: {
        description: '已上传，附检查结果',
        content: { 'application/json': { schema: PostingProofSchema.extend({ checks: z.array(z.string()).describe('检查结果（中文）'), reencoded: z.string() }) } },
      },
      ...errorResponses(400, 401, 403, 404, 413, 415, 429),
      503: { description: '照片存储没有配置', content: { 'application/json': { schema: ErrorSchema } } },
    },
  });
  api.openAPIRegistry.registerPath({
    method: 'get',
    path: '/posting-proofs',
    tags: ['张贴照片'],
    summary: '管理范围内的张贴照片及检查结果（最新的在前）',
    security: bearer,
    request: { query: ProofListQuery },
    responses: { 200: { description: '列表', content: { 'application/json': { schema: z.object({ items: z.array(PostingProofSchema) }) } } }, ...errorResponses(400, 401, 429) },
  });
  api.openAPIRegistry.registerPath({
    method: 'get',
    path: '/posting-proofs/{id}/image',
    tags: ['张贴照片'],
    summary: '照片本身（已去掉元数据）',
    security: bearer,
    request: { params: ProofIdParam },
    responses: { 200: { description: 'JPEG', content: { 'image/jpeg': { schema: z.string().meta({ format: 'binary' }) } } }, ...errorResponses(401, 404, 429) },
  });
  api.openAPIRegistry.registerPath({
    method: 'patch',
    path: '/posting-proofs/{id}',
    tags: ['张贴照片'],
    summary: '核实照片：通过或不通过',
    description: '县、乡镇工作人员（本辖区）；村里不能核实自己上传的照片。通过后网站重建，村页显示“已张贴”。',
    security: bearer,
    request: { params: ProofIdParam, body: { required: true, content: { 'application/json': { schema: reviewSchema } } } },
    responses: { 200: { description: '核实后的照片记录', content: proof }, ...errorResponses(400, 401, 403, 404, 429) },
  });
}

function requestRebuild(c: Context<AppEnv>, at: Date): void {
  scheduleRebuild(c, { reason: 'posting_proof', year: Number(at.toISOString().slice(0, 4)), createdCount: 0, publishedAt: at.toISOString() });
}

async function readExif(bytes: Uint8Array): Promise<ExifFacts | null> {
  try {
    return ((await exifr.parse(bytes, { gps: true, reviveValues: false, tiff: true, exif: true, xmp: false, icc: false, iptc: false })) as ExifFacts | undefined) ?? null;
  } catch {
    return null;
  }
}

export const postingProofRoutes = new Hono<AppEnv>()
  .use('/api/v1/posting-proofs', wall)
  .use('/api/v1/posting-proofs/*', wall)
  .post('/api/v1/posting-proofs', async (c) => {
    const actor = c.get('actor');
    const { db, clock, files } = c.get('deps');
    if (actor.role === 'inspector') throw new ApiError(403, 'FORBIDDEN', '监督检查员只能查看，不能上传。');
    if (!files) throw new ApiError(503, 'STORAGE_NOT_CONFIGURED', '照片存储还没有配置，请联系县移民事务中心。');
    const length = Number(c.req.header('content-length') ?? 0);
    if (length > MAX_PHOTO_BYTES + 64 * 1024) throw new ApiError(413, 'TOO_LARGE', `照片太大（最大 10 MB）。请用手机相册里的原图，不要用视频截图。`);
    const form = await c.req.parseBody().catch(() => null);
    const photo = form?.photo;
    if (!form || !(photo instanceof File) || photo.size === 0) {
      throw new ApiError(400, 'VALIDATION_FAILED', '请选择一张照片（字段 photo）。', [{ column: 'photo', problem: '没有收到照片', expected: 'multipart/form-data 里的 photo 文件' }]);
    }
    if (photo.size > MAX_PHOTO_BYTES) throw new ApiError(413, 'TOO_LARGE', '照片太大（最大 10 MB）。');
    const given = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
    const fields = ProofUploadFields.safeParse({ disclosureId: given(form.disclosureId), verificationCode: given(form.verificationCode) });
    if (!fields.success) {
      throw new ApiError(400, 'VALIDATION_FAILED', '公示编号只能是数字。', fields.error.issues.map((i) => ({ column: String(i.path[0] ?? ''), problem: i.message })));
    }
    const { disclosureId: idText = '', verificationCode: code = '' } = fields.data;
    if (idText === '' && code === '') {
      throw new ApiError(400, 'VALIDATION_FAILED', '请说明是哪一份公示的照片：填公示编号或核对码。', [{ column: 'disclosureId', problem: '缺少公示编号或核对码' }]);
    }
    const target = await findProofTarget(db, idText !== '' ? { disclosureId: Number(idText) } : { verificationCode: code });
    if (!target) throw new ApiError(404, 'NOT_FOUND', `没有找到这份村级公示（收到：${idText || code}）。`);
    if (actor.role !== 'county' && !inScope(actor, target.villageCode)) throw new ApiError(403, 'OUT_OF_SCOPE', '这个村不在您的管理范围内。');

    const original = new Uint8Array(await photo.arrayBuffer());
    const check = checkPostingPhoto(await readExif(original), target, { lon: target.villageLon, lat: target.villageLat });
    let image;
    try {
      image = await files.reencodeImage(original);
    } catch (err) {
      if (err instanceof UnsupportedImageError) throw new ApiError(415, 'UNSUPPORTED_IMAGE', '这不是能打开的照片。请上传手机拍的 JPG 照片。');
      throw err;
    }
    const now = clock();
    const imageKey = `posting-proofs/${target.villageCode}/${crypto.randomUUID()}.jpg`;
    await files.storage.put(imageKey, image.bytes, image.contentType);
    const id = await writeTransaction(db, async (tx) => {
      const created = await insertProof(tx, { target, check, imageKey, width: image.width, height: image.height, uploadedBy: actor.userId, uploadedAt: now.toISOString() });
      await appendAudit(
        tx,
        auditInput(c, {
          action: 'posting_proof.upload',
          subjectType: 'posting_proof',
          subjectId: String(created),
          detail: { disclosureId: target.disclosureId, villageCode: target.villageCode, timeCheck: check.timeCheck, placeCheck: check.placeCheck, distanceM: check.distanceM, status: check.status, method: image.method },
        }),
      );
      return created;
    });
    if (check.status === 'accepted') requestRebuild(c, now);
    const stored = await getProof(db, id);
    return c.json({ ...view(stored!), checks: check.messages, reencoded: image.method }, 201);
  })
  .get('/api/v1/posting-proofs', async (c) => {
    const actor = c.get('actor');
    const query = ProofListQuery.safeParse(c.req.query());
    if (!query.success) throw new ApiError(400, 'VALIDATION_FAILED', `status 只能是 accepted、needs_review 或 rejected（收到：${c.req.query('status')}）。`);
    const rows = await listProofs(c.get('deps').db, {
      scopeCode: actor.scopeCode,
      countyWide: actor.role === 'county' || actor.role === 'inspector',
      status: query.data.status,
    });
    return c.json({ items: rows.map(view) });
  })
  .get('/api/v1/posting-proofs/:id/image', async (c) => {
    const actor = c.get('actor');
    const { db, files } = c.get('deps');
    const param = ProofIdParam.safeParse(c.req.param());
    const proof = param.success ? await getProof(db, param.data.id) : null;
    if (!proof || !(actor.role === 'county' || actor.role === 'inspector' || inScope(actor, proof.villageCode))) throw new ApiError(404, 'NOT_FOUND', '没有这张照片。');
    const file = files ? await files.storage.get(proof.imageKey) : null;
    if (!file) throw new ApiError(404, 'NOT_FOUND', '照片文件不见了。');
    return c.body(file.bytes as Uint8Array<ArrayBuffer>, 200, { 'content-type': file.contentType, 'cache-control': 'private, no-store' });
  })
  .patch('/api/v1/posting-proofs/:id', async (c) => {
    const actor = c.get('actor');
    const { db, clock } = c.get('deps');
    if (actor.role !== 'county' && actor.role !== 'township') throw new ApiError(403, 'FORBIDDEN', '照片由乡镇或县里核实，村里不能自己核实。');
    const param = ProofIdParam.safeParse(c.req.param());
    if (!param.success) throw new ApiError(400, 'VALIDATION_FAILED', `编号不对（收到：${c.req.param('id')}）。`);
    const proof = await getProof(db, param.data.id);
    if (!proof) throw new ApiError(404, 'NOT_FOUND', `没有编号为 ${c.req.param('id')} 的照片。`);
    if (actor.role !== 'county' && !inScope(actor, proof.villageCode)) throw new ApiError(403, 'OUT_OF_SCOPE', '这个村不在您的管理范围内。');
    const parsed = reviewSchema.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) throw new ApiError(400, 'VALIDATION_FAILED', 'status 只能是 accepted 或 rejected。');
    await writeTransaction(db, async (tx) => {
      await reviewProof(tx, proof.id, { status: parsed.data.status, note: parsed.data.note ?? null, by: actor.userId });
      await appendAudit(tx, auditInput(c, { action: 'posting_proof.review', subjectType: 'posting_proof', subjectId: String(proof.id), detail: { from: proof.status, to: parsed.data.status, note: parsed.data.note ?? null } }));
    });
    if (parsed.data.status === 'accepted' || proof.status === 'accepted') requestRebuild(c, clock());
    return c.json(view((await getProof(db, proof.id))!));
  });
