/**
 * The share cards (发到村民群) of every village's newest year, drawn into a built site at
 * `share/villages/<code>/<year>.png` for static hosting and the Worker, which cannot draw them
 * (the Node server draws them when asked: functions/node-share-cards.ts). Part of a build that
 * renders posters (`npm run build`, `preview`, `deploy`); about half a second per village.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../db/client.ts';
import { loadPortalData } from '../data/portal-data.ts';
import { buildShareCardModel } from '../posters/card-model.ts';
import { drawShareCard } from '../posters/card.ts';
import { loadPosterConfig, posterSettingsFromConfig } from './posters.ts';

export async function drawSiteShareCards(env: Record<string, string | undefined>, clientDir: string): Promise<{ cards: number; ms: number }> {
  const started = performance.now();
  const config = loadPosterConfig({ ...process.env, ...env });
  const { db, close } = await openDatabase({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN });
  try {
    const { siteUrl } = await posterSettingsFromConfig(config, db);
    const data = await loadPortalData(db);
    for (const village of data.villages) {
      const newest = village.years[0]!;
      const dir = join(clientDir, 'share', 'villages', village.code);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${newest.year}.png`), await drawShareCard(buildShareCardModel(newest.latest, siteUrl)));
    }
    return { cards: data.villages.length, ms: performance.now() - started };
  } finally {
    close();
  }
}
