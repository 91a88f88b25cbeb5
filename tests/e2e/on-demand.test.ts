/**
 * Pages rendered on demand by the Node server (functions/node-on-demand.ts): every village,
 * version, history, project and verification page and every village's open data and feed. They
 * must be exactly what a static build of the same database writes, answer 404 for what was never
 * published, and show a correction, with its poster, as soon as it is published, with no rebuild.
 *
 * Runs its own server over a copy of the database as first built (the shared one is changed by
 * other test files), serving the Node build the e2e setup made, with no rebuilder behind it.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../db/client.ts';
import type { PublishedEvent } from '../../functions/app-env.ts';
import { createMemoryLogger } from '../../functions/logger.ts';
import { startNodeServer, type RunningServer } from '../../functions/node-server.ts';
import { loadConfig } from '../../src/config.ts';
import { mintToken } from '../../src/data/users.ts';
import { CLOUDFLARE_FILES, differingFromStatic, filesOf, publishCorrection } from './on-demand-support.ts';

const siteDir = inject('siteDir');
const staticSiteDir = inject('staticSiteDir');
const pristine = inject('pristine');
const posterSettings = inject('posterSettings');


describe('pages rendered on demand', () => {
  let opened: OpenDatabase;
  let running: RunningServer;
  let base: string;
  const events: PublishedEvent[] = [];

  beforeAll(async () => {
    opened = await openDatabase({ url: pristine.databaseUrl });
    const config = loadConfig({ DATABASE_URL: pristine.databaseUrl, PORT: '0', HOST: '127.0.0.1', SITE_DIR: siteDir });
    running = await startNodeServer({
      db: opened.db,
      config,
      logger: createMemoryLogger(),
      siteDir: () => siteDir,
      // Only recorded: nothing is rebuilt behind this server.
      onPublished: (event) => void events.push(event),
      posters: { dir: pristine.posterDir, settings: posterSettings },
      uploadThread: false,
    });
    base = `http://127.0.0.1:${running.port}`;
  });
  afterAll(async () => {
    await running?.close();
    opened?.close();
  });

  const staticFiles = filesOf(staticSiteDir);
  const nodeFiles = new Set(filesOf(siteDir));
  // Cloudflare's build files and the bundles are not pages.
  const onDemand = staticFiles.filter((f) => !nodeFiles.has(f) && !f.startsWith('_astro/') && !CLOUDFLARE_FILES.includes(f));

  it('are files only in the static build: the Node build holds the index pages', () => {
    expect(onDemand.filter((f) => /^villages\/\d{12}\/index\.html$/.test(f)).length).toBe(163);
    for (const kind of [/^villages\/\d{12}\/\d{4}\/v\d+\/index\.html$/, /^villages\/\d{12}\/history\/\d{4}\/index\.html$/, /^projects\/[^/]+\/index\.html$/, /^verify\/[2-9A-Z]{4}-[2-9A-Z]{4}\/index\.html$/, /^data\/villages\/\d{12}\/(projects|disbursements|direct-subsidies)\.csv$/, /^data\/villages\/\d{12}\/(projects\.geojson|village\.json)$/, /^data\/villages\/\d{12}\/versions\/\d{4}-v\d+\.json$/, /^feeds\/villages\/\d{12}\.xml$/, /^townships\/\d{9}\/index\.html$/]) {
      expect(onDemand.some((f) => kind.test(f)), String(kind)).toBe(true);
    }
    expect(nodeFiles.has('index.html') && nodeFiles.has('data/villages.json') && nodeFiles.has('verify/index.html')).toBe(true);
    expect(nodeFiles.size * 10).toBeLessThan(staticFiles.length);
  });

  it('answer with exactly what the static build wrote, for every one of them', async () => {
    expect(onDemand.length).toBeGreaterThan(8000);
    expect(await differingFromStatic(base, onDemand, staticSiteDir, 4)).toEqual([]);
    // Each was rendered once; the next request for any of them is answered from memory.
    const { renders } = running.pages.stats();
    await (await fetch(`${base}/${onDemand[0]!.replace(/index\.html$/, '')}`)).arrayBuffer();
    expect(running.pages.stats().renders).toBe(renders);
  }, 300_000);

  it('revalidate with the page’s ETag, and answer HEAD without a body', async () => {
    const village = onDemand.find((f) => /^villages\/\d{12}\/index\.html$/.test(f))!.replace(/index\.html$/, '');
    const first = await fetch(`${base}/${village}`);
    const etag = first.headers.get('etag');
    expect([first.status, first.headers.get('cache-control'), etag]).toEqual([200, 'no-cache', expect.stringMatching(/^(W\/)?"[\w-]{22}"$/)]);
    expect(first.headers.get('content-security-policy')).toContain("script-src 'self'");
    const again = await fetch(`${base}/${village}`, { headers: { 'if-none-match': etag! } });
    expect([again.status, await again.text()]).toEqual([304, '']);
    const head = await fetch(`${base}/${village}`, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-type'), await head.text()]).toEqual([200, 'text/html; charset=utf-8', '']);
  });

  it('answer 404 (the site’s own page) for what was never published', async () => {
    const village = onDemand.find((f) => /^villages\/\d{12}\/index\.html$/.test(f))!.split('/')[1]!;
    for (const path of [
      '/villages/430482999999/',
      `/villages/${village}/2099/v1/`,
      `/villages/${village}/2024/v01/`,
      `/villages/${village}/history/1999/`,
      '/projects/CN2099-9999/',
      '/verify/AAAA-AAAA/',
      `/data/villages/${village}/households.csv`,
      `/data/villages/${village}/versions/2024-v9.json`,
      '/feeds/villages/430482999999.xml',
      '/townships/430482999/',
      '/townships/4304821/',
      // A site of one county has no county pages (its overview is the home page).
      '/counties/430482/',
      '/counties/430482/search/index.json',
    ]) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).toContain('没有找到这个页面');
    }
  });

  it('show a correction as soon as it is published, with nothing rebuilt', async () => {
    const at = new Date().toISOString();
    const { token } = await mintToken(opened.db, { role: 'county', scopeCode: '430482', name: `e2e按需${process.pid}`, at });
    const village = '430482101207';
    const before = await (await fetch(`${base}/villages/${village}/`)).text();
    expect(before).toContain('2024年度公示（第1版）');
    // Its poster, as planned for version 1.
    expect(before).toContain('新建村2024年度公示第 1 版');
    const body = await publishCorrection(base, token, '补录一笔拨付（e2e）', '记-E2E-0001');
    expect(body.rebuild).toBe('scheduled');
    expect(body.created.filter((d) => d.scopeType === 'village')).toEqual([expect.objectContaining({ scopeCode: village, version: 2 })]);
    // The very next request: no wait, no rebuild (this server has none).
    const after = await (await fetch(`${base}/villages/${village}/`)).text();
    expect(after).toContain('2024年度公示（第2版）');
    expect(after).toContain('本版更正原因：补录一笔拨付（e2e）');
    // Never version 1's poster as if it were current; version 2's once named (its township planned
    // again, not the site), then drawn when asked.
    expect(after).not.toContain('2024年度公示第 1 版');
    let png: string | undefined;
    await expect
      .poll(async () => (png = /年度公示第 2 版[\s\S]*?href="(\/posters\/2024\/430482101207-v2-[^"]+\.png)"/.exec(await (await fetch(`${base}/villages/${village}/`)).text())?.[1]), { timeout: 20_000 })
      .toBeDefined();
    const poster = await fetch(`${base}${png!}`);
    expect([poster.status, poster.headers.get('content-type')]).toEqual([200, 'image/png']);
    expect((await poster.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
    expect((await fetch(`${base}/villages/${village}/2024/v2/`)).status).toBe(200);
    expect(await (await fetch(`${base}/villages/${village}/2024/v1/`)).text()).toContain('data-version-state="corrected"');
    expect(events.map((e) => e.reason)).toEqual(['publish']);
    // A village that did not change still answers its version 1.
    const other = onDemand.find((f) => /^villages\/\d{12}\/index\.html$/.test(f) && !f.includes(village))!;
    expect(await (await fetch(`${base}/${other.replace(/index\.html$/, '')}`)).text()).toContain('2024年度公示（第1版）');
  }, 60_000);
});
