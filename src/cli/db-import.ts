/**
 * `npm run db:import -- <file>`: restores a dump made by `npm run db:export` into the EMPTY
 * database at DATABASE_URL (a new file, or a new Turso database), in one transaction. Refuses a
 * database that already has tables: a restore never merges into or overwrites live data.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createClient } from '@libsql/client';
import { loadConfig } from '../config.ts';
import { DumpError, restoreDatabase } from './database-dump.ts';

const config = loadConfig(process.env);
const file = process.argv[2];
if (!file) {
  console.error('用法: npm run db:import -- <dump.sql>   (DATABASE_URL names the EMPTY database to restore into)');
  process.exit(1);
}
if (config.DATABASE_URL.startsWith('file:')) mkdirSync(dirname(resolve(config.DATABASE_URL.slice('file:'.length))), { recursive: true });
const client = createClient({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN, intMode: 'bigint' });
try {
  const { statements } = await restoreDatabase(client, readFileSync(resolve(file), 'utf8'));
  console.error(`已从 ${file} 恢复 ${statements} 条语句到 ${config.DATABASE_URL.replace(/\/\/[^@/]*@/, '//***@')}`);
} catch (error) {
  if (error instanceof DumpError) {
    console.error(`无法导入: ${error.message}`);
    process.exitCode = 1;
  } else throw error;
} finally {
  client.close();
}
