/**
 * 项目档案 (a project's documents): the document types and their labels, which types the county
 * publishes by default, what a file must be (PDF, JPEG or PNG, told by its bytes, never by its
 * name), how large it may be, which types a project should have by the stage it reached (the
 * checklist behind the gaps screen), and when a document is on the public site. Pure.
 */
import { shanghaiDate } from '../shared/dates.ts';

export const PROJECT_DOCUMENT_TYPES = ['application', 'approval', 'contract', 'acceptance', 'settlement', 'photo', 'other'] as const;
export type ProjectDocumentType = (typeof PROJECT_DOCUMENT_TYPES)[number];

export const PROJECT_DOCUMENT_TYPE_LABELS: Readonly<Record<ProjectDocumentType, string>> = {
  application: '立项申请报告',
  approval: '批复文件',
  contract: '合同',
  acceptance: '验收表',
  settlement: '结算单',
  photo: '照片',
  other: '其他',
};

/**
 * Whether a type is public unless the county says otherwise: the documents that show how public
 * money was decided and spent are; the application (often with a household list) and 其他 are not.
 */
export const DEFAULT_DOCUMENT_POLICY: Readonly<Record<ProjectDocumentType, boolean>> = {
  application: false,
  approval: true,
  contract: true,
  acceptance: true,
  settlement: true,
  photo: true,
  other: false,
};

export type DocumentPolicy = Record<ProjectDocumentType, boolean>;

/** The sentence the county ticks before a document may go public. */
export const REVIEW_STATEMENT = '已核对，不含身份证号、银行卡号、手机号等个人信息';

export const DOCUMENT_CONTENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type DocumentContentType = (typeof DOCUMENT_CONTENT_TYPES)[number];

export const DOCUMENT_EXTENSION: Readonly<Record<DocumentContentType, string>> = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png' };
const KIND_LABEL: Readonly<Record<DocumentContentType, string>> = { 'application/pdf': 'PDF', 'image/jpeg': 'JPG 图片', 'image/png': 'PNG 图片' };
/** File-name endings that name each accepted kind. */
const NAME_ENDINGS: Readonly<Record<DocumentContentType, readonly string[]>> = { 'application/pdf': ['pdf'], 'image/jpeg': ['jpg', 'jpeg'], 'image/png': ['png'] };

export const MAX_PDF_BYTES = 10 * 1024 * 1024;
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
/** The most a request may carry: the larger limit and room for a form's own bytes. */
export const MAX_DOCUMENT_BODY_BYTES = MAX_PDF_BYTES + 64 * 1024;
export const MAX_TITLE_LENGTH = 100;

export const ACCEPTED_FILES_TEXT = '只收 PDF、JPG、PNG 三种文件（PDF 最大 10 MB，图片最大 5 MB）';

/**
 * A size as people read it: `850 KB`, `1.2 MB`.
 * @example formatFileSize(1_258_291) // '1.2 MB'
 */
export function formatFileSize(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0) => prefix.every((b, i) => bytes[at + i] === b);
const ascii = (bytes: Uint8Array, from: number, to: number) => String.fromCharCode(...bytes.subarray(from, Math.min(to, bytes.length)));

/** What the bytes are: an accepted kind, or a plain-Chinese name of what was received instead. */
export type SniffedDocument = { ok: true; contentType: DocumentContentType } | { ok: false; received: string };

export function sniffDocument(bytes: Uint8Array): SniffedDocument {
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return { ok: true, contentType: 'application/pdf' }; // %PDF-
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { ok: true, contentType: 'image/jpeg' };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { ok: true, contentType: 'image/png' };
  return { ok: false, received: describeOther(bytes) };
}

