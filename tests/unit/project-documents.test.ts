/**
 * 项目档案 without the HTTP layer: what a file is by its bytes, the checklist by stage, the PNG and
 * JPEG strippers the Worker uses, the checklist over a database for the gaps screen
 * (listMissingDocuments), and the documents the project page lists (listPublicDocuments), with the
 * county's tick and per-type setting both required.
 */
import exifr from 'exifr';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as schema from '../../db/schema.ts';
import { stripDocumentImage } from '../../functions/storage/document-image.ts';
import { listMissingDocuments, listPublicDocuments, loadDocumentPolicy, reviewProjectDocument, saveDocumentPolicy, getProjectDocument } from '../../src/data/project-documents.ts';
import { writeTransaction } from '../../src/data/write-lock.ts';
import { checkDocumentFile, documentPublicPath, expectedDocumentTypes, formatFileSize, parseDocumentFileName, sniffDocument } from '../../src/domain/ledger/project-documents.ts';
import { withJpegOrientation } from '../../src/domain/villager/jpeg-metadata.ts';
import { PngFormatError, stripPngMetadata } from '../../src/domain/villager/png-metadata.ts';
import { contractPdf, pngWithText } from '../api/project-documents.case.ts';
import { posterPhoto } from '../api/villager-posting-proof.case.ts';
import { createTempDatabase, type TempDatabase } from '../support/temp-database.ts';

const text = (s: string) => new TextEncoder().encode(s);

