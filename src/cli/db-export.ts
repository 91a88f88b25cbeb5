/**
 * `npm run db:export -- [file]`: writes the whole database at DATABASE_URL (the embedded file or
 * Turso) as one SQL dump (src/cli/database-dump.ts), read inside one read transaction so it is a
 * consistent snapshot even while the server writes. Default file: `backups/portal-<time>.sql`;
 * `-` writes to standard output.
 */
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { once } from 'node:events';
import { createClient } from '@libsql/client';
import { loadConfig } from '../config.ts';
import { dumpDatabase } from './database-dump.ts';

const config = loadConfig(process.env);
if (config.DATABASE_URL.startsWith('file:') && !existsSync(config.DATABASE_URL.slice('file:'.length))) {
  console.error(`没有找到数据库文件 ${config.DATABASE_URL.slice('file:'.length)} (DATABASE_URL=${config.DATABASE_URL}); nothing to export`);
  process.exit(1);
}
const arg = process.argv[2];
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const path = arg === '-' ? null : resolve(arg ?? `backups/portal-${stamp}.sql`);
if (path) mkdirSync(dirname(path), { recursive: true });
// Written beside the target and renamed when complete: a failed export never leaves a file that
// looks like a backup.
const partial = path ? `${path}.partial` : null;
const out = partial ? createWriteStream(partial) : process.stdout;

const client = createClient({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN, intMode: 'bigint' });
const tx = await client.transaction('read');
try {
  const summary = await dumpDatabase(tx, async (chunk) => {
    if (!out.write(chunk)) await once(out, 'drain');
  });
  await tx.commit();
  if (path && partial) {
    out.end();
    await once(out, 'finish');
    renameSync(partial, path);
    console.error(`已导出 ${summary.tables} 张表、${summary.rows} 行到 ${path}`);
  }
} catch (error) {
  if (partial) rmSync(partial, { force: true });
  throw error;
} finally {
  tx.close();
  client.close();
}
