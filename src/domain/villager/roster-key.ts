/**
 * What the roster (花名册) keeps of a resident ID number: never the number itself, only keyed
 * hashes (HMAC-SHA-256 under the roster key, ROSTER_KEY) and the masked form. 查直补 asks for the
 * last 6 characters, so their hash is kept too; the whole number's hash finds the same person in
 * the next roster upload. Uses WebCrypto, which Node and the Worker both have.
 */
import { maskIdNumber } from './masking.ts';

/**
 * The sample county's roster key. The sample's ID numbers are invented, so its key is public; a
 * real county sets its own ROSTER_KEY (at least 32 characters) and keeps it secret.
 */
export const SAMPLE_ROSTER_KEY = 'sample-county-roster-key-示例数据-not-a-secret';

export const MIN_ROSTER_KEY_LENGTH = 32;

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

/** The ISO 7064 MOD 11-2 check character for the first 17 digits. */
export function idNumberCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('expected 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

/**
 * Why an ID number is not well formed (GB 11643: 17 digits, a real birth date, the ISO 7064
 * MOD 11-2 check character), or null when it is. Expects upper case without spaces.
 * @example idNumberProblem('43000019900101123X') // null (430000 is a province code: no one's real number)
 */
export function idNumberProblem(id: string): string | null {
  if (!/^\d{17}[\dX]$/.test(id)) return '应为 18 位：17 位数字，最后一位是数字或 X';
  const birth = id.slice(6, 14);
  const date = new Date(`${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10).replaceAll('-', '') !== birth || birth < '18900101') {
    return `第 7–14 位应是出生日期，${birth} 不是一个日期`;
  }
  if (idNumberCheckChar(id.slice(0, 17)) !== id[17]) return '最后一位校验码不对，可能有一位抄错了';
  return null;
}

const keys = new Map<string, Promise<CryptoKey>>();
function hmacKey(key: string): Promise<CryptoKey> {
  let k = keys.get(key);
  if (!k) {
    k = crypto.subtle.importKey('raw', new TextEncoder().encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    keys.set(key, k);
  }
  return k;
}

async function hmacHex(key: string, text: string): Promise<string> {
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(key), new TextEncoder().encode(text)));
  let hex = '';
  for (const b of mac) hex += b.toString(16).padStart(2, '0');
  return hex;
}

/** The hash 查直补 compares: of the last 6 characters (upper case). Prefixed so it never equals a whole-number hash. */
export function idTailHash(key: string, tail: string): Promise<string> {
  return hmacHex(key, `tail:${tail.toUpperCase()}`);
}

export interface StoredIdentity {
  idHash: string;
  idMasked: string;
  idTailHash: string;
}

/** What is stored for a (well-formed, normalised) ID number. */
export async function storedIdentity(key: string, idNumber: string): Promise<StoredIdentity> {
  const id = idNumber.toUpperCase();
  return { idHash: await hmacHex(key, `id:${id}`), idMasked: maskIdNumber(id), idTailHash: await idTailHash(key, id.slice(-6)) };
}
