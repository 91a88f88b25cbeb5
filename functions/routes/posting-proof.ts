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
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { ApiError } from '../api-error.ts';
import type { AppEnv } from '../app-env.ts';
import { FailureThrottle, requireToken } from '../middleware/auth.ts';
import { UnsupportedImageError } from '../storage/file-storage.ts';
import { appendAudit } from '../../src/data/audit.ts';
import { findProofTarget, getProof, insertProof, listProofs, reviewProof, type ProofRow } from '../../src/data/posting-proof.ts';
import { writeTransaction } from '../../src/data/write-lock.ts';
import { inScope } from '../../src/domain/access.ts';
import { checkPostingPhoto, postedOn, type ExifFacts } from '../../src/domain/posting-proof.ts';
import { auditInput } from './public-audit.ts';

export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
const wall = requireToken(new FailureThrottle(20));

const STATUS_LABELS = { accepted: '已通过（显示“已张贴”）', needs_review: '待人工核实', rejected: '未通过' } as const;

function view(p: ProofRow) {
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

function requestRebuild(c: Context<AppEnv>, at: Date): void {
  const { onPublished, logger } = c.get('deps');
  if (!onPublished) return;
  const requestId = c.get('requestId');
  Promise.resolve()
    .then(() => onPublished({ year: Number(at.toISOString().slice(0, 4)), createdCount: 0, publishedAt: at.toISOString(), requestId }))
    .catch((err: unknown) => logger.log('error', 'rebuild after posting proof failed', { requestId, error: String(err) }));
}

async function readExif(bytes: Uint8Array): Promise<ExifFacts | null> {
  try {
    return ((await exifr.parse(bytes, { gps: true, reviveValues: false, tiff: true, exif: true, xmp: false, icc: false, iptc: false })) as ExifFacts | undefined) ?? null;
  } catch {
    return null;
  }
}

const reviewSchema = z.object({ status: z.enum(['accepted', 'rejected']), note: z.string().trim().max(200).optional() });

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
    const idText = typeof form.disclosureId === 'string' ? form.disclosureId.trim() : '';
    const code = typeof form.verificationCode === 'string' ? form.verificationCode.trim() : '';
    if (!/^\d+$/.test(idText) && code === '') {
      throw new ApiError(400, 'VALIDATION_FAILED', '请说明是哪一份公示的照片：填公示编号或核验码。', [{ column: 'disclosureId', problem: '缺少公示编号或核验码' }]);
    }
    const target = await findProofTarget(db, /^\d+$/.test(idText) ? { disclosureId: Number(idText) } : { verificationCode: code });
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
    const status = c.req.query('status');
    if (status !== undefined && !['accepted', 'needs_review', 'rejected'].includes(status)) {
      throw new ApiError(400, 'VALIDATION_FAILED', `status 只能是 accepted、needs_review 或 rejected（收到：${status}）。`);
    }
    const rows = await listProofs(c.get('deps').db, {
      scopeCode: actor.scopeCode,
      countyWide: actor.role === 'county' || actor.role === 'inspector',
      status: status as ProofRow['status'] | undefined,
    });
    return c.json({ items: rows.map(view) });
  })
  .get('/api/v1/posting-proofs/:id/image', async (c) => {
    const actor = c.get('actor');
    const { db, files } = c.get('deps');
    const proof = await getProof(db, Number(c.req.param('id')));
    if (!proof || !(actor.role === 'county' || actor.role === 'inspector' || inScope(actor, proof.villageCode))) throw new ApiError(404, 'NOT_FOUND', '没有这张照片。');
    const file = files ? await files.storage.get(proof.imageKey) : null;
    if (!file) throw new ApiError(404, 'NOT_FOUND', '照片文件不见了。');
    return c.body(file.bytes as Uint8Array<ArrayBuffer>, 200, { 'content-type': file.contentType, 'cache-control': 'private, no-store' });
  })
  .patch('/api/v1/posting-proofs/:id', async (c) => {
    const actor = c.get('actor');
    const { db, clock } = c.get('deps');
    if (actor.role !== 'county' && actor.role !== 'township') throw new ApiError(403, 'FORBIDDEN', '照片由乡镇或县里核实，村里不能自己核实。');
    const proof = await getProof(db, Number(c.req.param('id')));
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
