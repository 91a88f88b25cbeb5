import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.ts';

/** `GET /api/v1/health`: the process is up and the database answers. */
export const healthRoutes = new Hono<AppEnv>().get('/health', async (c) => {
  const { db, clock, runtime } = c.get('deps');
  let database: 'ok' | 'unavailable' = 'ok';
  try {
    await db.run(sql`select 1`);
  } catch {
    database = 'unavailable';
  }
  const status = database === 'ok' ? 200 : 503;
  return c.json({ status: database === 'ok' ? 'ok' : 'degraded', database, runtime, time: clock().toISOString() }, status);
});
