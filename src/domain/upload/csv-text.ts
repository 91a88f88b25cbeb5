/**
 * CSV text (already decoded) to rows of strings, in one pass over the string: RFC 4180 quoting
 * (`"` opens a field only at its start, `""` inside is one quote, commas and line breaks inside
 * quotes are data), the record delimiter is the first of CRLF, LF or CR seen outside quotes, a BOM
 * is dropped, empty lines stay (as one empty field) so row numbers match the file, and rows may
 * have different lengths. What csv-parse did with `relax_column_count` and `bom`, without its
 * Buffer round trip (a polyfill outside Node).
 */

export class CsvSyntaxError extends Error {
  override name = 'CsvSyntaxError';
  /** 1-based line of the text where the problem is. */
  readonly line: number;
  /** 1-based record (row of the table, as upload errors count rows) and field (column) of the problem. */
  readonly row: number;
  readonly column: number;
  /** The header of that column, when the first record was read. */
  readonly header: string | undefined;
  constructor(message: string, line: number, where: { row: number; column: number; header?: string | undefined } = { row: line, column: 1 }) {
    super(message);
    this.line = line;
    this.row = where.row;
    this.column = where.column;
    this.header = where.header;
  }
}

const QUOTE = 34;
const COMMA = 44;
const CR = 13;
const LF = 10;

/** Parses CSV text; throws CsvSyntaxError for an unclosed quote or text around a quoted field. */
export function parseCsvText(input: string): string[][] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const n = text.length;
  const rows: string[][] = [];
  // 0 = not known yet, 1 = LF, 2 = CR, 3 = CRLF
  let eol = 0;
  let line = 1;
  let i = 0;
  if (n === 0) return rows;
  let row: string[] = [];
  const here = () => ({ row: rows.length + 1, column: row.length + 1, header: rows.length > 0 ? rows[0]![row.length] : undefined });
  for (;;) {
    // At the start of a field.
    let value: string;
    if (text.charCodeAt(i) === QUOTE) {
      const openedAt = line;
      let start = i + 1;
      let parts = '';
      let j = start;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) throw new CsvSyntaxError('unclosed quote', openedAt, here());
        for (let k = j; k < q; k++) if (text.charCodeAt(k) === LF || (text.charCodeAt(k) === CR && text.charCodeAt(k + 1) !== LF)) line++;
        if (text.charCodeAt(q + 1) === QUOTE) {
          parts += text.slice(start, q + 1);
          j = start = q + 2;
          continue;
        }
        value = parts + text.slice(start, q);
        i = q + 1;
        break;
      }
      const c = text.charCodeAt(i);
      const ends = i >= n || c === COMMA || ((c === CR || c === LF) && (eol === 0 || isEol(text, i, eol)));
      if (!ends) throw new CsvSyntaxError('text after a closing quote', line, here());
    } else {
      let j = i;
      for (; j < n; j++) {
        const c = text.charCodeAt(j);
        if (c === COMMA) break;
        if (c === CR || c === LF) {
          if (eol === 0 || isEol(text, j, eol)) break;
        } else if (c === QUOTE) {
          throw new CsvSyntaxError('quote inside an unquoted field', line, here());
        }
      }
      value = text.slice(i, j);
      i = j;
    }
    row.push(value);
    if (i >= n) {
      rows.push(row);
      return rows;
    }
    const c = text.charCodeAt(i);
    if (c === COMMA) {
      i++;
      if (i >= n) {
        row.push('');
        rows.push(row);
        return rows;
      }
      continue;
    }
    // A line break: learn the delimiter from the first one, then only that one ends a record.
    if (eol === 0) eol = c === LF ? 1 : text.charCodeAt(i + 1) === LF ? 3 : 2;
    if (isEol(text, i, eol)) {
      i += eol === 3 ? 2 : 1;
      line++;
      rows.push(row);
      row = [];
      if (i >= n) return rows;
      continue;
    }
    // A CR or LF that is not the file's delimiter is data of an unquoted field: the loop above
    // only stops there once the delimiter is known, so this is unreachable.
    throw new CsvSyntaxError('unexpected line break', line, here());
  }
}

function isEol(text: string, i: number, eol: number): boolean {
  const c = text.charCodeAt(i);
  if (eol === 1) return c === LF;
  if (eol === 2) return c === CR;
  return c === CR && text.charCodeAt(i + 1) === LF;
}