/** A name for a file that is not one of the accepted kinds, from its first bytes. */
function describeOther(bytes: Uint8Array): string {
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return 'ZIP 压缩包（Word 的 .docx、Excel 的 .xlsx 也是这种）';
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0])) return '旧版 Word 或 Excel 文件（.doc、.xls）';
  if (startsWith(bytes, [0x52, 0x61, 0x72, 0x21])) return 'RAR 压缩包';
  if (ascii(bytes, 0, 4) === 'GIF8') return 'GIF 图片';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'WebP 图片';
  if (ascii(bytes, 4, 8) === 'ftyp') return /^(heic|heix|hevc|mif1|msf1)$/.test(ascii(bytes, 8, 12)) ? 'HEIC 照片（苹果手机的格式）' : '视频或 HEIC 照片';
  if (startsWith(bytes, [0x42, 0x4d])) return 'BMP 图片';
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 1024)).replace(/^\uFEFF/, '').trimStart().toLowerCase();
  if (/^<(!doctype html|html|head|body|script|meta|iframe|div|p[\s>])/.test(head) || /<html[\s>]/.test(head)) return '网页（HTML）';
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) return 'SVG 图形';
  if (head.startsWith('<?xml') || head.startsWith('<')) return 'XML 文本';
  if (head.startsWith('{') || head.startsWith('[')) return 'JSON 文本';
  if (/^[\p{L}\p{N}\p{P}\p{S}\s]*$/u.test(head)) return '文本文件';
  return '不认识的文件';
}

/** A file refused: status, code and a message that says what came and what is accepted. */
export interface DocumentFileProblem {
  status: 400 | 413 | 415;
  code: 'EMPTY_FILE' | 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_FILE' | 'NAME_DOES_NOT_MATCH' | 'BROKEN_FILE';
  message: string;
}

/**
 * Checks an uploaded file: its bytes say what it is (a name ending in .pdf does not make it a
 * PDF), the name, when one came, must say the same, and it must be within its kind's limit.
 */
export function checkDocumentFile(bytes: Uint8Array, fileName: string | null): { ok: true; contentType: DocumentContentType } | ({ ok: false } & DocumentFileProblem) {
  const named = fileName ? `“${fileName}”` : '';
  if (bytes.length === 0) return { ok: false, status: 400, code: 'EMPTY_FILE', message: `收到的文件${named}是空的。请重新选择文件。` };
  const sniffed = sniffDocument(bytes);
  if (!sniffed.ok) {
    return { ok: false, status: 415, code: 'UNSUPPORTED_FILE', message: `收到的文件${named}是${sniffed.received}，不是 PDF 或照片。${ACCEPTED_FILES_TEXT}。` };
  }
  const type = sniffed.contentType;
  const ending = /\.([A-Za-z0-9]{1,8})$/.exec(fileName ?? '')?.[1]?.toLowerCase();
  if (ending && !NAME_ENDINGS[type].includes(ending)) {
    const claimed = (Object.keys(NAME_ENDINGS) as DocumentContentType[]).find((t) => NAME_ENDINGS[t].includes(ending));
    const says = claimed ? `名字说是 ${KIND_LABEL[claimed]}` : `名字以 .${ending} 结尾`;
    return {
      ok: false,
      status: 415,
      code: 'NAME_DOES_NOT_MATCH',
      message: `文件${named}${says}，里面其实是 ${KIND_LABEL[type]}。请确认选对了文件；是这份文件的话，把名字的结尾改成 .${DOCUMENT_EXTENSION[type]} 再上传。`,
    };
  }
  const max = type === 'application/pdf' ? MAX_PDF_BYTES : MAX_IMAGE_BYTES;
  if (bytes.length > max) {
    return {
      ok: false,
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
      message: `${KIND_LABEL[type]}太大：收到 ${formatFileSize(bytes.length)}，最大 ${formatFileSize(max)}。${type === 'application/pdf' ? '请分成几份上传，或扫描时选低一点的清晰度。' : '请把照片缩小后再上传（微信发给自己再保存，就会变小）。'}`,
    };
  }
  if (type === 'application/pdf' && !ascii(bytes, Math.max(0, bytes.length - 2048), bytes.length).includes('%%EOF')) {
    return { ok: false, status: 400, code: 'BROKEN_FILE', message: `PDF 文件${named}不完整（可能没有下载完）。请重新导出或下载后再上传。` };
  }
  return { ok: true, contentType: type };
}

