/** `npm run db:migrate`: apply pending migrations to DATABASE_URL. */
import { migrateDatabase, openDatabase } from '../../db/client.ts';
import { loadConfig } from '../config.ts';

const config = loadConfig(process.env);
const { db, close } = await openDatabase({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN });
await migrateDatabase(db);
close();
console.log('数据库已更新到最新结构 (migrations applied)');
