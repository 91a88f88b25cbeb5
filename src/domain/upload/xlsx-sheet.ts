/**
 * The first worksheet of an XLSX as rows of cells, read from the parts the zip guard has already
 * inflated (so the file is inflated once), for the plain shape that templates and exports have:
 * shared or numeric cells with `<v>` values, booleans, no formulas, rich text or date styles. The
 * rows are what read-excel-file's `readSheet` gives for such a sheet (strings trimmed, empty ones
 * null, rows padded to the widest data column, trailing empty rows dropped). Anything else answers
 * null, and the caller lets read-excel-file read the file: same result, only slower.
 */

import type { SheetLimits } from './xlsx-scan.ts';

/** Inflated parts of the workbook as text, by path inside the ZIP. */
export type XlsxParts = ReadonlyMap<string, string>;

const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;
const unescapeXml = (s: string) =>
  s.indexOf('&') < 0
    ? s
    : s.replace(ENTITY, (e) => {
        switch (e) {
          case '&amp;': return '&';
          case '&lt;': return '<';
          case '&gt;': return '>';
          case '&quot;': return '"';
          case '&apos;': return "'";
          default: return String.fromCodePoint(e[2] === 'x' ? parseInt(e.slice(3, -1), 16) : Number(e.slice(2, -1)));
        }
      });

const ATTRIBUTES = new Map<string, RegExp>();
const attr = (attrs: string, name: string): string | undefined => {
  let re = ATTRIBUTES.get(name);
  if (!re) ATTRIBUTES.set(name, (re = new RegExp(`(?:^|\\s)${name}="([^"]*)"`)));
  const m = re.exec(attrs);
  return m ? m[1] : undefined;
};

/** Path of the first sheet in workbook order, as read-excel-file finds it. */
export function firstSheetPath(parts: XlsxParts): string | null {
  const workbook = parts.get('xl/workbook.xml');
  const rels = parts.get('xl/_rels/workbook.xml.rels');
  if (!workbook || !rels) return null;
  const sheet = /<sheet\b([^>]*)>/.exec(workbook);
  const id = sheet ? attr(sheet[1]!, 'r:id') : undefined;
  if (!id) return null;
  for (const m of rels.matchAll(/<Relationship\b([^>]*)>/g)) {
    if (attr(m[1]!, 'Id') !== id) continue;
    const target = attr(m[1]!, 'Target');
    if (!target) return null;
    return target.startsWith('/') ? target.slice(1) : `xl/${target}`;
  }
  return null;
}

/**
 * Shared strings when every one is a single plain `<t>`; null otherwise. Scanned with indexOf for
 * the `<si>…</si>` and `<si/>` items that `/<si>([\s\S]*?)<\/si>|<si\/>/g` finds, each of which must
 * be `<t>text</t>`, `<t xml:space="preserve">text</t>` or `<t/>` with no markup in the text.
 */
function sharedStrings(xml: string | undefined): string[] | null {
  if (xml === undefined) return [];
  const out: string[] = [];
  for (let lt = xml.indexOf('<si', 0); lt >= 0; lt = xml.indexOf('<si', lt + 1)) {
    if (xml.startsWith('<si/>', lt)) {
      // The pattern's inner text is then empty, which is not a <t>.
      return null;
    }
    if (xml.charCodeAt(lt + 3) !== 62 /* > */) continue;
    const close = xml.indexOf('</si>', lt + 4);
    if (close < 0) break;
    const from = lt + 4;
    let textStart: number;
    if (xml.startsWith('<t>', from)) textStart = from + 3;
    else if (xml.startsWith('<t/>', from) && close === from + 4) {
      out.push('');
      lt = close;
      continue;
    } else {
      const gt = xml.indexOf('>', from);
      if (gt < 0 || gt >= close || !/^<t\s+xml:space="preserve">$/.test(xml.slice(from, gt + 1))) return null;
      textStart = gt + 1;
    }
    const textEnd = close - 4;
    if (textEnd < textStart || !xml.startsWith('</t>', textEnd) || xml.indexOf('<', textStart) !== textEnd) return null;
    const text = xml.slice(textStart, textEnd);
    // `_xHHHH_` escapes are read-excel-file's to decode.
    if (text.includes('_x')) return null;
    out.push(unescapeXml(text));
    lt = close;
  }
  return out;
}

