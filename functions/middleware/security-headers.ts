/**
 * Security and caching headers for every response, static and API, in both runtimes (the Node
 * entry serves the site through the Hono app; the Worker runs first for every path and passes the
 * assets through the same app), so one function decides them all.
 *
 * - A Content-Security-Policy that allows scripts only from the site itself (Astro bundles them
 *   into `/_astro/*.js`; astro.config.mjs keeps it from inlining small ones) and map tiles only from
 *   the configured tile hosts: Tianditu's t0–t7 when `TIANDITU_KEY` is set, the host of
 *   `OSM_TILE_URL` when that is set.
 * - Caching: `/_astro/*` and the poster files under `/posters/` are named by their content, so
 *   they are immutable (not the manifest's files, `/posters/manifest/…`, which change in place);
 *   HTML and every other file must be revalidated (`no-cache`) because WeChat's browser caches hard
 *   and a 公示 page must never show an old version; API answers are `no-store` unless the route
 *   chose otherwise; errors are never stored.
 */
import type { MiddlewareHandler } from 'hono';
import type { Config } from '../../src/config.ts';
import type { AppEnv } from '../app-env.ts';

type TileConfig = Pick<Config, 'TIANDITU_KEY' | 'OSM_TILE_URL'>;

const TIANDITU_HOSTS = Array.from({ length: 8 }, (_, i) => `https://t${i}.tianditu.gov.cn`);

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';
export const NO_STORE = 'no-store';

/**
 * The origins map tiles may come from, as CSP sources.
 *
 * @example
 * tileSources({ OSM_TILE_URL: 'https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png' })
 * // ['https://*.tile.openstreetmap.org']
 */
export function tileSources(config: TileConfig): string[] {
  const sources: string[] = [];
  if (config.TIANDITU_KEY) sources.push(...TIANDITU_HOSTS);
  if (config.OSM_TILE_URL) {
    const source = originOfTemplate(config.OSM_TILE_URL);
    if (source) sources.push(source);
  }
  return sources;
}

