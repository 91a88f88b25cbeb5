/**
 * The Worker `npm run build` makes (functions/worker-pages.ts), run in workerd with `wrangler dev`
 * over the libSQL HTTP server, as `npm run preview` runs it: the village, version, history,
 * project and verification pages and the villages' open data and feeds are not in its static
 * assets but rendered by the Worker from the published snapshots. They must be what a static build
 * of the same database writes, answer 404 for what was never published, carry the site's headers,
 * and show a correction at the next request, with no redeploy. The posters and share cards are not
 * assets either: the deploy draws those the Worker's bucket lacks and stores them through the API
 * (src/cli/poster-sync.ts), and the Worker serves them from the bucket.
 *
 * Runs over its own copy of the database as first built (the e2e setup's `workerBuild`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../db/client.ts';
import { spawnLibsqlHttpServer, type LibsqlHttpServer } from '../../src/cli/libsql-http-server.ts';
import { builtWorkerConfig, startWranglerDev, type WranglerDev } from '../../src/cli/wrangler-dev.ts';
import { mintToken } from '../../src/data/users.ts';
import { syncPostersToWorker } from '../../src/cli/poster-sync.ts';
import { WORKER_E2E_GZIP_ABOVE } from './global-setup.ts';
import { CLOUDFLARE_FILES, differingFromStatic, filesOf, publishCorrection, sameBundleNames } from './on-demand-support.ts';

/** The text of a PDF (poppler's pdftotext). */
function pdfText(bytes: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'worker-poster-'));
  try {
    writeFileSync(join(dir, 'poster.pdf'), bytes);
    return execFileSync('pdftotext', [join(dir, 'poster.pdf'), '-'], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const staticSiteDir = inject('staticSiteDir');
const { outDir, databaseUrl } = inject('workerBuild');
const posterSettings = inject('posterSettings');


describe('pages rendered by the Worker', () => {
  let opened: OpenDatabase;
  let database: LibsqlHttpServer;
  let worker: WranglerDev;
  let base: string;

  beforeAll(async () => {
    opened = await openDatabase({ url: databaseUrl });
    // In a child process: this one opens the same file through @libsql/client (see spawnLibsqlHttpServer).
    database = await spawnLibsqlHttpServer({ path: databaseUrl, authToken: 'worker-pages-e2e' });
    worker = await startWranglerDev({
      config: builtWorkerConfig(outDir),
      persistTo: join(outDir, '..', 'worker-state'),
      vars: { DATABASE_URL: database.url, DATABASE_AUTH_TOKEN: 'worker-pages-e2e', LOG_LEVEL: 'warn' },
      readyTimeoutMs: 120_000,
    });
    base = worker.url;
  }, 180_000);
  afterAll(async () => {
    await worker?.close();
    await database?.close();
    opened?.close();
  });

  const staticFiles = filesOf(staticSiteDir);
  const workerFiles = new Set(filesOf(join(outDir, 'client')));
  // Cloudflare's build files, the bundles and the posters' manifest (one file per county and year
  // in the Worker's build) are not pages.
  const onDemand = staticFiles.filter((f) => !workerFiles.has(f) && !f.startsWith('_astro/') && !f.startsWith('posters/') && !CLOUDFLARE_FILES.includes(f));

  it('are not in the Worker’s assets, which hold the index pages', () => {
    expect(onDemand.filter((f) => /^villages\/\d{12}\/index\.html$/.test(f)).length).toBe(163);
    expect(workerFiles.has('index.html') && workerFiles.has('data/villages.json') && workerFiles.has('verify/index.html')).toBe(true);
    expect([...workerFiles].filter((f) => f.startsWith('villages/'))).toEqual([]);
    expect(workerFiles.size * 10).toBeLessThan(staticFiles.length);
  });

  it('answer with exactly what the static build wrote (every page of one kind in five, and every village page)', async () => {
    const kinds = [/^villages\/\d{12}\/\d{4}\/v\d+\//, /^villages\/\d{12}\/history\//, /^projects\//, /^verify\/[2-9A-Z]{4}-/, /\.csv$/, /\.geojson$/, /village\.json$/, /versions\/\d{4}-v\d+\.json$/, /^feeds\//, /^townships\//];
    const firstOfKind = new Set(kinds.map((kind) => onDemand.find((f) => kind.test(f))));
    const checked = onDemand.filter((f, i) => i % 5 === 0 || firstOfKind.has(f) || /^villages\/\d{12}\/index\.html$/.test(f));
    for (const kind of kinds) expect(checked.some((f) => kind.test(f)), String(kind)).toBe(true);
    expect(await differingFromStatic(base, checked, staticSiteDir, 3)).toEqual([]);
  }, 600_000);

  it('carry the site’s headers, and answer HEAD without a body', async () => {
    const village = `/${onDemand.find((f) => /^villages\/\d{12}\/index\.html$/.test(f))!.replace(/index\.html$/, '')}`;
    const page = await fetch(`${base}${village}`);
    expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const head = await fetch(`${base}${village}`, { method: 'HEAD' });
    expect([head.status, await head.text()]).toEqual([200, '']);
    // A query string does not make another page.
    expect(sameBundleNames(await (await fetch(`${base}${village}?from=qr`)).text())).toBe(sameBundleNames(await page.text()));
  });

  it('are kept once rendered and revalidated by their ETag, until something public changes', async () => {
    const path = '/villages/430482101204/';
    const first = await fetch(`${base}${path}`);
    expect(first.status).toBe(200);
    await first.arrayBuffer();
    const again = await fetch(`${base}${path}`);
    expect([again.status, again.headers.get('x-page-cache')]).toEqual([200, 'hit']);
    expect(sameBundleNames(await again.text())).toBe(sameBundleNames(readFileSync(join(staticSiteDir, 'villages/430482101204/index.html'), 'utf8')));
    const etag = again.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]{22}"$/);
    const revalidated = await fetch(`${base}${path}`, { headers: { 'if-none-match': etag } });
    expect([revalidated.status, revalidated.headers.get('x-page-cache'), await revalidated.text()]).toEqual([304, 'revalidated', '']);
  });

  it('answer 404 (the site’s own page) for what was never published, and for paths that name nothing', async () => {
    const village = onDemand.find((f) => /^villages\/\d{12}\/index\.html$/.test(f))!.split('/')[1]!;
    for (const path of [
      '/villages/430482999999/',
      `/villages/${village}/2099/v1/`,
      `/villages/${village}/history/1999/`,
      '/projects/CN2099-9999/',
      '/verify/AAAA-AAAA/',
      `/data/villages/${village}/households.csv`,
      '/feeds/villages/430482999999.xml',
      '/townships/430482999/',
      '/counties/430482/',
      '/villages/%00/',
      '/villages/%E0%A4%A/',
      `/villages/${'9'.repeat(5000)}/`,
    ]) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).toContain('没有找到这个页面');
    }
    // Still answering.
    expect((await fetch(`${base}/villages/${village}/`)).status).toBe(200);
  });

  it('send the files the build shipped gzipped (over the asset limit) as the static build wrote them', async () => {
    const gzipped = JSON.parse(readFileSync(join(outDir, 'client', '_gzipped-assets.json'), 'utf8')) as string[];
    // The sample's files over the e2e build's 1 MiB: its site-wide open data.
    expect(gzipped).toContain('/data/disbursements.json');
    for (const path of gzipped) {
      expect(workerFiles.has(path.slice(1))).toBe(false);
      expect(statSync(join(outDir, 'client', `${path.slice(1)}.gz`)).size).toBeLessThan(WORKER_E2E_GZIP_ABOVE);
      const written = readFileSync(join(staticSiteDir, path.slice(1)));
      // A browser accepts gzip: the bytes go as they are (fetch unpacks them once).
      const packed = await fetch(`${base}${path}`, { headers: { 'accept-encoding': 'gzip' } });
      expect([packed.status, packed.headers.get('content-encoding')]).toEqual([200, 'gzip']);
      expect(packed.headers.get('content-type')).toMatch(/^(text\/csv; charset=utf-8|application\/(geo\+)?json)$/);
      expect(Buffer.from(await packed.arrayBuffer()).equals(written)).toBe(true);
      // A client that does not: unpacked by the Worker.
      const plain = await fetch(`${base}${path}`, { headers: { 'accept-encoding': 'identity' } });
      expect([plain.status, plain.headers.get('content-encoding')]).toEqual([200, null]);
      expect(Buffer.from(await plain.arrayBuffer()).equals(written)).toBe(true);
      const head = await fetch(`${base}${path}`, { method: 'HEAD', headers: { 'accept-encoding': 'gzip' } });
      expect([head.status, await head.text()]).toEqual([200, '']);
    }
  }, 120_000);

  it('serve the posters and share cards the deploy drew and stored, drawing only what the bucket lacks', async () => {
    const { token } = await mintToken(opened.db, { role: 'county', scopeCode: '430482', name: `e2e-sync-${process.pid}`, at: new Date().toISOString() });
    const village = '430482101207';
    const other = '430482101204';
    // As npm run deploy does after a deploy, for two villages' 2024 posters (all of them would take minutes).
    const sync = () => syncPostersToWorker({ db: opened.db, settings: posterSettings, siteUrl: base, tokens: [token], years: [2024], villageCodes: [village, other], workers: 1 });
    const first = await sync();
    expect(first).toMatchObject({ skipped: 0, shareCards: 2 });
    expect(first.uploaded).toBeGreaterThanOrEqual(2 * 3 + 2);
    // Everything is stored now: a second run draws and stores nothing.
    expect(await sync()).toMatchObject({ uploaded: 0, shareCards: 0, stored: first.stored + first.uploaded });

    const page = await (await fetch(`${base}/villages/${village}/`)).text();
    const pdf = /href="(\/posters\/2024\/430482101207-v1-[0-9a-f]{16}-a4\.pdf)"/.exec(page)?.[1];
    const png = /href="(\/posters\/2024\/430482101207-v1-[0-9a-f]{16}-a4-p1\.png)"/.exec(page)?.[1];
    expect(pdf && png).toBeTruthy();
    const pdfRes = await fetch(`${base}${pdf}`);
    expect([pdfRes.status, pdfRes.headers.get('content-type'), pdfRes.headers.get('cache-control')]).toEqual([200, 'application/pdf', 'public, max-age=31536000, immutable']);
    const pdfBytes = Buffer.from(await pdfRes.arrayBuffer());
    expect(pdfBytes.subarray(0, 5).toString()).toBe('%PDF-');
    // What it prints: the village and the version's verification code, as on the page.
    const code = /核对码：<span class="code">([2-9A-Z]{4}-[2-9A-Z]{4})<\/span>/.exec(page)![1]!;
    expect(pdfText(pdfBytes)).toContain(code);
    const pngRes = await fetch(`${base}${png}`);
    expect([pngRes.status, pngRes.headers.get('content-type')]).toEqual([200, 'image/png']);
    const card = await fetch(`${base}/share/villages/${village}/2024.png`);
    expect([card.status, card.headers.get('content-type')]).toEqual([200, 'image/png']);
    expect((await card.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
    const etag = card.headers.get('etag')!;
    expect((await fetch(`${base}/share/villages/${village}/2024.png`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    // A village whose posters were not stored: the Worker draws its poster when first asked for
    // (functions/worker-posters.ts) and keeps it in the bucket; its share card only the deploy draws.
    const third = await (await fetch(`${base}/villages/430482101201/`)).text();
    const unstored = /href="(\/posters\/2024\/430482101201-v\d+-[0-9a-f]{16}-a4\.pdf)"/.exec(third)?.[1];
    expect(unstored).toBeDefined();
    const drawn = await fetch(`${base}${unstored!}`);
    expect([drawn.status, drawn.headers.get('content-type'), drawn.headers.get('x-poster')]).toEqual([200, 'application/pdf', 'drawn']);
    const thirdCode = /核对码：<span class="code">([2-9A-Z]{4}-[2-9A-Z]{4})<\/span>/.exec(third)![1]!;
    expect(pdfText(Buffer.from(await drawn.arrayBuffer()))).toContain(thirdCode);
    const again = await fetch(`${base}${unstored!}`);
    expect([again.status, again.headers.get('x-poster')]).toEqual([200, null]);
    // A name no plan has is not drawn: one from an earlier key goes to the current file.
    const stale = await fetch(`${base}${unstored!.replace(/-([0-9a-f]{16})-a4/, '-0123456789abcdef-a4')}`, { redirect: 'manual' });
    expect([stale.status, new URL(stale.headers.get('location') ?? '', base).pathname]).toEqual([302, unstored]);
    // Its share card, until a deploy draws it: the first page of the same version's poster.
    const thirdPng = /href="(\/posters\/2024\/430482101201-v\d+-[0-9a-f]{16}-a4-p1\.png)"/.exec(third)![1]!;
    const card3 = await fetch(`${base}/share/villages/430482101201/2024.png`, { redirect: 'manual' });
    expect([card3.status, new URL(card3.headers.get('location') ?? '', base).pathname, card3.headers.get('cache-control')]).toEqual([302, thirdPng, 'no-cache']);
  }, 300_000);

  it('show a correction published through the Worker at the next request, with no redeploy', async () => {
    const { token } = await mintToken(opened.db, { role: 'county', scopeCode: '430482', name: `e2e-worker-${process.pid}`, at: new Date().toISOString() });
    const village = '430482101207';
    const beforeRes = await fetch(`${base}/villages/${village}/`);
    const before = await beforeRes.text();
    expect(before).toContain('2024年度公示（第1版）');
    expect(before).toContain('新建村2024年度公示第 1 版');
    const keptTag = beforeRes.headers.get('etag')!;
    const otherPath = '/villages/430482101204/';
    const otherTag = (await fetch(`${base}${otherPath}`)).headers.get('etag')!;
    const body = await publishCorrection(base, token, '补录一笔拨付（Worker e2e）', '记-E2E-W001');
    const created = body.created.filter((d) => d.scopeType === 'village');
    expect(created).toEqual([expect.objectContaining({ scopeCode: village, version: 2 })]);
    // No deploy hook: the Worker names the posters, but says the index pages are not rebuilt.
    expect(body.rebuild).toBe('not_configured');
    // The very next request: this Worker has no deploy hook, nothing was redeployed. The page kept
    // before is not sent, nor confirmed to a browser that holds it.
    const afterRes = await fetch(`${base}/villages/${village}/`, { headers: { 'if-none-match': keptTag } });
    expect([afterRes.status, afterRes.headers.get('x-page-cache')]).toEqual([200, 'miss']);
    const after = await afterRes.text();
    // Every page is keyed afresh by a publish: an unchanged village is rendered again too (its
    // version 1 still), once.
    const otherAgain = await fetch(`${base}${otherPath}`, { headers: { 'if-none-match': otherTag } });
    expect([otherAgain.status, otherAgain.headers.get('x-page-cache')]).toEqual([200, 'miss']);
    expect(await otherAgain.text()).toContain('2024年度公示（第1版）');
    expect(after).toContain('2024年度公示（第2版）');
    expect(after).toContain('本版更正原因：补录一笔拨付（Worker e2e）');
    // Version 1's poster is never shown as the current one. Version 2's is named once the publish's
    // plan is stored (after the answer, functions/worker-posters.ts): the page links it from then
    // on, and the Worker draws it when first asked for.
    expect(after).not.toContain('2024年度公示第 1 版');
    let linked: string | undefined;
    for (let tries = 0; tries < 60 && !linked; tries++) {
      const page = await (await fetch(`${base}/villages/${village}/`)).text();
      linked = /href="(\/posters\/2024\/430482101207-v2-[0-9a-f]{16}-a4\.pdf)"/.exec(page)?.[1];
      if (!linked) await new Promise((done) => setTimeout(done, 500));
    }
    expect(linked).toBeDefined();
    const poster = await fetch(`${base}${linked!}`);
    expect([poster.status, poster.headers.get('content-type'), poster.headers.get('x-poster')]).toEqual([200, 'application/pdf', 'drawn']);
    const printed = pdfText(Buffer.from(await poster.arrayBuffer()));
    expect(printed).toContain(created[0]!.verificationCode);
    expect(printed).toContain('第 2 版');
    const png = await fetch(`${base}${linked!.replace(/-a4\.pdf$/, '-a4-p1.png')}`);
    expect([png.status, png.headers.get('content-type'), png.headers.get('x-poster')]).toEqual([200, 'image/png', null]);
    // The share card address never shows version 1's figures: version 2's poster until a deploy draws its card.
    const card = await fetch(`${base}/share/villages/${village}/2024.png`, { redirect: 'manual' });
    expect([card.status, new URL(card.headers.get('location') ?? '', base).pathname]).toEqual([302, linked!.replace(/-a4\.pdf$/, '-a4-p1.png')]);
    expect((await fetch(`${base}/villages/${village}/2024/v2/`)).status).toBe(200);
    expect(await (await fetch(`${base}/villages/${village}/2024/v1/`)).text()).toContain('data-version-state="corrected"');
    const verify = await (await fetch(`${base}/verify/${created[0]!.verificationCode}/`)).text();
    expect(verify).toContain('年度公示的第2版');
    expect(verify).toContain('这是当前最新的版本。');
    // A village that did not change still answers its version 1.
    const other = onDemand.find((f) => /^villages\/\d{12}\/index\.html$/.test(f) && !f.includes(village))!;
    expect(await (await fetch(`${base}/${other.replace(/index\.html$/, '')}`)).text()).toContain('2024年度公示（第1版）');
  }, 120_000);
});