/** Styles under which a number stays a number: xf indices whose format is General (0). */
function generalStyles(xml: string | undefined): Set<string> {
  const general = new Set<string>();
  const cellXfs = xml ? /<cellXfs\b[^>]*>([\s\S]*?)<\/cellXfs>/.exec(xml) : null;
  if (!cellXfs) return general;
  let i = 0;
  for (const m of cellXfs[1]!.matchAll(/<xf\b([^>]*)>/g)) {
    const numFmtId = attr(m[1]!, 'numFmtId');
    if (numFmtId === undefined || numFmtId === '0') general.add(String(i));
    i++;
  }
  return general;
}

/** Where the scanner found a token: indices into the sheet text, so nothing is copied per cell. */
interface Scan {
  kind: 'row' | 'rowEnd' | 'cell';
  attrsStart: number;
  attrsEnd: number;
  /** A row or cell written `<… />`. */
  empty: boolean;
  innerStart: number;
  innerEnd: number;
  /**
   * For a cell whose content is exactly `<v>text</v>` with no markup in the text: where the text
   * starts and ends; -1 when the cell has other content (then innerStart/innerEnd are checked).
   */
  vStart: number;
  vEnd: number;
  next: number;
}

/** `\w` of a regular expression: what may not follow `<row` or `<c` in those elements' names. */
const isWordChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/**
 * The next `<row …>`, `<row …/>`, `</row>`, `<c …/>` or `<c …>…</c>` from `from` (anything else is
 * skipped) into `t`: the tokens, in order, that the pattern
 * `<row\b([^>]*?)(\/?)>|<\/row>|<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)` finds, scanned with indexOf.
 */
function nextToken(data: string, from: number, stop: number, t: Scan): boolean {
  for (let lt = data.indexOf('<', from); lt >= 0 && lt < stop; lt = data.indexOf('<', lt + 1)) {
    const c1 = data.charCodeAt(lt + 1);
    if (c1 === 47 /* / */) {
      if (lt + 6 > stop || !data.startsWith('</row>', lt)) continue;
      t.kind = 'rowEnd';
      t.next = lt + 6;
      return true;
    }
    const nameEnd = c1 === 114 /* r */ && data.startsWith('<row', lt) ? lt + 4 : c1 === 99 /* c */ ? lt + 2 : -1;
    if (nameEnd < 0 || isWordChar(data.charCodeAt(nameEnd))) continue;
    const gt = data.indexOf('>', nameEnd);
    if (gt < 0 || gt >= stop) return false;
    t.empty = gt > nameEnd && data.charCodeAt(gt - 1) === 47;
    t.attrsStart = nameEnd;
    t.attrsEnd = t.empty ? gt - 1 : gt;
    t.innerStart = t.innerEnd = gt + 1;
    t.next = gt + 1;
    if (nameEnd === lt + 4) {
      t.kind = 'row';
      return true;
    }
    t.kind = 'cell';
    t.vStart = t.vEnd = -1;
    if (t.empty) return true;
    // The usual cell, `<c …><v>text</v></c>`, is read without searching: one pass over the text.
    const vEnd = plainValueEnd(data, gt, stop);
    if (vEnd >= 0) {
      t.vStart = gt + 4;
      t.vEnd = vEnd;
      t.innerEnd = vEnd + 4;
      t.next = vEnd + 8;
      return true;
    }
    let close = -1;
    for (let k = data.indexOf('<', gt + 1); k >= 0 && k + 4 <= stop; k = data.indexOf('<', k + 1)) {
      if (data.charCodeAt(k + 1) === 47 && data.charCodeAt(k + 2) === 99 && data.charCodeAt(k + 3) === 62) {
        close = k;
        break;
      }
    }
    if (close < 0) continue;
    t.innerEnd = close;
    t.next = close + 4;
    return true;
  }
  return false;
}

/**
 * When a cell's start tag, ending with the `>` at data[gt], is followed by exactly
 * `<v>text</v></c>` with no markup in the text: where the text ends (the `</v>`); else -1.
 */
function plainValueEnd(data: string, gt: number, stop: number): number {
  if (!isTag(data, gt + 1, false)) return -1;
  let end = gt + 4;
  while (end < stop && data.charCodeAt(end) !== 60) end++;
  return end + 8 <= stop && isTag(data, end, true) && isTag(data, end + 4, true, 99) ? end : -1;
}

