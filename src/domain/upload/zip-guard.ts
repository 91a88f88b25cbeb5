/**
 * Looks inside a ZIP (an XLSX is one) before anything inflates it: lists the entries from the
 * central directory and refuses archives whose declared sizes or ratios are those of a zip bomb;
 * then inflates each entry with a hard cap, so an entry that lies about its size is stopped as
 * soon as it exceeds what it declared. Web streams by default (Node and workerd); a faster inflater
 * with the same cap can be passed in.
 */
export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

export interface ZipLimits {
  /** Sum of all uncompressed sizes. */
  maxTotalBytes: number;
  /** Uncompressed ÷ compressed for any one entry. */
  maxRatio: number;
  maxEntries: number;
}

export const XLSX_LIMITS: ZipLimits = { maxTotalBytes: 100 * 1024 * 1024, maxRatio: 200, maxEntries: 2_000 };

export class ZipRejectedError extends Error {
  override name = 'ZipRejectedError';
}

const u16 = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8);
const u32 = (b: Uint8Array, o: number) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;

/** Reads the central directory. Throws ZipRejectedError for anything malformed or bomb-like. */
export function listZipEntries(bytes: Uint8Array, limits: ZipLimits = XLSX_LIMITS): ZipEntry[] {
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65_535); i--) {
    if (u32(bytes, i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipRejectedError('not a complete ZIP archive (no end of central directory)');
  const count = u16(bytes, eocd + 10);
  const dirOffset = u32(bytes, eocd + 16);
  if (count === 0xffff || dirOffset === 0xffffffff) throw new ZipRejectedError('ZIP64 archives are not accepted');
  if (count > limits.maxEntries) throw new ZipRejectedError(`too many entries (${count})`);
  const decoder = new TextDecoder();
  const entries: ZipEntry[] = [];
  let p = dirOffset;
  let total = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > bytes.length || u32(bytes, p) !== 0x02014b50) throw new ZipRejectedError('corrupt central directory');
    const method = u16(bytes, p + 10);
    const compressedSize = u32(bytes, p + 20);
    const uncompressedSize = u32(bytes, p + 24);
    const nameLength = u16(bytes, p + 28);
    const extraLength = u16(bytes, p + 30);
    const commentLength = u16(bytes, p + 32);
    const localHeaderOffset = u32(bytes, p + 42);
    const name = decoder.decode(bytes.subarray(p + 46, p + 46 + nameLength));
    if (method !== 0 && method !== 8) throw new ZipRejectedError(`unsupported compression method ${method} in ${name}`);
    total += uncompressedSize;
    if (total > limits.maxTotalBytes) throw new ZipRejectedError(`uncompressed size exceeds ${limits.maxTotalBytes} bytes`);
    if (uncompressedSize > 1024 * 1024 && uncompressedSize / Math.max(1, compressedSize) > limits.maxRatio) {
      throw new ZipRejectedError(`compression ratio of ${name} is ${Math.round(uncompressedSize / Math.max(1, compressedSize))}:1`);
    }
    entries.push({ name, method, compressedSize, uncompressedSize, localHeaderOffset });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * A raw-deflate inflater that stops (throws) once it would produce more than `maxBytes` bytes,
 * such as Node's `zlib.inflateRawSync(data, { maxOutputLength })`: several times faster than the
 * web stream for a large sheet, so the runtime passes one in where it has it.
 */
export type RawInflate = (data: Uint8Array, maxBytes: number) => Uint8Array;

/** Inflates one entry, never producing more bytes than it declared. */
export async function inflateEntry(bytes: Uint8Array, entry: ZipEntry, inflateRaw?: RawInflate): Promise<Uint8Array> {
  const h = entry.localHeaderOffset;
  if (u32(bytes, h) !== 0x04034b50) throw new ZipRejectedError(`corrupt local header for ${entry.name}`);
  const start = h + 30 + u16(bytes, h + 26) + u16(bytes, h + 28);
  const data = bytes.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return data;
  if (inflateRaw) {
    let out: Uint8Array;
    try {
      // One byte more than declared, so a lying entry is caught below rather than cut short.
      out = inflateRaw(data, entry.uncompressedSize + 1);
    } catch {
      throw new ZipRejectedError(`corrupt compressed data in ${entry.name}, or it inflates beyond its declared size`);
    }
    if (out.length > entry.uncompressedSize) throw new ZipRejectedError(`${entry.name} inflates beyond its declared size`);
    return out;
  }
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  const reader = stream.getReader();
  const out = new Uint8Array(entry.uncompressedSize);
  let filled = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      throw new ZipRejectedError(`corrupt compressed data in ${entry.name}`);
    }
    if (chunk.done) break;
    if (filled + chunk.value.length > out.length) {
      await reader.cancel();
      throw new ZipRejectedError(`${entry.name} inflates beyond its declared size`);
    }
    out.set(chunk.value, filled);
    filled += chunk.value.length;
  }
  return out.subarray(0, filled);
}
