/**
 * What the tests of pages rendered on demand share (tests/e2e/on-demand.test.ts for the Node
 * server, worker-pages.test.ts for the Worker): the files of a build, and one village's correction
 * published through the API.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'vitest';

/** A build's files, without the .br/.gz copies beside them. */
export const filesOf = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !/\.(br|gz)$/.test(e.name))
    .map((e) => relative(dir, join(e.parentPath, e.name)));

/** The names of bundled files (/_astro/…) differ between two builds' bundlers; nothing else may. */
export const sameBundleNames = (html: string) => html.replace(/\/_astro\/[^"' )]+/g, '/_astro/…');

/**
 * Fetches each of `files` (paths in the static build `staticSiteDir`) from the server at `base`,
 * `parallel` at a time; the ones not answered 200 with what the static build wrote (HTML: but for
 * the bundles' names), as `<status> <file>`.
 */
export async function differingFromStatic(base: string, files: readonly string[], staticSiteDir: string, parallel: number): Promise<string[]> {
  const differing: string[] = [];
  let next = 0;
  const fetcher = async () => {
    while (next < files.length) {
      const file = files[next++]!;
      const res = await fetch(`${base}/${file.replace(/index\.html$/, '')}`, { headers: { 'accept-encoding': 'identity' } });
      const got = Buffer.from(await res.arrayBuffer());
      const want = readFileSync(join(staticSiteDir, file));
      const same = file.endsWith('.html') ? sameBundleNames(got.toString('utf8')) === sameBundleNames(want.toString('utf8')) : got.equals(want);
      if (res.status !== 200 || !same) differing.push(`${res.status} ${file}`);
    }
  };
  await Promise.all(Array.from({ length: parallel }, fetcher));
  return differing;
}

/** Cloudflare's build files: not pages. */
export const CLOUDFLARE_FILES = ['.assetsignore', '_headers', 'wrangler.json'];

export interface PublishedVersion {
  scopeType: string;
  scopeCode: string;
  version: number;
  verificationCode: string;
}

/**
 * Adds a payment to the sample's project CN2024-0001 (village 430482101207) and publishes 2024
 * again with `reason`, through the API at `base`; the versions created and the publish's answer.
 */
export async function publishCorrection(base: string, token: string, reason: string, voucher: string): Promise<{ created: PublishedVersion[]; rebuild: string }> {
  const auth = { authorization: `Bearer ${token}` };
  const upload = await fetch(`${base}/api/v1/uploads/disbursements`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'text/csv' },
    body: `项目编号,拨付日期,金额(元),资金来源,凭证号,收款单位\nCN2024-0001,2024-10-15,10000,中央,${voucher},湖南湘南水利水电工程有限公司\n`,
  });
  expect(((await upload.json()) as { status: string }).status).toBe('committed');
  const published = await fetch(`${base}/api/v1/publish`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ year: 2024, asOf: '2024-12-31', correctionReason: reason }),
  });
  expect(published.status).toBe(200);
  return (await published.json()) as { created: PublishedVersion[]; rebuild: string };
}
