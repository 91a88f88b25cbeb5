/**
 * Node re-encoder: decodes the photo with sharp (libvips, prebuilt binary from the npm registry),
 * applies its EXIF orientation, shrinks it to at most 1600 px and writes a new JPEG. sharp writes
 * no metadata unless asked, so EXIF (time, GPS, phone model), XMP, IPTC and ICC are all gone.
 * Project documents' photos (`sharpDocumentImage`) keep their kind (JPEG or PNG) and up to 3000 px,
 * so a photographed or scanned table stays readable. sharp is imported lazily, and only the Node
 * entry imports this file: the Worker never loads it.
 */
import { UnsupportedImageError, type DocumentImageCleaner, type ImageReencoder } from './file-storage.ts';

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

/** The longest edge of a project document's photo: enough to read an A4 page photographed whole. */
export const DOCUMENT_MAX_EDGE_PX = 3000;

export const sharpDocumentImage: DocumentImageCleaner = async (bytes, contentType) => {
  const { default: sharp } = await import('sharp');
  try {
    const image = sharp(bytes, { failOn: 'error', limitInputPixels: 50_000_000 })
      .rotate()
      .resize({ width: DOCUMENT_MAX_EDGE_PX, height: DOCUMENT_MAX_EDGE_PX, fit: 'inside', withoutEnlargement: true });
    const encoded = contentType === 'image/png' ? image.png({ compressionLevel: 9 }) : image.jpeg({ quality: 85, mozjpeg: true });
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    return { bytes: new Uint8Array(data), width: info.width, height: info.height, method: 're-encoded' };
  } catch (err) {
    throw new UnsupportedImageError(`not a readable image: ${err instanceof Error ? err.message : String(err)}`);
  }
};
