/**
 * Contract cases for 项目档案: a contract PDF attached to a project is not public until the county
 * ticks it reviewed, then its public address serves the same bytes as application/pdf; withdrawn
 * or removed, that address answers 410, never 404. Files are told by their bytes (an HTML page named
 * contract.pdf and a PDF named .jpg are refused), sizes are limited, photos lose their metadata
 * (GPS, phone model, PNG text), scope is enforced, and the checklist follows the project's stage.
 */
import exifr from 'exifr';
import sharp from 'sharp';
import { sql } from 'drizzle-orm';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PdfWriter } from '../../src/posters/pdf-writer.ts';
import { shanghaiDate } from '../../src/domain/shared/dates.ts';
import type { ApiTarget } from '../support/api-target.ts';
import { approve, auth, mintAll, postJson, projectRow, seedCounty, VILLAGE_A1, type Tokens } from './fixtures.ts';
import { posterPhoto } from './villager-posting-proof.case.ts';

/** A real one-page PDF (the posters' own writer), with `text` in its content stream. */
export function contractPdf(text = 'Construction contract CN-DOC-1'): Uint8Array {
  const pdf = new PdfWriter();
  const [catalog, pages, page, font, content, info] = [pdf.reserve(), pdf.reserve(), pdf.reserve(), pdf.reserve(), pdf.reserve(), pdf.reserve()];
  pdf.object(catalog, `<< /Type /Catalog /Pages ${pages} 0 R >>`);
  pdf.object(pages, `<< /Type /Pages /Kids [${page} 0 R] /Count 1 >>`);
  pdf.object(page, `<< /Type /Page /Parent ${pages} 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${content} 0 R >>`);
  pdf.object(font, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  pdf.stream(content, new TextEncoder().encode(`BT /F1 18 Tf 72 760 Td (${text}) Tj ET`), '', 0);
  pdf.object(info, '<< /Producer (tests) >>');
  return pdf.finish(catalog, info);
}

/** A PNG with a text chunk (where screenshot tools put a name, a phone number, XMP). */
export async function pngWithText(text: string): Promise<Uint8Array> {
  const png = new Uint8Array(await sharp({ create: { width: 400, height: 300, channels: 3, background: '#1d5c96' } }).png().toBuffer());
  const data = new TextEncoder().encode(`Author\0${text}`);
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  chunk.set(new TextEncoder().encode('tEXt'), 4);
  chunk.set(data, 8);
  view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  const iend = png.length - 12;
  return new Uint8Array([...png.subarray(0, iend), ...chunk, ...png.subarray(iend)]);
}

export const DOC_PROJECT = 'CN-DOC-1';

interface DocumentAnswer {
  id: number;
  type: string;
  title: string;
  contentType: string;
  byteSize: number;
  sha256: string;
  isPublic: boolean;
  reviewed: boolean;
  shown: boolean;
  status: string;
  publicUrl: string | null;
  fileUrl: string | null;
}

/** Sends a document as a multipart form, as the staff page does. */
export function uploadDocument(target: ApiTarget, token: string, file: { bytes: Uint8Array; name: string; type?: string }, fields: Record<string, string> = { type: 'contract' }, project = DOC_PROJECT) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set('file', new File([file.bytes as Uint8Array<ArrayBuffer>], file.name, { type: file.type ?? 'application/octet-stream' }));
  return target.request(`/api/v1/projects/${project}/documents`, { method: 'POST', headers: auth(token), body: form });
}

/** The public address a document gets once shown: /files/projects/<code>/<id>-<sha8>.<ext>. */
const publicPath = (d: Pick<DocumentAnswer, 'id' | 'sha256' | 'contentType'>, project = DOC_PROJECT) =>
  `/files/projects/${project}/${d.id}-${d.sha256.slice(0, 8)}.${d.contentType === 'application/pdf' ? 'pdf' : d.contentType === 'image/png' ? 'png' : 'jpg'}`;

