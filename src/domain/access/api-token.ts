/**
 * Bearer tokens: 32 random bytes, shown once; only their sha256 is stored. Web Crypto only, so
 * the same code checks tokens in Node and in a Worker.
 */
import { sha256Hex } from '../disclosure/disclosure-content.ts';

export const TOKEN_PREFIX = 'csq_';

/** A new random token, e.g. `csq_Jx3…` (48 characters). */
export function generateToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return TOKEN_PREFIX + btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** What is stored and looked up: sha256 hex of the token text. */
export function hashToken(token: string): Promise<string> {
  return sha256Hex(token);
}

/** Whether a string could be a token at all (cheap check before hashing). */
export function looksLikeToken(text: string): boolean {
  return /^csq_[A-Za-z0-9_-]{40,60}$/.test(text);
}
