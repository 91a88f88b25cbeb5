/**
 * Lossless removal of metadata from a JPEG: keeps only the segments needed to draw the image
 * (SOI, APP0/JFIF, DQT, SOF*, DHT, DRI, SOS and the entropy-coded data, EOI) and drops EXIF, XMP,
 * IPTC, ICC and comments. Pure (bytes in, bytes out) so it runs in a Worker, where sharp cannot.
 * It is the fallback there; in Node the photo is fully re-encoded with sharp.
 */
import { concatBytes } from '../shared/bytes.ts';

export class JpegFormatError extends Error {
  override name = 'JpegFormatError';
}

export interface StrippedJpeg {
  bytes: Uint8Array;
  width: number;
  height: number;
}

const KEEP = (marker: number) =>
  marker === 0xe0 || // APP0 JFIF
  marker === 0xdb || // DQT
  marker === 0xc4 || // DHT
  marker === 0xdd || // DRI
  (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc); // SOFn

/** Strips a baseline or progressive JPEG; throws JpegFormatError for anything that is not one. */
export function stripJpegMetadata(input: Uint8Array): StrippedJpeg {
  if (input.length < 4 || input[0] !== 0xff || input[1] !== 0xd8) throw new JpegFormatError('not a JPEG (no SOI marker)');
  const out: Uint8Array[] = [input.subarray(0, 2)];
  let width = 0;
  let height = 0;
  let i = 2;
  while (i < input.length) {
    if (input[i] !== 0xff) throw new JpegFormatError(`expected a marker at byte ${i}`);
    const marker = input[i + 1]!;
    if (marker === 0xff) {
      i++;
      continue;
    }
    if (marker === 0xd9) {
      out.push(input.subarray(i, i + 2));
      break;
    }
    if (i + 4 > input.length) throw new JpegFormatError('truncated segment header');
    const length = (input[i + 2]! << 8) | input[i + 3]!;
    const end = i + 2 + length;
    if (length < 2 || end > input.length) throw new JpegFormatError(`bad segment length at byte ${i}`);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      height = (input[i + 5]! << 8) | input[i + 6]!;
      width = (input[i + 7]! << 8) | input[i + 8]!;
    }
    if (marker === 0xda) {
      // Start of scan: copy through to the next marker that is not RSTn or a stuffed 0xFF00.
      let j = end;
      while (j + 1 < input.length && !(input[j] === 0xff && input[j + 1] !== 0x00 && !(input[j + 1]! >= 0xd0 && input[j + 1]! <= 0xd7))) j++;
      out.push(input.subarray(i, j));
      i = j;
      continue;
    }
    if (KEEP(marker)) out.push(input.subarray(i, end));
    i = end;
  }
  if (width === 0 || height === 0) throw new JpegFormatError('no frame header (SOF)');
  return { bytes: concatBytes(out), width, height };
}

/**
 * Gives a stripped JPEG back the one EXIF field that says how to turn it (Orientation, 2–8): a
 * minimal APP1 segment holding that field alone, after SOI (and APP0 when there is one), so a
 * photo of a document taken sideways is still shown upright. 1 (or anything else) adds nothing.
 */
export function withJpegOrientation(jpeg: Uint8Array, orientation: number): Uint8Array {
  if (!Number.isInteger(orientation) || orientation < 2 || orientation > 8) return jpeg;
  // "Exif\0\0", a big-endian TIFF header, one IFD entry (0x0112 SHORT 1 = orientation), no next IFD.
  const tiff = [0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08, 0x00, 0x01, 0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, orientation, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];
  const payload = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00, ...tiff];
  const segment = new Uint8Array([0xff, 0xe1, ((payload.length + 2) >> 8) & 0xff, (payload.length + 2) & 0xff, ...payload]);
  let at = 2;
  if (jpeg[2] === 0xff && jpeg[3] === 0xe0) at = 4 + ((jpeg[4]! << 8) | jpeg[5]!);
  const out = new Uint8Array(jpeg.length + segment.length);
  out.set(jpeg.subarray(0, at), 0);
  out.set(segment, at);
  out.set(jpeg.subarray(at), at + segment.length);
  return out;
}
