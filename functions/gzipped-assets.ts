/**
 * The Worker's assets that its build shipped gzipped because they were over Workers' 25 MiB per
 * asset (src/cli/oversized-assets.ts): a province's site-wide open data. Listed in
 * {@link GZIPPED_ASSETS_FILE}; `/data/disbursements.csv` is then `/data/disbursements.csv.gz` among
 * the assets, sent with `Content-Encoding: gzip` to a client that accepts it (every browser) and
 * unpacked in the Worker for one that does not.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env.ts';

/** Workers' limit on one static asset. */
export const WORKER_MAX_ASSET_BYTES = 25 * 1024 * 1024;

/** The list of gzipped assets, among the assets. */
export const GZIPPED_ASSETS_FILE = '/_gzipped-assets.json';

/** The content type of a gzipped asset, from its name: the build writes only text formats this large. */
const TYPES: Array<[RegExp, string]> = [
  [/\.csv$/, 'text/csv; charset=utf-8'],
  [/\.geojson$/, 'application/geo+json'],
  [/\.json$/, 'application/json'],
  [/\.xml$/, 'application/xml'],
  [/\.html$/, 'text/html; charset=utf-8'],
];

interface Assets {
  fetch(request: Request): Promise<Response>;
}

/** The list, read once per assets binding (a Worker version's assets never change); empty when there is none. */
const lists = new WeakMap<Assets, Set<string>>();
async function gzippedPaths(assets: Assets): Promise<Set<string>> {
  const kept = lists.get(assets);
  if (kept) return kept;
  const res = await assets.fetch(new Request(`https://assets.invalid${GZIPPED_ASSETS_FILE}`));
  let paths = new Set<string>();
  if (res.ok) paths = new Set(((await res.json().catch(() => [])) as unknown[]).filter((p): p is string => typeof p === 'string'));
  else await res.body?.cancel();
  lists.set(assets, paths);
  return paths;
}

/** Sends a gzipped asset for its original path (GET and HEAD); anything else goes on. */
export function gzippedAssets(assets: Assets): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    if (!(await gzippedPaths(assets)).has(c.req.path)) return next();
    const asked = c.req.header('if-none-match');
    const res = await assets.fetch(new Request(new URL(`${c.req.path}.gz`, c.req.url), { headers: asked ? { 'if-none-match': asked } : {} }));
    if (res.status === 304) return new Response(null, { status: 304, headers: res.headers });
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      return next();
    }
    const headers = new Headers(res.headers);
    headers.set('Content-Type', TYPES.find(([pattern]) => pattern.test(c.req.path))?.[1] ?? 'application/octet-stream');
    headers.append('Vary', 'Accept-Encoding');
    const gzipOk = /\bgzip\b/.test(c.req.header('accept-encoding') ?? '');
    if (gzipOk) headers.set('Content-Encoding', 'gzip');
    else headers.delete('Content-Length');
    if (c.req.method === 'HEAD') {
      await res.body.cancel();
      return new Response(null, { status: 200, headers });
    }
    // Already encoded: workerd must send the bytes as they are, not gzip them again.
    if (gzipOk) return new Response(res.body, { status: 200, headers, encodeBody: 'manual' } as ResponseInit);
    return new Response(res.body.pipeThrough(new DecompressionStream('gzip')), { status: 200, headers });
  };
}
