/** Both inflaters of the zip guard (web stream, and zlib's as passed in by the upload route) give the same bytes and the same refusals. */
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import writeXlsxFile from 'write-excel-file/universal';
import { inflateEntry, listZipEntries, ZipRejectedError, type RawInflate } from '../../src/domain/upload/zip-guard.ts';

const zlibInflate: RawInflate = (data, maxBytes) => inflateRawSync(data, { maxOutputLength: Math.max(1, maxBytes) });

async function workbook(): Promise<Uint8Array> {
  const rows = Array.from({ length: 300 }, (_, i) => [{ value: `第${i}行`, type: String }, { value: i * 1.5, type: Number }]);
  return new Uint8Array(await (await writeXlsxFile(rows as never).toBlob()).arrayBuffer());
}

/** The workbook with the sheet's declared uncompressed size in the central directory set to `size`. */
function declaring(bytes: Uint8Array, name: string, size: number): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  for (let p = 0; p + 46 <= out.length; p++) {
    if (view.getUint32(p, true) !== 0x02014b50) continue;
    const nameLength = view.getUint16(p + 28, true);
    if (new TextDecoder().decode(out.subarray(p + 46, p + 46 + nameLength)) === name) {
      view.setUint32(p + 24, size, true);
      return out;
    }
  }
  throw new Error(`${name} not found`);
}

describe('inflateEntry', () => {
  it('gives the same bytes with the web stream and with zlib', async () => {
    const bytes = await workbook();
    for (const entry of listZipEntries(bytes)) {
      const [viaZlib, viaStream] = [await inflateEntry(bytes, entry, zlibInflate), await inflateEntry(bytes, entry)];
      expect(viaZlib.length).toBe(entry.uncompressedSize);
      expect(Buffer.from(viaZlib).equals(Buffer.from(viaStream))).toBe(true);
    }
  });

  it('refuses an entry that inflates beyond its declared size, either way', async () => {
    const bytes = declaring(await workbook(), 'xl/worksheets/sheet1.xml', 64);
    const entry = listZipEntries(bytes).find((e) => e.name === 'xl/worksheets/sheet1.xml')!;
    await expect(inflateEntry(bytes, entry)).rejects.toBeInstanceOf(ZipRejectedError);
    await expect(inflateEntry(bytes, entry, zlibInflate)).rejects.toBeInstanceOf(ZipRejectedError);
  });

  it('refuses corrupt compressed data, either way', async () => {
    const bytes = await workbook();
    const entry = listZipEntries(bytes).find((e) => e.name === 'xl/worksheets/sheet1.xml' && e.method === 8)!;
    const broken = bytes.slice();
    const start = entry.localHeaderOffset + 30 + (broken[entry.localHeaderOffset + 26]! | (broken[entry.localHeaderOffset + 27]! << 8)) + (broken[entry.localHeaderOffset + 28]! | (broken[entry.localHeaderOffset + 29]! << 8));
    broken.fill(0xff, start, start + Math.min(16, entry.compressedSize));
    await expect(inflateEntry(broken, entry)).rejects.toBeInstanceOf(ZipRejectedError);
    await expect(inflateEntry(broken, entry, zlibInflate)).rejects.toBeInstanceOf(ZipRejectedError);
  });
});
