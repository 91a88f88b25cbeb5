/**
 * After a build, the Worker `npm run build` made deploys: `wrangler deploy` with the configuration
 * the build generated from wrangler.toml (`<build>/server/wrangler.json`, what `npm run deploy`
 * passes), and plain `npx wrangler deploy` (the usual Astro + Cloudflare habit) through the
 * redirect a build into dist/ leaves in .wrangler/deploy/. Checked with `--dry-run` (no network)
 * on the Worker build of the e2e setup, which lives in the run's own folder rather than dist/: the
 * redirect is pointed at it for the check and put back after.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { PROJECT_ROOT, redirectWranglerTo, restoreWranglerRedirect, WRANGLER_REDIRECT } from '../../src/cli/site-build.ts';
import { builtWorkerConfig } from '../../src/cli/wrangler-dev.ts';

/** Cloudflare's limit on a Worker's compressed size on the Free plan (the paid plan allows 10 MB). */
const FREE_PLAN_LIMIT = 3 * 1024 * 1024;

const { outDir } = inject('workerBuild');

function dryRun(out: string, args: string[]) {
  return spawnSync(process.execPath, [resolve(PROJECT_ROOT, 'node_modules/wrangler/bin/wrangler.js'), 'deploy', '--dry-run', '--outdir', out, ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', CI: '1' },
    timeout: 120_000,
  });
}

/** Every module the deployment uploads, joined. */
const modules = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.m?js$/.test(e.name))
    .map((e) => readFileSync(join(e.parentPath, e.name)));

describe('wrangler deploy after a build', () => {
  const work = mkdtempSync(join(tmpdir(), 'deploy-after-build-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('deploys the built Worker: the app and the on-demand pages, the bindings, the assets, under the size limit', () => {
    const out = join(work, 'config');
    const result = dryRun(out, ['--config', builtWorkerConfig(outDir)]);
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toContain('env.ASSETS');
    expect(result.stdout).toContain('env.FILES');
    // No Astro sessions, so no KV namespace to create.
    expect(result.stdout).not.toContain('SESSION');
    // What is uploaded as static assets: the index pages, a tenth of what a static build of the same
    // database writes (every village's pages as files).
    const assets = Number(/Read (\d+) files from the assets directory/.exec(result.stdout)?.[1]);
    const staticFiles = readdirSync(inject('staticSiteDir'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
    expect(assets).toBeGreaterThan(0);
    expect(assets * 10).toBeLessThan(staticFiles);
    const bundle = Buffer.concat(modules(out));
    const text = bundle.toString('utf8');
    // The Hono app's routes and the pages rendered on demand (a village page's own words).
    expect(text).toContain('/uploads/:kind');
    expect(text).toContain('查看本年度各版本和改动');
    // The Node-only database client (native libSQL bindings) must not be in the Worker.
    expect(text).not.toContain('@libsql/linux-x64');
    const gzipped = gzipSync(bundle, { level: 9 }).length;
    console.log(`Worker (app and pages): ${(bundle.length / 1024).toFixed(0)} KiB, gzipped ${(gzipped / 1024).toFixed(0)} KiB, ${assets} static files`);
    expect(gzipped).toBeLessThan(FREE_PLAN_LIMIT);
    // The nightly job and the R2 bucket come from wrangler.toml.
    const config = JSON.parse(readFileSync(builtWorkerConfig(outDir), 'utf8')) as { triggers: { crons: string[] }; assets: { run_worker_first: unknown } };
    expect(config.triggers.crons).toEqual(['5 16 * * *']);
    expect(config.assets.run_worker_first).toBe(true);
  });

  it('deploys the same Worker with plain `wrangler deploy` once a build points the redirect at it', () => {
    const before = existsSync(WRANGLER_REDIRECT) ? readFileSync(WRANGLER_REDIRECT, 'utf8') : null;
    const out = join(work, 'plain');
    try {
      redirectWranglerTo(outDir);
      const result = dryRun(out, []);
      expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
      expect(result.stdout).toContain('env.FILES');
      expect(Buffer.concat(modules(out)).toString('utf8')).toContain('查看本年度各版本和改动');
    } finally {
      restoreWranglerRedirect(before);
    }
  });
});
