/**
 * Serves the built site from a folder in Node mode. The folder is looked up per request through
 * `siteDir()`, so a rebuilt site can be swapped in atomically by changing what it returns.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env.ts';

export function nodeStaticSite(siteDir: () => string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    const root = siteDir();
    const path = decodeURIComponentSafe(c.req.path);
    if (path === null || path.includes('\0')) return next();
    // Directory URLs end in a slash (trailingSlash: 'always'); send /villages/x to /villages/x/.
    if (!path.endsWith('/') && !/\.[A-Za-z0-9]+$/.test(path)) {
      const candidate = join(root, path);
      if (existsSync(candidate) && statSync(candidate).isDirectory()) {
        const url = new URL(c.req.url);
        return c.redirect(`${url.pathname}/${url.search}`, 301);
      }
    }
    // The Node build writes .br and .gz beside text files (src/cli/precompress.ts): sent as they are.
    const handler = serveStatic<AppEnv>({ root, index: 'index.html', precompressed: true });
    return handler(c, next);
  };
}

function decodeURIComponentSafe(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}
