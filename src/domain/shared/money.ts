/**
 * Money is an integer number of fen (分). It is formatted to 元 or 万元 only at the edge
 * (page, poster, export), always with its unit.
 */

/** An integer amount of fen. A branded number so a 元 float cannot be passed by mistake. */
export type Fen = number & { readonly __unit?: 'fen' };

/** Returns `n` as Fen, throwing on a non-integer (a bug, never user input). */
export function fen(n: number): Fen {
  if (!Number.isSafeInteger(n)) throw new RangeError(`fen must be a safe integer, got ${n}`);
  return n;
}

/** Sums fen amounts exactly. */
export function sumFen(amounts: Iterable<Fen>): Fen {
  let total = 0;
  for (const a of amounts) total += a;
  return fen(total);
}

const groupDigits = (digits: string): string => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/**
 * Formats fen as 元 with two decimals and thousands separators.
 * @example formatYuan(123456789) // "1,234,567.89 元"
 */
export function formatYuan(amount: Fen, options: { unit?: boolean } = {}): string {
  const negative = amount < 0;
  const abs = Math.abs(amount);
  const yuan = Math.trunc(abs / 100);
  const cents = String(abs % 100).padStart(2, '0');
  const text = `${negative ? '-' : ''}${groupDigits(String(yuan))}.${cents}`;
  return options.unit === false ? text : `${text} 元`;
}

/**
 * Formats fen as 万元 with two decimals (rounded half away from zero on the fen value).
 * @example formatWanYuan(3_555_360_000) // "3,555.36 万元"
 */
export function formatWanYuan(amount: Fen, options: { unit?: boolean } = {}): string {
  const negative = amount < 0;
  const abs = Math.abs(amount);
  // 1 万元 = 1,000,000 fen; keep two decimals => units of 10,000 fen.
  const hundredths = Math.floor((abs + 5_000) / 10_000);
  const whole = Math.trunc(hundredths / 100);
  const frac = String(hundredths % 100).padStart(2, '0');
  const text = `${negative ? '-' : ''}${groupDigits(String(whole))}.${frac}`;
  return options.unit === false ? text : `${text} 万元`;
}

/**
 * Parses a 元 amount written by a person ("1,234.5", "1234.50") to fen without floating point.
 * Returns null when the text is not a plain non-negative decimal with at most two decimals.
 */
export function parseYuan(text: string): Fen | null {
  const cleaned = text.trim().replace(/[,，\s]/g, '');
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!m) return null;
  const whole = Number(m[1]);
  const frac = Number((m[2] ?? '').padEnd(2, '0'));
  const value = whole * 100 + frac;
  return Number.isSafeInteger(value) ? value : null;
}
