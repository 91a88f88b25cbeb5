/**
 * Figures over several counties (a city's, a province's) from each county's own figures: a count
 * is the sum; a rate sums its numerators and denominators, so a county with many projects weighs
 * more than one with few (an average of percentages would not). Each county's figures are computed
 * at its own 数据截至日, so a region's figure never mixes one county's day into another's.
 */
import type { Rate } from './indicators.ts';

export function rollUpValue(values: ReadonlyArray<Rate | number>): Rate | number | null {
  if (values.length === 0) return null;
  if (values.every((v) => typeof v === 'number')) return (values as number[]).reduce((a, b) => a + b, 0);
  if (values.some((v) => typeof v === 'number')) throw new TypeError('cannot roll up counts and rates together');
  const rates = values as Rate[];
  const numerator = rates.reduce((a, r) => a + r.numerator, 0);
  const denominator = rates.reduce((a, r) => a + r.denominator, 0);
  return { numerator, denominator, ratio: denominator > 0 ? numerator / denominator : null };
}

/** The region levels above a county, from its code: province (2 digits) and city (4 digits). */
export function regionCodesOf(countyCode: string): { province: string; city: string } {
  return { province: countyCode.slice(0, 2), city: countyCode.slice(0, 4) };
}
