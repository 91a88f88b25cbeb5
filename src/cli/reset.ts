/**
 * `npm run db:reset`: delete the embedded database file and load the sample county again.
 * Refuses to touch a remote database (Turso): that would destroy published records.
 */
import { rmSync } from 'node:fs';
import { migrateDatabase, openDatabase } from '../../db/client.ts';
import { loadConfig } from '../config.ts';
import { loadSampleCounty } from './sample-data.ts';

const config = loadConfig(process.env);
if (!config.DATABASE_URL.startsWith('file:')) {
  console.error(`db:reset only works on the embedded file database, not ${config.DATABASE_URL.replace(/\/\/.*$/, '//…')}`);
  process.exit(1);
}
const path = config.DATABASE_URL.slice('file:'.length);
for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
const { db, close } = await openDatabase({ url: config.DATABASE_URL });
await migrateDatabase(db);
const loaded = await loadSampleCounty(db);
close();
console.log('数据库已重建并载入示例数据:', JSON.stringify(loaded));
