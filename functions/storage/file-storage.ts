/**
 * One storage interface for uploaded files (poster photos, project documents): a local folder in
 * Node mode (local-storage.ts), an R2 bucket on Cloudflare (r2-storage.ts). Keys are relative paths
 * such as `posting-proofs/430482105205/2f1c….jpg`; photos are only ever stored re-encoded or
 * stripped of metadata, a project's PDFs as uploaded (the county reviews them before they go public).
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

/** A project document's photo made publishable: same kind (JPEG or PNG), upright, no metadata. */
export interface CleanedDocumentImage {
  bytes: Uint8Array;
  width: number;
  height: number;
  /** `re-encoded` (sharp, Node) or `metadata-stripped` (lossless, the Worker). */
  method: 're-encoded' | 'metadata-stripped';
}

/** Cleans a JPEG or PNG of a project document; throws UnsupportedImageError when it cannot be read. */
export type DocumentImageCleaner = (bytes: Uint8Array, contentType: 'image/jpeg' | 'image/png') => Promise<CleanedDocumentImage>;

/** What the posting-proof and project-document routes need from the runtime (passed to createApp as `files`). */
export interface FileDeps {
  storage: FileStorage;
  reencodeImage: ImageReencoder;
  /** Project documents' photos; without it they are stripped losslessly (functions/storage/document-image.ts). */
  cleanDocumentImage?: DocumentImageCleaner | undefined;
}

const KEY = /^[a-z0-9-]+(?:\/[A-Za-z0-9._-]+)+$/;

/** Refuses keys that could escape the storage root (`..`, absolute paths, odd characters). */
export function assertStorageKey(key: string): void {
  if (!KEY.test(key) || key.split('/').some((part) => part === '..' || part === '.')) {
    throw new RangeError(`invalid storage key: ${JSON.stringify(key)}`);
  }
}
