/**
 * Where the Worker keeps the 公示 posters: in its R2 bucket under `posters/<year>/<file>`, named by
 * content (src/posters/plan.ts), so a file once stored never changes and is served with a cache
 * for good. `npm run deploy` draws, in Node, the posters the bucket lacks and stores them through
 * the API (functions/routes/poster-store.ts, src/cli/poster-sync.ts); between deploys the Worker
 * draws and stores those a publish named (functions/worker-posters.ts). The Node server keeps its
 * posters in its own folder (POSTER_DIR) and draws them when asked.
 */
import { SHARE_CARD_STORE_NAME } from '../../src/posters/card-model.ts';
import { POSTER_FILE_NAME } from '../../src/posters/manifest.ts';

/** A file named by its content is cached for good. */
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';

export interface StoredPoster {
  bytes: Uint8Array;
  contentType: string;
}

export interface PosterStore {
  /**
   * The file `name`: a poster (`<year>/<file>`, see POSTER_FILE_NAME) or a share card
   * (`share/…`, see SHARE_CARD_STORE_NAME); null when not stored.
   */
  get(name: string): Promise<StoredPoster | null>;
  /** Whether `name` is stored (without reading it). */
  has(name: string): Promise<boolean>;
  put(name: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** Names stored, a page at a time (at most 1,000), from `cursor` (null: from the start). */
  list(cursor: string | null): Promise<{ names: string[]; cursor: string | null }>;
}

/** The part of Cloudflare's `R2Bucket` used here. */
export interface R2PosterBucket {
  put(key: string, value: Uint8Array, options?: { httpMetadata?: { contentType?: string } }): Promise<unknown>;
  get(key: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer>; httpMetadata?: { contentType?: string } } | null>;
  head(key: string): Promise<unknown>;
  list(options: { prefix: string; cursor?: string; limit?: number }): Promise<{ objects: Array<{ key: string }>; truncated: boolean; cursor?: string }>;
}

const PREFIX = 'posters/';

/** The content type of a poster file, from its name. */
export function posterContentType(name: string): 'application/pdf' | 'image/png' {
  return name.endsWith('.png') ? 'image/png' : 'application/pdf';
}

export function r2PosterStore(bucket: R2PosterBucket): PosterStore {
  const keyOf = (name: string) => {
    if (!POSTER_FILE_NAME.test(name) && !SHARE_CARD_STORE_NAME.test(name)) throw new Error(`not a poster file name: ${name.slice(0, 80)}`);
    return `${PREFIX}${name}`;
  };
  return {
    async get(name) {
      const object = await bucket.get(keyOf(name));
      if (!object) return null;
      return { bytes: new Uint8Array(await object.arrayBuffer()), contentType: object.httpMetadata?.contentType ?? posterContentType(name) };
    },
    async has(name) {
      return (await bucket.head(keyOf(name))) !== null;
    },
    async put(name, bytes, contentType) {
      await bucket.put(keyOf(name), bytes, { httpMetadata: { contentType } });
    },
    async list(cursor) {
      const page = await bucket.list({ prefix: PREFIX, limit: 1000, ...(cursor ? { cursor } : {}) });
      return { names: page.objects.map((o) => o.key.slice(PREFIX.length)), cursor: page.truncated && page.cursor ? page.cursor : null };
    },
  };
}
