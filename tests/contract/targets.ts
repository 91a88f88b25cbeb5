/**
 * The runtimes the API contract runs on. Each gives out ApiTargets (tests/support/api-target.ts)
 * with a fresh migrated database: `node` runs the Node entry (startNodeServer: file database,
 * file-system static site, local files) on a free port; `workerd` runs the real Worker (functions/worker.ts)
 * in workerd through `wrangler dev`, reaching the database over libSQL's HTTP protocol through the
 * dev server, as it reaches Turso in production. The Worker starts once per test file; each
 * target switches the dev server to a fresh database file underneath it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createMemoryLogger } from '../../functions/logger.ts';
import { startNodeServer } from '../../functions/node-server.ts';
import { loadConfig } from '../../src/config.ts';
import { spawnLibsqlHttpServer, type LibsqlHttpServer } from '../../src/cli/libsql-http-server.ts';
import { startWranglerDev, type WranglerDev } from '../../src/cli/wrangler-dev.ts';
import { TEST_ROSTER_KEY, type ApiTarget } from '../support/api-target.ts';
import { createTempDatabase } from '../support/temp-database.ts';
import { InjectedClock, RealClock } from '../support/test-clock.ts';

/** Configuration both runtimes get, so their answers can be compared byte for byte. */
export const CONTRACT_ENV: Record<string, string> = {
  SITE_URL: 'https://portal.example.test',
  TIANDITU_KEY: 'contract-test-key',
  LOG_LEVEL: 'error',
  ROSTER_KEY: TEST_ROSTER_KEY,
};

/** The manifest's one part: a village poster of 2024 (the PNG is a file of the site). */
const POSTER_PART = JSON.stringify({
  schema: 1,
  villages: {
    '430482100201/2024': { villageCode: '430482100201', year: 2024, version: 2, key: '5d41402abc4b2a76', pages: 1, a4Pdf: '/posters/2024/430482100201-v2-5d41402abc4b2a76-a4.pdf', a3Pdf: '/posters/2024/430482100201-v2-5d41402abc4b2a76-a3.pdf', png: ['/posters/2024/430482100201-v2-5d41402abc4b2a76-a4-p1.png'] },
  },
  superseded: {},
  townships: {},
});

/**
 * A tiny built site, so the contract covers static responses too: a page, a hashed asset, a
 * poster named by its content (and the manifest that lists it) and an ordinary file.
 */
export const SAMPLE_SITE: Record<string, string> = {
  'index.html': '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>首页</title></head><body><h1>首页</h1></body></html>',
  'villages/430482100201/index.html': '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>村</title></head><body>村</body></html>',
  '_astro/app.3f9a1c2e.js': 'console.log("app");\n',
  'posters/2024/430482100201-v2-5d41402abc4b2a76-a4-p1.png': 'not really a png',
  // The manifest as a build writes it (src/posters/manifest-store.ts): an index and one part per year and township.
  'posters/manifest/index.json': JSON.stringify({ schema: 2, parts: { 2024: { 430482100: '' } } }),
  'posters/manifest/2024/430482100.json': POSTER_PART,
  // The Worker's copy: one file per county and year, its townships together (src/cli/site-build.ts).
  'posters/manifest/by-county/2024/430482.json': POSTER_PART,
  'favicon.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
};

export interface ContractRuntime {
  name: 'node' | 'workerd';
  /** A target with a fresh migrated database. */
  target(): Promise<ApiTarget>;
  close(): Promise<void>;
}

function writeSite(): string {
  const dir = mkdtempSync(join(tmpdir(), 'contract-site-'));
  for (const [path, content] of Object.entries(SAMPLE_SITE)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

export async function nodeRuntime(): Promise<ContractRuntime> {
  const siteDir = writeSite();
  return {
    name: 'node',
    async target() {
      const temp = await createTempDatabase();
      // The Node entry itself (functions/node-server.ts) on a free port, over real HTTP, so the
      // contract sees exactly what it passes to createApp.
      const config = loadConfig({ ...CONTRACT_ENV, DATABASE_URL: temp.url, PORT: '0', HOST: '127.0.0.1', SITE_DIR: siteDir });
      const clock = new InjectedClock();
      const server = await startNodeServer({ db: temp.db, config, logger: createMemoryLogger(), siteDir: () => siteDir, clock: clock.read });
      const base = `http://127.0.0.1:${server.port}`;
      return {
        runtime: 'node',
        db: temp.db,
        clock,
        databaseUrl: temp.url,
        request: (path, init) => fetch(`${base}${path}`, { redirect: 'manual', ...init }),
        dispose: async () => {
          await server.close();
          temp.dispose();
        },
      };
    },
    close: async () => rmSync(siteDir, { recursive: true, force: true }),
  };
}

export async function workerdRuntime(): Promise<ContractRuntime> {
  const siteDir = writeSite();
  const first = await createTempDatabase();
  const token = randomBytes(12).toString('hex');
  let server: LibsqlHttpServer | undefined;
  let worker: WranglerDev | undefined;
  let clock: RealClock;
  try {
    // In a child process: the tests arrange data through @libsql/client in this one (see spawnLibsqlHttpServer).
    server = await spawnLibsqlHttpServer({ path: first.url, authToken: token });
    worker = await startWranglerDev({
      // The Worker without the site's pages, bundled by wrangler alone (functions/worker-pages.ts
      // needs a site build; tests/e2e/worker-pages.test.ts runs that one).
      script: 'functions/worker.ts',
      assetsDir: siteDir,
      persistTo: `${siteDir}-state`,
      vars: { ...CONTRACT_ENV, DATABASE_URL: server.url, DATABASE_AUTH_TOKEN: token },
    });
    // The Worker's clock (see test-clock.ts: under libfaketime it is not this process's clock).
    const before = Date.now();
    const health = (await (await fetch(`${worker.url}/api/v1/health`, { headers: { connection: 'close' } })).json()) as { time: string };
    clock = RealClock.fromReport(health.time, before, Date.now());
  } catch (error) {
    await worker?.close();
    await server?.close();
    first.dispose();
    throw error;
  }
  const running = { server, worker };
  let current = first;
  let handedOut = false;
  let clients = 0;
  return {
    name: 'workerd',
    async target() {
      if (handedOut) {
        current = await createTempDatabase();
        await running.server.reopen(current.url);
      }
      handedOut = true;
      const temp = current;
      // The Worker (and its in-memory state, e.g. throttle counters) outlives the target: make each
      // target a different client, as a fresh Node app is, by the address Cloudflare reports.
      const clientIp = `198.51.100.${(clients = (clients % 250) + 1)}`;
      return {
        runtime: 'workerd',
        db: temp.db,
        clock,
        databaseUrl: temp.url,
        request: (path, init) => {
          const headers = new Headers(init?.headers);
          if (!headers.has('cf-connecting-ip')) headers.set('cf-connecting-ip', clientIp);
          // A connection per request: wrangler dev closes a connection after answering without
          // reading the whole body (the 10 MB upload's 413), and the next request that reused that
          // kept-alive socket failed with "other side closed".
          headers.set('connection', 'close');
          return fetch(`${running.worker.url}${path}`, { redirect: 'manual', ...init, headers });
        },
        // The server still has the file open until the next target reopens it; Linux allows that.
        dispose: async () => temp.dispose(),
      };
    },
    async close() {
      await running.worker.close();
      await running.server.close();
      rmSync(siteDir, { recursive: true, force: true });
      rmSync(`${siteDir}-state`, { recursive: true, force: true });
    },
  };
}
