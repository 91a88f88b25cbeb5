/**
 * Masking rules for everything public (site, posters, exports, API), and a scanner that finds
 * personal data that escaped them. Pure: no framework, database or clock.
 *
 * Rules (the usual practice for 公示 in China):
 * - a private person's name keeps the surname only: 张三 → 张*, 欧阳修 → 欧阳*;
 * - a resident ID number keeps the first 3 and last 2 characters: 430****1X;
 * - a mobile number keeps the first 3 and last 4 digits: 138****1234;
 * - a bank or 一卡通 account keeps the last 4 digits: ****6789.
 * One `*` stands for the hidden part whatever its length, so the length does not leak either.
 */

/** Compound surnames (复姓) common enough to meet in a county roster. */
const COMPOUND_SURNAMES: ReadonlySet<string> = new Set([
  '欧阳', '司马', '上官', '诸葛', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '司徒',
  '令狐', '夏侯', '轩辕', '端木', '南宫', '独孤', '百里', '呼延', '万俟', '闻人', '申屠', '澹台',
  '太史', '公冶', '赫连', '钟离', '西门', '司空', '东郭', '濮阳', '淳于', '单于', '第五', '左丘',
]);

const MASK = '*';

/**
 * Masks a private person's name to surname + `*`. Idempotent: a name that is already masked
 * comes back unchanged. A minority name written with a middle dot keeps its first character.
 * @example maskPersonName('张三') // '张*'
 * @example maskPersonName('欧阳修') // '欧阳*'
 */
export function maskPersonName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') return '';
  if (trimmed.includes(MASK)) return trimmed;
  const chars = Array.from(trimmed);
  // A compound surname needs at least one character of given name after it to be told apart
  // from a two-character name such as 欧阳 (surname 欧, given name 阳).
  const surnameLength = chars.length > 2 && COMPOUND_SURNAMES.has(chars.slice(0, 2).join('')) ? 2 : 1;
  if (chars.length <= surnameLength) return MASK;
  return chars.slice(0, surnameLength).join('') + MASK;
}

const stripSeparators = (text: string): string => text.replace(/[\s\-－—]/g, '');

/**
 * Masks a resident ID number to its first 3 and last 2 characters.
 * @example maskIdNumber('43048219900101123X') // '430****3X'
 */
export function maskIdNumber(id: string): string {
  const compact = stripSeparators(id).toUpperCase();
  if (compact.length <= 5) return MASK.repeat(4);
  return `${compact.slice(0, 3)}****${compact.slice(-2)}`;
}

/**
 * Masks a mobile number to its first 3 and last 4 digits; a `+86`/`86` prefix is dropped.
 * @example maskPhone('138 1234 5678') // '138****5678'
 */
export function maskPhone(phone: string): string {
  const digits = stripSeparators(phone).replace(/^\+?86(?=1\d{10}$)/, '');
  if (digits.length < 7) return MASK.repeat(4);
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

/**
 * Masks a bank or 一卡通 account to its last 4 digits.
 * @example maskBankAccount('6217 0000 1234 5678 901') // '****8901'
 */
export function maskBankAccount(account: string): string {
  const compact = stripSeparators(account);
  if (compact.length <= 4) return MASK.repeat(4);
  return `****${compact.slice(-4)}`;
}

/** A payee as published: a private person's name is masked, a unit's name is kept. */
export function maskPayee(payee: string, isPerson: boolean): string {
  return isPerson ? maskPersonName(payee) : payee.trim();
}

export type PersonalDataKind = 'id_card' | 'bank_card' | 'mobile';

/** Something in a text that looks like personal data. */
export interface Finding {
  kind: PersonalDataKind;
  /** The text as found, separators included. */
  match: string;
  /** UTF-16 offset of `match` in the scanned text. */
  index: number;
  /**
   * For `id_card`: whether the ISO 7064 check character is right (a wrong one still counts as a
   * finding: a mistyped real number is still a real person's number). `bank_card` findings always
   * pass Luhn (that is how they are told apart from other long numbers). `null` for `mobile`.
   */
  checksumValid: boolean | null;
}

// Boundaries: not inside a longer number or word (hex hashes, codes), and not part of a decimal
// or a thousands-grouped amount such as 13812345678.00 or 1,381,234.
const BEFORE = String.raw`(?<![0-9A-Za-z_]|\d[.,])`;
const AFTER = String.raw`(?![0-9A-Za-z_]|[.,]\d)`;

const DIGIT_RUN = new RegExp(`${BEFORE}\\d{11,19}[Xx]?${AFTER}`, 'g');
const GROUPED_MOBILE = new RegExp(`${BEFORE}(?:\\+?86[ -]?)?1[3-9]\\d[ -]\\d{4}[ -]\\d{4}${AFTER}`, 'g');
const PREFIXED_MOBILE = new RegExp(`${BEFORE}\\+?86[ -]?1[3-9]\\d{9}${AFTER}`, 'g');
const GROUPED_CARD = new RegExp(`${BEFORE}\\d{4}(?:[ -]\\d{4}){3}(?:[ -]?\\d{1,3})?${AFTER}`, 'g');
const GROUPED_ID = new RegExp(`${BEFORE}\\d{6}[ -]\\d{8}[ -]\\d{3}[\\dXx]${AFTER}`, 'g');

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK_CHARS = '10X98765432';

/** The ISO 7064 MOD 11-2 check character of the first 17 digits of a resident ID number. */
export function idCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (ID_WEIGHTS[i] ?? 0);
  return ID_CHECK_CHARS[sum % 11] ?? '';
}

