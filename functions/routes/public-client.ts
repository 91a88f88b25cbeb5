/**
 * Who a public (unauthenticated) request comes from, for throttling and the audit log: a short
 * hash of the client address, never the address itself.
 *
 * - On Cloudflare (runtime other than `node`) the address is `CF-Connecting-IP`, set by Cloudflare.
 * - In Node it is the socket's remote address. A `CF-Connecting-IP` or `X-Forwarded-For` header is
 *   NOT trusted there (anyone can send one to dodge the per-client limit). Behind a reverse proxy in
 *   Node every client shares the proxy's address: the per-client limit then acts like a global one
 *   and the per-village limit still holds.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { sha256Hex } from '../../src/domain/disclosure/disclosure-content.ts';

interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string } };
}

/** The client address as seen by this runtime, or `unknown`. */
export function clientAddress(c: Context<AppEnv>): string {
  const { runtime } = c.get('deps');
  if (runtime !== 'node') return c.req.header('cf-connecting-ip') ?? 'unknown';
  const env = c.env as NodeBindings | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

/** 16 hex characters of sha256 over the address: enough to count by, useless to find anyone. */
export async function clientKey(c: Context<AppEnv>): Promise<string> {
  return (await sha256Hex(`csq-client:${clientAddress(c)}`)).slice(0, 16);
}
