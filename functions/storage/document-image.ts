/**
 * Project documents' photos (a 验收表 photographed with a phone, a site photo, a screenshot) made
 * publishable, keeping their kind: JPEG stays JPEG and PNG stays PNG, so the sniffed type is the
 * stored one and a scanned table's text stays sharp.
 * - Node (`sharpDocumentImage` in sharp-reencode.ts, which the Worker never imports): decoded and
 *   encoded again with sharp, turned upright and shrunk to at most 3000 px; no metadata written.
 * - Worker and anywhere without sharp (`stripDocumentImage`, here): the metadata segments are removed
 *   losslessly (src/domain/villager/jpeg-metadata.ts, png-metadata.ts); a JPEG keeps its
 *   orientation alone, so a page photographed sideways is still shown upright.
 */
import exifr from 'exifr';
import { JpegFormatError, stripJpegMetadata, withJpegOrientation } from '../../src/domain/villager/jpeg-metadata.ts';
import { PngFormatError, stripPngMetadata } from '../../src/domain/villager/png-metadata.ts';
import { UnsupportedImageError, type DocumentImageCleaner } from './file-storage.ts';

export const stripDocumentImage: DocumentImageCleaner = async (bytes, contentType) => {
  try {
    if (contentType === 'image/png') return { ...stripPngMetadata(bytes), method: 'metadata-stripped' };
    const stripped = stripJpegMetadata(bytes);
    const orientation = await exifr.orientation(bytes).catch(() => undefined);
    return { bytes: withJpegOrientation(stripped.bytes, orientation ?? 1), width: stripped.width, height: stripped.height, method: 'metadata-stripped' };
  } catch (err) {
    if (err instanceof JpegFormatError || err instanceof PngFormatError) throw new UnsupportedImageError(`not a readable image: ${err.message}`);
    throw err;
  }
};