describe('what a document file is', () => {
  it('goes by the bytes, not the name', () => {
    expect(sniffDocument(contractPdf())).toEqual({ ok: true, contentType: 'application/pdf' });
    expect(sniffDocument(text('<!DOCTYPE html><title>x</title>'))).toEqual({ ok: false, received: '网页（HTML）' });
    expect(sniffDocument(text('\uFEFF  <html lang="zh">'))).toEqual({ ok: false, received: '网页（HTML）' });
    expect(sniffDocument(text('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toEqual({ ok: false, received: 'SVG 图形' });
    expect(sniffDocument(text('GIF89a......'))).toEqual({ ok: false, received: 'GIF 图片' });
    expect(sniffDocument(new Uint8Array([0, 0, 0, 0x18, ...text('ftypheic')]))).toEqual({ ok: false, received: 'HEIC 照片（苹果手机的格式）' });
    expect(sniffDocument(text('合同内容'))).toEqual({ ok: false, received: '文本文件' });
  });

  it('accepts a PDF named .pdf, a name without an ending, and refuses a mismatch, a broken PDF and the sizes over the limits', () => {
    expect(checkDocumentFile(contractPdf(), '合同.PDF')).toEqual({ ok: true, contentType: 'application/pdf' });
    expect(checkDocumentFile(contractPdf(), null)).toEqual({ ok: true, contentType: 'application/pdf' });
    expect(checkDocumentFile(contractPdf(), 'scan.png')).toMatchObject({ ok: false, status: 415, code: 'NAME_DOES_NOT_MATCH' });
    expect(checkDocumentFile(contractPdf(), 'scan.docx')).toMatchObject({ ok: false, status: 415, message: expect.stringContaining('名字以 .docx 结尾') });
    expect(checkDocumentFile(text('%PDF-1.7\n1 0 obj'), 'cut.pdf')).toMatchObject({ ok: false, status: 400, code: 'BROKEN_FILE' });
    const bigImage = new Uint8Array(5 * 1024 * 1024 + 1);
    bigImage.set([0xff, 0xd8, 0xff]);
    expect(checkDocumentFile(bigImage, 'a.jpeg')).toMatchObject({ ok: false, status: 413, message: expect.stringContaining('收到 5.0 MB，最大 5.0 MB') });
    expect(formatFileSize(1_258_291)).toBe('1.2 MB');
    expect(formatFileSize(300)).toBe('1 KB');
  });

  it('names public files by id and hash and reads the name back', () => {
    const path = documentPublicPath({ id: 12, projectCode: 'CN2025-0101', sha256: '0a1b2c3d'.padEnd(64, 'e'), contentType: 'application/pdf' });
    expect(path).toBe('/files/projects/CN2025-0101/12-0a1b2c3d.pdf');
    expect(parseDocumentFileName('12-0a1b2c3d.pdf')).toEqual({ id: 12, sha8: '0a1b2c3d', extension: 'pdf' });
    for (const bad of ['012-0a1b2c3d.pdf', '12-0A1B2C3D.pdf', '12-0a1b2c3d.html', '12-0a1b2c3.pdf', '../12-0a1b2c3d.pdf']) expect(parseDocumentFileName(bad)).toBeNull();
  });
});

describe('the checklist by stage', () => {
  it.each([
    ['a draft', 'draft', [], []],
    ['an application', 'applied', ['applied'], ['application']],
    ['an approved project', 'county_approved', ['applied', 'county_approved'], ['application', 'approval']],
    ['a settled one', 'county_approved', ['applied', 'county_approved', 'started', 'completed', 'accepted', 'settled'], ['application', 'approval', 'contract', 'photo', 'acceptance', 'settlement']],
  ])('asks of %s for its documents', (_label, workflowState, milestones, expected) => {
    expect(expectedDocumentTypes({ workflowState, milestones })).toEqual(expected);
  });
});

describe('photo metadata in the Worker (lossless)', () => {
  it('drops a PNG’s text chunks and keeps its pixels', async () => {
    const png = await pngWithText('李四 身份证 430482199001011234');
    const out = stripPngMetadata(png);
    expect(out).toMatchObject({ width: 400, height: 300 });
    expect(Buffer.from(out.bytes).includes('430482199001011234')).toBe(false);
    const [a, b] = await Promise.all([sharp(png).raw().toBuffer(), sharp(out.bytes).raw().toBuffer()]);
    expect(a.equals(b)).toBe(true);
    expect(() => stripPngMetadata(png.subarray(0, png.length - 12))).toThrow(PngFormatError);
  });

  it('drops a JPEG’s GPS and phone model but keeps which way up it is', async () => {
    const photo = new Uint8Array(await sharp(await posterPhoto({ lon: 112.51, lat: 26.31 })).withMetadata({ orientation: 6 }).jpeg().toBuffer());
    expect(await exifr.gps(photo)).toBeDefined();
    expect(Buffer.from(photo).includes('TestPhone')).toBe(true);
    expect(await exifr.orientation(photo)).toBe(6);
    const out = await stripDocumentImage(photo, 'image/jpeg');
    expect(out.method).toBe('metadata-stripped');
    expect(await exifr.orientation(out.bytes)).toBe(6);
    expect(await exifr.gps(out.bytes)).toBeUndefined();
    expect(Buffer.from(out.bytes).includes('TestPhone')).toBe(false);
    // Upright (6: turned a quarter) as sharp reads it, so the re-encoding in Node would turn it too.
    const meta = await sharp(out.bytes).metadata();
    expect(meta.orientation).toBe(6);
    expect(withJpegOrientation(out.bytes, 1)).toBe(out.bytes);
  });
});

describe('the checklist and the public list over the database', () => {
  let temp: TempDatabase;
  beforeEach(async () => {
    temp = await createTempDatabase();
    const db = temp.db;
    await db.insert(schema.divisions).values([
      { code: '430482', name: '常宁市', level: 'county', parentCode: null },
      { code: '430482105', name: '柏坊镇', level: 'township', parentCode: '430482' },
      { code: '430482106', name: '烟洲镇', level: 'township', parentCode: '430482' },
      { code: '430482105003', name: '禄福村委会', level: 'village', parentCode: '430482105' },
      { code: '430482106001', name: '新塘村委会', level: 'village', parentCode: '430482106' },
    ]);
    await db.insert(schema.projectTypes).values({ code: 't', name: '道路', indicatorGroup: 'beautiful_home' });
    const base = { typeCode: 't', contentScale: '1公里', implementingUnit: '村委会' };
    const rows = await db
      .insert(schema.projects)
      .values([
        { ...base, code: 'P-A', year: 2025, villageCode: '430482105003', name: '道路A', workflowState: 'county_approved' },
        { ...base, code: 'P-B', year: 2025, villageCode: '430482106001', name: '道路B', workflowState: 'applied' },
        { ...base, code: 'P-C', year: 2024, villageCode: '430482105003', name: '道路C', workflowState: 'draft' },
      ])
      .returning({ id: schema.projects.id, code: schema.projects.code });
    const id = (code: string) => rows.find((r) => r.code === code)!.id;
    await db.insert(schema.projectMilestones).values([
      { projectId: id('P-A'), kind: 'applied', date: '2025-03-01' },
      { projectId: id('P-A'), kind: 'county_approved', date: '2025-04-01' },
      { projectId: id('P-A'), kind: 'started', date: '2025-05-01' },
      { projectId: id('P-B'), kind: 'applied', date: '2025-03-01' },
    ]);
    const doc = (n: number, projectCode: string, docType: (typeof schema.PROJECT_DOCUMENT_TYPES)[number], extra: Partial<typeof schema.projectDocuments.$inferInsert> = {}) => ({
      projectCode,
      docType,
      title: `文件${n}`,
      storageKey: `project-documents/${projectCode}/${n}.pdf`,
      contentType: 'application/pdf' as const,
      byteSize: 1000 + n,
      sha256: String(n).repeat(64).slice(0, 64),
      uploadedAt: `2025-06-0${n}T00:00:00.000Z`,
      isPublic: true,
      ...extra,
    });
    await db.insert(schema.projectDocuments).values([
      doc(1, 'P-A', 'approval', { reviewedAt: '2025-06-02T00:00:00.000Z', publishedAt: '2025-06-02T00:00:00.000Z' }),
      doc(2, 'P-A', 'contract', { removedAt: '2025-06-03T00:00:00.000Z' }),
      doc(3, 'P-A', 'application', { reviewedAt: '2025-06-04T00:00:00.000Z' }),
      doc(4, 'P-B', 'contract'),
    ]);
  });
  afterEach(() => temp.dispose());

  it('lists each project missing a document its stage calls for (a removed document does not count)', async () => {
    expect(await listMissingDocuments(temp.db)).toEqual([
      { projectCode: 'P-A', projectName: '道路A', year: 2025, villageCode: '430482105003', townshipCode: '430482105', workflowState: 'county_approved', missing: ['contract'], missingLabels: ['合同'] },
      { projectCode: 'P-B', projectName: '道路B', year: 2025, villageCode: '430482106001', townshipCode: '430482106', workflowState: 'applied', missing: ['application'], missingLabels: ['立项申请报告'] },
    ]);
    expect((await listMissingDocuments(temp.db, { scopeCode: '430482106' })).map((m) => m.projectCode)).toEqual(['P-B']);
    expect(await listMissingDocuments(temp.db, { year: 2024 })).toEqual([]);
  });

  it('lists for the project page only documents reviewed, public and of a public type, and follows the county’s setting', async () => {
    const listed = await listPublicDocuments(temp.db);
    // 立项申请报告 is not public by default, however ticked; the contract of P-B is not reviewed.
    expect([...listed.keys()]).toEqual(['P-A']);
    expect(listed.get('P-A')).toMatchObject([{ docType: 'approval', title: '文件1', byteSize: 1001, path: `/files/projects/P-A/${(await getProjectDocument(temp.db, 1))!.id}-11111111.pdf` }]);

    const at = '2025-07-01T00:00:00.000Z';
    const saved = await writeTransaction(temp.db, (tx) => saveDocumentPolicy(tx, '430482', { ...(DEFAULTS), application: true }, '县级管理员', at));
    expect(saved.changedProjects).toEqual([{ code: 'P-A', year: 2025 }]);
    expect((await listPublicDocuments(temp.db)).get('P-A')!.map((d) => d.docType)).toEqual(['application', 'approval']);
    expect((await getProjectDocument(temp.db, 3))!.publishedAt).toBe(at);

    const [user] = await temp.db.insert(schema.users).values({ name: '县级管理员', role: 'county', scopeCode: '430482' }).returning({ id: schema.users.id });
    const policy = await loadDocumentPolicy(temp.db, '430482');
    const contract = (await getProjectDocument(temp.db, 4))!;
    const change = await writeTransaction(temp.db, (tx) => reviewProjectDocument(tx, contract, { reviewed: true, isPublic: true, by: user!.id, at }, policy));
    expect(change).toEqual({ before: false, after: true });
    expect((await listPublicDocuments(temp.db)).get('P-B')!.map((d) => d.title)).toEqual(['文件4']);
  });
});

const DEFAULTS = { application: false, approval: true, contract: true, acceptance: true, settlement: true, photo: true, other: false };
