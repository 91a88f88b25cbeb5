/** The Node build's precompression: .br and .gz beside text files of 1 KB or more, nothing else. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { precompressFolder } from '../../src/cli/precompress.ts';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('precompressing a built site', () => {
  it('writes br and gz that decompress to the file, for text of 1 KB or more only', async () => {
    dir = mkdtempSync(join(tmpdir(), 'precompress-'));
    mkdirSync(join(dir, 'villages', '430482105205'), { recursive: true });
    const page = `<!doctype html><title>村</title>${'<p>后期扶持项目 已拨付 10,000.00 元</p>'.repeat(200)}`;
    writeFileSync(join(dir, 'villages', '430482105205', 'index.html'), page);
    writeFileSync(join(dir, 'small.json'), '{"a":1}');
    writeFileSync(join(dir, 'photo.png'), Buffer.alloc(4096, 1));
    const result = await precompressFolder(dir);
    const html = join(dir, 'villages', '430482105205', 'index.html');
    expect(brotliDecompressSync(readFileSync(`${html}.br`)).toString('utf8')).toBe(page);
    expect(gunzipSync(readFileSync(`${html}.gz`)).toString('utf8')).toBe(page);
    expect([existsSync(join(dir, 'small.json.gz')), existsSync(join(dir, 'photo.png.gz'))]).toEqual([false, false]);
    expect(result).toMatchObject({ files: 1, bytes: Buffer.byteLength(page) });
    expect(result.brotliBytes).toBeLessThan(result.bytes / 10);
  });
});
