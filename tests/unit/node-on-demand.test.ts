/**
 * The Node server's keeping of on-demand pages (functions/node-on-demand.ts), over a stand-in
 * server entry that numbers its renders: kept until a change, never kept when rendered from data
 * older than the change, dropped when the posters' manifest is planned afresh, bounded in bytes,
 * and passed on (404) for paths no page answers or that do not decode cleanly.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../db/database.ts';
import type { AppEnv } from '../../functions/app-env.ts';
import { createMemoryLogger } from '../../functions/logger.ts';
import { nodeOnDemandPages, type OnDemandPages } from '../../functions/node-on-demand.ts';
import { PROJECT_ROOT } from '../../src/cli/site-build.ts';
import { loadConfig } from '../../src/config.ts';
import { emptyManifest, type VillagePosterEntry } from '../../src/posters/manifest.ts';
import { writePosterManifestParts } from '../../src/posters/manifest-store.ts';

const work = join(PROJECT_ROOT, 'tests/.output/node-on-demand', String(process.pid));
const build = join(work, 'build');
const posterDir = join(work, 'posters');
mkdirSync(join(build, 'server'), { recursive: true });
mkdirSync(join(build, 'client'), { recursive: true });
mkdirSync(posterDir, { recursive: true });
writePosterManifestParts(posterDir, emptyManifest());
// Renders "<path> #<n>", n counting every render; /big/ is large; /missing/ is no page; a render
// waits while globalThis.__hold is set.
writeFileSync(
  join(build, 'server', 'entry.mjs'),
  `let n = 0;
export const provideSiteDatabase = () => {};
export const useSitePosterDir = (dir) => { globalThis.__posterDir = dir; };
export const forgetSiteData = () => { globalThis.__forgotten = (globalThis.__forgotten ?? 0) + 1; };
export async function renderPage(request) {
  const path = new URL(request.url).pathname;
  if (path.startsWith('/missing/')) return new Response('astro 404', { status: 404 });
  const number = ++n;
  if (globalThis.__hold) await globalThis.__hold;
  const body = path.startsWith('/big/') ? 'x'.repeat(60_000) : path + ' #' + number;
  return new Response(body, { headers: { 'content-type': 'text/html' } });
}
`,
);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const g = globalThis as { __hold?: Promise<void> | undefined; __forgotten?: number; __posterDir?: string };

describe('on-demand pages in the Node server', () => {
  let pages: OnDemandPages;
  let app: Hono<AppEnv>;
  const get = async (path: string, init?: RequestInit) => {
    const res = await app.request(path, init);
    return { status: res.status, text: await res.text(), res };
  };

  beforeEach(() => {
    pages = nodeOnDemandPages({
      siteDir: () => join(build, 'client'),
      db: {} as Database,
      config: loadConfig({}),
      logger: createMemoryLogger(),
      posterDir,
      cacheBytes: 1_000_000,
    });
    app = new Hono<AppEnv>();
    app.use('*', pages.middleware);
    app.notFound((c) => c.text('the app’s own 404', 404));
  });

  it('renders a page once and answers from memory until something changes', async () => {
    const first = await get('/villages/1/');
    expect([first.status, first.text, first.res.headers.get('content-type')]).toEqual([200, expect.stringMatching(/^\/villages\/1\/ #\d+$/), 'text/html; charset=utf-8']);
    expect((await get('/villages/1/?utm=x')).text).toBe(first.text);
    expect(pages.stats()).toMatchObject({ pages: 1 });
    const forgotten = g.__forgotten ?? 0;
    pages.forget();
    const after = await get('/villages/1/');
    expect(after.text).not.toBe(first.text);
    // The entry's loaded data is dropped too.
    expect(g.__forgotten).toBe(forgotten + 1);
    expect(g.__posterDir).toBe(posterDir);
  });

  it('renders a page asked for twice at once only once', async () => {
    const before = pages.stats().renders;
    const [a, b] = await Promise.all([get('/villages/2/'), get('/villages/2/')]);
    expect(a.text).toBe(b.text);
    expect(pages.stats().renders).toBe(before + 1);
  });

  it('never keeps a page whose render began before a change', async () => {
    let release!: () => void;
    g.__hold = new Promise<void>((done) => (release = done));
    const pending = get('/villages/3/');
    await new Promise((done) => setTimeout(done, 20));
    pages.forget();
    g.__hold = undefined;
    release();
    const stale = await pending;
    expect(stale.status).toBe(200);
    expect((await get('/villages/3/')).text).not.toBe(stale.text);
  });

  it('drops every page when a part of the posters’ manifest is planned afresh, not when it is written unchanged', async () => {
    const first = (await get('/villages/4/')).text;
    expect((await get('/villages/4/')).text).toBe(first);
    const entry = { villageCode: '430482101207', year: 2024, version: 1, a4Pdf: '/posters/2024/a4.pdf', a3Pdf: '/posters/2024/a3.pdf', png: [] } as unknown as VillagePosterEntry;
    const manifest = { ...emptyManifest(), villages: { '430482101207/2024': entry } };
    writePosterManifestParts(posterDir, manifest, { year: 2024, townshipCodes: ['430482101'] });
    const second = (await get('/villages/4/')).text;
    expect(second).not.toBe(first);
    // A rebuild that plans the same: nothing is written, nothing dropped.
    writePosterManifestParts(posterDir, manifest);
    expect((await get('/villages/4/')).text).toBe(second);
  });

  it('passes a path no page answers on to the app (its 404 page)', async () => {
    expect(await get('/missing/page/')).toMatchObject({ status: 404, text: 'the app’s own 404' });
    expect((await get('/villages/5/', { method: 'POST' })).text).toBe('the app’s own 404');
    const renders = pages.stats().renders;
    for (const path of ['/villages/5%00/', '/feeds/villages/5.xml%00', '/villages/%E0%A4%A/']) expect(await get(path), path).toMatchObject({ status: 404, text: 'the app’s own 404' });
    expect(pages.stats().renders).toBe(renders);
  });

  it('keeps at most its bytes, dropping the least recently used first', async () => {
    for (let n = 1; n <= 20; n++) await get(`/big/${n}/`);
    // 60,000 bytes each: 16 fit in 1,000,000.
    expect(pages.stats()).toMatchObject({ pages: 16, bytes: 960_000 });
    const renders = pages.stats().renders;
    await get('/big/20/');
    expect(pages.stats().renders).toBe(renders);
    await get('/big/1/');
    expect(pages.stats().renders).toBe(renders + 1);
  });

  it('answers a revalidation with 304 and HEAD without a body', async () => {
    const first = await get('/villages/6/');
    const etag = first.res.headers.get('etag')!;
    expect((await get('/villages/6/', { headers: { 'if-none-match': `W/${etag}` } })).status).toBe(304);
    const head = await get('/villages/6/', { method: 'HEAD' });
    expect([head.status, head.text]).toEqual([200, '']);
  });
});
