/**
 * `npm start`: migrate the database, load the sample county if the database is empty, start serving
 * site + API with the Node entry, and build the site from the database meanwhile (the last build,
 * or a 网站正在准备 page on a fresh install, is served until it is done). Flags: `--no-build`
 * serves the last build without building.
 * Posters are only planned before the build (named in POSTER_DIR's manifest); the server draws each
 * one when first asked and, once listening, the latest year's in the background (POSTER_WARM).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { migrateDatabase, openDatabase, ReplicaError, serverDatabaseOptions, type OpenDatabase } from '../../db/client.ts';
import { startNodeServer } from '../../functions/node-server.ts';
import { createJsonLogger } from '../../functions/logger.ts';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { isLoopbackOrigin } from '../domain/shared/public-origin.ts';
import { loadPosterConfig, posterSettingsFromConfig, type PosterConfig } from './posters.ts';
import { ensureSampleData } from './sample-data.ts';
import { buildSite, builtFrom, PROJECT_ROOT } from './site-build.ts';
import { createSiteRebuilder } from './site-rebuild.ts';

let config: Config;
let posterConfig: PosterConfig;
try {
  config = loadConfig(process.env);
  posterConfig = loadPosterConfig(process.env);
} catch (error) {
  // A bad variable stops the start with its name, not with a stack trace.
  if (!(error instanceof ConfigError)) throw error;
  console.error(`${error.message}\n\n配置有误，服务没有启动。See the Configuration table in docs/using.md.`);
  process.exit(1);
}
const logger = createJsonLogger(config.LOG_LEVEL);
if (isLoopbackOrigin(config.SITE_URL)) {
  // Said at every start, and printed on every poster (样张) until it is fixed.
  logger.log('warn', 'SITE_URL is unset or a loopback address: posters are printed as 样张 (not to be posted)', { siteUrl: config.SITE_URL });
  console.warn(
    `\n  注意：SITE_URL 没有设置或是本机地址（${config.SITE_URL}），海报上的二维码在别人手机上打不开，` +
      `海报会印“样张（地址未设置，勿张贴）”。正式张贴前，请把 SITE_URL 设为公众能打开的网址（见 docs/using.md）。\n`,
  );
}
// A crash is logged as one structured line (with the stack) before the process exits, so a
// supervisor (systemd, Docker) restarts it and the log says why.
process.on('uncaughtException', (error) => {
  logger.log('error', 'uncaught exception, exiting', { error: `${error.name}: ${error.message}`, stack: error.stack });
  process.exit(1);
});
process.on('unhandledRejection', (reason) => {
  logger.log('error', 'unhandled rejection, exiting', { error: String(reason), stack: reason instanceof Error ? reason.stack : undefined });
  process.exit(1);
});
{
  // This connection is closed before the build: with the seeding connection left open, the
  // build's reads of the same file took minutes instead of seconds (tests/e2e/global-setup.ts).
  const setup = await openDatabase({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN });
  await migrateDatabase(setup.db);
  logger.log('info', 'database migrated', { url: redactUrl(config.DATABASE_URL) });
  const seeded = await ensureSampleData(setup.db);
  if (seeded) logger.log('info', 'empty database: loaded the sample county (示例数据)', { ...seeded });
  setup.close();
}

const siteDir = resolve(PROJECT_ROOT, config.SITE_DIR);
// The server answers before the site is built: the last build (if any) is served meanwhile, and a
// fresh install shows 网站正在准备 on its pages until the first build is done (about a minute).
// A build of another database (the sample, looked at first) is never served for this one, nor a
// build for the Worker (`npm run build`), whose per-village pages only the Worker renders.
let preparing = !existsSync(resolve(siteDir, 'index.html')) || !builtFrom(resolve(siteDir, '..'), config.DATABASE_URL, 'node');
let initialBuild: Promise<void> = Promise.resolve();
if (!process.argv.includes('--no-build') || preparing) {
  logger.log('info', 'building the site from the database', { servingMeanwhile: preparing ? 'a 网站正在准备 page' : 'the last build' });
  // Into the folder SITE_DIR names (`<outDir>/client`), which is the one served.
  initialBuild = buildSite({ env: { DATABASE_URL: config.DATABASE_URL, DATABASE_AUTH_TOKEN: config.DATABASE_AUTH_TOKEN }, outDir: resolve(siteDir, '..'), verbose: false, posters: 'plan', precompress: true, target: 'node' }).then(
    (built) => {
      preparing = false;
      logger.log('info', 'site built', { ms: Math.round(built.ms), precompressed: built.precompressed && { files: built.precompressed.files, ms: Math.round(built.precompressed.ms) } });
      console.log(`  网站已生成（${Math.round(built.ms / 1000)} 秒）。`);
    },
    (error: unknown) => {
      // Without a site the portal is useless: stop, with the reason, so a supervisor restarts it.
      logger.log('error', 'the first build failed, exiting', { error: String(error) });
      process.exit(1);
    },
  );
}

// The server's own connection: with DATABASE_REPLICA, an embedded replica of the remote database
// that pages read locally. Everything else (migrations above, the site builds, the upload thread)
// reaches the primary itself; the server pulls after an upload's writes (node-server.ts).
let server: OpenDatabase;
try {
  server = await openDatabase(serverDatabaseOptions(config));
} catch (error) {
  if (!(error instanceof ReplicaError)) throw error;
  logger.log('error', 'the database replica could not be opened, exiting', { error: error.message });
  console.error(`\n  数据库副本（DATABASE_REPLICA）打不开，服务没有启动：${error.message}\n`);
  process.exit(1);
}
if (config.DATABASE_REPLICA !== undefined) logger.log('info', 'reading from an embedded replica', { replica: config.DATABASE_REPLICA, syncSeconds: config.DATABASE_SYNC_SECONDS });
const { db, close: closeDb } = server;

// Publishing through the API rebuilds the site into a fresh folder and swaps it in when complete,
// never while the first build still runs.
const rebuilder = createSiteRebuilder({ initialDir: siteDir, env: { DATABASE_URL: config.DATABASE_URL, DATABASE_AUTH_TOKEN: config.DATABASE_AUTH_TOKEN }, logger, posters: 'plan' });
const rebuildAfterFirst = () => initialBuild.then(() => rebuilder.onPublished());
const running = await startNodeServer({
  db,
  config,
  logger,
  siteDir: rebuilder.siteDir,
  preparing: () => preparing,
  onPublished: rebuildAfterFirst,
  // Read from the database at each rebuild: a change on the staff page needs no restart.
  posters: { dir: posterConfig.POSTER_DIR, settings: () => posterSettingsFromConfig(posterConfig, db) },
  syncDatabase: server.sync,
});
// A 公示期 ends at midnight in Asia/Shanghai, and pages show its outcome only once rendered again:
// drop the on-demand pages and rebuild the rest daily a few minutes after midnight there (the
// Worker does the same with a cron trigger).
const scheduleNightlyRebuild = () => {
  const now = Date.now();
  const shanghaiMidnight = Math.floor((now + 8 * 3600_000) / 86_400_000 + 1) * 86_400_000 - 8 * 3600_000;
  const timer = setTimeout(() => {
    logger.log('info', 'nightly rebuild (ended disclosure periods)');
    running.pages.forget();
    void rebuildAfterFirst().catch((error: unknown) => logger.log('error', 'nightly rebuild failed', { error: String(error) }));
    scheduleNightlyRebuild();
  }, shanghaiMidnight + 5 * 60_000 - now);
  timer.unref();
};
scheduleNightlyRebuild();

const shownHost = config.HOST === '0.0.0.0' ? 'localhost' : config.HOST;
logger.log('info', 'serving', { url: `http://${shownHost}:${running.port}/` });
console.log(`\n  村上墙、县上网 正在运行：http://${shownHost}:${running.port}/${preparing ? '（第一次启动，网站正在生成，约需一两分钟，页面好了会自动出现）' : ''}\n`);

// Never before listening or the first build, never more than one thread, always behind a visitor's request.
if (posterConfig.POSTER_WARM === 'latest' && running.posters) {
  const posters = running.posters;
  void initialBuild.then(() => setTimeout(() => {
    const started = performance.now();
    posters.warm().then(
      (warmed) => logger.log('info', 'posters warmed', { ...warmed, ms: Math.round(performance.now() - started) }),
      (error: unknown) => logger.log('warn', 'warming posters stopped', { error: String(error) }),
    );
  }, 2_000).unref());
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.log('info', 'shutting down', { signal });
    // In-flight requests get up to 10 s to finish; new connections are refused meanwhile.
    const force = setTimeout(() => {
      logger.log('warn', 'shutdown timed out, exiting anyway');
      process.exit(1);
    }, 10_000);
    force.unref();
    void running.close().then(() => {
      closeDb();
      logger.log('info', 'stopped');
      process.exit(0);
    });
  });
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
