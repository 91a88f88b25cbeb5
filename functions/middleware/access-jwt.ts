/**
 * Verification of a Cloudflare Access application token (the `Cf-Access-Jwt-Assertion` header):
 * an RS256 JWT signed with the team's key, carrying `iss` (the team domain), `aud` (the
 * application's AUD tags), `exp`/`nbf` and, for a person, `email`.
 *
 * Web Crypto only (`crypto.subtle`), so the same code runs in Node and in workerd. The algorithm
 * is pinned to RS256: the header's `alg` is compared, never used to choose how to verify, so
 * `none` and HS256-with-the-public-key tokens are refused before any key is looked at.
 */

/** Why an assertion was refused: logged for the operator, never told to the client. */
export type AccessJwtFailure =
  | 'malformed'
  | 'algorithm'
  | 'unknown-key'
  | 'signature'
  | 'issuer'
  | 'audience'
  | 'expired'
  | 'not-yet-valid';

export type AccessJwtResult =
  | { ok: true; email: string | null; subject: string | null }
  | { ok: false; reason: AccessJwtFailure };

export interface AccessJwtExpectations {
  /** The team domain, e.g. `https://changning.cloudflareaccess.com`, compared with `iss`. */
  issuer: string;
  /** The application's AUD tag; `aud` (a string or a list) must contain it. */
  audience: string;
  now: Date;
  /** Allowed clock difference for `exp` and `nbf`, in seconds. */
  leewaySeconds: number;
}

/** The RS256 verification key for a key id, or undefined when the team has no such key. */
export type AccessKeyLookup = (kid: string) => Promise<CryptoKey | undefined>;

export const RS256_IMPORT = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function base64UrlBytes(part: string): Uint8Array<ArrayBuffer> {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (part.length % 4)) % 4);
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function jsonPart(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(base64UrlBytes(part)));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Checks an Access assertion's signature and claims.
 *
 * @example
 * const result = await verifyAccessJwt(header, (kid) => keys.key(kid), {
 *   issuer: 'https://changning.cloudflareaccess.com', audience: config.ACCESS_AUD, now: clock(), leewaySeconds: 60,
 * });
 * if (result.ok) console.log(result.email);
 */
export async function verifyAccessJwt(token: string, keyFor: AccessKeyLookup, expect: AccessJwtExpectations): Promise<AccessJwtResult> {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || !parts.every((p) => BASE64URL.test(p))) return { ok: false, reason: 'malformed' };
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = jsonPart(headerPart);
  const payload = jsonPart(payloadPart);
  if (!header || !payload) return { ok: false, reason: 'malformed' };
  if (header.alg !== 'RS256' || 'crit' in header) return { ok: false, reason: 'algorithm' };
  if (typeof header.kid !== 'string' || header.kid === '') return { ok: false, reason: 'unknown-key' };

  const key = await keyFor(header.kid);
  if (!key) return { ok: false, reason: 'unknown-key' };
  let signature: Uint8Array<ArrayBuffer>;
  try {
    signature = base64UrlBytes(signaturePart);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const signed = new TextEncoder().encode(`${headerPart}.${payloadPart}`);
  if (!(await crypto.subtle.verify(RS256_IMPORT, key, signature, signed))) return { ok: false, reason: 'signature' };

  if (payload.iss !== expect.issuer) return { ok: false, reason: 'issuer' };
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!audiences.includes(expect.audience)) return { ok: false, reason: 'audience' };
  const now = expect.now.getTime() / 1000;
  // `exp` is required: an assertion that never expires is not what Access issues.
  if (typeof payload.exp !== 'number' || !Number.isFinite(payload.exp) || now >= payload.exp + expect.leewaySeconds) return { ok: false, reason: 'expired' };
  if (payload.nbf !== undefined && (typeof payload.nbf !== 'number' || now < payload.nbf - expect.leewaySeconds)) return { ok: false, reason: 'not-yet-valid' };

  // A service token's assertion has no email (only `common_name`): it names no member of staff.
  const email = typeof payload.email === 'string' && payload.email.trim() !== '' ? payload.email.trim() : null;
  return { ok: true, email, subject: typeof payload.sub === 'string' ? payload.sub : null };
}

