/**
 * Small helpers for the build-time SVG charts: a "nice" axis maximum and bar lengths. Pure.
 */

/**
 * The smallest 1, 2, 2.5 or 5 × 10^n at or above `max`, so axis labels are round numbers.
 * @example niceMax(873) // 1000
 * @example niceMax(0)   // 1
 */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const exp = Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) {
    const candidate = step * 10 ** exp;
    if (candidate >= max) return candidate;
  }
  return 10 ** (exp + 1);
}

/** Length in px of a bar for `value` on an axis from 0 to `max` drawn `width` px long (one decimal). */
export function barLength(value: number, max: number, width: number): number {
  if (max <= 0 || value <= 0) return 0;
  return Math.round((Math.min(value, max) / max) * width * 10) / 10;
}
