/**
 * One storage interface for uploaded files (poster photos): a local folder in Node mode
 * (local-storage.ts), an R2 bucket on Cloudflare (r2-storage.ts). Keys are relative paths such as
 * `posting-proofs/430482105205/2f1c….jpg`; only published (re-encoded) images are ever stored.
 */

export interface StoredFile {
  bytes: Uint8Array;
  contentType: string;
}

export interface FileStorage {
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** Null when there is no such file. */
  get(key: string): Promise<StoredFile | null>;
  delete(key: string): Promise<void>;
}

/** What an image looks like after re-encoding: metadata gone, JPEG, its size in pixels. */
export interface ReencodedImage {
  bytes: Uint8Array;
  width: number;
  height: number;
  contentType: 'image/jpeg';
  /** `re-encoded` (decoded and encoded again) or `metadata-stripped` (lossless segment removal). */
  method: 're-encoded' | 'metadata-stripped';
}

/** Turns an uploaded photo into a publishable one; throws UnsupportedImageError for non-images. */
export type ImageReencoder = (bytes: Uint8Array) => Promise<ReencodedImage>;

export class UnsupportedImageError extends Error {
  override name = 'UnsupportedImageError';
}

/** What the posting-proof routes need from the runtime (passed to createApp as `files`). */
export interface FileDeps {
  storage: FileStorage;
  reencodeImage: ImageReencoder;
}

const KEY = /^[a-z0-9-]+(?:\/[A-Za-z0-9._-]+)+$/;

/** Refuses keys that could escape the storage root (`..`, absolute paths, odd characters). */
export function assertStorageKey(key: string): void {
  if (!KEY.test(key) || key.split('/').some((part) => part === '..' || part === '.')) {
    throw new RangeError(`invalid storage key: ${JSON.stringify(key)}`);
  }
}
