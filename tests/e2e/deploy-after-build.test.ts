/**
 * After a build, plain `npx wrangler deploy` (the usual Astro + Cloudflare habit) deploys this
 * Worker with the built site: the build removes the redirect `astro build` leaves in
 * .wrangler/deploy/, so wrangler reads wrangler.toml. Checked with `--dry-run` (no network) and no
 * `--config`, after the build global-setup ran; `--assets` points at that build, which lives in
 * the run's own folder rather than dist/.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { PROJECT_ROOT, WRANGLER_REDIRECT } from '../../src/cli/site-build.ts';

describe('wrangler deploy after a build, without --config', () => {
  const out = mkdtempSync(join(tmpdir(), 'deploy-after-build-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('finds no redirect left by the build and bundles functions/worker.ts with the site', () => {
    expect(existsSync(WRANGLER_REDIRECT)).toBe(false);
    const result = spawnSync(
      process.execPath,
      [resolve(PROJECT_ROOT, 'node_modules/wrangler/bin/wrangler.js'), 'deploy', '--dry-run', '--outdir', out, '--assets', inject('staticSiteDir')],
      { cwd: PROJECT_ROOT, encoding: 'utf8', env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', CI: '1' }, timeout: 120_000 },
    );
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toContain('env.ASSETS');
    expect(result.stdout).toContain('env.FILES');
    // The Worker itself, not an assets-only deployment: the Hono app's routes are in the bundle.
    expect(readFileSync(join(out, 'worker.js'), 'utf8')).toContain('/uploads/:kind');
  });
});
