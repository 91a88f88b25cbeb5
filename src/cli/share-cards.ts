/**
 * The share cards (发到村民群) of every village's newest year, drawn into a built site at
 * `share/villages/<code>/<year>.png` for static hosting and the Worker, which cannot draw them
 * (the Node server draws them when asked: functions/node-share-cards.ts). Part of a build that
 * renders posters (a static host's); about half a second per village. The Worker's are drawn after
 * a deploy into its store, only those it lacks (src/cli/poster-sync.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../db/client.ts';
import type { Database } from '../../db/database.ts';
import type { PublishedDisclosure, VillageDisclosureContent } from '../domain/disclosure/disclosure-content.ts';
import { loadPortalData } from '../data/portal-data.ts';
import { buildShareCardModel } from '../posters/card-model.ts';
import { drawShareCard } from '../posters/card.ts';
import { loadPosterConfig, posterSettingsFromConfig } from './posters.ts';

/** The version each village's share card shows: the current one of its newest year. */
export async function newestVillageVersions(db: Database): Promise<Array<PublishedDisclosure<VillageDisclosureContent>>> {
  const data = await loadPortalData(db);
  return data.villages.map((village) => village.years[0]!.latest);
}

export async function drawSiteShareCards(env: Record<string, string | undefined>, clientDir: string): Promise<{ cards: number; ms: number }> {
  const started = performance.now();
  const config = loadPosterConfig({ ...process.env, ...env });
  const { db, close } = await openDatabase({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN });
  try {
    const { siteUrl } = await posterSettingsFromConfig(config, db);
    const newest = await newestVillageVersions(db);
    for (const d of newest) {
      const dir = join(clientDir, 'share', 'villages', d.scopeCode);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${d.year}.png`), await drawShareCard(buildShareCardModel(d, siteUrl)));
    }
    return { cards: newest.length, ms: performance.now() - started };
  } finally {
    close();
  }
}