/**
 * A cell's value from its `<v>` text data[from, to) (not empty) for type `s` (a shared string,
 * null when blank), `n` or `b`, as read-excel-file reads it; undefined when it cannot be read so
 * (another type, a shared-string index out of range, not a number, not 0 or 1).
 */
function plainValue(data: string, type: number, from: number, to: number, strings: ReadonlyArray<string | null>): unknown {
  if (type === 115 /* s */) {
    const index = to - from <= 15 ? digitsAt(data, from, to) : -1;
    return index < 0 ? undefined : strings[index];
  }
  if (type === 110 /* n */) {
    const n = to - from <= 15 ? digitsAt(data, from, to) : -1;
    const value = n >= 0 ? n : Number(data.slice(from, to));
    return Number.isNaN(value) ? undefined : value;
  }
  const c = to - from === 1 ? data.charCodeAt(from) : 0;
  return type === 98 /* b */ && (c === 48 || c === 49) ? c === 49 : undefined;
}

/** Whether `<v>` (or `</v>` when closing; `c` instead of `v` with name 99) starts at data[at]. */
function isTag(data: string, at: number, closing: boolean, name = 118): boolean {
  if (data.charCodeAt(at) !== 60) return false;
  const k = closing ? at + 2 : at + 1;
  return (!closing || data.charCodeAt(at + 1) === 47) && data.charCodeAt(k) === name && data.charCodeAt(k + 1) === 62;
}

/** Start and end (indices into the sheet text) of a cell's r, s and t values; -1 when absent. */
interface CellAttributes {
  r: [number, number];
  s: [number, number];
  t: [number, number];
}

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

/**
 * A cell's r, s and t in one pass over its attributes (name="value" pairs after white space, the
 * first of each name counting), without copying; false when the list is not of that form (then
 * the sheet is left to read-excel-file).
 */
function cellAttributes(data: string, from: number, to: number, out: CellAttributes): boolean {
  out.r[0] = out.s[0] = out.t[0] = -1;
  let i = from;
  while (i < to) {
    if (!isSpace(data.charCodeAt(i))) return false;
    while (i < to && isSpace(data.charCodeAt(i))) i++;
    if (i === to) break;
    let eq = i;
    while (eq < to && data.charCodeAt(eq) !== 61 /* = */) eq++;
    if (eq === i || eq + 1 >= to || data.charCodeAt(eq + 1) !== 34 /* " */) return false;
    let close = eq + 2;
    while (close < to && data.charCodeAt(close) !== 34) close++;
    if (close >= to) return false;
    const slot = eq === i + 1 ? data.charCodeAt(i) : 0;
    const which = slot === 114 ? out.r : slot === 115 ? out.s : slot === 116 ? out.t : null;
    if (which) {
      if (which[0] < 0) {
        which[0] = eq + 2;
        which[1] = close;
      }
    } else {
      for (let k = i; k < eq; k++) {
        const c = data.charCodeAt(k);
        if (isSpace(c) || c === 34 || c === 39 || c === 60 || c === 62 || c === 61) return false;
      }
    }
    i = close + 1;
  }
  return true;
}

/** The integer written in data[from, to) when it is only ASCII digits (at most 15), else -1. */
function digitsAt(data: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = data.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    n = n * 10 + (c - 48);
  }
  return n;
}

/** The column number of the cell reference data[from, to) (such as `AB12`) in row `row`; 0 when it is not one. */
function columnAt(data: string, from: number, to: number, row: number): number {
  let col = 0;
  let i = from;
  for (; i < to; i++) {
    const c = data.charCodeAt(i);
    if (c < 65 || c > 90) break;
    col = col * 26 + (c - 64);
  }
  if (i === from || i === to || data.charCodeAt(i) === 48) return 0;
  let n = 0;
  for (; i < to; i++) {
    const c = data.charCodeAt(i);
    if (c < 48 || c > 57) return 0;
    n = n * 10 + (c - 48);
  }
  return n === row ? col : 0;
}

/** A cell read by fastCell: its column number and value (null when blank). */
interface FastCell {
  column: number;
  value: unknown;
}

/**
 * The usual cell at data[p] read in one pass: `<c r="B7"><v>text</v></c>`, with ` t="s"`, `"n"` or
 * `"b"` before or after r, single spaces, no other attribute, reference in row `rowNumber`. Returns
 * where the cell ends (its column and value in `out`, read as the general path reads them), or -1
 * for any other shape or value, which the general path then reads (or refuses) itself.
 */
