/**
 * A small proof of work for the public question form: the browser must find a `nonce` such that
 * sha256(`challenge:nonce`) starts with `difficulty` zero bits. It costs a phone a second or two
 * once, and a spammer that cost for every message. It works everywhere (no third-party service,
 * nothing blocked in mainland China), and needs no secret: a challenge is `<issued ms>.<random>`,
 * checked for age and used once (the route keeps used challenges in the throttle store).
 *
 * Web Crypto only, so the same check runs in Node and in a Worker.
 */

/** Average 2^16 = 65,536 hashes: about 1–3 s in a cheap phone's browser. */
export const FEEDBACK_POW_DIFFICULTY = 16;
/** A challenge is good for 30 minutes (time to write a question on a phone). */
export const CHALLENGE_MAX_AGE_MS = 30 * 60_000;

/** A fresh challenge. `random` is injected so tests are deterministic. */
export function newChallenge(now: Date, random: Uint8Array): string {
  const hex = Array.from(random, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${now.getTime()}.${hex}`;
}

export type ChallengeProblem = 'malformed' | 'expired' | 'from_future' | 'insufficient_work';

/** Leading zero bits of a byte array. */
export function leadingZeroBits(bytes: Uint8Array): number {
  let bits = 0;
  for (const b of bytes) {
    if (b === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(b) - 24;
  }
  return bits;
}

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

/** Checks a solved challenge; `null` when it is good. */
export async function checkProofOfWork(
  challenge: string,
  nonce: string,
  now: Date,
  difficulty = FEEDBACK_POW_DIFFICULTY,
): Promise<ChallengeProblem | null> {
  const m = /^(\d{13})\.([0-9a-f]{16,64})$/.exec(challenge);
  if (!m || !/^\d{1,12}$/.test(nonce)) return 'malformed';
  const age = now.getTime() - Number(m[1]);
  if (age > CHALLENGE_MAX_AGE_MS) return 'expired';
  if (age < -60_000) return 'from_future';
  return leadingZeroBits(await digest(`${challenge}:${nonce}`)) >= difficulty ? null : 'insufficient_work';
}

/** Finds a nonce (what the browser does; used by tests and the e2e harness). */
export async function solveProofOfWork(challenge: string, difficulty = FEEDBACK_POW_DIFFICULTY): Promise<string> {
  for (let n = 0; ; n++) {
    if (leadingZeroBits(await digest(`${challenge}:${n}`)) >= difficulty) return String(n);
  }
}