/** `https://{s}.tile.example.org/{z}/{x}/{y}.png` → `https://*.tile.example.org`; null when unusable. */
function originOfTemplate(template: string): string | null {
  const match = /^(https?):\/\/([^/?#]+)/i.exec(template.trim());
  if (!match) return null;
  const [, scheme, hostPart] = match as unknown as [string, string, string];
  // Only the leftmost label may be a placeholder (CSP allows a wildcard there and nowhere else).
  const host = hostPart.replace(/^\{[a-z]+\}\./i, '*.');
  if (/[{}\s'";,]/.test(host)) return null;
  return `${scheme.toLowerCase()}://${host.toLowerCase()}`;
}

/** The site's Content-Security-Policy. `https` adds `upgrade-insecure-requests`. */
export function sitePolicy(config: TileConfig, https: boolean): string {
  const directives = [
    "default-src 'self'",
    "script-src 'self'",
    // Astro inlines small stylesheets as <style>; style injection cannot run code.
    "style-src 'self' 'unsafe-inline'",
    ["img-src 'self' data: blob:", ...tileSources(config)].join(' '),
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    // Same-origin framing only, so a page may preview a PDF poster in an <iframe>.
    "frame-ancestors 'self'",
  ];
  if (https) directives.push('upgrade-insecure-requests');
  return directives.join('; ');
}

/** API answers are data, never documents: nothing may load from or frame them. */
export const API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/**
 * Project documents (`/files/…`: PDF, JPEG, PNG, or the page of a withdrawn one): nothing may run
 * or load from elsewhere. Chromium shows a PDF through its own viewer, an embedded plugin with
 * inline styles in a page it makes up, which `object-src 'none'` or a `default-src` without inline
 * styles would block (crbug.com/271452), hence `object-src 'self'` and `style-src 'unsafe-inline'`.
 */
export const DOCUMENT_POLICY = "default-src 'none'; object-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'";

/** The Cache-Control for a response, or null to keep the one the route set. */
export function cacheControlFor(path: string, status: number, existing: string | null): string | null {
  // A route may always forbid storing (a page showing one household's payments, or a message and
  // reply phone sent back to its writer); only looser settings are replaced.
  if (existing && /(^|[\s,])no-store($|[\s,])/i.test(existing)) return null;
  const ok = status === 200 || status === 304 || status === 206;
  if (path.startsWith('/api/')) return ok && existing ? null : NO_STORE;
  if (!ok) return status >= 300 && status < 400 ? REVALIDATE : NO_STORE;
  if (path.startsWith('/_astro/') || CONTENT_NAMED_POSTER.test(path)) return IMMUTABLE;
  return REVALIDATE;
}

/** A poster file named by its content key (`/posters/2024/430482105205-546ea934f3385ae6-a4.pdf`), not a file of the manifest (`/posters/manifest/2024/430482105.json`). */
const CONTENT_NAMED_POSTER = /^\/posters\/.*[0-9a-f]{16}[^/]*$/;

/** Adds the security and caching headers to every response of the app it is mounted on. */
export function securityHeaders(config: Config): MiddlewareHandler<AppEnv> {
  const policies = { http: sitePolicy(config, false), https: sitePolicy(config, true) };
  return async (c, next) => {
    await next();
    const https = new URL(c.req.url).protocol === 'https:';
    const path = c.req.path;
    // Assigning c.res makes Hono copy the response (and its headers) into a new, mutable one.
    if (!headersMutable(c.res)) c.res = new Response(c.res.body, c.res);
    const notModified = notModifiedSince(c.req.raw, c.res);
    if (notModified) c.res = notModified;
    const res = c.res;
    const h = res.headers;
    h.set('Content-Security-Policy', path.startsWith('/api/') ? API_POLICY : path.startsWith('/files/') ? DOCUMENT_POLICY : https ? policies.https : policies.http);
    h.set('X-Content-Type-Options', 'nosniff');
    h.set('X-Frame-Options', 'SAMEORIGIN');
    h.set('Referrer-Policy', 'strict-origin-when-cross-origin');
    h.set('Permissions-Policy', 'camera=(), microphone=(), payment=(), usb=(), geolocation=(self)');
    h.set('Cross-Origin-Opener-Policy', 'same-origin');
    // Only the origin itself: a county's gov.cn parent domain may still have plain-HTTP hosts.
    if (https) h.set('Strict-Transport-Security', 'max-age=31536000');
    const cache = cacheControlFor(path, res.status, h.get('Cache-Control'));
    if (cache) h.set('Cache-Control', cache);
  };
}

function headersMutable(res: Response): boolean {
  try {
    res.headers.set('X-Content-Type-Options', 'nosniff');
    return true;
  } catch {
    return false;
  }
}

/**
 * Answers a conditional GET with 304 when the file has not changed since `If-Modified-Since`.
 * The Worker's assets do this (with ETags) themselves; Node's static files only send Last-Modified,
 * and `no-cache` HTML is only cheap to revalidate if someone answers the revalidation.
 */
function notModifiedSince(req: Request, res: Response): Response | null {
  if ((req.method !== 'GET' && req.method !== 'HEAD') || res.status !== 200) return null;
  const since = req.headers.get('If-Modified-Since');
  const modified = res.headers.get('Last-Modified');
  if (!since || !modified || req.headers.has('If-None-Match')) return null;
  const sinceMs = Date.parse(since);
  const modifiedMs = Date.parse(modified);
  if (Number.isNaN(sinceMs) || Number.isNaN(modifiedMs) || modifiedMs > sinceMs) return null;
  void res.body?.cancel();
  const headers = new Headers(res.headers);
  headers.delete('Content-Length');
  return new Response(null, { status: 304, headers });
}
