/**
 * Node entry: serves the built site and the Hono app over the file (or Turso) database.
 * This is the embedded default and a real self-hosting option (e.g. on a government cloud).
 */
import { serve, type ServerType } from '@hono/node-server';
import { resolve } from 'node:path';
import type { Database } from '../db/database.ts';
import type { Config } from '../src/config.ts';
import { createApp } from './app.ts';
import type { AppDeps } from './app-env.ts';
import type { Logger } from './logger.ts';
import { nodeStaticSite } from './node-static.ts';
import { nodeFileDeps } from './storage/node-files.ts';

export interface NodeServerOptions {
  db: Database;
  config: Config;
  logger: Logger;
  clock?: () => Date;
  /** Folder of the built site; defaults to config.SITE_DIR. A function so a rebuild can swap it. */
  siteDir?: () => string;
  /** Runs after a publish (e.g. rebuild the site and swap siteDir); see AppDeps.onPublished. */
  onPublished?: AppDeps['onPublished'];
}

export interface RunningServer {
  server: ServerType;
  port: number;
  close(): Promise<void>;
}

export function startNodeServer(options: NodeServerOptions): Promise<RunningServer> {
  const { db, config, logger } = options;
  const defaultDir = resolve(config.SITE_DIR);
  const app = createApp({
    db,
    config,
    logger,
    clock: options.clock ?? (() => new Date()),
    runtime: 'node',
    staticSite: nodeStaticSite(options.siteDir ?? (() => defaultDir)),
    onPublished: options.onPublished,
    files: nodeFileDeps(config),
  });
  return new Promise((resolveStart) => {
    const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
      resolveStart({
        server,
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Keep-alive connections would hold close() open; end idle ones now.
            if ('closeIdleConnections' in server) server.closeIdleConnections();
          }),
      });
    });
  });
}
