/**
 * The Cloudflare Access team's signing keys, fetched from `<team>/cdn-cgi/access/certs` (a JWKS)
 * and cached. Access rotates its key every six weeks and keeps the previous one valid for seven
 * days, so: the keys are kept for an hour; an unknown key id triggers a fetch at once (a rotation),
 * but at most one fetch a minute, so a flood of made-up key ids cannot become a flood of requests
 * to Cloudflare; concurrent requests share one fetch; when a fetch fails, the keys already known
 * keep working.
 */
import { RS256_IMPORT } from './access-jwt.ts';

export const ACCESS_KEYS_TTL_MS = 60 * 60_000;
export const ACCESS_KEYS_MIN_REFETCH_MS = 60_000;
const FETCH_TIMEOUT_MS = 5000;

/** No key could be loaded at all (the JWKS is unreachable or unusable): not the client's fault. */
export class AccessKeysUnavailableError extends Error {
  override name = 'AccessKeysUnavailableError';
}

export interface AccessKeySetOptions {
  /** `https://<team>.cloudflareaccess.com`; the keys are read from `<team>/cdn-cgi/access/certs`. */
  teamDomain: string;
  fetch: typeof fetch;
  clock: () => Date;
}

interface JwkLike {
  kid?: unknown;
  kty?: unknown;
  alg?: unknown;
  use?: unknown;
  n?: unknown;
  e?: unknown;
}

/** Imports the RSA signing keys of a JWKS document; anything else in it is skipped. */
async function importKeys(document: unknown): Promise<Map<string, CryptoKey>> {
  const list = (document as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list)) throw new AccessKeysUnavailableError('the JWKS has no "keys" list');
  const keys = new Map<string, CryptoKey>();
  for (const jwk of list as JwkLike[]) {
    if (typeof jwk.kid !== 'string' || jwk.kty !== 'RSA' || typeof jwk.n !== 'string' || typeof jwk.e !== 'string') continue;
    if (jwk.alg !== undefined && jwk.alg !== 'RS256') continue;
    if (jwk.use !== undefined && jwk.use !== 'sig') continue;
    try {
      keys.set(jwk.kid, await crypto.subtle.importKey('jwk', { kty: 'RSA', n: jwk.n, e: jwk.e }, RS256_IMPORT, false, ['verify']));
    } catch {
      // A key this runtime cannot import is as good as absent.
    }
  }
  return keys;
}

export class AccessKeySet {
  readonly certsUrl: string;
  private readonly options: AccessKeySetOptions;
  private keys = new Map<string, CryptoKey>();
  private fetchedAt = -Infinity;
  private attemptedAt = -Infinity;
  private inFlight: Promise<void> | undefined;

  constructor(options: AccessKeySetOptions) {
    this.options = options;
    this.certsUrl = `${options.teamDomain}/cdn-cgi/access/certs`;
  }

  /** The verification key for a key id, fetching the JWKS when stale or when the id is new. */
  async key(kid: string): Promise<CryptoKey | undefined> {
    const now = this.options.clock().getTime();
    const stale = now - this.fetchedAt >= ACCESS_KEYS_TTL_MS;
    const mayRefetch = now - this.attemptedAt >= ACCESS_KEYS_MIN_REFETCH_MS;
    if (this.inFlight || ((stale || !this.keys.has(kid)) && mayRefetch)) {
      try {
        await this.refresh();
      } catch (error) {
        if (this.keys.size === 0) throw error;
      }
    }
    if (this.keys.size === 0) throw new AccessKeysUnavailableError(`no Access signing keys yet (the last fetch of ${this.certsUrl} failed less than a minute ago)`);
    return this.keys.get(kid);
  }

  private refresh(): Promise<void> {
    this.inFlight ??= this.load().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async load(): Promise<void> {
    this.attemptedAt = this.options.clock().getTime();
    let document: unknown;
    try {
      const res = await this.options.fetch(this.certsUrl, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      document = await res.json();
    } catch (error) {
      throw new AccessKeysUnavailableError(`could not fetch ${this.certsUrl}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const keys = await importKeys(document);
    if (keys.size === 0) throw new AccessKeysUnavailableError(`${this.certsUrl} lists no RS256 signing key`);
    this.keys = keys;
    this.fetchedAt = this.options.clock().getTime();
  }
}
