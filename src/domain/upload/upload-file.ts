/**
 * From the bytes of an upload to a table of cells: the format is decided by content (magic bytes),
 * never by the file name or the declared type; text is decoded as UTF-8 when valid, else GB18030
 * (what Chinese Excel saves CSV as), with or without a byte-order mark; an XLSX is checked for
 * zip bombs before it is inflated, then read from the inflated parts within SHEET_LIMITS (far
 * values, hidden rows and columns and merged cells are refused with their place; read-excel-file
 * reads only bounded sheets our plain reader leaves to it).
 */
import { readSheet } from 'read-excel-file/universal';
import { CsvSyntaxError, parseCsvText } from './csv-text.ts';
import { firstSheetPath, readPlainFirstSheet } from './xlsx-sheet.ts';
import { columnLetters, scanSheet, SHEET_LIMITS, type SheetProblem } from './xlsx-scan.ts';
import { inflateEntry, listZipEntries, ZipRejectedError, type RawInflate } from './zip-guard.ts';

export type UploadFormat = 'json' | 'csv' | 'xlsx';

export type FileProblemCode = 'UNSUPPORTED_FILE' | 'FILE_REJECTED' | 'EMPTY_FILE' | 'MERGED_CELLS' | 'SHEET_OUT_OF_RANGE' | 'HIDDEN_ROWS' | 'JSON_TOO_DEEP';

export class FileProblemError extends Error {
  override name = 'FileProblemError';
  readonly code: FileProblemCode;
  /** Where in the file, when the problem has a place (row, column, what is there). */
  readonly details: SheetProblem[] | undefined;
  constructor(code: FileProblemCode, message: string, details?: SheetProblem[]) {
    super(message);
    this.code = code;
    this.details = details;
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
  // Text with a stray NUL or two is still CSV (the cell with it is refused with its row and
  // column); a file with many NULs is binary, or UTF-16 text (readUpload names that one).
  let nuls = 0;
  for (const b of probe) if (b === 0) nuls++;
  if (nuls > Math.max(2, probe.length / 100)) return 'binary';
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
    const column = e.header ? `第 ${e.column} 列（${e.header}）` : `第 ${e.column} 列`;
    throw new FileProblemError('FILE_REJECTED', `CSV 文件第 ${e.row} 行${column}格式有误：引号没有配对或列分隔有误。请用 Excel 另存为“CSV UTF-8（逗号分隔）”后重试。`, [
      { row: e.row, column: e.header || String(e.column), problem: e.message === 'unclosed quote' ? '引号没有配对（从这一格开始到文件末尾都没有收尾的引号）' : '引号用法有误', expected: '含逗号、引号或换行的内容放在一对英文双引号里，内容中的引号写两遍' },
    ]);
  }
}

/** How deep a JSON upload may nest: rows are objects of plain values (depth 3 with `{"rows":[…]}`). */
export const MAX_JSON_DEPTH = 16;

/**
 * Refuses JSON nested deeper than MAX_JSON_DEPTH before it is parsed, naming the row (the element
 * of the rows array) where it happens. One pass over the text, skipping strings; nothing allocated.
 */
export function checkJsonDepth(text: string, maxDepth = MAX_JSON_DEPTH): void {
  let depth = 0;
  let rowsDepth = 0;
  let row = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \\ */) i++;
        else if (d === 34) break;
      }
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      depth++;
      // The rows array: the outer array itself, or the first array inside the outer object.
      if (rowsDepth === 0 && c === 91) rowsDepth = depth;
      if (depth === rowsDepth + 1 && row === 0) row = 1;
      if (depth > maxDepth) {
        const where = row > 0 ? `第 ${row} 行` : '文件开头';
        throw new FileProblemError('JSON_TOO_DEEP', `JSON 嵌套太深（${where}超过 ${maxDepth} 层）。每一行应为 { "字段": 值 }，值为文字或数字。`, [
          { ...(row > 0 ? { row } : {}), problem: `这一行嵌套超过 ${maxDepth} 层`, expected: '每个字段的值是文字、数字或 null' },
        ]);
      }
    } else if (c === 93 /* ] */ || c === 125 /* } */) {
      depth--;
    } else if (c === 44 /* , */ && depth === rowsDepth && rowsDepth > 0) {
      row++;
    }
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
    parts.set(entry.name, decoder.decode(data));
  }
  const sheetPath = firstSheetPath(parts);
  const sheet = sheetPath ? parts.get(sheetPath) : undefined;
  if (sheet === undefined) throw new FileProblemError('FILE_REJECTED', 'Excel 文件里找不到第一个工作表（文件可能已损坏）。请用 Excel 打开后另存为 .xlsx 再上传。');
  // Our reader builds rows only within the bounds (SHEET_LIMITS); anything it does not read plainly,
  // or that lies beyond them, is scanned first, so that a refusal names its place and
  // read-excel-file (which builds every element up to the last) only reads a bounded sheet.
  const plain = readPlainFirstSheet(parts, { limits: SHEET_LIMITS });
  if (plain) return plain;
  const scan = scanSheet(sheet);
  if (!scan.ok) {
    const code = scan.kind === 'MERGED_CELLS' ? 'MERGED_CELLS' : scan.kind === 'HIDDEN' ? 'HIDDEN_ROWS' : 'SHEET_OUT_OF_RANGE';
    throw new FileProblemError(code, scan.message, scan.details);
  }
  if (!scan.declaredWithinLimits) {
    throw new FileProblemError(
      'SHEET_OUT_OF_RANGE',
      `表格在数据以外很远的地方还有空白的单元格或行（带格式但没有内容），这种表格无法读取。请把第 1 行到第 ${scan.lastRow} 行、A 列到 ${columnLetters(Math.max(1, scan.lastColumn))} 列的内容复制到一个新的表格，另存为 .xlsx 后重新上传。`,
      [{ row: scan.lastRow + 1, problem: '数据以外还有带格式的空白单元格', expected: `只保留第 1–${scan.lastRow} 行、A–${columnLetters(Math.max(1, scan.lastColumn))} 列` }],
    );
  }
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
