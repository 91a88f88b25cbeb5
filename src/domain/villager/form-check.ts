/**
 * The check of the question form when it is sent without JavaScript (`/feedback/send/`): no proof
 * of work is possible there, so the server issues a one-time challenge with the form and asks a
 * small sum a villager can do in their head. Pure: the route keeps the used counter and the key.
 *
 * - A challenge is `<issued ms>.<32 hex>.<signature>`: the proof-of-work format ({@link newChallenge})
 *   signed with the site's key (HMAC-SHA256, 16 hex). Handing out a form writes nothing and costs
 *   nothing, so reading it is never throttled; a challenge the server never signed is refused.
 * - It must be at least {@link MIN_FILL_MS} old when the form comes back (a person reads and
 *   types; a script posts at once) and at most {@link FORM_CHALLENGE_MAX_AGE_MS}.
 * - The question comes from the challenge's random part: `三加五等于几？`. It is plain text in the
 *   field's label, so screen readers read it. The answer may be written `8`, `８` or `八`.
 * - Each challenge is good for one submission, right or wrong.
 */
import { CHALLENGE_MAX_AGE_MS } from './proof-of-work.ts';
import type { ThrottleRule } from '../access/throttle.ts';

/** A person needs longer than this to read the form, answer the sum and press 提交. */
export const MIN_FILL_MS = 3_000;
/** Same as the proof of work: 30 minutes to write a question on a phone. */
export const FORM_CHALLENGE_MAX_AGE_MS = CHALLENGE_MAX_AGE_MS;

const NUMERALS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'] as const;

export interface SumQuestion {
  /** e.g. `三加五等于几？` */
  text: string;
  answer: number;
}

const CHALLENGE = /^(\d{13})\.([0-9a-f]{32})\.([0-9a-f]{16})$/;

async function signature(unsigned: string, key: string): Promise<string> {
  const hmacKey = await crypto.subtle.importKey('raw', new TextEncoder().encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', hmacKey, new TextEncoder().encode(unsigned)));
  return Array.from(mac.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Signs a `<ms>.<32 hex>` challenge ({@link newChallenge}) with the site's key. */
export async function signFormChallenge(unsigned: string, key: string): Promise<string> {
  return `${unsigned}.${await signature(unsigned, key)}`;
}

/** Whether the site's key signed this challenge (compared in constant time). */
export async function isSignedFormChallenge(challenge: string, key: string): Promise<boolean> {
  const m = CHALLENGE.exec(challenge);
  if (!m) return false;
  const expected = await signature(`${m[1]}.${m[2]}`, key);
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ m[3]!.charCodeAt(i);
  return diff === 0;
}

/** The issue time of a well-formed form challenge (epoch ms), or null. */
export function challengeIssuedAt(challenge: string): number | null {
  const m = CHALLENGE.exec(challenge);
  return m ? Number(m[1]) : null;
}

/**
 * The sum asked with a challenge: two numbers from 1 to 9, written in Chinese characters.
 *
 * @example
 * sumQuestion('1764000000000.0305…') // { text: '四加六等于几？', answer: 10 }
 */
export function sumQuestion(challenge: string): SumQuestion {
  const hex = CHALLENGE.exec(challenge)?.[2] ?? '00000000';
  const a = 1 + (parseInt(hex.slice(0, 2), 16) % 9);
  const b = 1 + (parseInt(hex.slice(2, 4), 16) % 9);
  return { text: `${NUMERALS[a]}加${NUMERALS[b]}等于几？`, answer: a + b };
}

/**
 * Reads an answer as a villager may type it: `12`, `１２`, `十二`, with spaces around. Null when
 * it is not a number from 0 to 99.
 */
export function readAnswer(text: string): number | null {
  const t = text.trim().replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)).replace(/两/g, '二');
  if (/^\d{1,2}$/.test(t)) return Number(t);
  if (t === '零') return 0;
  const m = /^([一二三四五六七八九]?)(十?)([一二三四五六七八九]?)$/.exec(t);
  if (!m || t === '') return null;
  const [, tens = '', ten, ones = ''] = m;
  const value = (ch: string) => NUMERALS.indexOf(ch as (typeof NUMERALS)[number]);
  if (!ten) return ones === '' ? value(tens) : null;
  return (tens ? value(tens) : 1) * 10 + (ones ? value(ones) : 0);
}

export type FormChallengeProblem = 'missing' | 'malformed' | 'expired' | 'from_future' | 'unknown' | 'reused' | 'too_young' | 'wrong_answer';

/** Age problems, checked before the challenge is used up (an expired one is no longer on record). */
export function challengeAgeProblem(challenge: string, now: Date): 'missing' | 'malformed' | 'expired' | 'from_future' | null {
  if (challenge === '') return 'missing';
  const issued = challengeIssuedAt(challenge);
  if (issued === null) return 'malformed';
  const age = now.getTime() - issued;
  if (age > FORM_CHALLENGE_MAX_AGE_MS) return 'expired';
  if (age < -60_000) return 'from_future';
  return null;
}


/** The remaining checks once the challenge is used up: fill time, then the answer. */
export function challengeUseProblem(challenge: string, answer: string, now: Date): 'too_young' | 'wrong_answer' | null {
  const issued = challengeIssuedAt(challenge) ?? now.getTime();
  if (now.getTime() - issued < MIN_FILL_MS) return 'too_young';
  return readAnswer(answer) === sumQuestion(challenge).answer ? null : 'wrong_answer';
}

/** What each problem tells the villager (the form is shown again with a new question). */
export const FORM_CHALLENGE_MESSAGES: Readonly<Record<FormChallengeProblem, string>> = {
  missing: '还差一步：请回答下面的算术题，再按“提交”。',
  malformed: '这一页不对，请在下面重新提交。',
  expired: '这一页放得太久了（超过30分钟）。您写的字还在，请回答新的算术题，再提交。',
  from_future: '手机时间不对。请回答新的算术题，再提交。',
  unknown: '这一页已经失效。您写的字还在，请回答新的算术题，再提交。',
  reused: '这一页已经提交过一次了。如果还要再提交，请回答新的算术题。',
  too_young: '提交得太快了。请看清楚，回答新的算术题，再提交。',
  wrong_answer: '算术题答错了。请回答新的算术题，再提交。',
};

/**
 * Extra limits of the form without JavaScript, on top of the question limits both ways share
 * (src/domain/access/throttle.ts FEEDBACK_*). Without a proof of work a message costs a script little,
 * so: tries per client (each wrong answer is a try, so guessing the sum is bounded); messages per
 * client lower than with JavaScript; and a county-wide daily cap. Opening the form is not limited:
 * it writes nothing, and a reader must never be turned away.
 */
export const FORM_TRY_RULES: readonly ThrottleRule[] = [
  { name: 'try-10min', limit: 10, windowSeconds: 600 },
  { name: 'try-day', limit: 30, windowSeconds: 86_400 },
];
export const FORM_SEND_CLIENT_RULES: readonly ThrottleRule[] = [
  { name: 'nojs-10min', limit: 2, windowSeconds: 600 },
  { name: 'nojs-day', limit: 6, windowSeconds: 86_400 },
];
export const FORM_SEND_COUNTY_RULES: readonly ThrottleRule[] = [{ name: 'nojs-county-day', limit: 200, windowSeconds: 86_400 }];
