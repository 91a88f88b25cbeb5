/**
 * The Worker's build ships text files over the asset limit gzipped and lists them
 * (src/cli/oversized-assets.ts); a file Workers would refuse even so fails the build, naming it.
 * The Worker's side is tested in workerd: tests/e2e/worker-pages.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { GZIPPED_ASSETS_FILE, WORKER_MAX_ASSET_BYTES } from '../../functions/gzipped-assets.ts';
import { gzipOversizedAssets, OversizedAssetError } from '../../src/cli/oversized-assets.ts';

describe('assets over the Worker’s limit', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('are gzipped and listed when they are text; smaller files and other files stay as they are', async () => {
    dir = mkdtempSync(join(tmpdir(), 'assets-'));
    mkdirSync(join(dir, 'data'));
    const csv = `项目编号,金额\n${'CN2024-0001,10000\n'.repeat(5_000)}`;
    writeFileSync(join(dir, 'data', 'disbursements.csv'), csv);
    writeFileSync(join(dir, 'data', 'small.json'), '[]');
    writeFileSync(join(dir, 'photo.png'), randomBytes(50_000));
    expect(await gzipOversizedAssets(dir, 10_000)).toEqual(['/data/disbursements.csv']);
    expect(existsSync(join(dir, 'data', 'disbursements.csv'))).toBe(false);
    expect(gunzipSync(readFileSync(join(dir, 'data', 'disbursements.csv.gz'))).toString()).toBe(csv);
    expect(JSON.parse(readFileSync(join(dir, GZIPPED_ASSETS_FILE.slice(1)), 'utf8'))).toEqual(['/data/disbursements.csv']);
    expect(existsSync(join(dir, 'data', 'small.json')) && existsSync(join(dir, 'photo.png'))).toBe(true);
  });

  it('writes no list when nothing is over', async () => {
    dir = mkdtempSync(join(tmpdir(), 'assets-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html>');
    expect(await gzipOversizedAssets(dir)).toEqual([]);
    expect(existsSync(join(dir, GZIPPED_ASSETS_FILE.slice(1)))).toBe(false);
  });

  it('fail the build, in Chinese and naming the file, when Workers would refuse it even so', async () => {
    dir = mkdtempSync(join(tmpdir(), 'assets-'));
    // Random bytes do not compress: still over the limit once gzipped.
    writeFileSync(join(dir, 'big.csv'), randomBytes(WORKER_MAX_ASSET_BYTES + 1024));
    await expect(gzipOversizedAssets(dir)).rejects.toThrow(OversizedAssetError);
    await expect(gzipOversizedAssets(dir)).rejects.toThrow(/网站文件 \/big\.csv 有 25\.0 MiB，压缩后仍有 25\.0 MiB，超过 .*25\.0 MiB 的上限/);
    rmSync(join(dir, 'big.csv'));
    writeFileSync(join(dir, 'font.otf'), Buffer.alloc(WORKER_MAX_ASSET_BYTES + 1));
    await expect(gzipOversizedAssets(dir)).rejects.toThrow(/网站文件 \/font\.otf 有 25\.0 MiB，超过/);
  });
});