export function runProjectDocumentsContract(newTarget: () => Promise<ApiTarget>) {
  describe('project documents (项目档案)', () => {
    let target: ApiTarget;
    let tokens: Tokens;
    beforeEach(async () => {
      target = await newTarget();
      await seedCounty(target.db);
      tokens = await mintAll(target.db);
      const r = await postJson(target, '/api/v1/uploads/projects', tokens.county, { rows: [projectRow(DOC_PROJECT, VILLAGE_A1)] });
      expect(r.status).toBe(200);
      await approve(target, { county: tokens.county, township: tokens.townshipA }, [DOC_PROJECT]);
    });
    afterEach(async () => target.dispose());

    const review = (token: string, id: number, body: unknown) => postJson(target, `/api/v1/projects/${DOC_PROJECT}/documents/${id}/review`, token, body);

    it('keeps a contract PDF off the public site until the county ticks it reviewed, then serves the same bytes as application/pdf', async () => {
      const pdf = contractPdf();
      const res = await uploadDocument(target, tokens.county, { bytes: pdf, name: '施工合同.pdf', type: 'application/pdf' }, { type: 'contract', title: '村组道路硬化施工合同' });
      expect(res.status).toBe(201);
      const up = (await res.json()) as { document: DocumentAnswer; missing: string[]; stored: string };
      expect(up.stored).toBe('as-uploaded');
      expect(up.document).toMatchObject({ type: 'contract', title: '村组道路硬化施工合同', contentType: 'application/pdf', byteSize: pdf.length, isPublic: true, reviewed: false, shown: false, status: '待县里核对', publicUrl: null });
      expect(up.document.sha256).toBe(Buffer.from(await crypto.subtle.digest('SHA-256', pdf as Uint8Array<ArrayBuffer>)).toString('hex'));
      const path = publicPath(up.document);
      expect((await target.request(path)).status).toBe(404);

      // A township may not tick it; the county does.
      expect((await review(tokens.townshipA, up.document.id, { reviewed: true, public: true })).status).toBe(403);
      const ticked = await review(tokens.county, up.document.id, { reviewed: true, public: true });
      expect(ticked.status).toBe(200);
      const after = (await ticked.json()) as { document: DocumentAnswer; rebuild: string };
      expect(after.document).toMatchObject({ reviewed: true, shown: true, status: '已公开', publicUrl: path });
      expect(['scheduled', 'not_configured']).toContain(after.rebuild);

      const pub = await target.request(path);
      expect(pub.status).toBe(200);
      expect(pub.headers.get('content-type')).toBe('application/pdf');
      expect(pub.headers.get('x-content-type-options')).toBe('nosniff');
      expect(pub.headers.get('content-disposition')).toBe(`inline; filename="${DOC_PROJECT}-${up.document.id}.pdf"; filename*=UTF-8''${encodeURIComponent('村组道路硬化施工合同.pdf')}`);
      expect(pub.headers.get('content-security-policy')).toContain("object-src 'self'");
      expect(pub.headers.get('content-security-policy')).not.toContain('script-src');
      expect(Buffer.from(await pub.arrayBuffer()).equals(Buffer.from(pdf))).toBe(true);
      // An address that is almost right (another hash, another ending, another project) is not it.
      expect((await target.request(path.replace(/-[0-9a-f]{8}\./, '-00000000.'))).status).toBe(404);
      expect((await target.request(path.replace(/\.pdf$/, '.jpg'))).status).toBe(404);
      expect((await target.request(path.replace(DOC_PROJECT, 'CN-OTHER-1'))).status).toBe(404);

      const audit = await target.db.all<{ action: string }>(sql`select action from audit_log where subject_type = 'project_document' order by id`);
      expect(audit.map((a) => a.action)).toEqual(['project_document.upload', 'project_document.review']);
    });

    it('answers 410 with the day once a public document is withdrawn or removed, and the staff copy is gone after removal', async () => {
      const res = await uploadDocument(target, tokens.county, { bytes: contractPdf(), name: 'contract.pdf' });
      const { document: doc } = (await res.json()) as { document: DocumentAnswer };
      await review(tokens.county, doc.id, { reviewed: true, public: true });
      const path = publicPath(doc);
      expect((await target.request(path)).status).toBe(200);

      const off = await review(tokens.county, doc.id, { reviewed: true, public: false });
      expect(((await off.json()) as { document: DocumentAnswer }).document).toMatchObject({ shown: false, status: '已撤下', publicUrl: path });
      const gone = await target.request(path);
      expect(gone.status).toBe(410);
      const page = await gone.text();
      expect(page).toContain('这份文件已撤下');
      expect(page).toContain(`${Number(shanghaiDate(target.clock.now()).slice(5, 7))}月`);

      // The county's setting for the type decides too: 合同 not public hides it even when ticked.
      await review(tokens.county, doc.id, { reviewed: true, public: true });
      expect((await target.request(path)).status).toBe(200);
      const policy = await target.request('/api/v1/county/document-types', { method: 'PUT', headers: { ...auth(tokens.county), 'content-type': 'application/json' }, body: JSON.stringify({ public: ['approval', 'acceptance', 'settlement', 'photo'] }) });
      expect(policy.status).toBe(200);
      expect((await target.request(path)).status).toBe(410);
      const refused = await review(tokens.county, doc.id, { reviewed: true, public: true });
      expect(refused.status).toBe(409);
      expect(((await refused.json()) as { code: string }).code).toBe('TYPE_NOT_PUBLIC');
      await target.request('/api/v1/county/document-types', { method: 'PUT', headers: { ...auth(tokens.county), 'content-type': 'application/json' }, body: JSON.stringify({ public: ['contract'] }) });
      expect((await target.request(path)).status).toBe(200);

      const staffFile = `/api/v1/projects/${DOC_PROJECT}/documents/${doc.id}/file`;
      expect((await target.request(staffFile, { headers: auth(tokens.villageA1) })).status).toBe(200);
      expect((await target.request(`/api/v1/projects/${DOC_PROJECT}/documents/${doc.id}`, { method: 'DELETE', headers: auth(tokens.townshipA) })).status).toBe(403);
      const removed = await target.request(`/api/v1/projects/${DOC_PROJECT}/documents/${doc.id}`, { method: 'DELETE', headers: auth(tokens.county) });
      expect(removed.status).toBe(200);
      expect(((await removed.json()) as { document: DocumentAnswer }).document).toMatchObject({ status: '已删除', fileUrl: null });
      expect((await target.request(path)).status).toBe(410);
      expect((await target.request(staffFile, { headers: auth(tokens.county) })).status).toBe(404);
      const actions = await target.db.all<{ action: string }>(sql`select action from audit_log where action like 'project_document.%' order by id`);
      expect(actions.map((a) => a.action)).toEqual([
        'project_document.upload',
        'project_document.review',
        'project_document.review',
        'project_document.review',
        'project_document.policy',
        'project_document.policy',
        'project_document.remove',
      ]);
    });

    it('refuses an HTML page named contract.pdf, a PDF named .jpg, an empty file and an unknown type, saying what came and what is accepted', async () => {
      const html = new TextEncoder().encode('<!doctype html><html><body><script>alert(1)</script></body></html>');
      const asPdf = await uploadDocument(target, tokens.county, { bytes: html, name: 'contract.pdf', type: 'application/pdf' });
      expect(asPdf.status).toBe(415);
      const body = (await asPdf.json()) as { code: string; message: string; requestId: string };
      expect(body.code).toBe('UNSUPPORTED_FILE');
      expect(body.message).toContain('“contract.pdf”是网页（HTML）');
      expect(body.message).toContain('只收 PDF、JPG、PNG');
      expect(typeof body.requestId).toBe('string');

      const pdfAsJpg = await uploadDocument(target, tokens.county, { bytes: contractPdf(), name: 'scan.jpg', type: 'image/jpeg' }, { type: 'photo' });
      expect(pdfAsJpg.status).toBe(415);
      expect(await pdfAsJpg.json()).toMatchObject({ code: 'NAME_DOES_NOT_MATCH', message: expect.stringContaining('名字说是 JPG 图片，里面其实是 PDF') });

      const docx = await uploadDocument(target, tokens.county, { bytes: new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]), name: '合同.docx' });
      expect(docx.status).toBe(415);
      expect(((await docx.json()) as { message: string }).message).toContain('ZIP 压缩包（Word 的 .docx');

      expect((await uploadDocument(target, tokens.county, { bytes: new Uint8Array(0), name: 'empty.pdf' })).status).toBe(400);
      const noType = await uploadDocument(target, tokens.county, { bytes: contractPdf(), name: 'c.pdf' }, { type: '发票' });
      expect(noType.status).toBe(400);
      expect(((await noType.json()) as { message: string }).message).toContain('不认识文件类型“发票”');
      const count = await target.db.all<{ n: number }>(sql`select count(*) as n from project_documents`);
      expect(count[0]!.n).toBe(0);
    });

    it('answers 413 for a PDF over 10 MB and an image over 5 MB', async () => {
      const big = new Uint8Array(11 * 1024 * 1024);
      big.set(new TextEncoder().encode('%PDF-1.7\n'));
      const tooBig = await uploadDocument(target, tokens.county, { bytes: big, name: 'big.pdf' });
      expect(tooBig.status).toBe(413);
      expect(((await tooBig.json()) as { message: string }).message).toContain('PDF 最大 10 MB');
      const photo = new Uint8Array(6 * 1024 * 1024);
      photo.set([0xff, 0xd8, 0xff, 0xe0]);
      const bigPhoto = await uploadDocument(target, tokens.county, { bytes: photo, name: 'photo.jpg' }, { type: 'photo' });
      expect(bigPhoto.status).toBe(413);
      expect(((await bigPhoto.json()) as { message: string }).message).toContain('最大 5.0 MB');
    });

    it('stores photos without their metadata: no GPS or phone model in a JPEG, no text in a PNG', async () => {
      const jpeg = await posterPhoto({ taken: '2025:05:01 10:00:00', lon: 112.51, lat: 26.31 });
      expect(await exifr.gps(jpeg)).toBeDefined();
      const res = await uploadDocument(target, tokens.villageA1, { bytes: jpeg, name: '完工照片.jpg', type: 'image/jpeg' }, { type: '照片', title: '完工后的道路' });
      expect(res.status).toBe(201);
      const up = (await res.json()) as { document: DocumentAnswer; stored: string };
      expect(up.stored).toBe(target.runtime === 'node' ? 're-encoded' : 'metadata-stripped');
      expect(up.document).toMatchObject({ type: 'photo', contentType: 'image/jpeg', title: '完工后的道路' });
      const file = await target.request(up.document.fileUrl!, { headers: auth(tokens.villageA1) });
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toBe('image/jpeg');
      const bytes = new Uint8Array(await file.arrayBuffer());
      expect(await exifr.gps(bytes)).toBeUndefined();
      await expect(exifr.parse(bytes, { gps: true, xmp: true })).resolves.toBeUndefined();
      expect(Buffer.from(bytes).includes('TestPhone')).toBe(false);
      expect((await sharp(bytes).metadata()).width).toBe(800);

      const png = await pngWithText('张三 13812345678');
      const pngRes = await uploadDocument(target, tokens.villageA1, { bytes: png, name: 'screenshot.png' }, { type: 'photo' });
      expect(pngRes.status).toBe(201);
      const pngDoc = ((await pngRes.json()) as { document: DocumentAnswer }).document;
      expect(pngDoc.contentType).toBe('image/png');
      const stored = new Uint8Array(await (await target.request(pngDoc.fileUrl!, { headers: auth(tokens.county) })).arrayBuffer());
      expect((await sharp(stored).metadata()).format).toBe('png');
      expect(Buffer.from(stored).includes('13812345678')).toBe(false);
      expect(Buffer.from(stored).includes('tEXt')).toBe(false);
    });

    it('lets the county, the township and the village in scope upload, nobody else, and lists the checklist by stage', async () => {
      const pdf = contractPdf();
      expect((await uploadDocument(target, tokens.townshipB, { bytes: pdf, name: 'a.pdf' })).status).toBe(403);
      expect((await uploadDocument(target, tokens.villageA2, { bytes: pdf, name: 'a.pdf' })).status).toBe(403);
      expect((await uploadDocument(target, tokens.inspector, { bytes: pdf, name: 'a.pdf' })).status).toBe(403);
      expect((await uploadDocument(target, tokens.county, { bytes: pdf, name: 'a.pdf' }, { type: 'contract' }, 'NO-SUCH-1')).status).toBe(404);
      expect((await target.request(`/api/v1/projects/${DOC_PROJECT}/documents`, { method: 'POST', body: pdf as Uint8Array<ArrayBuffer> })).status).toBe(401);

      const list = async (token: string) => {
        const res = await target.request(`/api/v1/projects/${DOC_PROJECT}/documents`, { headers: auth(token) });
        expect(res.status).toBe(200);
        return (await res.json()) as { documents: DocumentAnswer[]; checklist: Array<{ type: string; present: boolean }>; missing: string[]; missingLabels: string[] };
      };
      // Approved, not started: the application and the approval are due.
      expect((await list(tokens.inspector)).missingLabels).toEqual(['立项申请报告', '批复文件']);
      // The raw body with ?type= works as well as a form (the township, for its village).
      const raw = await target.request(`/api/v1/projects/${DOC_PROJECT}/documents?type=approval&title=${encodeURIComponent('县移民中心批复')}`, {
        method: 'POST',
        headers: { ...auth(tokens.townshipA), 'content-type': 'application/pdf' },
        body: pdf as Uint8Array<ArrayBuffer>,
      });
      expect(raw.status).toBe(201);
      expect(((await raw.json()) as { missing: string[] }).missing).toEqual(['application']);
      // Started: a contract is due now.
      const started = await postJson(target, '/api/v1/uploads/milestones', tokens.county, { rows: [{ projectCode: DOC_PROJECT, kind: '开工', date: shanghaiDate(target.clock.now()) }] });
      expect(started.status).toBe(200);
      const now = await list(tokens.villageA1);
      expect(now.checklist.map((c) => [c.type, c.present])).toEqual([
        ['application', false],
        ['approval', true],
        ['contract', false],
      ]);
      expect(now.documents).toHaveLength(1);
      expect(now.documents[0]).toMatchObject({ type: 'approval', title: '县移民中心批复', isPublic: true, shown: false });
      expect((await target.request(`/api/v1/projects/${DOC_PROJECT}/documents`, { headers: auth(tokens.townshipB) })).status).toBe(403);
    });
  });
}
