/**
 * The Node server's on-demand pages: the pages there is one of per village, project, version or
 * verification code are not files in the built site (src/on-demand/adapter.mjs) but rendered here
 * from the published snapshots when first asked, by the server entry of the same build
 * (`<build>/server/entry.mjs`). A rendered page is kept in memory until something public changes
 * (`forget()`, called on every publish, answer, posting proof or settings change, and nightly), so
 * a correction is live as soon as it is published, without rebuilding the other pages.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MiddlewareHandler } from 'hono';
import type { Database } from '../db/database.ts';
import type { Config } from '../src/config.ts';
import { createPosterManifestReader } from '../src/posters/manifest-store.ts';
import type { AppEnv } from './app-env.ts';
import type { Logger } from './logger.ts';

/** What `<build>/server/entry.mjs` exports (src/on-demand/entry.ts). */
interface OnDemandEntry {
  renderPage(request: Request): Promise<Response>;
  forgetSiteData(): void;
  provideSiteDatabase(provided: { db: Database; config: Config }): void;
  useSitePosterDir(dir: string): void;
}

export interface OnDemandPagesOptions {
  /** The built site being served (`<build>/client`); its server entry is `<build>/server/entry.mjs`. */
  siteDir: () => string;
  db: Database;
  config: Config;
  logger: Logger;
  /** The posters folder the pages link into (POSTER_DIR); default: the entry's own default. */
  posterDir?: string;
  /**
   * Bytes of rendered pages kept in memory (default 64 MiB); the least recently used go first. A
   * page larger than a sixteenth of it is sent but not kept.
   */
  cacheBytes?: number;
}

export interface OnDemandPages {
  middleware: MiddlewareHandler<AppEnv>;
  /** Drops every rendered page and what the pages loaded: the next request renders from the database. */
  forget(): void;
  /** Pages kept, and their bytes (for tests and the benchmark). */
  stats(): { pages: number; bytes: number; renders: number };
}

interface Rendered {
  status: number;
  headers: [string, string][];
  body: Uint8Array<ArrayBuffer>;
  etag: string;
}

