/**
 * The database the site's pages read from. A static build prerenders them in Node and opens the
 * configured DATABASE_URL once per build process. The Node server's on-demand pages are given the
 * server's own connection instead ({@link provideSiteDatabase}), and re-read the county's settings
 * after each change (src/data/site-cache.ts).
 */
import { openDatabase } from '../../db/client.ts';
import type { Database } from '../../db/database.ts';
import { loadConfig, type Config } from '../config.ts';
import { loadCountySettings, type CountySettings } from './county-settings.ts';
import { loadedOnce } from './site-cache.ts';

let connection: Promise<{ db: Database; config: Config }> | undefined;

/** Pages read through `db` (already open, owned by the caller) instead of opening DATABASE_URL. */
export function provideSiteDatabase(provided: { db: Database; config: Config }): void {
  connection = Promise.resolve(provided);
}

function siteConnection(): Promise<{ db: Database; config: Config }> {
  connection ??= (async () => {
    const config = loadConfig(process.env);
    const { db } = await openDatabase({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN });
    return { db, config };
  })();
  return connection;
}

const siteSettings = loadedOnce(async () => {
  const { db, config } = await siteConnection();
  return loadCountySettings(db, config);
});

/** The site's database, configuration and the county's settings (read once per build or data change). */
export async function siteDatabase(): Promise<{ db: Database; config: Config; settings: CountySettings }> {
  const opened = await siteConnection();
  return { ...opened, settings: await siteSettings() };
}
