/**
 * FAKE resident ID numbers (居民身份证号码, GB 11643-1999) for the sample roster: a 6-digit
 * region code, the birth date, a 3-digit sequence (odd for men, even for women) and the ISO 7064
 * MOD 11-2 check character. They are generated at run time and are well-formed but invented.
 */
import { idNumberCheckChar } from '../../src/domain/villager/roster-key.ts';
import type { Random } from './random.ts';

// The check character is the domain's (the roster checks uploaded numbers with it).
export { idNumberCheckChar };

/** Whether an 18-character ID number is well formed and its check character is right. */
export function isValidIdNumber(id: string): boolean {
  return /^\d{17}[\dX]$/.test(id) && idNumberCheckChar(id.slice(0, 17)) === id[17];
}

/** A made-up ID number for a person born on `birthDate` (ISO) in `regionCode`. */
export function fakeIdNumber(rng: Random, regionCode: string, birthDate: string, sex: 'male' | 'female'): string {
  const seq2 = rng.digits(2);
  const last = sex === 'male' ? rng.pick([1, 3, 5, 7, 9]) : rng.pick([0, 2, 4, 6, 8]);
  const first17 = `${regionCode}${birthDate.replaceAll('-', '')}${seq2}${last}`;
  return `${first17}${idNumberCheckChar(first17)}`;
}
