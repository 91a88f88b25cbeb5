/** `npm run build`: migrate, ensure there is data (the sample county when empty), build the site. */
import { migrateDatabase, openDatabase } from '../../db/client.ts';
import { loadConfig } from '../config.ts';
import { ensureSampleData } from './sample-data.ts';
import { buildSite } from './site-build.ts';

const config = loadConfig(process.env);
const { db, close } = await openDatabase({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN });
await migrateDatabase(db);
await ensureSampleData(db);
close();
const result = await buildSite({ env: { DATABASE_URL: config.DATABASE_URL, DATABASE_AUTH_TOKEN: config.DATABASE_AUTH_TOKEN } });
console.log(`site built into ${result.outDir} in ${Math.round(result.ms)} ms`);
