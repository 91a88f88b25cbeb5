/** `npm run db:seed`: load the sample county (示例数据) into an empty database. */
import { migrateDatabase, openDatabase } from '../../db/client.ts';
import { loadConfig } from '../config.ts';
import { ensureSampleData } from './sample-data.ts';

const config = loadConfig(process.env);
const { db, close } = await openDatabase({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN });
await migrateDatabase(db);
const loaded = await ensureSampleData(db);
close();
if (loaded) {
  console.log('已载入示例县（示例数据）:', JSON.stringify(loaded));
} else {
  console.error('数据库里已经有数据，没有载入示例数据。要重来请运行 npm run db:reset。');
  process.exitCode = 1;
}
