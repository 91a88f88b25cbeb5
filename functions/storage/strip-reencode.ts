/**
 * Worker fallback "re-encoder": sharp does not run in workerd, so on Cloudflare a JPEG's metadata
 * segments are removed losslessly (src/domain/villager/jpeg-metadata.ts) and other formats are refused.
 * The pixels are not decoded and encoded again; see docs/decisions.md for why this is enough
 * for a poster photo and how to switch to Cloudflare Images if it is not.
 */
import { JpegFormatError, stripJpegMetadata } from '../../src/domain/villager/jpeg-metadata.ts';
import { UnsupportedImageError, type ImageReencoder } from './file-storage.ts';

export const stripOnlyReencoder: ImageReencoder = async (bytes) => {
  try {
    const { bytes: out, width, height } = stripJpegMetadata(bytes);
    return { bytes: out, width, height, contentType: 'image/jpeg', method: 'metadata-stripped' };
  } catch (err) {
    if (err instanceof JpegFormatError) throw new UnsupportedImageError(`only JPEG photos are accepted here: ${err.message}`);
    throw err;
  }
};
