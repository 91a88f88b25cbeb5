/**
 * The database the static build reads from. Pages are prerendered in Node, so they open the
 * configured DATABASE_URL once per build process and share the connection.
 */
import { openDatabase } from '../../db/client.ts';
import type { Database } from '../../db/database.ts';
import { loadConfig, type Config } from '../config.ts';

let opened: Promise<{ db: Database; config: Config }> | undefined;

export function siteDatabase(): Promise<{ db: Database; config: Config }> {
  opened ??= (async () => {
    const config = loadConfig(process.env);
    const { db } = await openDatabase({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN });
    return { db, config };
  })();
  return opened;
}
