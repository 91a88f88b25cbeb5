/**
 * `npm run deploy`: migrate the Turso database, build the site from it and deploy the Worker with
 * its static assets and on-demand pages (the build's own configuration, dist/server/wrangler.json,
 * made from wrangler.toml). Reads the same variables as `npm start` from the environment (docs/using.md,
 * Configuration); the plain ones go to the Worker as `--var`, the secrets (DATABASE_URL,
 * DATABASE_AUTH_TOKEN, TIANDITU_KEY, DEPLOY_HOOK_URL) must have been set once with
 * `npx wrangler secret put NAME -c wrangler.toml`. Extra arguments go to `wrangler deploy`
 * (e.g. `-- --dry-run --outdir /tmp/worker`). This is also the deploy command for Workers Builds,
 * which the deploy hook triggers after a publish. After deploying, it draws the posters and share
 * cards the Worker's bucket lacks and stores them through its API with POSTER_SYNC_TOKEN (a county
 * administrator's token; comma-separated for several counties): src/cli/poster-sync.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createClient } from '@libsql/client';
import { count } from 'drizzle-orm';
import { migrateDatabase, openDatabase } from '../../db/client.ts';
import { divisions } from '../../db/schema.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { dumpDatabase, restoreDatabase } from './database-dump.ts';
import { syncPostersToWorker } from './poster-sync.ts';
import { posterSettingsFromEnv } from './posters.ts';
import { buildSite, PROJECT_ROOT } from './site-build.ts';
import { builtWorkerConfig } from './wrangler-dev.ts';

/** Plain (non-secret) settings the Worker gets from the deploying environment. */
export const PLAIN_VARS = [
  'SITE_URL', 'ISSUING_UNIT', 'COUNTY_SUPERVISION_PHONES', 'SUPERVISION_ADDRESS', 'MAP_REVIEW_NUMBER',
  'OSM_TILE_URL', 'DISCLOSURE_PERIOD_DAYS', 'LOG_LEVEL',
] as const;

function fail(message: string): never {
  console.error(`无法部署: ${message}`);
  process.exit(1);
}

let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) fail(error.message);
  throw error;
}
if (config.DATABASE_URL.startsWith('file:')) {
  fail('DATABASE_URL is a local file. The Worker reaches its database over HTTP: set DATABASE_URL=libsql://<db>-<org>.turso.io and DATABASE_AUTH_TOKEN (docs/deployment.md).');
}
if (!process.env.SITE_URL || !config.SITE_URL.startsWith('https://')) {
  fail(`SITE_URL must be the public https:// address of the site (QR codes on posters point there); received ${process.env.SITE_URL ?? 'nothing'}.`);
}

const opened = await openDatabase({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN });
// Migrations run before the new Worker goes live, so they must not break the running one
// (docs/deployment.md: rollback and backward-compatible migrations).
await migrateDatabase(opened.db);
const [row] = await opened.db.select({ n: count() }).from(divisions);
opened.close();
if ((row?.n ?? 0) === 0) {
  fail('the database has no divisions yet. Load the county first (npm run db:import a backup, or npm run db:seed for the sample county).');
}

// The build runs many thousands of small queries; against Turso each would be a network round trip,
// and a long build could see a publish half-way. Copy one consistent snapshot into a local file
// first (the db:export/db:import code path, a few seconds) and build from that.
const snapshotDir = mkdtempSync(join(tmpdir(), 'portal-deploy-'));
const snapshotUrl = `file:${join(snapshotDir, 'snapshot.db')}`;
let status: number;
try {
  let started = performance.now();
  const remote = createClient({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN, intMode: 'bigint' });
  const tx = await remote.transaction('read');
  let dump = '';
  await dumpDatabase(tx, (chunk) => void (dump += chunk));
  await tx.commit();
  remote.close();
  const local = createClient({ url: snapshotUrl, intMode: 'bigint' });
  await restoreDatabase(local, dump);
  local.close();
  console.log(`database snapshot copied in ${Math.round(performance.now() - started)} ms`);
  started = performance.now();
  console.log('building the site from the snapshot…');
  // The Worker's build: index pages, the Worker with the other pages, the posters only named.
  await buildSite({ env: { DATABASE_URL: snapshotUrl, DATABASE_AUTH_TOKEN: '' }, verbose: false });
  console.log(`site built in ${Math.round(performance.now() - started)} ms`);

  // Workers Static Assets accept 20,000 files per version on the Free plan (more on paid plans).
  const files = readdirSync(resolve(PROJECT_ROOT, 'dist/client'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
  console.log(`${files} static files`);
  if (files > 20_000) console.warn(`warning: ${files} files is more than the Free plan's 20,000 static assets per Worker version`);

  const vars = PLAIN_VARS.flatMap((name) => (process.env[name] ? ['--var', `${name}:${process.env[name]}`] : []));
  const result = spawnSync(
    process.execPath,
    [resolve(PROJECT_ROOT, 'node_modules/wrangler/bin/wrangler.js'), 'deploy', '--config', builtWorkerConfig(), ...vars, ...process.argv.slice(2)],
    { cwd: PROJECT_ROOT, stdio: 'inherit' },
  );
  status = result.status ?? 1;
  // Then the posters and share cards the deployed pages link: drawn here, only those the Worker's
  // bucket lacks, and stored through its API (src/cli/poster-sync.ts).
  const tokens = (process.env.POSTER_SYNC_TOKEN ?? '').split(',').map((t) => t.trim()).filter(Boolean);
  if (status === 0 && process.argv.includes('--dry-run')) {
    console.log('dry run: posters not stored');
  } else if (status === 0 && tokens.length === 0) {
    console.warn('warning: POSTER_SYNC_TOKEN is not set, so no poster or share card was stored: the site links posters it cannot serve (docs/deployment.md, step 3).');
  } else if (status === 0) {
    started = performance.now();
    const snapshot = await openDatabase({ url: snapshotUrl });
    try {
      const synced = await syncPostersToWorker({
        db: snapshot.db,
        settings: await posterSettingsFromEnv({ ...process.env, DATABASE_URL: snapshotUrl }, snapshot.db),
        siteUrl: config.SITE_URL,
        tokens,
        log: (line) => console.log(line),
      });
      console.log(`posters stored: ${synced.uploaded} new (${synced.shareCards} share cards), ${synced.stored} already there, in ${Math.round(performance.now() - started)} ms`);
    } catch (error) {
      console.error(`storing the posters failed: ${error instanceof Error ? error.message : String(error)}`);
      status = 1;
    } finally {
      snapshot.close();
    }
  }
} finally {
  rmSync(snapshotDir, { recursive: true, force: true });
}
process.exit(status);
