/**
 * Node entry: serves the built site and the Hono app over the file (or Turso) database.
 * This is the embedded default and a real self-hosting option (e.g. on a government cloud).
 */
import { serve, type ServerType } from '@hono/node-server';
import { every } from 'hono/combine';
import { join, resolve } from 'node:path';
import type { Database } from '../db/database.ts';
import { loadCountySettings, posterSettingsFor } from '../src/data/county-settings.ts';
import type { Config } from '../src/config.ts';
import { posterSource } from '../src/data/poster-source.ts';
import { readPosterSettings, type PosterSettings } from '../src/posters/model.ts';
import type { ManifestPart } from '../src/posters/manifest.ts';
import { createPosterManifestReader } from '../src/posters/manifest-store.ts';
import { createPosterOnDemand, type PosterOnDemand } from '../src/posters/on-demand.ts';
import { createApp } from './app.ts';
import type { AppDeps } from './app-env.ts';
import type { Logger } from './logger.ts';
import { nodeDraftPosters, nodePosterFiles, nodeReportPdf } from './node-posters.ts';
import { nodeOnDemandPages, type OnDemandPages } from './node-on-demand.ts';
import { nodeStaticSite, preparingPage } from './node-static.ts';
import { posterRedirects } from './poster-redirects.ts';
import { nodeShareCards } from './node-share-cards.ts';
import { nodeFileDeps } from './storage/node-files.ts';
import { createUploadThread } from './upload-thread.ts';

export interface NodeServerOptions {
  db: Database;
  config: Config;
  logger: Logger;
  clock?: () => Date;
  /** Folder of the built site; defaults to config.SITE_DIR. A function so a rebuild can swap it. */
  siteDir?: () => string;
  /** True while the first build of a fresh install runs: pages answer 503 “网站正在准备” meanwhile (the API as usual). */
  preparing?: () => boolean;
  /** Runs after a publish (e.g. rebuild the site and swap siteDir); see AppDeps.onPublished. */
  onPublished?: AppDeps['onPublished'];
  /**
   * The poster folder and the settings the manifest was planned with (or how to read them, at
   * each manifest change): planned posters missing from the folder are drawn when first
   * requested. Without it, posters are plain static files.
   */
  posters?: { dir: string; settings: PosterSettings | (() => Promise<PosterSettings>); workers?: number };
  /** Outgoing HTTP for the Cloudflare Access keys (AppDeps.fetch); e2e tests serve a local JWKS. */
  fetch?: AppDeps['fetch'];
  /**
   * Run uploads on a worker thread with its own connection (default), so that reading and checking
   * a file never holds up the site; false runs them on the request's thread. An in-memory
   * database cannot be shared with a thread and always runs in process.
   */
  uploadThread?: boolean;
  /**
   * Pulls other connections' writes into `db` when it is an embedded replica (db/client.ts): run
   * after each upload, whose thread writes to the primary, so the next request reads what it wrote.
   */
  syncDatabase?: () => Promise<void>;
}

export interface RunningServer {
  server: ServerType;
  port: number;
  /** On-demand posters, when `posters` was given (e.g. to warm a year after start). */
  posters: PosterOnDemand | null;
  /** The on-demand pages (village, project, version, verification), for a build that has them. */
  pages: OnDemandPages;
  close(): Promise<void>;
}

export function startNodeServer(options: NodeServerOptions): Promise<RunningServer> {
  const { db, config, logger } = options;
  const defaultDir = resolve(config.SITE_DIR);
  const posters = options.posters
    ? createPosterOnDemand({ source: posterSource(db), ...options.posters, log: (level, message, fields) => logger.log(level, message, fields) })
    : null;
  // Posters before the built site: a planned poster missing from the folder is drawn there. After
  // it, a poster name from before a settings change is sent to the same version's current file.
  const siteDir = options.siteDir ?? (() => defaultDir);
  const site = nodeStaticSite(siteDir);
  const pages = nodeOnDemandPages({ siteDir, db, config, logger, ...(options.posters ? { posterDir: options.posters.dir } : {}) });
  // Without on-demand posters, the built site's copy of the manifest (a reader per build folder).
  const siteManifests = new Map<string, ReturnType<typeof createPosterManifestReader>>();
  const siteManifestPart = (part: ManifestPart) => {
    const dir = join(siteDir(), 'posters');
    let reader = siteManifests.get(dir);
    if (!reader) {
      siteManifests.clear();
      siteManifests.set(dir, (reader = createPosterManifestReader(dir)));
    }
    return reader.part(part);
  };
  const redirects = posterRedirects(posters ? (part) => posters.manifestPart(part) : siteManifestPart);
  const cards = nodeShareCards(async () => (options.posters ? (await readPosterSettings(options.posters.settings)).siteUrl : config.SITE_URL));
  const served = posters ? every(nodePosterFiles(posters), site, pages.middleware, cards, redirects) : every(site, pages.middleware, cards, redirects);
  const staticSite = options.preparing ? every(preparingPage(options.preparing), served) : served;
  const uploads =
    options.uploadThread === false || /:memory:|mode=memory/.test(config.DATABASE_URL)
      ? null
      : createUploadThread({ db, url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN, logger, ...(options.syncDatabase ? { afterJob: options.syncDatabase } : {}) });
  const app = createApp({
    db,
    config,
    logger,
    runUpload: uploads?.run,
    clock: options.clock ?? (() => new Date()),
    runtime: 'node',
    staticSite,
    compressResponses: true,
    // A change is live on the on-demand pages at once; the rest of the site follows the rebuild.
    // Without a hook, nothing on the site follows a change (the API says so: not_configured).
    onPublished: options.onPublished && (async (event) => {
      pages.forget();
      // The new versions' posters, named from their townships alone: the manifest's change makes
      // the pages render again, now linking them (functions/node-on-demand.ts).
      if (posters && event.reason === 'publish' && event.year !== null && event.villageCodes?.length) {
        await posters.planVillages(event.year, event.villageCodes).catch((error: unknown) => logger.log('warn', 'naming the new posters failed; the rebuild names them', { error: String(error) }));
      }
      await options.onPublished?.(event);
    }),
    fetch: options.fetch,
    files: nodeFileDeps(config),
    reportPdf: nodeReportPdf(),
    // 草稿 previews with the poster settings when given, else the county's settings as stored when drawn.
    draftPosters: nodeDraftPosters(options.posters?.settings ?? (async () => posterSettingsFor(await loadCountySettings(db, config), config.SITE_URL))),
  });
  return new Promise((resolveStart) => {
    const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
      resolveStart({
        server,
        port: info.port,
        posters,
        pages,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => void Promise.all([posters?.close(), uploads?.close()]).then(() => done()));
            // Keep-alive connections would hold close() open; end idle ones now.
            if ('closeIdleConnections' in server) server.closeIdleConnections();
          }),
      });
    });
  });
}
