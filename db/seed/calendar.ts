/** ISO-date arithmetic for the sample county (calendar days, no time zone, no clock). */
import type { Random } from './random.ts';

const DAY_MS = 86_400_000;
const toDays = (iso: string): number => Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / DAY_MS;
const fromDays = (days: number): string => new Date(days * DAY_MS).toISOString().slice(0, 10);

/** `iso` plus `n` days. */
export const addDays = (iso: string, n: number): string => fromDays(toDays(iso) + n);

/** Whole days from `a` to `b`. */
export const daysBetween = (a: string, b: string): number => toDays(b) - toDays(a);

/** The later of two ISO dates. */
export const laterOf = (a: string, b: string): string => (a >= b ? a : b);

/** A day between `from` and `to`, both included. */
export function randomDate(rng: Random, from: string, to: string): string {
  const span = daysBetween(from, to);
  return addDays(from, span <= 0 ? 0 : rng.int(0, span));
}
