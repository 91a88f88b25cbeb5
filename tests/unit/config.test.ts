import { describe, expect, it } from 'vitest';
import { loadPosterConfig } from '../../src/cli/posters.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('configuration', () => {
  it('defaults to the embedded database file and port 4321', () => {
    const config = loadConfig({});
    expect(config.DATABASE_URL).toBe('file:data/portal.db');
    expect(config.PORT).toBe(4321);
    // The county's settings live in its database: no county's text is a default here.
    expect(config.DISCLOSURE_PERIOD_DAYS).toBeUndefined();
    expect(config.ISSUING_UNIT).toBeUndefined();
    expect(config.COUNTY_SUPERVISION_PHONES).toBeUndefined();
    expect(JSON.stringify(config)).not.toContain('常宁');
  });

  it('takes the public address from SITE_URL, or else this machine on the port in use', () => {
    expect(loadConfig({}).SITE_URL).toBe('http://localhost:4321');
    expect(loadConfig({ PORT: '4501' }).SITE_URL).toBe('http://localhost:4501');
    expect(loadConfig({ PORT: '4501', SITE_URL: 'https://ymgs.example.gov.cn/' }).SITE_URL).toBe('https://ymgs.example.gov.cn');
    expect(loadPosterConfig({ PORT: '4501' }).SITE_URL).toBe('http://localhost:4501');
  });

  it('selects Turso with a libsql:// URL and keeps the auth token', () => {
    const config = loadConfig({ DATABASE_URL: 'libsql://portal-county.turso.io', DATABASE_AUTH_TOKEN: 'secret' });
    expect(config.DATABASE_URL).toBe('libsql://portal-county.turso.io');
    expect(config.DATABASE_AUTH_TOKEN).toBe('secret');
  });

  it('splits supervision phones on semicolons', () => {
    expect(loadConfig({ COUNTY_SUPERVISION_PHONES: '0734-7212345; 0734-7200000' }).COUNTY_SUPERVISION_PHONES).toEqual([
      '0734-7212345',
      '0734-7200000',
    ]);
  });

  it.each([
    ['DATABASE_URL', { DATABASE_URL: 'postgres://x' }],
    ['PORT', { PORT: 'abc' }],
    ['SITE_URL', { SITE_URL: 'not a url' }],
    ['DISCLOSURE_PERIOD_DAYS', { DISCLOSURE_PERIOD_DAYS: '0' }],
  ])('fails at start-up naming %s when it is malformed', (name, env) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });
});
