/**
 * The Worker `npm run build` makes (functions/worker-pages.ts), run in workerd with `wrangler dev`
 * over the libSQL HTTP server, as `npm run preview` runs it: the village, version, history,
 * project and verification pages and the villages' open data and feeds are not in its static
 * assets but rendered by the Worker from the published snapshots. They must be what a static build
 * of the same database writes, answer 404 for what was never published, carry the site's headers,
 * and show a correction at the next request, with no redeploy.
 *
 * Runs over its own copy of the database as first built (the e2e setup's `workerBuild`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../db/client.ts';
import { startLibsqlHttpServer, type LibsqlHttpServer } from '../../src/cli/libsql-http-server.ts';
import { builtWorkerConfig, startWranglerDev, type WranglerDev } from '../../src/cli/wrangler-dev.ts';
import { mintToken } from '../../src/data/users.ts';

const staticSiteDir = inject('staticSiteDir');
const { outDir, databaseUrl } = inject('workerBuild');

const filesOf = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !/\.(br|gz)$/.test(e.name))
    .map((e) => relative(dir, join(e.parentPath, e.name)));

/** The names of bundled files (/_astro/…) differ between the two builds' bundlers; nothing else may. */
const sameBundleNames = (html: string) => html.replace(/\/_astro\/[^"' )]+/g, '/_astro/…');

describe('pages rendered by the Worker', () => {
  let opened: OpenDatabase;
  let database: LibsqlHttpServer;
  let worker: WranglerDev;
  let base: string;

  beforeAll(async () => {
    opened = await openDatabase({ url: databaseUrl });
    database = await startLibsqlHttpServer({ path: databaseUrl, authToken: 'worker-pages-e2e' });
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
  // Cloudflare's build files and the bundles are not pages.
  const onDemand = staticFiles.filter((f) => !workerFiles.has(f) && !f.startsWith('_astro/') && !['.assetsignore', '_headers', 'wrangler.json'].includes(f));

  it('are not in the Worker’s assets, which hold the index pages', () => {
    expect(onDemand.filter((f) => /^villages\/\d{12}\/index\.html$/.test(f)).length).toBe(163);
    expect(workerFiles.has('index.html') && workerFiles.has('data/villages.json') && workerFiles.has('verify/index.html')).toBe(true);
    expect([...workerFiles].filter((f) => f.startsWith('villages/'))).toEqual([]);
    expect(workerFiles.size * 10).toBeLessThan(staticFiles.length);
  });

  it('answer with exactly what the static build wrote (every page of one kind in five, and every village page)', async () => {
    const kinds = [/^villages\/\d{12}\/\d{4}\/v\d+\//, /^villages\/\d{12}\/history\//, /^projects\//, /^verify\/[2-9A-Z]{4}-/, /\.csv$/, /\.geojson$/, /village\.json$/, /versions\/\d{4}-v\d+\.json$/, /^feeds\//];
    const firstOfKind = new Set(kinds.map((kind) => onDemand.find((f) => kind.test(f))));
    const checked = onDemand.filter((f, i) => i % 5 === 0 || firstOfKind.has(f) || /^villages\/\d{12}\/index\.html$/.test(f));
    for (const kind of kinds) expect(checked.some((f) => kind.test(f)), String(kind)).toBe(true);
    const differing: string[] = [];
    let next = 0;
    const fetcher = async () => {
      while (next < checked.length) {
        const file = checked[next++]!;
        const res = await fetch(`${base}/${file.replace(/index\.html$/, '')}`, { headers: { 'accept-encoding': 'identity' } });
        const got = Buffer.from(await res.arrayBuffer());
        const want = readFileSync(join(staticSiteDir, file));
        const same = file.endsWith('.html') ? sameBundleNames(got.toString('utf8')) === sameBundleNames(want.toString('utf8')) : got.equals(want);
        if (res.status !== 200 || !same) differing.push(`${res.status} ${file}`);
      }
    };
    await Promise.all([fetcher(), fetcher(), fetcher()]);
    expect(differing).toEqual([]);
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

  it('show a correction published through the Worker at the next request, with no redeploy', async () => {
    const { token } = await mintToken(opened.db, { role: 'county', scopeCode: '430482', name: `e2e-worker-${process.pid}`, at: new Date().toISOString() });
    const auth = { authorization: `Bearer ${token}` };
    const village = '430482101207';
    const before = await (await fetch(`${base}/villages/${village}/`)).text();
    expect(before).toContain('2024年度公示（第1版）');
    expect(before).toContain('新建村2024年度公示第 1 版');
    const upload = await fetch(`${base}/api/v1/uploads/disbursements`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/csv' },
      body: '项目编号,拨付日期,金额(元),资金来源,凭证号,收款单位\nCN2024-0001,2024-10-15,10000,中央,记-E2E-W001,湖南湘南水利水电工程有限公司\n',
    });
    expect(((await upload.json()) as { status: string }).status).toBe('committed');
    const published = await fetch(`${base}/api/v1/publish`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ year: 2024, asOf: '2024-12-31', correctionReason: '补录一笔拨付（Worker e2e）' }),
    });
    expect(published.status).toBe(200);
    const body = (await published.json()) as { created: Array<{ scopeType: string; scopeCode: string; version: number; verificationCode: string }> };
    const created = body.created.filter((d) => d.scopeType === 'village');
    expect(created).toEqual([expect.objectContaining({ scopeCode: village, version: 2 })]);
    // The very next request: this Worker has no deploy hook, nothing was redeployed.
    const after = await (await fetch(`${base}/villages/${village}/`)).text();
    expect(after).toContain('2024年度公示（第2版）');
    expect(after).toContain('本版更正原因：补录一笔拨付（Worker e2e）');
    // Version 1's poster is never shown as the current one; version 2's is drawn by the next build.
    expect(after).not.toContain('2024年度公示第 1 版');
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
