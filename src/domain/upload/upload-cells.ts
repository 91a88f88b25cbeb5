/**
 * Reading one cell of an uploaded table (CSV text, an XLSX value or a JSON value) as the type its
 * column expects, with a plain-Chinese problem when it cannot be read. Money becomes integer fen
 * without floating point; dates become ISO `YYYY-MM-DD`.
 */
import { parseYuan, type Fen } from '../shared/money.ts';

/** What a parser sees: CSV gives strings, XLSX strings/numbers/booleans/dates, JSON anything. */
export type Cell = unknown;

export interface CellProblem {
  problem: string;
  expected: string;
  hint?: string;
}

export type CellResult<T> = { ok: true; value: T } | ({ ok: false } & CellProblem);

const fail = (problem: string, expected: string, hint?: string): { ok: false } & CellProblem =>
  hint ? { ok: false, problem, expected, hint } : { ok: false, problem, expected };

/** Empty: null, undefined, or only white space. */
export function isBlank(cell: Cell): boolean {
  return cell === null || cell === undefined || (typeof cell === 'string' && cell.trim() === '');
}

/** How a received value is shown back in an error message (short, no markup). */
export function showReceived(cell: Cell): string {
  if (cell === null || cell === undefined) return '（空）';
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? '（无效日期）' : cell.toISOString().slice(0, 10);
  const text = typeof cell === 'string' ? cell : typeof cell === 'object' ? describeObject(cell) : String(cell);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/** A short JSON-like text of an object or array, never deeper than 3 levels (a value may be nested 100,000 deep). */
function describeObject(value: object, depth = 0): string {
  if (depth >= 3) return Array.isArray(value) ? '[…]' : '{…}';
  const parts: string[] = [];
  let length = 0;
  const entries = Array.isArray(value) ? value.map((v) => [null, v] as const) : Object.entries(value);
  for (const [key, v] of entries) {
    const shown = v !== null && typeof v === 'object' ? describeObject(v, depth + 1) : JSON.stringify(v) ?? String(v);
    const part = key === null ? shown : `${JSON.stringify(key)}:${shown}`;
    parts.push(part);
    length += part.length;
    if (length > 60) break;
  }
  return Array.isArray(value) ? `[${parts.join(',')}]` : `{${parts.join(',')}}`;
}

/**
 * Text that a spreadsheet would run as a formula when the data are exported again (CSV injection),
 * or markup: both are refused rather than silently altered.
 */
export function textProblem(text: string): CellProblem | null {
  if (/^[=+\-@\t\r]/.test(text)) {
    return { problem: '内容以 = + - @ 或制表符开头，像是表格公式', expected: '普通文字', hint: '请去掉开头的符号；如确需以这些符号开头，请在前面加中文说明。' };
  }
  if (/<\s*\/?\s*[a-zA-Z!]/.test(text)) {
    return { problem: '内容含有网页标记（如 <script>）', expected: '普通文字，不含 < > 标记' };
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) {
    return { problem: '内容含有不可见的控制字符', expected: '普通文字' };
  }
  return null;
}

export function readText(cell: Cell, options: { max?: number } = {}): CellResult<string> {
  const max = options.max ?? 200;
  if (typeof cell !== 'string' && typeof cell !== 'number') return fail('不是文字', `文字，不超过 ${max} 字`);
  const text = String(cell).trim().replace(/\s+/g, ' ');
  const problem = textProblem(text);
  if (problem) return { ok: false, ...problem };
  // Code points never outnumber UTF-16 units, so only long text needs counting.
  if (text.length > max && [...text].length > max) return fail(`太长（${[...text].length} 字）`, `不超过 ${max} 字`);
  return { ok: true, value: text };
}

/**
 * A code as it is compared and stored: full-width letters, digits and signs as their ASCII forms
 * (NFKC: `ＣＮ２０２５－０１` → `CN2025-01`), surrounding white space dropped, and with
 * `upperCase` letters in upper case, so that one code typed two ways is one code.
 */
export function normalizeCode(text: string, options: { upperCase?: boolean } = {}): string {
  const plain = text.normalize('NFKC').trim();
  return options.upperCase ? plain.toUpperCase() : plain;
}

export function readCode(cell: Cell, pattern: RegExp, expected: string, options: { upperCase?: boolean } = {}): CellResult<string> {
  const text = typeof cell === 'number' && Number.isSafeInteger(cell) ? String(cell) : typeof cell === 'string' ? normalizeCode(cell, options) : null;
  if (text === null || !pattern.test(text)) return fail('格式不对', expected);
  return { ok: true, value: text };
}

/** An amount in 元 (number, or text like `1,234.50`) as integer fen; never negative. */
export function readYuan(cell: Cell): CellResult<Fen> {
  const expected = '以“元”为单位的金额，最多两位小数，如 125000 或 125,000.50';
  let text: string;
  // Whole 元 below 10¹², as the reading below gives them without the round trip through text (-0 as 0).
  if (typeof cell === 'number' && Number.isSafeInteger(cell) && cell >= 0 && cell < 1e12) return { ok: true, value: Math.abs(cell) * 100 };
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell)) return fail('不是数字', expected);
    // Excel stores 1234.56 as the nearest double; 12 significant digits recover what was typed.
    text = Number(cell.toPrecision(12)).toString();
    if (/e/i.test(text)) return fail('数值超出范围', expected);
  } else if (typeof cell === 'string') {
    // Plain digits (up to 13, so fen stay exact), the common case, as parseYuan reads them.
    if (cell.length > 0 && cell.length <= 13) {
      const whole = digitsAt(cell, 0, cell.length);
      if (whole >= 0) return { ok: true, value: whole * 100 };
    }
    text = cell.trim();
  } else {
    return fail('不是数字', expected);
  }
  const cleaned = text.replace(/[,，\s]/g, '').replace(/元$/, '');
  if (/^[-−－]/.test(cleaned)) return fail('金额不能为负数', expected, '冲减或退回请联系县移民事务中心处理，不要填负数。');
  if (/万/.test(cleaned)) return fail('金额带了“万”字', expected, '本栏以元为单位：12.5万元请填 125000。');
  const fen = parseYuan(cleaned);
  if (fen === null) {
    return /^\d+\.\d{3,}$/.test(cleaned) ? fail('小数超过两位（分以下）', expected) : fail('不是数字', expected);
  }
  return { ok: true, value: fen };
}

