/**
 * Cloudflare Worker: one Worker serves the static site from its assets binding, the pages there is
 * one of per village, project, version or verification code (rendered when asked, see
 * {@link WorkerPages}), and the Hono app for `/api/*`, over libSQL's HTTP protocol (Turso in
 * production, the local dev server in `npm run preview`). It differs from the Node entry
 * (functions/node-server.ts) only in what it passes to createApp: the web database client, the
 * assets binding and those pages as the static site.
 *
 * The Worker deployed is functions/worker-pages.ts, built by `npm run build` with the site (Astro's
 * Vite bundles the pages into it). This module's default export is the same Worker without the
 * pages: what the contract tests run in workerd, bundled by wrangler alone.
 *
 * The Worker runs first for every path (`run_worker_first = true` in wrangler.toml) so the site's
 * pages get the same security and caching headers as in Node. Deploy with `wrangler deploy -c
 * wrangler.toml` as a Worker with static assets, never with Pages commands.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Hono, MiddlewareHandler } from 'hono';
import { every } from 'hono/combine';
import { openWebDatabase } from '../db/client-web.ts';
import type { Database } from '../db/database.ts';
import { ConfigError, loadConfig, type Config } from '../src/config.ts';
import { countyManifestPath, findVillagePoster, manifestFiles, manifestPartOf, parsePosterManifest, villageManifestPart, type ManifestPart, type PosterManifest } from '../src/posters/manifest.ts';
import { publicPageStamp } from '../src/data/poster-plan-parts.ts';
import { sha256Hex } from '../src/domain/disclosure/disclosure-content.ts';
import { shanghaiDate } from '../src/domain/shared/dates.ts';
import { createApp } from './app.ts';
import { posterRedirects } from './poster-redirects.ts';
import { inProcessUploadRunner } from './routes/upload-run.ts';
import type { AppEnv } from './app-env.ts';
import { deployHookOnPublished } from './deploy-hook.ts';
import { createJsonLogger } from './logger.ts';
import { r2PosterStore, type R2PosterBucket } from './storage/poster-store.ts';
import { storedPosterFiles, storedShareCards } from './stored-posters.ts';
import { createWorkerPosters, drawnPosterFiles } from './worker-posters.ts';
import { gzippedAssets } from './gzipped-assets.ts';
import { r2FileStorage, type R2BucketLike } from './storage/r2-storage.ts';
import { stripOnlyReencoder } from './storage/strip-reencode.ts';

/** The assets binding (a Fetcher): answers with the built file for a request, or 404. */
export interface AssetsBinding {
  fetch(request: Request): Promise<Response>;
}

/** Bindings and variables the Worker receives: `[vars]` from wrangler.toml, secrets, `ASSETS`. */
export interface WorkerEnv {
  ASSETS: AssetsBinding;
  /** R2 bucket for uploaded poster photos (wrangler.toml [[r2_buckets]]). */
  FILES?: R2BucketLike;
  DATABASE_URL?: string;
  DATABASE_AUTH_TOKEN?: string;
  [name: string]: unknown;
}

/** Serves the built site from the assets binding; a miss falls through to the app's 404 page. */
export function assetsStaticSite(assets: AssetsBinding): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    const res = await assets.fetch(c.req.raw);
    if (res.status === 404) {
      await res.body?.cancel();
      return next();
    }
    return res;
  };
}

/**
 * The manifest of a part's county and year (`/posters/manifest/by-county/<year>/<county>.json`,
 * written by src/cli/site-build.ts: the county's township parts together), read from the assets;
 * null when there is none. A Worker version's assets never change (a new build is a new version,
 * in new isolates), so a file read is kept, parsed, for the isolate's later requests: at most
 * `MAX_PARTS_KEPT`, the least recently used dropped first. Only what has been read is shared: a
 * request never waits on another's read (workerd forbids waiting on another request's I/O).
 */
const MAX_PARTS_KEPT = 16;
const manifestParts = new WeakMap<AssetsBinding, Map<string, PosterManifest | null>>();
async function assetsPosterManifestPart(assets: AssetsBinding, part: ManifestPart): Promise<PosterManifest | null> {
  const parts = manifestParts.get(assets) ?? new Map<string, PosterManifest | null>();
  manifestParts.set(assets, parts);
  const path = countyManifestPath(part);
  if (parts.has(path)) {
    const kept = parts.get(path)!;
    // Most recently used last.
    parts.delete(path);
    parts.set(path, kept);
    return kept;
  }
  const res = await assets.fetch(new Request(`https://assets.invalid/posters/${path}`));
  let manifest: PosterManifest | null = null;
  if (res.ok) manifest = parsePosterManifest(await res.json().catch(() => null));
  else await res.body?.cancel();
  parts.set(path, manifest);
  for (const old of parts.keys()) {
    if (parts.size <= MAX_PARTS_KEPT) break;
    parts.delete(old);
  }
  return manifest;
}

