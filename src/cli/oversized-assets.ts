/**
 * Workers take static assets of up to 25 MiB each. A site over many counties can write larger
 * files: its site-wide open data (in the province bench, `data/disbursements.csv` is 41.4 MiB). The
 * Worker's build ships such a file gzipped instead (`<file>.gz`, a tenth of the size for CSV and
 * JSON) and lists it in {@link GZIPPED_ASSETS_FILE}; the Worker sends it as it is to a client that
 * accepts gzip and unpacks it for one that does not (functions/gzipped-assets.ts). A file still
 * too large once gzipped, or too large and not text, fails the build, naming it.
 */
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { constants, gzip } from 'node:zlib';
import { GZIPPED_ASSETS_FILE, WORKER_MAX_ASSET_BYTES } from '../../functions/gzipped-assets.ts';

const gzipAsync = promisify(gzip);

export class OversizedAssetError extends Error {
  override name = 'OversizedAssetError';
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** What can be gzipped well: the text formats of the built site. */
const TEXT = /\.(html|json|geojson|csv|xml|txt|js|css|svg)$/;

/**
 * Replaces every text file of the built site `dir` over `gzipAbove` bytes (default: Workers' limit)
 * by its gzip, and writes the list (site paths, e.g. `/data/disbursements.csv`) to
 * {@link GZIPPED_ASSETS_FILE}; no list when none was. Fails, naming the file, when any file is
 * over Workers' limit even so. Returns the paths gzipped.
 */
export async function gzipOversizedAssets(dir: string, gzipAbove = WORKER_MAX_ASSET_BYTES): Promise<string[]> {
  const gzipped: string[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    const { size } = await stat(file);
    const path = `/${relative(dir, file).split(sep).join('/')}`;
    if (size > gzipAbove && TEXT.test(file)) {
      const packed = await gzipAsync(await readFile(file), { level: constants.Z_BEST_COMPRESSION });
      if (packed.byteLength > WORKER_MAX_ASSET_BYTES) throw tooLarge(path, size, packed.byteLength);
      await writeFile(`${file}.gz`, packed);
      await rm(file);
      gzipped.push(path);
    } else if (size > WORKER_MAX_ASSET_BYTES) {
      throw tooLarge(path, size, null);
    }
  }
  if (gzipped.length > 0) await writeFile(join(dir, GZIPPED_ASSETS_FILE.slice(1)), `${JSON.stringify(gzipped.sort())}\n`);
  return gzipped;
}

function tooLarge(path: string, size: number, packed: number | null): OversizedAssetError {
  return new OversizedAssetError(
    `网站文件 ${path} 有 ${mib(size)}${packed === null ? '' : `，压缩后仍有 ${mib(packed)}`}，超过 Cloudflare Worker 单个文件 ${mib(WORKER_MAX_ASSET_BYTES)} 的上限，无法部署。` +
      '请改用 Node 服务器（npm start）发布，或把这个文件按县拆小。',
  );
}
