/**
 * Node mode only: `/share/villages/<code>/<year>.png`, the village's share card (发到村民群) of the
 * year's current published version, drawn when asked (src/posters/card.ts, about half a second)
 * one at a time so a burst queues instead of starving other requests, and kept in memory by what
 * it shows (the version's content hash and the site address) for the next asker. A correction
 * changes the card at the same address: it is revalidated (ETag), never cached for good.
 * `npm run build` draws the current year's cards into the site for static hosting and the Worker.
 */
import type { MiddlewareHandler } from 'hono';
import { loadCurrentVersion } from '../src/data/disclosures.ts';
import { sha256Hex, type PublishedDisclosure, type VillageDisclosureContent } from '../src/domain/disclosure/disclosure-content.ts';
import { buildShareCardModel } from '../src/posters/card-model.ts';
import { drawShareCard } from '../src/posters/card.ts';
import type { AppEnv } from './app-env.ts';
import { SHARE_CARD_PATH } from './stored-posters.ts';

/** Cards kept in memory (about 130 KB each). */
const KEPT = 64;

export function nodeShareCards(siteUrl: () => Promise<string> | string): MiddlewareHandler<AppEnv> {
  const kept = new Map<string, Uint8Array<ArrayBuffer>>();
  let queue: Promise<unknown> = Promise.resolve();
  const draw = (key: string, d: PublishedDisclosure<VillageDisclosureContent>, url: string): Promise<Uint8Array<ArrayBuffer>> => {
    const run = queue.then(async () => {
      const hit = kept.get(key);
      if (hit) return hit;
      const png = await drawShareCard(buildShareCardModel(d, url));
      kept.set(key, png);
      if (kept.size > KEPT) kept.delete(kept.keys().next().value!);
      return png;
    });
    queue = run.catch(() => undefined);
    return run;
  };
  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    const m = SHARE_CARD_PATH.exec(c.req.path);
    if (!m) return next();
    const d = (await loadCurrentVersion(c.get('deps').db, 'village', m[1]!, Number(m[2]))) as PublishedDisclosure<VillageDisclosureContent> | null;
    if (!d) return next();
    const url = await siteUrl();
    const key = `${d.contentHash}|${url}`;
    // What the card shows: the version's content and the address its QR code prints.
    const etag = `"${d.contentHash.slice(0, 16)}-${(await sha256Hex(url)).slice(0, 8)}"`;
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, { ETag: etag });
    const png = kept.get(key) ?? (await draw(key, d, url));
    c.header('Content-Type', 'image/png');
    c.header('Content-Length', String(png.byteLength));
    c.header('ETag', etag);
    if (c.req.method === 'HEAD') return c.body(null, 200);
    return c.body(png, 200);
  };
}
