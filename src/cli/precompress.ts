/**
 * Precompresses a built site for the Node server: next to every text file of 1 KB or more, a `.br`
 * and a `.gz` of it, which the static handler sends to browsers that accept them (serveStatic's
 * `precompressed`). Only for Node: the Worker's assets are compressed at Cloudflare's edge, and
 * extra files there would count against its limit on asset files. Runs on libuv's thread pool, so a
 * rebuild inside the running server does not hold up its requests.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/** What is worth compressing: text formats of the built site. */
const TEXT = /\.(html|css|js|mjs|json|xml|svg|txt|csv|geojson|webmanifest)$/;
const MIN_BYTES = 1024;

export interface PrecompressResult {
  files: number;
  bytes: number;
  gzipBytes: number;
  brotliBytes: number;
  ms: number;
}

/**
 * Folders (relative to the site) no browser asks for: the posters' manifest, read from disk by the
 * server itself; a province has thousands of its small parts, which compressed copies would triple.
 */
const NOT_SENT = new Set(['posters/manifest']);

async function* textFiles(dir: string, root = dir): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && NOT_SENT.has(relative(root, path).split(sep).join('/'))) continue;
    if (entry.isDirectory()) yield* textFiles(path, root);
    else if (entry.isFile() && TEXT.test(entry.name)) yield path;
  }
}

export async function precompressFolder(dir: string, options: { concurrency?: number } = {}): Promise<PrecompressResult> {
  const started = performance.now();
  const result: PrecompressResult = { files: 0, bytes: 0, gzipBytes: 0, brotliBytes: 0, ms: 0 };
  const one = async (path: string) => {
    if ((await stat(path)).size < MIN_BYTES) return;
    const bytes = await readFile(path);
    // Brotli 5, gzip 9. On the sample's 5,453 text files (45.8 MB): brotli 5 took 0.76 s for 26.6 %
    // of the size, brotli 9 took 137 s for 26.0 % (docs/benchmarks.md): 9 is not worth it here.
    const [gz, br] = await Promise.all([
      gzipAsync(bytes, { level: 9 }),
      brotliAsync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.byteLength } }),
    ]);
    await Promise.all([writeFile(`${path}.gz`, gz), writeFile(`${path}.br`, br)]);
    result.files++;
    result.bytes += bytes.byteLength;
    result.gzipBytes += gz.byteLength;
    result.brotliBytes += br.byteLength;
  };
  const running = new Set<Promise<void>>();
  for await (const path of textFiles(dir)) {
    const task = one(path).finally(() => running.delete(task));
    running.add(task);
    if (running.size >= (options.concurrency ?? 4)) await Promise.race(running);
  }
  await Promise.all(running);
  result.ms = performance.now() - started;
  return result;
}
