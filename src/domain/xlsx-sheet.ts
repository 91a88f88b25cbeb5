/**
 * The first worksheet of an XLSX as rows of cells, read from the parts the zip guard has already
 * inflated (so the file is inflated once), for the plain shape that templates and exports have:
 * shared or numeric cells with `<v>` values, booleans, no formulas, rich text or date styles. The
 * rows are what read-excel-file's `readSheet` gives for such a sheet (strings trimmed, empty ones
 * null, rows padded to the widest data column, trailing empty rows dropped). Anything else answers
 * null, and the caller lets read-excel-file read the file: same result, only slower.
 */

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
function firstSheetPath(parts: XlsxParts): string | null {
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

/** Shared strings when every one is a single plain `<t>`; null otherwise. */
function sharedStrings(xml: string | undefined): string[] | null {
  if (xml === undefined) return [];
  const out: string[] = [];
  const si = /<si>([\s\S]*?)<\/si>|<si\/>/g;
  for (let m = si.exec(xml); m; m = si.exec(xml)) {
    const inner = m[1] ?? '';
    const t = /^<t(?:\s+xml:space="preserve")?>([^<]*)<\/t>$|^<t\/>$/.exec(inner);
    if (!t) return null;
    const text = t[1] ?? '';
    // `_xHHHH_` escapes are read-excel-file's to decode.
    if (text.includes('_x')) return null;
    out.push(unescapeXml(text));
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

const CELL_OR_ROW = /<row\b([^>]*?)(\/?)>|<\/row>|<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g;
const VALUE = /^<v>([^<]*)<\/v>$/;

/** The column number of a cell reference such as `AB12` in row 12; 0 when it is not one. */
function columnOf(ref: string, row: number): number {
  let col = 0;
  let i = 0;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c < 65 || c > 90) break;
    col = col * 26 + (c - 64);
  }
  return i > 0 && ref.slice(i) === String(row) ? col : 0;
}

/**
 * Rows of the first sheet, or null when the sheet is not of the plain shape (then read it with
 * read-excel-file).
 */
export function readPlainFirstSheet(parts: XlsxParts): unknown[][] | null {
  const path = firstSheetPath(parts);
  const sheet = path ? parts.get(path) : undefined;
  if (!sheet) return null;
  const strings = sharedStrings(parts.get('xl/sharedStrings.xml'));
  if (!strings) return null;
  const general = generalStyles(parts.get('xl/styles.xml'));
  const start = sheet.indexOf('<sheetData');
  if (start < 0) return null;
  const end = sheet.indexOf('</sheetData>', start);
  const data = end < 0 ? sheet.slice(start) : sheet.slice(start, end);

  const rows: unknown[][] = [];
  let row: unknown[] | null = null;
  let rowNumber = 0;
  let dataRows = 0;
  let dataColumns = 0;
  let lastColumn = 0;
  CELL_OR_ROW.lastIndex = 0;
  for (let m = CELL_OR_ROW.exec(data); m; m = CELL_OR_ROW.exec(data)) {
    if (m[0].startsWith('</row')) {
      if (!row) return null;
      rows.push(row);
      if (row.length > 0) dataRows = rowNumber;
      row = null;
      continue;
    }
    if (m[1] !== undefined) {
      const r = Number(attr(m[1], 'r'));
      if (row || !Number.isInteger(r) || r <= rows.length) return null;
      while (rows.length < r - 1) rows.push([]);
      rowNumber = r;
      lastColumn = 0;
      if (m[2] === '/') {
        rows.push([]);
        continue;
      }
      row = [];
      continue;
    }
    if (!row) return null;
    const attrs = m[3]!;
    const ref = attr(attrs, 'r');
    const column = ref ? columnOf(ref, rowNumber) : 0;
    if (column <= lastColumn) return null;
    lastColumn = column;
    const inner = m[4] ?? '';
    const v = inner === '' ? undefined : VALUE.exec(inner)?.[1];
    if (inner !== '' && v === undefined) return null;
    const type = attr(attrs, 't') ?? 'n';
    let value: unknown = null;
    if (type === 's') {
      if (v) {
        const s = strings[Number(v)];
        if (s === undefined || !/^\d+$/.test(v)) return null;
        const trimmed = s.trim();
        value = trimmed === '' ? null : trimmed;
      }
    } else if (type === 'n') {
      const style = attr(attrs, 's');
      if (style !== undefined && !general.has(style)) return null;
      if (v) {
        const n = Number(v);
        if (Number.isNaN(n)) return null;
        value = n;
      }
    } else if (type === 'b') {
      if (v) {
        if (v !== '1' && v !== '0') return null;
        value = v === '1';
      }
    } else {
      return null;
    }
    if (value === null) continue;
    while (row.length < column - 1) row.push(null);
    row.push(value);
    if (column > dataColumns) dataColumns = column;
  }
  if (row) return null;
  const out = rows.slice(0, dataRows);
  for (let i = 0; i < out.length; i++) {
    const r = out[i]!;
    if (r.length > dataColumns) out[i] = r.slice(0, dataColumns);
    while (out[i]!.length < dataColumns) out[i]!.push(null);
  }
  return out;
}