/** The first PNG page of a village's current poster of a year, as the manifest (as `readPart` reads it) names it. */
async function currentPosterPage(readPart: (part: ManifestPart) => Promise<PosterManifest | null>, villageCode: string, year: number): Promise<string | null> {
  const manifest = await readPart(villageManifestPart(villageCode, year));
  return (manifest && findVillagePoster(manifest, villageCode, year)?.png[0]) ?? null;
}

/** Whether the poster manifest (as `readPart` reads it) lists the poster file `name`. */
async function isPlanned(readPart: (part: ManifestPart) => Promise<PosterManifest | null>, name: string): Promise<boolean> {
  const part = manifestPartOf(name);
  const manifest = part ? await readPart(part) : null;
  return manifest !== null && manifestFiles(manifest).has(name);
}

/**
 * A database handle that sends every use to the current request's own client. workerd forbids
 * sharing I/O between requests: with one libSQL client per isolate, a request queued behind
 * another's query (the client's concurrency limit) waits on a promise the other request resolves,
 * and workerd cancels it as hung (seen under 64 concurrent requests: 280 of 320 failed). The
 * handle itself stays the same object, so what is keyed by it (e.g. throttle counters) persists.
 */
export function perRequestDatabase(current: () => Database | undefined): Database {
  return new Proxy({} as Database, {
    get(_target, property) {
      const db = current();
      if (!db) throw new Error('the database was used outside a request');
      const value: unknown = Reflect.get(db, property, db);
      return typeof value === 'function' ? value.bind(db) : value;
    },
  });
}

const requestDatabase = new AsyncLocalStorage<Database>();

/** Rows one upload may have in the Worker, whose requests have a CPU limit (the Node entry reads up to 100,000). */
const WORKER_MAX_UPLOAD_ROWS = 20_000;

/**
 * The site's pages rendered in the Worker (functions/worker-pages.ts): the village, project,
 * version, history and verification pages, the villages' open data and feeds. They are not files
 * in the Worker's assets, so a publish needs no redeploy for them, and the assets stay as many as
 * the index pages, whatever the number of villages.
 */
export interface WorkerPages {
  /** Once per isolate, before the first page: where pages read the database and the posters' manifest. */
  setUp(site: { db: Database; config: Config; posterManifestPart: (part: ManifestPart) => Promise<PosterManifest | null> }): void;
  /** Runs `work` (a page's rendering) with its own site data: nothing it reads is shared with another request. */
  withRequestData<T>(work: () => Promise<T>): Promise<T>;
  /** The page at the request's path; 404 when no page answers it. */
  render(request: Request, env: WorkerEnv, ctx: unknown): Promise<Response>;
  /** The build's own id: pages kept by another build (another deploy) are never sent. */
  buildId: string;
}

/** The paths {@link WorkerPages} may answer (src/on-demand/adapter.mjs, ON_DEMAND_PAGES); every other goes on. */
const PAGE_PATHS = /^\/(?:villages|projects|verify|data\/villages|feeds\/villages|townships|counties)\//;

/** The part of the Workers Cache API used here (`caches.default`). */
interface PageCache {
  match(key: Request): Promise<Response | undefined>;
  put(key: Request, res: Response): Promise<void>;
}

/** How long a kept page may stay in the cache: its key changes with the day anyway. */
const KEPT_SECONDS = 24 * 60 * 60;

/**
 * Renders the on-demand pages for GET and HEAD; a path no page answers (404) goes on.
 *
 * A rendered page is kept in the data centre's cache (the Workers Cache API; a no-op on
 * workers.dev) under what it was rendered from: this build (its id), the last change
 * a public page can show and the newest poster plan (`publicPageStamp`, one round trip) and the day in Asia/Shanghai (a 公示期
 * ends at midnight). A request first asks that one query: its page's ETag follows from the key, so
 * a revalidation is answered 304 without rendering, and a kept page is sent without rendering; any
 * publish, answer, posting proof or settings change gives every page a new key. `X-Page-Cache`
 * says which (`hit`, `miss`, `revalidated`).
 */