function fastCell(data: string, p: number, stop: number, rowNumber: number, strings: ReadonlyArray<string | null>, out: FastCell): number {
  if (data.charCodeAt(p) !== 60 || data.charCodeAt(p + 1) !== 99) return -1;
  let i = p + 2;
  let column = 0;
  let type = -1;
  // Attributes: ` r="…"` and ` t="…"`, each once, up to `>`.
  for (let c = data.charCodeAt(i); c !== 62; c = data.charCodeAt(i)) {
    if (c !== 32 || data.charCodeAt(i + 2) !== 61 || data.charCodeAt(i + 3) !== 34) return -1;
    const name = data.charCodeAt(i + 1);
    i += 4;
    if (name === 114 && column === 0) {
      let c2 = data.charCodeAt(i);
      for (; c2 >= 65 && c2 <= 90; c2 = data.charCodeAt(++i)) column = column * 26 + (c2 - 64);
      // The row number: digits without a leading zero, up to the closing quote.
      const digitsFrom = i;
      let n = 0;
      for (; c2 >= 48 && c2 <= 57 && i - digitsFrom < 15; c2 = data.charCodeAt(++i)) n = n * 10 + (c2 - 48);
      if (column === 0 || c2 !== 34 || i === digitsFrom || data.charCodeAt(digitsFrom) === 48 || n !== rowNumber) return -1;
      i++;
    } else if (name === 116 && type < 0) {
      type = data.charCodeAt(i);
      if (data.charCodeAt(i + 1) !== 34) return -1;
      i += 2;
    } else {
      return -1;
    }
  }
  const vEnd = column === 0 ? -1 : plainValueEnd(data, i, stop);
  if (vEnd <= i + 4) return -1;
  const value = plainValue(data, type < 0 ? 110 : type, i + 4, vEnd, strings);
  if (value === undefined) return -1;
  out.column = column;
  out.value = value;
  return vEnd + 8;
}

/**
 * Rows of the first sheet, or null when the sheet is not of the plain shape (then read it with
 * read-excel-file). `fastCells: false` reads every cell the general way (for tests: both ways must agree).
 *
 * With `limits`, nothing is built beyond them: rows past `maxRow` and cells past `maxColumn` that
 * hold no value are skipped (formatting at the sheet's far corner costs nothing), and the reader
 * answers null, for scanSheet to refuse with the place, as soon as a value lies beyond them, the
 * used range would pass `maxCells`, or the sheet has hidden rows or columns or merged cells.
 */
