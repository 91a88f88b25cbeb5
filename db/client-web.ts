/**
 * Database client for runtimes without a file system (Cloudflare Workers): libSQL over HTTP,
 * i.e. Turso in production or the local dev server in `npm run preview`.
 */
import { createClient } from '@libsql/client/web';
import { drizzle } from 'drizzle-orm/libsql/web';
import type { Database } from './database.ts';
import * as schema from './schema.ts';

export function openWebDatabase(options: { url: string; authToken?: string | undefined }): Database {
  const client = createClient({ url: options.url, authToken: options.authToken });
  return drizzle(client, { schema }) as unknown as Database;
}
