/**
 * Database client factory for Node: an embedded SQLite file by default, Turso (`libsql://…`)
 * when configured. The same drizzle schema and queries run over both. With a remote database the
 * Node server may read from an embedded replica of it (a local file it keeps in sync; writes are
 * forwarded to the primary), so a page's queries never cross the network.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { sql } from 'drizzle-orm';
import { SAMPLE_ROSTER_KEY, storedIdentity } from '../src/domain/villager/roster-key.ts';
import type { Database } from './database.ts';
import * as schema from './schema.ts';

export type { Database };

/** The default embedded database file, relative to the project root (gitignored). */
export const DEFAULT_DATABASE_URL = 'file:data/portal.db';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));

export interface DatabaseOptions {
  url: string;
  authToken?: string | undefined;
  /**
   * Keep an embedded replica of the remote `url` in the local file `path` and read from it. It
   * pulls the primary's changes every `syncSeconds` and after each write made through it (which goes
   * to the primary), so this connection always reads its own writes. One process per file: a second
   * open of the same replica is refused.
   */
  replica?: { path: string; syncSeconds: number } | undefined;
}

export interface OpenDatabase {
  db: Database;
  client: Client;
  close(): void;
  /** Pulls the primary's changes into the replica now (after another connection wrote); nothing without a replica. */
  sync(): Promise<void>;
}

/** The Node server's connection as configured: through DATABASE_REPLICA when one is set (src/config.ts). */
export function serverDatabaseOptions(config: { DATABASE_URL: string; DATABASE_AUTH_TOKEN?: string | undefined; DATABASE_REPLICA?: string | undefined; DATABASE_SYNC_SECONDS: number }): DatabaseOptions {
  return {
    url: config.DATABASE_URL,
    authToken: config.DATABASE_AUTH_TOKEN,
    replica: config.DATABASE_REPLICA === undefined ? undefined : { path: config.DATABASE_REPLICA, syncSeconds: config.DATABASE_SYNC_SECONDS },
  };
}

/** The replica could not be opened or could not copy the primary; the message says which and why. */
export class ReplicaError extends Error {
  override name = 'ReplicaError';
}

/**
 * Opens a database. For `file:` URLs the parent folder is created and the file is put in WAL
 * mode (persistent in the file), so the build can read while the API writes. The client keeps a
 * pool of connections: settings that are per connection are passed as client options (`timeout`
 * is SQLite's busy timeout on every pooled connection); libSQL turns foreign keys on by default.
 */
export async function openDatabase(options: DatabaseOptions): Promise<OpenDatabase> {
  if (options.replica) return openReplica(options.url, options.authToken, options.replica);
  const { url } = options;
  const isFile = url.startsWith('file:');
  if (isFile) {
    const path = url.slice('file:'.length);
    if (path !== ':memory:' && path !== '') mkdirSync(dirname(resolve(path)), { recursive: true });
  }
  const client = createClient({ url, authToken: options.authToken, timeout: 5000 });
  if (isFile) await client.execute('PRAGMA journal_mode = WAL');
  const db = drizzle(client, { schema });
  return { db, client, close: () => client.close(), sync: async () => undefined };
}

async function openReplica(url: string, authToken: string | undefined, replica: { path: string; syncSeconds: number }): Promise<OpenDatabase> {
  if (!/^(libsql:\/\/|https?:\/\/)/.test(url)) throw new ReplicaError(`a replica copies a remote database (libsql:// or http(s)://), not ${url.split(':')[0]}:`);
  const path = resolve(replica.path);
  mkdirSync(dirname(path), { recursive: true });
  const unlock = lockReplica(path);
  let client: Client | undefined;
  try {
    client = createClient({ url: `file:${path}`, syncUrl: url, authToken, syncInterval: replica.syncSeconds, readYourWrites: true });
    // Complete before the first read: a fresh replica is empty until its first sync.
    await client.sync();
  } catch (error) {
    client?.close();
    unlock();
    throw new ReplicaError(`the replica ${path} could not copy ${redactedUrl(url)}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const opened = client;
  const db = drizzle(opened, { schema });
  return {
    db,
    client: opened,
    close: () => {
      opened.close();
      unlock();
    },
    sync: async () => {
      await opened.sync();
    },
  };
}

/**
 * Two processes syncing into one replica file would corrupt it, so the file is taken with a lock
 * file holding the owner's pid. A lock left by a process that has ended is taken over.
 */
function lockReplica(path: string): () => void {
  const lock = `${path}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(lock, 'utf8'));
      if (Number.isInteger(owner) && owner > 0 && isRunning(owner)) {
        throw new ReplicaError(`the replica ${path} is in use by process ${owner} (${lock}); each server needs a replica file of its own`);
      }
      rmSync(lock, { force: true });
    }
  }
  throw new ReplicaError(`the replica ${path} could not be locked (${lock})`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function redactedUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

/** Applies every pending migration in db/migrations (generated by drizzle-kit). */
export async function migrateDatabase(db: Database): Promise<void> {
  await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  await hashLegacyIdNumbers(db);
}

/**
 * Migration 0004 stopped storing ID numbers and marked the ones it found `legacy:<number>`. Only
 * the sample county (invented numbers, public key) could be loaded before it, so they are hashed
 * here with the sample's key; afterwards no row holds a number in clear.
 */
async function hashLegacyIdNumbers(db: Database): Promise<void> {
  const legacy = await db.all<{ id: number; idHash: string }>(sql`select id, id_hash as idHash from persons where id_hash like 'legacy:%'`);
  if (legacy.length === 0) return;
  const rows = await Promise.all(legacy.map(async ({ id, idHash }) => ({ id, ...(await storedIdentity(SAMPLE_ROSTER_KEY, idHash.slice('legacy:'.length))) })));
  await db.run(sql`update persons set id_hash = j.value ->> 1, id_masked = j.value ->> 2, id_tail_hash = j.value ->> 3
    from json_each(${JSON.stringify(rows.map((r) => [r.id, r.idHash, r.idMasked, r.idTailHash]))}) as j where persons.id = j.value ->> 0`);
}
