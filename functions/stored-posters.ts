/**
 * The Worker's answers from its poster store (functions/storage/poster-store.ts): the posters at
 * `/posters/<year>/<file>` and the share cards at `/share/villages/<code>/<year>.png`.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { loadCurrentVersion } from '../src/data/disclosures.ts';
import { shareCardStoreName } from '../src/posters/card-model.ts';
import { isManifestName, POSTER_FILE_NAME } from '../src/posters/manifest.ts';
import type { AppEnv } from './app-env.ts';
import { IMMUTABLE_CACHE, type PosterStore } from './storage/poster-store.ts';

/** Sends a poster file, named by its content, with a cache for good (HEAD: the headers only). */
export function sendPosterFile(c: Context<AppEnv>, file: { bytes: Uint8Array; contentType: string }, headers: Record<string, string> = {}): Response {
  c.header('Content-Type', file.contentType);
  c.header('Content-Length', String(file.bytes.byteLength));
  c.header('Cache-Control', IMMUTABLE_CACHE);
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  if (c.req.method === 'HEAD') return c.body(null, 200);
  return c.body(file.bytes as Uint8Array<ArrayBuffer>, 200);
}

/** Serves `/posters/<year>/<file>` from the store; anything else (or a file not stored) goes on. */
export function storedPosterFiles(store: PosterStore, urlPrefix = '/posters'): MiddlewareHandler<AppEnv> {
  const prefix = `${urlPrefix.replace(/\/+$/, '')}/`;
  return async (c, next) => {
    if ((c.req.method !== 'GET' && c.req.method !== 'HEAD') || !c.req.path.startsWith(prefix)) return next();
    const name = c.req.path.slice(prefix.length);
    // Checked against the strict pattern before it reaches the bucket.
    if (isManifestName(name) || !POSTER_FILE_NAME.test(name)) return next();
    const file = await store.get(name);
    return file ? sendPosterFile(c, file) : next();
  };
}

/** The path of a village's share card (发到村民群) of a year, as pages link it. */
export const SHARE_CARD_PATH = /^\/share\/villages\/(\d{12})\/(\d{4})\.png$/;

/**
 * Serves `/share/villages/<code>/<year>.png`, the card of the year's current version, from the
 * store (drawn by the deploy, src/cli/poster-sync.ts). A correction changes the card at the same
 * address: revalidated by its ETag (the one the Node server sends), never cached for good. Until
 * the deploy has drawn a new version's card, `posterInstead` may name a picture of the same
 * version (the Worker: its poster's first page, which it can draw), sent with a 302 that is always
 * revalidated, so the address never shows an older version's figures.
 */
export function storedShareCards(store: PosterStore, siteUrl: string, posterInstead?: (villageCode: string, year: number) => Promise<string | null>): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    const m = SHARE_CARD_PATH.exec(c.req.path);
    if (!m) return next();
    const d = await loadCurrentVersion(c.get('deps').db, 'village', m[1]!, Number(m[2]));
    if (!d) return next();
    const name = await shareCardStoreName(d, siteUrl);
    const etag = `"${name.slice(-28, -4)}"`;
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, { ETag: etag });
    const file = await store.get(name);
    if (!file) {
      const instead = await posterInstead?.(m[1]!, Number(m[2]));
      return instead ? c.redirect(instead, 302) : next();
    }
    c.header('Content-Type', 'image/png');
    c.header('Content-Length', String(file.bytes.byteLength));
    c.header('ETag', etag);
    if (c.req.method === 'HEAD') return c.body(null, 200);
    return c.body(file.bytes as Uint8Array<ArrayBuffer>, 200);
  };
}
