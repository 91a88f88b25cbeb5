/**
 * The runtimes the API contract runs on. Each gives out ApiTargets (tests/support/api-target.ts)
 * with a fresh migrated database: `node` builds the app in-process exactly as the Node entry does
 * (file database, file-system static site); `workerd` runs the real Worker (functions/worker.ts)
 * in workerd through `wrangler dev`, reaching the database over libSQL's HTTP protocol through the
 * dev server, as it reaches Turso in production. The Worker starts once per test file; each
 * target switches the dev server to a fresh database file underneath it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createApp } from '../../functions/app.ts';
import { createMemoryLogger } from '../../functions/logger.ts';
import { nodeStaticSite } from '../../functions/node-static.ts';
import { loadConfig } from '../../src/config.ts';
import { startLibsqlHttpServer, type LibsqlHttpServer } from '../../src/cli/libsql-http-server.ts';
import { startWranglerDev, type WranglerDev } from '../../src/cli/wrangler-dev.ts';
import type { ApiTarget } from '../support/api-target.ts';
import { createTempDatabase } from '../support/temp-database.ts';

/** Configuration both runtimes get, so their answers can be compared byte for byte. */
export const CONTRACT_ENV: Record<string, string> = {
  SITE_URL: 'https://portal.example.test',
  TIANDITU_KEY: 'contract-test-key',
  LOG_LEVEL: 'error',
};

/**
 * A tiny built site, so the contract covers static responses too: a page, a hashed asset, a
 * poster named by its content and an ordinary file.
 */
export const SAMPLE_SITE: Record<string, string> = {
  'index.html': '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>首页</title></head><body><h1>首页</h1></body></html>',
  'villages/430482100201/index.html': '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>村</title></head><body>村</body></html>',
  '_astro/app.3f9a1c2e.js': 'console.log("app");\n',
  'posters/5d41402abc4b2a76.png': 'not really a png',
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
      const app = createApp({
        db: temp.db,
        config: loadConfig({ ...CONTRACT_ENV, DATABASE_URL: temp.url }),
        clock: () => new Date(),
        logger: createMemoryLogger(),
        runtime: 'node',
        staticSite: nodeStaticSite(() => siteDir),
      });
      return {
        runtime: 'node',
        db: temp.db,
        databaseUrl: temp.url,
        request: async (path, init) => app.request(path, init),
        dispose: async () => temp.dispose(),
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
  try {
    server = await startLibsqlHttpServer({ path: first.url, authToken: token });
    worker = await startWranglerDev({
      assetsDir: siteDir,
      persistTo: `${siteDir}-state`,
      vars: { ...CONTRACT_ENV, DATABASE_URL: server.url, DATABASE_AUTH_TOKEN: token },
    });
  } catch (error) {
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
        running.server.reopen(current.url);
      }
      handedOut = true;
      const temp = current;
      // The Worker (and its in-memory state, e.g. throttle counters) outlives the target: make each
      // target a different client, as a fresh Node app is, by the address Cloudflare reports.
      const clientIp = `198.51.100.${(clients = (clients % 250) + 1)}`;
      return {
        runtime: 'workerd',
        db: temp.db,
        databaseUrl: temp.url,
        request: (path, init) => {
          const headers = new Headers(init?.headers);
          if (!headers.has('cf-connecting-ip')) headers.set('cf-connecting-ip', clientIp);
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
