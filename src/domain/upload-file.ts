/**
 * From the bytes of an upload to a table of cells: the format is decided by content (magic bytes),
 * never by the file name or the declared type; text is decoded as UTF-8 when valid, else GB18030
 * (what Chinese Excel saves CSV as), with or without a byte-order mark; an XLSX is checked for
 * zip bombs and merged cells before it is read, and read from the parts inflated for those checks
 * (read-excel-file reads the sheets our plain reader leaves to it).
 */
import { readSheet } from 'read-excel-file/universal';
import { CsvSyntaxError, parseCsvText } from './csv-text.ts';
import { readPlainFirstSheet } from './xlsx-sheet.ts';
import { inflateEntry, listZipEntries, ZipRejectedError, type RawInflate } from './zip-guard.ts';

export type UploadFormat = 'json' | 'csv' | 'xlsx';

export type FileProblemCode = 'UNSUPPORTED_FILE' | 'FILE_REJECTED' | 'EMPTY_FILE' | 'MERGED_CELLS';

export class FileProblemError extends Error {
  override name = 'FileProblemError';
  readonly code: FileProblemCode;
  constructor(code: FileProblemCode, message: string) {
    super(message);
    this.code = code;
  }
}

const startsWith = (b: Uint8Array, sig: readonly number[]) => sig.every((x, i) => b[i] === x);

/** Decides the format from the first bytes; null when it is none we read. */
export function sniffFormat(bytes: Uint8Array): UploadFormat | 'zip' | 'ole' | 'binary' | 'empty' {
  if (bytes.length === 0) return 'empty';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return 'zip';
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0])) return 'ole';
  let i = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  if (bytes[i] === 0x7b || bytes[i] === 0x5b) return 'json';
  const probe = bytes.subarray(0, 4096);
  if (probe.includes(0)) return 'binary';
  return 'csv';
}

/** Decodes text: UTF-8 if it is valid UTF-8, else GB18030. A BOM is dropped either way. */
export function decodeText(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'gb18030' } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes), encoding: 'utf-8' };
  } catch {
    let body = bytes;
    // GB18030's own BOM (84 31 95 33).
    if (startsWith(bytes, [0x84, 0x31, 0x95, 0x33])) body = bytes.subarray(4);
    return { text: new TextDecoder('gb18030').decode(body), encoding: 'gb18030' };
  }
}

/** CSV text to rows of strings (quotes, commas and line breaks inside quotes handled). */
export function csvRows(text: string): string[][] {
  try {
    return parseCsvText(text);
  } catch (e) {
    if (!(e instanceof CsvSyntaxError)) throw e;
    const line = e.line;
    throw new FileProblemError('FILE_REJECTED', `CSV 文件格式有误${line ? `（约第 ${line} 行）` : ''}：引号没有配对或列分隔有误。请用 Excel 另存为“CSV UTF-8（逗号分隔）”后重试。`);
  }
}

/** The cells of the first worksheet of an XLSX, after the zip-bomb and merged-cell checks. */
export async function xlsxRows(bytes: Uint8Array, options: { inflateRaw?: RawInflate } = {}): Promise<unknown[][]> {
  let entries;
  try {
    entries = listZipEntries(bytes);
  } catch (e) {
    throw rejected(e);
  }
  if (!entries.some((e) => e.name === 'xl/workbook.xml')) {
    throw new FileProblemError('UNSUPPORTED_FILE', '这是一个压缩包，但不是 Excel 工作簿（.xlsx）。请上传 .xlsx、.csv 或 JSON 文件。');
  }
  const decoder = new TextDecoder();
  // Every entry is inflated here, under the guard's caps, once; the XML parts are kept as text
  // for the sheet reader, so the file is not inflated a second time.
  const parts = new Map<string, string>();
  for (const entry of entries) {
    let data: Uint8Array;
    try {
      data = await inflateEntry(bytes, entry, options.inflateRaw);
    } catch (e) {
      throw rejected(e);
    }
    if (!/\.(xml|rels)$/.test(entry.name)) continue;
    const text = decoder.decode(data);
    parts.set(entry.name, text);
    if (entry.name === 'xl/worksheets/sheet1.xml') {
      const merged = [...text.matchAll(/<mergeCell\s+ref="([A-Z]+\d+:[A-Z]+\d+)"/g)].map((m) => m[1]);
      if (merged.length > 0) {
        throw new FileProblemError(
          'MERGED_CELLS',
          `表格里有合并单元格（${merged.slice(0, 5).join('、')}${merged.length > 5 ? ' 等' : ''}）。合并后只有第一格有值，其余行会被当作空白。请取消合并，并在每一行填写完整后重新上传。`,
        );
      }
    }
  }
  const plain = readPlainFirstSheet(parts);
  if (plain) return plain;
  try {
    return (await readSheet(bytes.slice().buffer, 1)) as unknown[][];
  } catch {
    throw new FileProblemError('FILE_REJECTED', 'Excel 文件无法读取（可能已损坏）。请用 Excel 打开后另存为 .xlsx 再上传。');
  }
}

function rejected(e: unknown): FileProblemError {
  if (e instanceof ZipRejectedError) {
    return new FileProblemError('FILE_REJECTED', 'Excel 文件解压后异常巨大或结构有误，已拒绝（疑似“压缩炸弹”或文件损坏）。请上传正常的 .xlsx 文件。');
  }
  return new FileProblemError('FILE_REJECTED', 'Excel 文件无法读取（可能已损坏）。');
}
