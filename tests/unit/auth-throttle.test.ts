/**
 * Failed-authentication throttling counted in the database: two app instances on one database
 * (two processes, or two Worker isolates) share the counter; windows end by the injected clock.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { createApp } from '../../functions/app.ts';
import type { AppEnv } from '../../functions/app-env.ts';
import { createMemoryLogger } from '../../functions/logger.ts';
import { throttleCounters } from '../../db/schema.ts';
import { loadConfig } from '../../src/config.ts';
import { COUNTY, mint, seedCounty } from '../api/fixtures.ts';
import { createTempDatabase, type TempDatabase } from '../support/temp-database.ts';

const FORGED = `csq_${'A'.repeat(43)}`;
let temp: TempDatabase;
let now: Date;
const clock = () => now;

function newApp(runtime = 'node'): Hono<AppEnv> {
  return createApp({ db: temp.db, config: loadConfig({ DATABASE_URL: temp.url }), clock, logger: createMemoryLogger(), runtime });
}

/** A request from a socket address, as the Node server sees it. */
const fromSocket = (app: Hono<AppEnv>, token: string | null, address = '203.0.113.7', headers: Record<string, string> = {}) =>
  app.request('/api/v1/me', { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } }, { incoming: { socket: { remoteAddress: address } } });

beforeEach(async () => {
  temp = await createTempDatabase();
  await seedCounty(temp.db);
  now = new Date('2026-11-26T08:03:20.000Z');
});
afterEach(() => temp.dispose());

describe('failed-authentication throttling', () => {
  it('shares one counter between two app instances on the same database', async () => {
    const token = await mint(temp.db, 'county', COUNTY);
    const first = newApp();
    const second = newApp();
    for (let i = 0; i < 20; i++) expect((await fromSocket(i % 2 ? first : second, FORGED)).status).toBe(401);

    // The second instance refuses the 21st attempt, although half the failures happened elsewhere,
    // and refuses a good token too: a blocked client learns nothing about what it presents.
    for (const [app, presented] of [[second, FORGED], [second, token], [newApp(), token]] as const) {
      const res = await fromSocket(app, presented);
      expect(res.status).toBe(429);
      // The window is 08:00–08:15; it is 08:03:20.
      expect(res.headers.get('retry-after')).toBe('700');
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toEqual({ code: 'TOO_MANY_FAILED_ATTEMPTS', message: '登录失败次数过多，请 12 分钟后再试。', requestId: expect.any(String) });
    }
  });

  it('lets the client in again once the window has ended (injected clock)', async () => {
    const token = await mint(temp.db, 'county', COUNTY);
    const app = newApp();
    for (let i = 0; i < 20; i++) await fromSocket(app, FORGED);
    expect((await fromSocket(app, token)).status).toBe(429);
    now = new Date('2026-11-26T08:14:59.000Z');
    expect((await fromSocket(newApp(), token)).status).toBe(429);
    now = new Date('2026-11-26T08:15:00.000Z');
    expect((await fromSocket(app, token)).status).toBe(200);
    expect((await fromSocket(newApp(), FORGED)).status).toBe(401);
  });

  it('counts per client address, and on Node a forwarded-for header does not make a new client', async () => {
    const token = await mint(temp.db, 'county', COUNTY);
    const app = newApp();
    for (let i = 0; i < 20; i++) await fromSocket(app, FORGED, '203.0.113.7', { 'x-forwarded-for': `198.51.100.${i}`, 'cf-connecting-ip': `198.51.100.${i}` });
    expect((await fromSocket(app, FORGED, '203.0.113.7', { 'x-forwarded-for': '192.0.2.1' })).status).toBe(429);
    expect((await fromSocket(app, token, '203.0.113.8')).status).toBe(200);
  });

  it('on Cloudflare counts by CF-Connecting-IP', async () => {
    const app = newApp('workerd');
    const ask = (ip: string) => app.request('/api/v1/me', { headers: { authorization: `Bearer ${FORGED}`, 'cf-connecting-ip': ip } });
    for (let i = 0; i < 20; i++) expect((await ask('198.51.100.1')).status).toBe(401);
    expect((await ask('198.51.100.1')).status).toBe(429);
    expect((await ask('198.51.100.2')).status).toBe(401);
  });

  it('writes nothing for a successful sign-in or a request without a credential', async () => {
    const token = await mint(temp.db, 'county', COUNTY);
    const app = newApp();
    for (let i = 0; i < 25; i++) {
      expect((await fromSocket(app, token)).status).toBe(200);
      expect((await fromSocket(app, null)).status).toBe(401);
    }
    expect(await temp.db.select().from(throttleCounters)).toEqual([]);
    await fromSocket(app, FORGED);
    expect(await temp.db.select().from(throttleCounters)).toEqual([{ key: expect.stringMatching(/^auth-fail:client:[0-9a-f]{16}:auth-fail-15min:\d+$/), count: 1, expiresAt: '2026-11-26T08:15:00.000Z' }]);
  });

  it('uses the limit the app was given (authFailureLimit) on every route behind a token', async () => {
    const app = createApp({ db: temp.db, config: loadConfig({ DATABASE_URL: temp.url }), clock, logger: createMemoryLogger(), runtime: 'node', authFailureLimit: 3 });
    const env = { incoming: { socket: { remoteAddress: '203.0.113.9' } } };
    const forged = { headers: { authorization: `Bearer ${FORGED}` } };
    expect((await app.request('/api/v1/me', forged, env)).status).toBe(401);
    expect((await app.request('/api/v1/feedback', forged, env)).status).toBe(401);
    expect((await app.request('/api/v1/projects', forged, env)).status).toBe(401);
    expect((await app.request('/api/v1/feedback', forged, env)).status).toBe(429);
    expect((await app.request('/api/v1/me', forged, env)).status).toBe(429);
  });
});
