/**
 * CSV that Excel (including Chinese Excel) opens correctly and safely: UTF-8 with a byte-order
 * mark, CRLF line ends, RFC 4180 quoting, and every cell that begins with a character a
 * spreadsheet would read as a formula (= + - @, tab, carriage return) prefixed with an apostrophe
 * so it stays text (formula injection, OWASP "CSV Injection").
 */

/** The characters that make a spreadsheet treat a cell as a formula. */
const FORMULA_LEAD = /^[=+\-@\t\r]/;

/** Neutralises a value that a spreadsheet would evaluate. @example neutraliseCell('=1+1') // "'=1+1" */
export function neutraliseCell(value: string): string {
  return FORMULA_LEAD.test(value) ? `'${value}` : value;
}

/** One cell: neutralised, then quoted when it holds a comma, quote or line break. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = neutraliseCell(typeof value === 'boolean' ? (value ? '是' : '否') : String(value));
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A whole CSV document: BOM, header row, data rows, CRLF.
 * @example toCsv(['名称', '金额（元）'], [['大水村', '100.00']]) // "\uFEFF名称,金额（元）\r\n大水村,100.00\r\n"
 */
export function toCsv(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null | undefined>>): string {
  const lines = [headers, ...rows].map((r) => r.map(csvCell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** Fen as plain 元 with two decimals and no grouping, for machine-readable exports. @example fenToYuanText(123456) // "1234.56" */
export function fenToYuanText(amount: number): string {
  const negative = amount < 0;
  const abs = Math.abs(amount);
  return `${negative ? '-' : ''}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