export function readPlainFirstSheet(parts: XlsxParts, options: { fastCells?: boolean; limits?: SheetLimits } = {}): unknown[][] | null {
  const fast = options.fastCells ?? true;
  const limits = options.limits;
  const maxRow = limits?.maxRow ?? Number.MAX_SAFE_INTEGER;
  const maxColumn = limits?.maxColumn ?? Number.MAX_SAFE_INTEGER;
  /** In a row past maxRow: its cells must all be empty. */
  let beyond = false;
  const path = firstSheetPath(parts);
  const sheet = path ? parts.get(path) : undefined;
  if (!sheet) return null;
  const shared = sharedStrings(parts.get('xl/sharedStrings.xml'));
  if (!shared) return null;
  // As the cells give them: trimmed, and blank as null (trimmed once per string, not per cell).
  const strings = shared.map((s) => {
    const trimmed = s.trim();
    return trimmed === '' ? null : trimmed;
  });
  const general = generalStyles(parts.get('xl/styles.xml'));
  const start = sheet.indexOf('<sheetData');
  if (start < 0) return null;
  const end = sheet.indexOf('</sheetData>', start);
  if (limits) {
    // Hidden columns and merged cells: left to the scan, which names them.
    if (/<col\b[^>]*\bhidden="(?:1|true)"/.test(sheet.slice(0, start))) return null;
    if (end >= 0 && sheet.indexOf('<mergeCell', end) >= 0) return null;
  }
  // Scanned in place between start and stop: a slice of a large string costs on every access.
  const data = sheet;
  const stop = end < 0 ? sheet.length : end;

  const rows: unknown[][] = [];
  let row: unknown[] | null = null;
  let rowNumber = 0;
  let dataRows = 0;
  let dataColumns = 0;
  let lastColumn = 0;
  const token: Scan = { kind: 'rowEnd', attrsStart: 0, attrsEnd: 0, empty: false, innerStart: 0, innerEnd: 0, vStart: -1, vEnd: -1, next: 0 };
  const named: CellAttributes = { r: [-1, -1], s: [-1, -1], t: [-1, -1] };
  const cell: FastCell = { column: 0, value: null };
  for (let at = start; ; ) {
    let column: number;
    let value: unknown;
    const fastEnd = fast && row ? fastCell(data, at, stop, rowNumber, strings, cell) : -1;
    if (fastEnd >= 0) {
      at = fastEnd;
      column = cell.column;
      value = cell.value;
    } else {
      if (!nextToken(data, at, stop, token)) break;
      at = token.next;
      const read = readToken();
      if (read === false) return null;
      if (read === true) continue;
      column = read;
      value = cell.value;
    }
    if (column <= lastColumn) return null;
    lastColumn = column;
    if (value === null) continue;
    if (beyond || column > maxColumn) return null;
    while (row!.length < column - 1) row!.push(null);
    row!.push(value);
    if (column > dataColumns) dataColumns = column;
  }
  if (row) return null;
  if (limits && dataRows * dataColumns > limits.maxCells) return null;
  const out = rows.slice(0, dataRows);
  for (let i = 0; i < out.length; i++) {
    const r = out[i]!;
    if (r.length > dataColumns) out[i] = r.slice(0, dataColumns);
    while (out[i]!.length < dataColumns) out[i]!.push(null);
  }
  return out;

  /**
   * The general path for the token just scanned: true when it was a row start or end (handled),
   * false when the sheet is not of the plain shape, else a cell's column (its value in `cell.value`).
   */
  function readToken(): number | boolean {
    if (token.kind === 'rowEnd') {
      if (!row) return false;
      if (beyond) {
        beyond = false;
        row = null;
        return true;
      }
      rows.push(row);
      if (row.length > 0) dataRows = rowNumber;
      row = null;
      return true;
    }
    if (token.kind === 'row') {
      const attrs = data.slice(token.attrsStart, token.attrsEnd);
      const r = Number(attr(attrs, 'r'));
      if (row || !Number.isInteger(r) || r <= rows.length || r <= rowNumber) return false;
      // A hidden row: left to the scan, which refuses it when it holds data.
      if (limits && attrs.includes('hidden') && /^(?:1|true)$/.test(attr(attrs, 'hidden') ?? '')) return false;
      if (r > maxRow) {
        // Past the bounds: nothing is built; a value here makes the sheet the scan's to refuse.
        beyond = true;
        rowNumber = r;
        lastColumn = 0;
        if (!token.empty) row = [];
        return true;
      }
      while (rows.length < r - 1) rows.push([]);
      rowNumber = r;
      lastColumn = 0;
      if (token.empty) {
        rows.push([]);
        return true;
      }
      row = [];
      return true;
    }
    if (!row) return false;
    if (!cellAttributes(data, token.attrsStart, token.attrsEnd, named)) return false;
    const column = named.r[0] < 0 ? 0 : columnAt(data, named.r[0], named.r[1], rowNumber);
    // Only `<v>text</v>` (no markup inside) is a plain value: v is data[vStart, vEnd).
    const { innerStart, innerEnd } = token;
    let vStart = token.vStart;
    const vEnd = innerEnd - 4;
    if (vStart < 0 && innerEnd > innerStart) {
      if (vEnd < innerStart + 3 || !isTag(data, innerStart, false) || !isTag(data, vEnd, true)) return false;
      for (let k = innerStart + 3; k < vEnd; k++) if (data.charCodeAt(k) === 60) return false;
      vStart = innerStart + 3;
    }
    const hasValue = vStart >= 0 && vEnd > vStart;
    const typeLength = named.t[0] < 0 ? 1 : named.t[1] - named.t[0];
    const type = named.t[0] < 0 ? 110 /* n */ : typeLength === 1 ? data.charCodeAt(named.t[0]) : 0;
    if (type !== 115 /* s */ && type !== 110 /* n */ && type !== 98 /* b */) return false;
    // A number under a date (or other non-General) style is read-excel-file's to convert.
    if (type === 110 && hasValue && named.s[0] >= 0 && !general.has(data.slice(named.s[0], named.s[1]))) return false;
    const value = hasValue ? plainValue(data, type, vStart, vEnd, strings) : null;
    if (value === undefined) return false;
    cell.value = value;
    return column;
  }
}