export function nodeOnDemandPages(options: OnDemandPagesOptions): OnDemandPages {
  const limit = options.cacheBytes ?? 64 * 1024 * 1024;
  const cache = new Map<string, Rendered>();
  const inFlight = new Map<string, Promise<Rendered | null>>();
  const entries = new Map<string, Promise<OnDemandEntry | null>>();
  let bytes = 0;
  let generation = 0;
  let renders = 0;

  const loadEntry = (serverDir: string): Promise<OnDemandEntry | null> => {
    let entry = entries.get(serverDir);
    if (!entry) {
      entry = importEntry(serverDir).then((loaded) => {
        if (loaded) {
          loaded.provideSiteDatabase({ db: options.db, config: options.config });
          if (options.posterDir) loaded.useSitePosterDir(options.posterDir);
        }
        return loaded;
      });
      entries.set(serverDir, entry);
      entry.catch(() => entries.delete(serverDir));
      // One per rebuild: keep the last few (identical builds share one imported module anyway).
      for (const old of entries.keys()) if (entries.size > 4 && old !== serverDir) entries.delete(old);
    }
    return entry;
  };

  const remember = (key: string, page: Rendered) => {
    if (page.body.byteLength > limit / 16) return;
    cache.set(key, page);
    bytes += page.body.byteLength;
    for (const [oldKey, old] of cache) {
      if (bytes <= limit) break;
      cache.delete(oldKey);
      bytes -= old.body.byteLength;
    }
  };

  const render = async (entry: OnDemandEntry, url: string, key: string): Promise<Rendered | null> => {
    const started = generation;
    renders++;
    const res = await entry.renderPage(new Request(url));
    if (res.status === 404) {
      await res.body?.cancel();
      return null;
    }
    const body = new Uint8Array(await res.arrayBuffer());
    const headers = new Headers(res.headers);
    // As the static files are sent (Astro says text/html without a charset).
    if (headers.get('content-type') === 'text/html') headers.set('content-type', 'text/html; charset=utf-8');
    const page: Rendered = {
      status: res.status,
      headers: [...headers.entries()],
      body,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
    };
    // A page rendered from data older than the last change is sent once, never kept.
    if (res.status === 200 && started === generation) remember(key, page);
    return page;
  };

  // Village and project pages link the posters the manifest names: a part of it planned afresh
  // (after a publish, a rebuild) outdates the pages kept, whichever order the publish and the
  // planning happened in. Every change of a part rewrites the manifest's index, so one stat of it
  // per request tells; all pages are dropped then (a project page links the posters of villages in
  // other townships, so "the pages of that township" is no simple set).
  const manifest = options.posterDir ? createPosterManifestReader(options.posterDir) : null;
  let manifestStamp: string | null = null;
  const checkManifest = () => {
    if (!manifest) return;
    const stamp = manifest.stamp();
    if (manifestStamp !== null && stamp !== manifestStamp) forget();
    manifestStamp = stamp;
  };

  const forget = () => {
    generation++;
    cache.clear();
    inFlight.clear();
    bytes = 0;
    for (const entry of entries.values()) void entry.then((e) => e?.forgetSiteData(), () => undefined);
  };

  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    checkManifest();
    // As the static files: a path that does not decode, or holds a NUL, names no page (and must not
    // fill the cache with variants of one).
    if (!decodesCleanly(c.req.path)) return next();
    const serverDir = resolve(options.siteDir(), '..', 'server');
    const entry = await loadEntry(serverDir);
    if (!entry) return next();
    const path = c.req.path;
    const key = `${serverDir}\n${path}`;
    let page = cache.get(key) ?? null;
    if (page) {
      // Most recently used last.
      cache.delete(key);
      cache.set(key, page);
    } else {
      let pending = inFlight.get(key);
      if (!pending) {
        // The query string is not the page's: rendered (and kept) by path alone.
        const url = new URL(path, c.req.url).href;
        pending = render(entry, url, key).finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      try {
        page = await pending;
      } catch (error) {
        options.logger.log('error', 'on-demand page failed', { path, error: error instanceof Error ? error.message : String(error) });
        throw error;
      }
    }
    if (!page) return next();
    const headers = new Headers(page.headers);
    headers.set('ETag', page.etag);
    // Compression weakens the tag it sends (W/"…"): either form revalidates.
    const asked = (c.req.header('If-None-Match') ?? '').split(',').map((t) => t.trim().replace(/^W\//, ''));
    if (asked.includes(page.etag)) return new Response(null, { status: 304, headers: { ETag: page.etag } });
    return new Response(c.req.method === 'HEAD' ? null : page.body, { status: page.status, headers });
  };

  return {
    middleware,
    forget,
    stats: () => ({ pages: cache.size, bytes, renders }),
  };
}

/**
 * Imports a build's server entry, from a copy named by its content: a rebuild swaps in a new folder
 * and removes the old one (src/cli/site-rebuild.ts), while an entry imports its page modules only
 * when first asked. The same code built again has the same name, so it is imported once.
 */
async function importEntry(serverDir: string): Promise<OnDemandEntry | null> {
  if (!existsSync(join(serverDir, 'entry.mjs'))) return null;
  const hash = createHash('sha256');
  const files = readdirSync(serverDir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
  for (const file of files) hash.update(relative(serverDir, file)).update('\0').update(readFileSync(file)).update('\0');
  // Beside the build folder (inside the project, so the entry finds node_modules as it did there).
  const copy = resolve(serverDir, '..', '..', '.site-server', hash.digest('hex').slice(0, 16));
  if (!existsSync(join(copy, 'entry.mjs'))) {
    // Copied under a temporary name and renamed, so no process ever imports a half-copied folder.
    const partial = `${copy}.${process.pid}-${Date.now()}`;
    cpSync(serverDir, partial, { recursive: true });
    try {
      renameSync(partial, copy);
    } catch {
      // Another process renamed the same content in first.
      rmSync(partial, { recursive: true, force: true });
    }
  }
  return (await import(pathToFileURL(join(copy, 'entry.mjs')).href)) as OnDemandEntry;
}

function decodesCleanly(path: string): boolean {
  try {
    return !decodeURIComponent(path).includes('\0');
  } catch {
    return false;
  }
}
