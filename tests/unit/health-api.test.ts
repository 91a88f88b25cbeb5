import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/app.ts';
import { createMemoryLogger } from '../../functions/logger.ts';
import { loadConfig } from '../../src/config.ts';
import { createTempDatabase, type TempDatabase } from '../support/temp-database.ts';

describe('GET /api/v1/health', () => {
  let temp: TempDatabase;
  const fixed = new Date('2026-11-26T08:00:00.000Z');
  beforeAll(async () => {
    temp = await createTempDatabase();
  });
  afterAll(() => temp.dispose());

  const app = () =>
    createApp({ db: temp.db, config: loadConfig({}), clock: () => fixed, logger: createMemoryLogger(), runtime: 'node' });

  it('answers ok with the database reachable and the clock it was given', async () => {
    const res = await app().request('/api/v1/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', database: 'ok', runtime: 'node', time: '2026-11-26T08:00:00.000Z' });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an unknown API path with the one JSON error shape and a 404', async () => {
    const res = await app().request('/api/v1/nothing-here');
    expect(res.status).toBe(404);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.code).toBe('NOT_FOUND');
    expect(typeof body.message).toBe('string');
    expect(typeof body.requestId).toBe('string');
  });

  it('reports the database as unavailable with a 503 when it cannot be queried', async () => {
    const broken = await createTempDatabase();
    broken.close();
    const res = await createApp({ db: broken.db, config: loadConfig({}), clock: () => fixed, logger: createMemoryLogger(), runtime: 'node' }).request('/api/v1/health');
    expect(res.status).toBe(503);
    expect(((await res.json()) as { database: string }).database).toBe('unavailable');
    broken.dispose();
  });
});