/** An amount in 元 that must be more than 0 (a payment of 0 元 is no payment). */
export function readPositiveYuan(cell: Cell): CellResult<Fen> {
  const read = readYuan(cell);
  if (read.ok && read.value === 0) return fail('金额是 0', '大于 0 的金额（元）', '没有付款的凭证不要上传。');
  return read;
}

export function readInteger(cell: Cell, min: number, max: number): CellResult<number> {
  const expected = `${min} 到 ${max} 之间的整数`;
  const n = typeof cell === 'number' ? cell : typeof cell === 'string' && /^\s*[-+]?\d+\s*$/.test(cell) ? Number(cell) : NaN;
  if (!Number.isInteger(n)) return fail('不是整数', expected);
  if (n < min) return fail(n < 0 ? '不能为负数' : `小于 ${min}`, expected);
  if (n > max) return fail(`大于 ${max}`, expected);
  return { ok: true, value: n };
}

export function readDecimal(cell: Cell): CellResult<number> {
  const n = typeof cell === 'number' ? cell : typeof cell === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(cell) ? Number(cell) : NaN;
  if (!Number.isFinite(n)) return fail('不是数字', '小数形式的度数，如 112.3956');
  return { ok: true, value: n };
}

/** The number written by the ASCII digits text[from, to), or -1 when any is not a digit. */
function digitsAt(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `YYYY-MM-DD` of a real calendar day (proleptic Gregorian, years 100–9999 as Date allows), else null. */
function isoOf(y: number, m: number, d: number): string | null {
  // Date.UTC reads years 0–99 as 1900–1999, so those never matched the year asked for.
  if (y < 100 || y > 9999 || m < 1 || m > 12 || d < 1) return null;
  const leap = m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > DAYS_IN_MONTH[m - 1]! + (leap ? 1 : 0)) return null;
  return `${y < 1000 ? String(y).padStart(4, '0') : y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

/** The date an Excel serial number stands for (1900 date system), for hints. */
export function excelSerialToIso(serial: number): string {
  return new Date(Date.UTC(1899, 11, 30) + Math.round(serial) * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A calendar date: a date cell, `2023-05-01`, `2023/5/1`, `2023.5.1` or `2023年5月1日`. A bare
 * number is refused with the date it would be as an Excel serial, rather than guessed.
 */
export function readDate(cell: Cell): CellResult<string> {
  const expected = '日期，如 2023-05-01';
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return fail('不是有效日期', expected);
    // Date cells arrive as UTC midnight of the day shown in Excel.
    return { ok: true, value: cell.toISOString().slice(0, 10) };
  }
  if (typeof cell === 'number' || (typeof cell === 'string' && /^\s*\d{4,5}(\.\d+)?\s*$/.test(cell))) {
    const n = Number(cell);
    const hint = n > 20_000 && n < 80_000 ? `这像是 Excel 的日期序列号（${n} 即 ${excelSerialToIso(n)}）：请把该列设为“日期”格式，或直接写成 ${excelSerialToIso(n)}。` : undefined;
    return fail('是一个数字，不是日期', expected, hint);
  }
  if (typeof cell !== 'string') return fail('不是日期', expected);
  // `YYYY-MM-DD`, the common case, without the pattern below (which reads it the same way).
  if (cell.length === 10 && cell.charCodeAt(4) === 45 && cell.charCodeAt(7) === 45) {
    const iso = isoOf(digitsAt(cell, 0, 4), digitsAt(cell, 5, 7), digitsAt(cell, 8, 10));
    if (iso) return { ok: true, value: iso };
  }
  const m = /^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$/.exec(cell);
  const iso = m ? isoOf(Number(m[1]), Number(m[2]), Number(m[3])) : null;
  if (!iso) return fail('不是有效日期', expected);
  return { ok: true, value: iso };
}

/** One of a fixed set, by Chinese label or code (`中央` / `central`). */
export function readChoice<T extends string>(cell: Cell, choices: Readonly<Record<string, T>>, expected: string): CellResult<T> {
  if (typeof cell !== 'string' && typeof cell !== 'boolean') return fail('不是可选的值', expected);
  const key = String(cell).trim();
  const value = choices[key] ?? choices[key.toLowerCase()];
  if (value === undefined) return fail('不是可选的值', expected);
  return { ok: true, value };
}