export function workerPages(pages: WorkerPages, env: WorkerEnv, clock: () => Date = () => new Date()): MiddlewareHandler<AppEnv> {
  const cache = (globalThis as { caches?: { default?: PageCache } }).caches?.default ?? null;
  return async (c, next) => {
    if ((c.req.method !== 'GET' && c.req.method !== 'HEAD') || !PAGE_PATHS.test(c.req.path)) return next();
    // As the static files: a path that does not decode, or holds a NUL, names no page.
    let decoded: string;
    try {
      decoded = decodeURIComponent(c.req.path);
    } catch {
      return next();
    }
    if (decoded.includes('\0')) return next();
    const stamp = await publicPageStamp(c.get('deps').db);
    const keyText = `${pages.buildId}/${stamp}/${shanghaiDate(clock())}${c.req.path}`;
    const etag = `"${(await sha256Hex(keyText)).slice(0, 22)}"`;
    const asked = (c.req.header('If-None-Match') ?? '').split(',').map((t) => t.trim().replace(/^W\//, ''));
    // The tag is sent only with a page rendered (200) under this very key, and the same key renders
    // the same page: a browser holding it has the page as it is now.
    if (asked.includes(etag)) return new Response(null, { status: 304, headers: { ETag: etag, 'X-Page-Cache': 'revalidated' } });
    const key = new Request(`https://pages.invalid/${encodeURIComponent(keyText)}`);
    const kept = cache ? await cache.match(key) : undefined;
    if (kept) {
      const headers = new Headers(kept.headers);
      headers.set('X-Page-Cache', 'hit');
      return new Response(c.req.method === 'HEAD' ? null : kept.body, { status: 200, headers });
    }
    // Rendered by path alone, as the static file it stands for: no query string, no cookies.
    const request = new Request(new URL(c.req.path, c.req.url), { method: 'GET' });
    const res = await pages.withRequestData(() => pages.render(request, env, c.executionCtx));
    if (res.status === 404) {
      await res.body?.cancel();
      return next();
    }
    const headers = new Headers(res.headers);
    // As the static files are sent (Astro says text/html without a charset).
    if (headers.get('content-type') === 'text/html') headers.set('content-type', 'text/html; charset=utf-8');
    if (res.status !== 200) return new Response(res.body, { status: res.status, headers });
    headers.set('ETag', etag);
    const body = await res.arrayBuffer();
    if (cache) {
      const stored = new Headers(headers);
      stored.set('Cache-Control', `public, max-age=${KEPT_SECONDS}`);
      c.executionCtx.waitUntil(cache.put(key, new Response(body, { status: 200, headers: stored })));
    }
    headers.set('X-Page-Cache', 'miss');
    return new Response(c.req.method === 'HEAD' ? null : body, { status: 200, headers });
  };
}

export interface WorkerOptions {
  /** The on-demand pages (functions/worker-pages.ts); without them the Worker serves its assets and the API. */
  pages?: WorkerPages;
  /**
   * HarfBuzz's subsetter (`harfbuzz-subset.wasm`, compiled): with it and the pages, the Worker names
   * a publish's posters and draws those the bucket lacks (functions/worker-posters.ts); without it
   * only the deploy draws posters.
   */
  posterSubsetter?: WebAssembly.Module;
}

interface BuiltApp {
  env: WorkerEnv;
  app: Hono<AppEnv>;
  config: Config;
}

/**
 * Builds the app once per isolate (per env object): configuration is parsed and validated here,
 * the first time a request arrives, which is a Worker's start-up. The database is per request.
 */
export function appFor(env: WorkerEnv, options: WorkerOptions = {}, built?: BuiltApp): BuiltApp {
  if (built?.env === env) return built;
  const vars: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (typeof value === 'string') vars[name] = value;
  if (!vars.DATABASE_URL || vars.DATABASE_URL.startsWith('file:')) {
    throw new ConfigError(
      'Invalid configuration:\n  DATABASE_URL: the Worker needs a libsql:// or https:// database URL (a Turso database; ' +
        'set it with `npx wrangler secret put DATABASE_URL`, or in .dev.vars locally)',
    );
  }
  const config = loadConfig(vars);
  const logger = createJsonLogger(config.LOG_LEVEL);
  const db = perRequestDatabase(() => requestDatabase.getStore());
  // The posters npm run deploy draws and stores in the bucket (functions/storage/poster-store.ts),
  // and those the Worker draws after a publish (functions/worker-posters.ts).
  const posters = env.FILES ? r2PosterStore(env.FILES as unknown as R2PosterBucket) : null;
  const builtPart = (part: ManifestPart) => assetsPosterManifestPart(env.ASSETS, part);
  const drawing =
    posters && options.pages && options.posterSubsetter
      ? createWorkerPosters({ db, assets: env.ASSETS, store: posters, buildId: options.pages.buildId, subsetter: options.posterSubsetter, builtPart, clock: () => new Date(), log: (level, message, fields) => logger.log(level, message, fields) })
      : null;
  // The part pages link from: a publish's own plan first (drawing), else the build's.
  const posterPart = drawing ? drawing.part : builtPart;
  const hook = deployHookOnPublished(config.DEPLOY_HOOK_URL, logger);
  const app = createApp({
    db,
    config,
    clock: () => new Date(),
    logger,
    runtime: 'workerd',
    // The built files, then the pages rendered here; a poster name from before a settings change
    // goes to the same version's current file.
    staticSite: every(
      assetsStaticSite(env.ASSETS),
      gzippedAssets(env.ASSETS),
      ...(options.pages ? [workerPages(options.pages, env)] : []),
      ...(posters ? [storedPosterFiles(posters), ...(drawing ? [drawnPosterFiles(drawing)] : []), storedShareCards(posters, config.SITE_URL, drawing ? (code, year) => currentPosterPage(drawing.part, code, year) : undefined)] : []),
      posterRedirects(posterPart),
    ),
    // The new versions' posters are named at once (pages link them, the Worker draws them when
    // asked); the rest of the site cannot be rebuilt in a Worker: it asks Cloudflare to (deploy hook).
    onPublished:
      drawing || hook
        ? async (event) => {
            if (drawing && event.reason === 'publish' && event.year !== null && event.villageCodes?.length) {
              await drawing.planVillages(event.year, event.villageCodes).catch((error: unknown) => logger.log('warn', 'naming the new posters failed; the deploy names them', { error: String(error) }));
            }
            await hook?.(event);
          }
        : undefined,
    rebuildsSite: hook !== undefined,
    // sharp does not run in workerd: JPEG metadata is stripped losslessly instead (docs/villager-side.md).
    posterStore: posters ? { store: posters, isPlanned: (name) => isPlanned(posterPart, name) } : undefined,
    files: env.FILES ? { storage: r2FileStorage(env.FILES), reencodeImage: stripOnlyReencoder } : undefined,
    // Uploads run in the request, within the Worker's CPU limit: past WORKER_MAX_UPLOAD_ROWS rows a
    // file is refused with 413 TOO_MANY_ROWS before it is checked (the Node entry takes 100,000).
    runUpload: inProcessUploadRunner(db, { maxRows: WORKER_MAX_UPLOAD_ROWS }),
  });
  options.pages?.setUp({ db, config, posterManifestPart: posterPart });
  return { env, app, config };
}

/** The Worker: its fetch handler and its nightly job. */
export function createWorker(options: WorkerOptions = {}) {
  let built: BuiltApp | undefined;
  return {
    fetch(request: Request, env: WorkerEnv, ctx: unknown): Response | Promise<Response> {
      let app: Hono<AppEnv>;
      let config: Config;
      try {
        built = appFor(env, options, built);
        ({ app, config } = built);
      } catch (error) {
        // A broken deployment must be obvious: log which variable is wrong, answer 503 everywhere.
        console.error(JSON.stringify({ time: new Date().toISOString(), level: 'error', message: 'configuration invalid', error: String(error) }));
        return Response.json(
          { code: 'CONFIG_INVALID', message: '网站配置有误，暂时无法访问。请联系县移民事务中心。', requestId: crypto.randomUUID() },
          { status: 503, headers: { 'Cache-Control': 'no-store' } },
        );
      }
      // A client is a few objects and no connection: one per request is cheap (see perRequestDatabase).
      const db = openWebDatabase({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN });
      return requestDatabase.run(db, () => app.fetch(request, env, ctx as never));
    },

    /**
     * The daily rebuild (wrangler.toml [triggers]): pages say whether a 公示期 is still running,
     * which is decided at build time, so the site is rebuilt through the deploy hook every night.
     */
    async scheduled(_controller: unknown, env: WorkerEnv, ctx: { waitUntil(promise: Promise<unknown>): void }): Promise<void> {
      const url = typeof env.DEPLOY_HOOK_URL === 'string' ? env.DEPLOY_HOOK_URL : '';
      if (!url) return;
      ctx.waitUntil(
        fetch(url, { method: 'POST' }).then((res) =>
          console.log(JSON.stringify({ time: new Date().toISOString(), level: res.ok ? 'info' : 'error', message: 'nightly rebuild requested', status: res.status })),
        ),
      );
    },
  };
}

export default createWorker();
