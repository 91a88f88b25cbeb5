/**
 * Reads an upload body with a size cap (413 beyond it, before reading it all), from a raw body or
 * the `file` field of a multipart form (`readBodyFile` also gives its name and the form's fields),
 * and turns it into rows by what the bytes are — never by the file name or the declared content type.
 */
import { inflateRawSync } from 'node:zlib';
import { ApiError } from '../api-error.ts';
import type { UploadKind } from '../../src/domain/access/access.ts';
import { checkJsonDepth, csvRows, decodeText, FileProblemError, sniffFormat, xlsxRows, type UploadFormat } from '../../src/domain/upload/upload-file.ts';
import type { RawInflate } from '../../src/domain/upload/zip-guard.ts';
import { readJsonRows, readTable, type ReadRows } from '../../src/domain/upload/upload-table.ts';
import { NO_EXAMPLES, type UploadExamples } from '../../src/domain/upload/upload-examples.ts';

export const DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

const tooLarge = (max: number) =>
  new ApiError(413, 'PAYLOAD_TOO_LARGE', `文件太大：最大 ${(max / 1024 / 1024).toFixed(0)} MB。请把数据分成几个文件分别上传。`);

/** The request body's bytes, at most `max` of them. */
export async function readBodyBytes(request: Request, max: number): Promise<Uint8Array> {
  return (await readBodyFile(request, max)).bytes;
}

/** An uploaded file: its bytes, its name when a form gave one, and the form's other text fields. */
export interface BodyFile {
  bytes: Uint8Array;
  fileName: string | null;
  fields: Record<string, string>;
}

/**
 * The `file` field of a multipart form (with its name and the form's text fields), or the raw
 * body (no name, no fields), at most `max` bytes; beyond it `tooLargeError(max)` (413 by default).
 */
export async function readBodyFile(request: Request, max: number, tooLargeError: (max: number) => ApiError = tooLarge): Promise<BodyFile> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > max + 64 * 1024) throw tooLargeError(max);
  const contentType = request.headers.get('content-type') ?? '';
  if (/^multipart\/form-data/i.test(contentType)) {
    const raw = await readStream(request.body, max + 64 * 1024, max, tooLargeError);
    let form: FormData;
    try {
      form = await new Response(raw as Uint8Array<ArrayBuffer>, { headers: { 'content-type': contentType } }).formData();
    } catch {
      throw new ApiError(400, 'BAD_REQUEST', '表单格式有误：请用字段名 file 上传文件。');
    }
    const file = form.get('file');
    if (!file || typeof file === 'string') throw new ApiError(400, 'BAD_REQUEST', '表单里没有文件：请用字段名 file 上传文件。');
    if (file.size > max) throw tooLargeError(max);
    const fields: Record<string, string> = {};
    form.forEach((value, key) => {
      if (typeof value === 'string') fields[key] = value;
    });
    return { bytes: new Uint8Array(await file.arrayBuffer()), fileName: file.name || null, fields };
  }
  return { bytes: await readStream(request.body, max, max, tooLargeError), fileName: null, fields: {} };
}

async function readStream(body: ReadableStream<Uint8Array> | null, cap: number, max: number, tooLargeError: (max: number) => ApiError): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > cap) {
      await reader.cancel();
      throw tooLargeError(max);
    }
    parts.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** zlib's inflater, capped (Node, and workerd with nodejs_compat): several times faster than the web stream. */
const inflateRaw: RawInflate = (data, maxBytes) => inflateRawSync(data, { maxOutputLength: Math.max(1, maxBytes) });

export interface ReadUpload {
  format: UploadFormat;
  encoding: string | null;
  read: ReadRows;
}

/**
 * Turns the bytes into rows of the kind; 415 for formats it does not read, 400 for broken files.
 * `examples`: the county's own codes, given as examples in the code cells' problems.
 */
export async function readUpload(kind: UploadKind, bytes: Uint8Array, examples: UploadExamples = NO_EXAMPLES): Promise<ReadUpload> {
  const sniffed = sniffFormat(bytes);
  try {
    switch (sniffed) {
      case 'empty':
        throw new ApiError(400, 'EMPTY_FILE', '文件是空的。请选择填好的模板文件后再上传。');
      case 'ole':
        throw new ApiError(415, 'UNSUPPORTED_FILE', '这是旧版 Excel（.xls）文件。请在 Excel 中“另存为”.xlsx 或 CSV 后再上传。');
      case 'binary':
        if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
          throw new ApiError(415, 'UNSUPPORTED_FILE', '这是“Unicode 文本”（UTF-16）文件。请在 Excel 中“另存为”CSV UTF-8（逗号分隔）或 .xlsx 后再上传。');
        }
        throw new ApiError(415, 'UNSUPPORTED_FILE', '不认识这种文件。请上传 .xlsx、.csv（UTF-8 或 GB18030）或 JSON。');
      case 'zip':
        return { format: 'xlsx', encoding: null, read: readTable(kind, await xlsxRows(bytes, { inflateRaw }), examples) };
      case 'json': {
        const { text } = decodeText(bytes);
        checkJsonDepth(text);
        let body: unknown;
        try {
          body = JSON.parse(text.replace(/^\uFEFF/, ''));
        } catch {
          throw new ApiError(400, 'INVALID_JSON', 'JSON 格式有误，无法解析。应为 {"rows": [ {…}, … ]}。');
        }
        const rows = Array.isArray(body) ? body : body && typeof body === 'object' && Array.isArray((body as { rows?: unknown }).rows) ? (body as { rows: unknown[] }).rows : null;
        if (!rows) throw new ApiError(400, 'INVALID_JSON', 'JSON 应为 {"rows": [ {…}, … ]} 或一个数组。');
        return { format: 'json', encoding: 'utf-8', read: readJsonRows(kind, rows, examples) };
      }
      case 'csv': {
        const { text, encoding } = decodeText(bytes);
        return { format: 'csv', encoding, read: readTable(kind, csvRows(text), examples) };
      }
    }
  } catch (e) {
    if (e instanceof FileProblemError) {
      throw new ApiError(e.code === 'UNSUPPORTED_FILE' ? 415 : 400, e.code, e.message, e.details);
    }
    throw e;
  }
  throw new ApiError(415, 'UNSUPPORTED_FILE', '不认识这种文件。');
}

/**
 * The cells of a small sheet the staff page sends outside the upload kinds (e.g. paper
 * questionnaire results): the first worksheet of an XLSX or a CSV (UTF-8 or GB18030), under the
 * same zip guard; 415 for other formats, 400 for broken files, in the uploads' words.
 */
export async function readSheetCells(bytes: Uint8Array): Promise<unknown[][]> {
  const sniffed = sniffFormat(bytes);
  try {
    if (sniffed === 'empty') throw new ApiError(400, 'EMPTY_FILE', '文件是空的。请选择填好的文件后再上传。');
    if (sniffed === 'zip') return await xlsxRows(bytes, { inflateRaw });
    if (sniffed === 'csv') return csvRows(decodeText(bytes).text);
    if (sniffed === 'ole') throw new ApiError(415, 'UNSUPPORTED_FILE', '这是旧版 Excel（.xls）文件。请在 Excel 中“另存为”.xlsx 或 CSV 后再上传。');
  } catch (e) {
    if (e instanceof FileProblemError) throw new ApiError(e.code === 'UNSUPPORTED_FILE' ? 415 : 400, e.code, e.message, e.details);
    throw e;
  }
  throw new ApiError(415, 'UNSUPPORTED_FILE', '不认识这种文件。请上传 .xlsx 或 .csv 文件。');
}
