/**
 * Node re-encoder: decodes the photo with sharp (libvips, prebuilt binary from the npm registry),
 * applies its EXIF orientation, shrinks it to at most 1600 px and writes a new JPEG. sharp writes
 * no metadata unless asked, so EXIF (time, GPS, phone model), XMP, IPTC and ICC are all gone.
 * Imported lazily: the Worker never loads it.
 */
import { UnsupportedImageError, type ImageReencoder } from './file-storage.ts';

export const MAX_EDGE_PX = 1600;

export const sharpReencoder: ImageReencoder = async (bytes) => {
  const { default: sharp } = await import('sharp');
  try {
    const { data, info } = await sharp(bytes, { failOn: 'error', limitInputPixels: 50_000_000 })
      .rotate()
      .resize({ width: MAX_EDGE_PX, height: MAX_EDGE_PX, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 80, mozjpeg: true })
      .toBuffer({ resolveWithObject: true });
    return { bytes: new Uint8Array(data), width: info.width, height: info.height, contentType: 'image/jpeg', method: 're-encoded' };
  } catch (err) {
    throw new UnsupportedImageError(`not a readable image: ${err instanceof Error ? err.message : String(err)}`);
  }
};