function isPlausibleDate(yyyymmdd: string): boolean {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  if (y < 1800 || y > 2100 || m < 1 || m > 12 || d < 1) return false;
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= daysInMonth;
}

/** Whether 18 characters have the shape of a resident ID: region, birth date, sequence, check. */
function isIdShaped(compact: string): boolean {
  return /^[1-9]\d{16}[\dX]$/.test(compact) && isPlausibleDate(compact.slice(6, 14));
}

/** Luhn (mod 10) check used by bank cards. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let n = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      n *= 2;
      if (n > 9) n -= 9;
    }
    sum += n;
  }
  return sum % 10 === 0;
}

function classify(match: string, index: number): Finding | null {
  const compact = stripSeparators(match).toUpperCase().replace(/^\+?86(?=1[3-9]\d{9}$)/, '');
  if (compact.length === 18 && isIdShaped(compact)) {
    return { kind: 'id_card', match, index, checksumValid: idCheckCharacter(compact) === compact[17] };
  }
  if (/^1[3-9]\d{9}$/.test(compact)) return { kind: 'mobile', match, index, checksumValid: null };
  if (/^\d{16,19}$/.test(compact) && luhnValid(compact)) {
    return { kind: 'bank_card', match, index, checksumValid: true };
  }
  return null;
}

/**
 * Finds anything shaped like personal data in a text: an 18-character resident ID number (with a
 * plausible birth date; the check character is reported, not required), a 16–19 digit bank card
 * number that passes Luhn, or a mainland mobile number (1[3-9] + 9 digits, optionally +86 or
 * grouped 3-4-4). Division codes, amounts, dates and landlines such as 0734-7212345 are not
 * findings. Used by the test that scans every built page and export.
 * @example findPersonalData('联系人电话13812345678') // [{ kind: 'mobile', match: '13812345678', index: 5, checksumValid: null }]
 */
export function findPersonalData(text: string): Finding[] {
  const findings: Finding[] = [];
  const taken: Array<[number, number]> = [];
  const overlaps = (start: number, end: number) => taken.some(([s, e]) => start < e && s < end);
  for (const pattern of [GROUPED_ID, GROUPED_CARD, GROUPED_MOBILE, PREFIXED_MOBILE, DIGIT_RUN]) {
    for (const m of text.matchAll(pattern)) {
      const start = m.index;
      const end = start + m[0].length;
      if (overlaps(start, end)) continue;
      const finding = classify(m[0], start);
      if (finding) {
        findings.push(finding);
        taken.push([start, end]);
      }
    }
  }
  return findings.sort((a, b) => a.index - b.index);
}

/**
 * Replaces every finding of {@link findPersonalData} in a text by its masked form. A safety net
 * for free text (project names, notes) before publication; names cannot be found this way and
 * are masked from their `isPerson` flags.
 */
export function maskPersonalDataInText(text: string): string {
  const findings = findPersonalData(text);
  if (findings.length === 0) return text;
  let out = '';
  let cursor = 0;
  for (const f of findings) {
    out += text.slice(cursor, f.index);
    out +=
      f.kind === 'id_card' ? maskIdNumber(f.match) : f.kind === 'mobile' ? maskPhone(f.match) : maskBankAccount(f.match);
    cursor = f.index + f.match.length;
  }
  return out + text.slice(cursor);
}
