/**
 * The Worker's app bundles for deployment: `wrangler deploy --dry-run` (no network, no account) of
 * functions/worker.ts over a stand-in assets folder, so the check does not need a site build.
 * Catches imports that cannot run on Workers (a Node-only module reached from functions/worker.ts)
 * before a deploy does. The Worker deployed adds the site's pages (functions/worker-pages.ts),
 * which only a site build bundles: tests/e2e/worker-pages.test.ts checks that bundle.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/cli/site-build.ts';

/** Cloudflare's limit on a Worker's compressed size on the Free plan (the paid plan allows 10 MB). */
const FREE_PLAN_LIMIT = 3 * 1024 * 1024;

describe('wrangler deploy --dry-run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'worker-bundle-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('bundles functions/worker.ts for Workers, well under the size limit, with no onRequest export', () => {
    const site = join(dir, 'site');
    mkdirSync(site);
    writeFileSync(join(site, 'index.html'), '<!doctype html><title>x</title>');
    const outdir = join(dir, 'out');
    const result = spawnSync(
      process.execPath,
      [resolve(PROJECT_ROOT, 'node_modules/wrangler/bin/wrangler.js'), 'deploy', resolve(PROJECT_ROOT, 'functions/worker.ts'), '--dry-run', '--outdir', outdir, '--config', resolve(PROJECT_ROOT, 'wrangler.toml'), '--assets', site],
      { cwd: PROJECT_ROOT, encoding: 'utf8', env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', CI: '1' }, timeout: 120_000 },
    );
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toContain('env.ASSETS');
    const bundle = readFileSync(join(outdir, 'worker.js'));
    const gzipped = gzipSync(bundle, { level: 9 }).length;
    console.log(`Worker bundle: ${(bundle.length / 1024).toFixed(0)} KiB, gzipped ${(gzipped / 1024).toFixed(0)} KiB`);
    expect(gzipped).toBeLessThan(FREE_PLAN_LIMIT);
    const text = bundle.toString('utf8');
    expect(text).not.toMatch(/export\s*\{[^}]*\bonRequest/);
    // The Node-only database client (native libSQL bindings) must not be in the Worker.
    expect(text).not.toContain('@libsql/linux-x64');
  });
});