/** How far a project got, for the checklist: its milestones and whether the county approved it. */
export interface DocumentStage {
  workflowState: string;
  milestones: readonly string[];
}

/**
 * The types a project should have by now: 立项申请报告 once applied, 批复文件 once approved,
 * 合同 once started, 照片 once completed, 验收表 once accepted, 结算单 once settled.
 */
export function expectedDocumentTypes(stage: DocumentStage): ProjectDocumentType[] {
  const has = (kind: string) => stage.milestones.includes(kind);
  const out: ProjectDocumentType[] = [];
  if (stage.workflowState !== 'draft' || has('applied')) out.push('application');
  if (stage.workflowState === 'county_approved' || has('county_approved')) out.push('approval');
  if (has('started')) out.push('contract');
  if (has('completed')) out.push('photo');
  if (has('accepted')) out.push('acceptance');
  if (has('settled')) out.push('settlement');
  return out;
}

/** The expected types no (unremoved) document covers, in checklist order. */
export function missingDocumentTypes(stage: DocumentStage, present: Iterable<ProjectDocumentType>): ProjectDocumentType[] {
  const have = new Set(present);
  return expectedDocumentTypes(stage).filter((t) => !have.has(t));
}

/** What decides whether a document is on the public site. */
export interface DocumentVisibility {
  docType: ProjectDocumentType;
  isPublic: boolean;
  reviewedAt: string | null;
  removedAt: string | null;
}

/** On the public site: not removed, ticked reviewed, marked public, and of a type the county publishes. */
export function isDocumentShown(doc: DocumentVisibility, policy: DocumentPolicy): boolean {
  return doc.removedAt === null && doc.reviewedAt !== null && doc.isPublic && policy[doc.docType];
}

/** Where the staff page says a document stands. */
export function documentStatusLabel(doc: DocumentVisibility & { publishedAt: string | null }, policy: DocumentPolicy): string {
  if (doc.removedAt !== null) return '已删除';
  if (isDocumentShown(doc, policy)) return '已公开';
  if (!policy[doc.docType]) return `不公开（县里设定“${PROJECT_DOCUMENT_TYPE_LABELS[doc.docType]}”不公开）`;
  if (!doc.isPublic) return doc.publishedAt ? '已撤下' : '不公开';
  return '待县里核对';
}

/**
 * The document's public address: `/files/projects/<code>/<id>-<first 8 of sha256>.<ext>`. The
 * hash part means a new file is a new address; the id keeps two equal files apart.
 */
export function documentPublicPath(doc: { id: number; projectCode: string; sha256: string; contentType: DocumentContentType }): string {
  return `/files/projects/${doc.projectCode}/${doc.id}-${doc.sha256.slice(0, 8)}.${DOCUMENT_EXTENSION[doc.contentType]}`;
}

/** Reads a public file name back: `12-0a1b2c3d.pdf` → id 12, hash prefix, ending; null when it is not one. */
export function parseDocumentFileName(name: string): { id: number; sha8: string; extension: string } | null {
  const m = /^([1-9]\d{0,9})-([0-9a-f]{8})\.(pdf|jpg|png)$/.exec(name);
  return m ? { id: Number(m[1]), sha8: m[2]!, extension: m[3]! } : null;
}

/**
 * The title a document gets: what was typed (control characters and outer spaces removed), or
 * the type's label when nothing was.
 */
export function documentTitle(typed: string | null | undefined, type: ProjectDocumentType): string {
  // eslint-disable-next-line no-control-regex
  const clean = (typed ?? '').replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/\s+/g, ' ').trim();
  return clean === '' ? PROJECT_DOCUMENT_TYPE_LABELS[type] : clean.slice(0, MAX_TITLE_LENGTH);
}

/** The day (Asia/Shanghai) of an ISO instant, for 公开日期 and 撤下日期. */
export function documentDay(iso: string): string {
  return shanghaiDate(new Date(iso));
}
