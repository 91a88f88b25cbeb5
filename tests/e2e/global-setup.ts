/**
 * End-to-end setup: a fresh database with the sample county, the site built from it, and the
 * Node server on a free port, wired as `npm start` wires it: village, project, version and
 * verification pages rendered on demand (functions/node-on-demand.ts), and a publish, an answer or
 * an accepted posting photo rebuilds the rest of the site into a new folder and swaps it in
 * (src/cli/site-rebuild.ts). The same database is also built as a static site (every page a file)
 * and as `npm run build` builds it for the Worker.
 * Tests get the base URL through `inject('baseUrl')`. Posters are only planned, into this run's own folder;
 * the server draws the few that tests fetch.
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrateDatabase, openDatabase } from '../../db/client.ts';
import { startNodeServer } from '../../functions/node-server.ts';
import { createMemoryLogger } from '../../functions/logger.ts';
import { loadConfig } from '../../src/config.ts';
import { posterSettingsFromEnv } from '../../src/cli/posters.ts';
import { loadSampleCounty } from '../../src/cli/sample-data.ts';
import type { PosterSettings } from '../../src/posters/model.ts';
import { buildSite, PROJECT_ROOT } from '../../src/cli/site-build.ts';
import { createSiteRebuilder } from '../../src/cli/site-rebuild.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    /** The site as first built for the Node server (files that no publish changes; no on-demand pages). */
    siteDir: string;
    /**
     * The same database built for a static host: every page a file, the on-demand ones included.
     * What the Node server and the Worker render on demand must equal it.
     */
    staticSiteDir: string;
    /**
     * The same database built as `npm run build` builds for the Worker (functions/worker-pages.ts):
     * the index pages as files, `server/` the Worker with the other pages, `server/wrangler.json`
     * its configuration. With a copy of the database as first built, for the Worker alone.
     */
    workerBuild: { outDir: string; databaseUrl: string };
    databaseUrl: string;
    /** A copy of the database as first built (the sample, before any test changed it), with its poster folder. */
    pristine: { databaseUrl: string; posterDir: string };
    /** This run's poster folder (POSTER_DIR), planned but empty at the start. */
    posterDir: string;
    /** The settings the posters were planned with (what the server draws them with). */
    posterSettings: PosterSettings;
  }
}

/** The e2e Worker build gzips text files over this (Workers' limit, 25 MiB, is what the real build uses). */
export const WORKER_E2E_GZIP_ABOVE = 1024 * 1024;

/** Tile template the e2e build uses; its host is blocked by tests/e2e/browser.ts like any off-site host. */
export const E2E_TILE_URL = 'https://tiles.e2e.invalid/{z}/{x}/{y}.png';

export default async function setup(project: TestProject) {
  // One folder per run: several people (and sessions) run the e2e suite in the same tree, and a
  // shared folder let one run delete another's site in the middle of its tests.
  const workDir = resolve(PROJECT_ROOT, 'tests/.output/e2e', `run-${process.pid}`);
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const databaseUrl = `file:${join(workDir, 'portal.db')}`;
  const seeded = await openDatabase({ url: databaseUrl });
  await migrateDatabase(seeded.db);
  await loadSampleCounty(seeded.db);
  // Closed while Astro builds in its child process: with the seeding connection still open the
  // build took 400 s instead of about 20 s (tests/bench/portal.ts, twice; cause not isolated).
  seeded.close();
  const pristineDb = join(workDir, 'pristine.db');
  for (const suffix of ['', '-wal']) if (existsSync(join(workDir, `portal.db${suffix}`))) copyFileSync(join(workDir, `portal.db${suffix}`), `${pristineDb}${suffix}`);
  const outDir = join(workDir, 'dist');
  // A tile URL on a host that does not exist: the map must ask for tiles, the browser harness must
  // block them, and the page must still work (tests/e2e/portal-interactive.test.ts); the server gets it too, so its CSP allows that host.
  const posterDir = join(workDir, 'posters');
  const env = { DATABASE_URL: databaseUrl, OSM_TILE_URL: E2E_TILE_URL, POSTER_DIR: posterDir };
  // As `npm start` builds: with .br/.gz beside the text files, village pages and the like on demand.
  await buildSite({ env, outDir, verbose: false, posters: 'plan', precompress: true, target: 'node' });
  const siteDir = join(outDir, 'client');
  // Every page a file (SITE_TARGET=static), with the posters just planned.
  const staticOutDir = join(workDir, 'dist-static');
  await buildSite({ env, outDir: staticOutDir, verbose: false, posters: false, target: 'static' });
  // As `npm run build` builds (for the Worker), with the posters just planned.
  const workerOutDir = join(workDir, 'dist-worker');
  // Text files over 1 MiB shipped gzipped, as a province's site-wide files over Workers' 25 MiB are
  // (src/cli/oversized-assets.ts): the sample's largest open-data files.
  await buildSite({ env, outDir: workerOutDir, verbose: false, posters: false, target: 'worker', gzipAssetsAbove: WORKER_E2E_GZIP_ABOVE });
  const workerDb = join(workDir, 'worker.db');
  for (const suffix of ['', '-wal']) if (existsSync(`${pristineDb}${suffix}`)) copyFileSync(`${pristineDb}${suffix}`, `${workerDb}${suffix}`);
  const { db, close } = await openDatabase({ url: databaseUrl });
  const config = loadConfig({ DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1', SITE_DIR: siteDir, OSM_TILE_URL: E2E_TILE_URL });
  const posterSettings = await posterSettingsFromEnv({ ...process.env, ...env }, db);
  const logger = createMemoryLogger();
  const rebuilder = createSiteRebuilder({
    initialDir: siteDir,
    env,
    logger,
    posters: 'plan',
    rebuildRoot: join(workDir, 'rebuilds'),
  });
  const running = await startNodeServer({ db, config, logger, siteDir: rebuilder.siteDir, onPublished: rebuilder.onPublished, posters: { dir: posterDir, settings: posterSettings } });
  project.provide('baseUrl', `http://127.0.0.1:${running.port}`);
  project.provide('siteDir', siteDir);
  project.provide('staticSiteDir', join(staticOutDir, 'client'));
  project.provide('workerBuild', { outDir: workerOutDir, databaseUrl: `file:${workerDb}` });
  project.provide('databaseUrl', databaseUrl);
  project.provide('posterDir', posterDir);
  const pristinePosters = join(workDir, 'pristine-posters');
  cpSync(posterDir, pristinePosters, { recursive: true });
  project.provide('pristine', { databaseUrl: `file:${pristineDb}`, posterDir: pristinePosters });
  project.provide('posterSettings', posterSettings);
  return async () => {
    await running.close();
    await rebuilder.idle();
    close();
    rmSync(workDir, { recursive: true, force: true });
  };
}
