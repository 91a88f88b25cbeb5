/**
 * `npm run preview`: the production shape, locally. Migrates the database and loads the sample
 * county when it is empty, builds the site (as `npm run build`), serves the embedded database
 * file over libSQL's HTTP protocol (src/cli/libsql-http-server.ts) and runs the Worker in workerd
 * with `wrangler dev` on `PORT`, so site and API answer exactly as they will on Cloudflare with
 * Turso. `-- --no-build` serves the last build. With a remote DATABASE_URL (Turso), the Worker
 * talks to it directly and no local server is started.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { migrateDatabase, openDatabase } from '../../db/client.ts';
import { loadConfig } from '../config.ts';
import { spawnLibsqlHttpServer, type LibsqlHttpServer } from './libsql-http-server.ts';
import { ensureSampleData } from './sample-data.ts';
import { buildSite, PROJECT_ROOT } from './site-build.ts';
import { builtWorkerConfig, startWranglerDev } from './wrangler-dev.ts';
import { loadAllCountySettings } from '../data/county-settings.ts';
import { mintToken, revokeToken } from '../data/users.ts';
import { syncPostersToWorker } from './poster-sync.ts';
import { posterSettingsFromEnv } from './posters.ts';

const config = loadConfig(process.env);
const siteDir = resolve(PROJECT_ROOT, 'dist/client');

const opened = await openDatabase({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN });
await migrateDatabase(opened.db);
const seeded = await ensureSampleData(opened.db);
opened.close();
if (seeded) console.log('空数据库：已载入示例县（示例数据）');

if (!process.argv.includes('--no-build') || !existsSync(siteDir) || !existsSync(builtWorkerConfig())) {
  console.log('building the site from the database…');
  const built = await buildSite({ env: { DATABASE_URL: config.DATABASE_URL, DATABASE_AUTH_TOKEN: config.DATABASE_AUTH_TOKEN }, verbose: false });
  console.log(`site built in ${Math.round(built.ms)} ms`);
}

let database: LibsqlHttpServer | undefined;
let databaseUrl = config.DATABASE_URL;
let authToken = config.DATABASE_AUTH_TOKEN;
if (config.DATABASE_URL.startsWith('file:')) {
  // A fresh token each run: the Worker must send it, as it sends Turso's in production.
  authToken = randomBytes(18).toString('base64url');
  // In a child process: this one opens the same file to store the posters (see spawnLibsqlHttpServer).
  database = await spawnLibsqlHttpServer({ path: config.DATABASE_URL, authToken });
  databaseUrl = database.url;
  console.log(`libSQL HTTP dev server on ${database.url} over ${config.DATABASE_URL.slice('file:'.length)}`);
}

const shownHost = config.HOST === '0.0.0.0' ? 'localhost' : config.HOST;
const siteUrl = process.env.SITE_URL ? config.SITE_URL : `http://${shownHost}:${config.PORT}`;
const worker = await startWranglerDev({
  // The Worker as the build made it, with its on-demand pages (functions/worker-pages.ts).
  config: builtWorkerConfig(),
  port: config.PORT,
  host: config.HOST,
  inheritOutput: true,
  vars: {
    DATABASE_URL: databaseUrl,
    DATABASE_AUTH_TOKEN: authToken,
    SITE_URL: siteUrl,
    // Everything else the Node entry would read from this environment, so both modes agree.
    ...pick(process.env, [
      'TIANDITU_KEY', 'MAP_REVIEW_NUMBER', 'OSM_TILE_URL', 'ISSUING_UNIT', 'COUNTY_SUPERVISION_PHONES',
      'SUPERVISION_ADDRESS', 'DISCLOSURE_PERIOD_DAYS', 'LOG_LEVEL', 'DEPLOY_HOOK_URL',
    ]),
  },
});
console.log(`\n  村上墙、县上网（Worker 预览，workerd）：http://${shownHost}:${worker.port}/\n`);

// As `npm run deploy` does after deploying: the posters and share cards the pages link, drawn here
// and stored in the Worker's (local) bucket, only those it lacks; in the background, with a token
// per county made for it and revoked after. `-- --no-posters` skips it.
if (!process.argv.includes('--no-posters')) void storePosters();

async function storePosters(): Promise<void> {
  const { db, close } = await openDatabase({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN });
  const minted: number[] = [];
  try {
    const tokens: string[] = [];
    for (const county of await loadAllCountySettings(db, config)) {
      const made = await mintToken(db, { role: 'county', scopeCode: county.countyCode!, name: `预览存海报${process.pid}`, at: new Date().toISOString() });
      tokens.push(made.token);
      minted.push(made.tokenId);
    }
    const synced = await syncPostersToWorker({
      db,
      settings: await posterSettingsFromEnv({ ...process.env, SITE_URL: siteUrl }, db),
      siteUrl: worker.url,
      tokens,
      log: (line) => console.log(line),
    });
    console.log(`海报已存到本地 Worker：新存 ${synced.uploaded} 个（其中“发到村民群”图片 ${synced.shareCards} 张），原有 ${synced.stored} 个`);
  } catch (error) {
    console.error(`海报没有存好：${error instanceof Error ? error.message : String(error)}`);
  } finally {
    for (const id of minted) await revokeToken(db, id, new Date().toISOString()).catch(() => undefined);
    close();
  }
}

let stopping: Promise<void> | undefined;
async function stop(code: number): Promise<void> {
  stopping ??= (async () => {
    await worker.close();
    await database?.close();
    process.exit(code);
  })();
  return stopping;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(0));
worker.child.once('exit', (code) => void stop(code ?? 1));

function pick(env: NodeJS.ProcessEnv, names: string[]): Record<string, string | undefined> {
  return Object.fromEntries(names.map((name) => [name, env[name]]));
}
