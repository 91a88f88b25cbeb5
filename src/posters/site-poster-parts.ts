/**
 * Where the site's pages read the posters' manifest from (PosterLinks): the posters folder by
 * default (src/posters/manifest-store.ts, read from the disk), or what {@link useSitePosterParts}
 * was given; the Worker gives the manifest's parts in its static assets (functions/worker-pages.ts).
 */
import { emptyManifest, villageManifestPart, type ManifestPart, type PosterManifest } from './manifest.ts';

type PartReader = (part: ManifestPart) => Promise<PosterManifest | null>;
let reader: PartReader | null = null;

/** Pages read the manifest's parts through `read` from now on (null: a part there is none of). */
export function useSitePosterParts(read: PartReader): void {
  reader = read;
}

/** The part of the site's poster manifest that lists a village's posters of a year. */
export async function sitePosterPart(villageCode: string, year: number): Promise<PosterManifest> {
  if (reader) return (await reader(villageManifestPart(villageCode, year))) ?? emptyManifest();
  // Imported only here: the disk is read only where there is one.
  const { loadSitePosterPart } = await import('./manifest-store.ts');
  return loadSitePosterPart(villageCode, year);
}
