/**
 * FileStorage on a Cloudflare R2 bucket binding. Written against the subset of the `R2Bucket`
 * API it uses (so it needs no Cloudflare types and can be tested with a fake bucket).
 */
import { assertStorageKey, type FileStorage } from './file-storage.ts';

/** The part of Cloudflare's `R2Bucket` used here. */
export interface R2BucketLike {
  put(key: string, value: ArrayBuffer | Uint8Array, options?: { httpMetadata?: { contentType?: string } }): Promise<unknown>;
  get(key: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer>; httpMetadata?: { contentType?: string } } | null>;
  delete(key: string): Promise<void>;
}

export function r2FileStorage(bucket: R2BucketLike): FileStorage {
  return {
    async put(key, bytes, contentType) {
      assertStorageKey(key);
      await bucket.put(key, bytes, { httpMetadata: { contentType } });
    },
    async get(key) {
      assertStorageKey(key);
      const object = await bucket.get(key);
      if (!object) return null;
      return { bytes: new Uint8Array(await object.arrayBuffer()), contentType: object.httpMetadata?.contentType ?? 'application/octet-stream' };
    },
    async delete(key) {
      assertStorageKey(key);
      await bucket.delete(key);
    },
  };
}
