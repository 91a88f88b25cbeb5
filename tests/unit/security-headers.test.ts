import { describe, expect, it } from 'vitest';
import { createApp } from '../../functions/app.ts';
import { createMemoryLogger } from '../../functions/logger.ts';
import { cacheControlFor, sitePolicy, tileSources } from '../../functions/middleware/security-headers.ts';
import { loadConfig } from '../../src/config.ts';
import { createTempDatabase } from '../support/temp-database.ts';

describe('tile hosts in the CSP', () => {
  it.each([
    [{}, []],
    [{ TIANDITU_KEY: 'k' }, Array.from({ length: 8 }, (_, i) => `https://t${i}.tianditu.gov.cn`)],
    [{ OSM_TILE_URL: 'https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png' }, ['https://*.tile.openstreetmap.org']],
    [{ OSM_TILE_URL: 'https://tiles.example.cn:8443/{z}/{x}/{y}.png' }, ['https://tiles.example.cn:8443']],
    [{ OSM_TILE_URL: 'https://a.{s}.example.cn/{z}/{x}/{y}.png' }, []],
    [{ OSM_TILE_URL: "https://x.example.cn'; script-src *" }, []],
    [{ OSM_TILE_URL: 'not a url' }, []],
  ])('allows tiles from the configured hosts only: %j', (config, expected) => {
    expect(tileSources(config)).toEqual(expected);
  });

  it('adds upgrade-insecure-requests only over https', () => {
    expect(sitePolicy({}, false)).not.toContain('upgrade-insecure-requests');
    expect(sitePolicy({}, true)).toContain('upgrade-insecure-requests');
  });
});

describe('Cache-Control', () => {
  it.each([
    ['/_astro/app.1a2b.js', 200, null, 'public, max-age=31536000, immutable'],
    ['/posters/2024/430482105003-546ea934f3385ae6-a4.pdf', 200, null, 'public, max-age=31536000, immutable'],
    ['/posters/2024/430482105003-546ea934f3385ae6-a4-p1.png', 304, null, 'public, max-age=31536000, immutable'],
    ['/posters/manifest.json', 200, null, 'no-cache'],
    ['/posters/manifest/index.json', 200, null, 'no-cache'],
    ['/posters/manifest/2024/430482105.json', 200, null, 'no-cache'],
    ['/', 200, null, 'no-cache'],
    ['/villages/430482100201/', 200, 'public, max-age=600', 'no-cache'],
    ['/villages/430482100201', 301, null, 'no-cache'],
    ['/_astro/missing.js', 404, null, 'no-store'],
    ['/api/v1/health', 200, null, 'no-store'],
    ['/api/v1/open-data.csv', 200, 'public, max-age=300', null],
    ['/api/v1/open-data.csv', 500, 'public, max-age=300', 'no-store'],
    ['/lookup/', 200, 'no-store', null],
    ['/feedback/send/', 200, 'private, no-store', null],
    ['/feedback/send/', 200, 'no-storey', 'no-cache'],
  ])('%s answering %i (route set %s) → %s', (path, status, existing, expected) => {
    expect(cacheControlFor(path, status, existing)).toBe(expected);
  });
});

describe('security headers on the app', () => {
  it('sends HSTS over https only, and on errors too', async () => {
    const temp = await createTempDatabase();
    try {
      const app = createApp({ db: temp.db, config: loadConfig({}), clock: () => new Date(), logger: createMemoryLogger(), runtime: 'node' });
      const overHttps = await app.request('https://portal.example.cn/api/v1/nothing');
      expect(overHttps.status).toBe(404);
      expect(overHttps.headers.get('strict-transport-security')).toBe('max-age=31536000');
      const overHttp = await app.request('http://localhost/api/v1/health');
      expect(overHttp.headers.get('strict-transport-security')).toBeNull();
      expect(overHttp.headers.get('x-content-type-options')).toBe('nosniff');
    } finally {
      temp.dispose();
    }
  });
});
