/**
 * The database the static build reads from. Pages are prerendered in Node, so they open the
 * configured DATABASE_URL once per build process and share the connection.
 */
import { openDatabase } from '../../db/client.ts';
import type { Database } from '../../db/database.ts';
import { loadConfig, type Config } from '../config.ts';
import { loadCountySettings, type CountySettings } from './county-settings.ts';

let opened: Promise<{ db: Database; config: Config; settings: CountySettings }> | undefined;

/** The build's database, configuration and the county's settings (read once per build). */
export function siteDatabase(): Promise<{ db: Database; config: Config; settings: CountySettings }> {
  opened ??= (async () => {
    const config = loadConfig(process.env);
    const { db } = await openDatabase({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN });
    return { db, config, settings: await loadCountySettings(db, config) };
  })();
  return opened;
}
