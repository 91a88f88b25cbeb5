/**
 * Lossless removal of metadata from a PNG: keeps the chunks needed to draw the image (IHDR, PLTE,
 * IDAT, IEND) and the few that only say how to show it (tRNS, gAMA, cHRM, sRGB, sBIT, bKGD, pHYs),
 * and drops every other: text (tEXt, zTXt, iTXt, where XMP and a tool's notes go), eXIf (which can
 * hold GPS), tIME, the ICC profile (its name is free text) and any private chunk. Pure, so it runs in
 * a Worker, where sharp cannot; the Node server re-encodes with sharp instead.
 */
import { concatBytes } from '../shared/bytes.ts';

export class PngFormatError extends Error {
  override name = 'PngFormatError';
}

export interface StrippedPng {
  bytes: Uint8Array;
  width: number;
  height: number;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const KEEP = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND', 'tRNS', 'gAMA', 'cHRM', 'sRGB', 'sBIT', 'bKGD', 'pHYs']);

/** Strips a PNG; throws PngFormatError for anything that is not a whole one. */
export function stripPngMetadata(input: Uint8Array): StrippedPng {
  if (input.length < 8 || SIGNATURE.some((b, i) => input[i] !== b)) throw new PngFormatError('not a PNG (no signature)');
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const out: Uint8Array[] = [input.subarray(0, 8)];
  let width = 0;
  let height = 0;
  let ended = false;
  let i = 8;
  while (i < input.length) {
    if (i + 12 > input.length) throw new PngFormatError(`truncated chunk at byte ${i}`);
    const length = view.getUint32(i);
    const type = String.fromCharCode(input[i + 4]!, input[i + 5]!, input[i + 6]!, input[i + 7]!);
    const end = i + 12 + length;
    if (!/^[A-Za-z]{4}$/.test(type) || end > input.length) throw new PngFormatError(`bad chunk at byte ${i}`);
    if (i === 8) {
      if (type !== 'IHDR' || length < 8) throw new PngFormatError('the first chunk is not IHDR');
      width = view.getUint32(i + 8);
      height = view.getUint32(i + 12);
    }
    if (KEEP.has(type)) out.push(input.subarray(i, end));
    i = end;
    if (type === 'IEND') {
      ended = true;
      break; // whatever follows IEND is not part of the image
    }
  }
  if (!ended) throw new PngFormatError('no IEND chunk');
  if (width === 0 || height === 0) throw new PngFormatError('no image size');
  return { bytes: concatBytes(out), width, height };
}
