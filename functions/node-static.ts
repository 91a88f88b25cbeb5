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

/**
 * While the first build of a fresh install runs (about a minute), every page answers 503 with a
 * short page that says the site is being prepared and reloads itself; the API (health, staff,
 * 查直补) answers as usual. Once `preparing()` is false, this passes everything on.
 */
export function preparingPage(preparing: () => boolean): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!preparing() || c.req.path.startsWith('/api/') || (c.req.method !== 'GET' && c.req.method !== 'HEAD')) return next();
    c.header('Retry-After', '15');
    c.header('Cache-Control', 'no-store');
    return c.html(PREPARING_HTML, 503);
  };
}

export const PREPARING_HTML = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta http-equiv="refresh" content="15"><title>网站正在准备</title></head><body style="font:18px/1.6 sans-serif;max-width:40em;margin:2em auto;padding:0 1em"><main><h1>网站正在准备</h1><p>第一次启动要把全部公示页面生成一遍，大约需要一两分钟。本页每 15 秒自动刷新，好了就能看到。</p></main></body></html>`;

