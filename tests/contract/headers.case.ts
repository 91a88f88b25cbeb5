/**
 * Security and caching headers on every kind of response, static and API, the same on every
 * runtime (functions/middleware/security-headers.ts; the Worker runs first for every path).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiTarget } from '../support/api-target.ts';

const tiandituHosts = Array.from({ length: 8 }, (_, i) => `https://t${i}.tianditu.gov.cn`);

export function runHeadersContract(newTarget: () => Promise<ApiTarget>) {
  describe('security and caching headers', () => {
  let current: ApiTarget;
  beforeAll(async () => {
    current = await newTarget();
  });
  afterAll(async () => current.dispose());
  const target = () => current;

  it('sends an earlier rendering of a poster (another key, same version) to the file the manifest lists', async () => {
    const res = await target().request('/posters/2024/430482100201-v2-0123456789abcdef-a4-p1.png');
    await res.arrayBuffer();
    expect([res.status, new URL(res.headers.get('location') ?? '', 'https://portal.example.test').pathname]).toEqual([302, '/posters/2024/430482100201-v2-5d41402abc4b2a76-a4-p1.png']);
  });

  describe.each([
    ['a page', '/', 200, 'no-cache'],
    ['a village page', '/villages/430482100201/', 200, 'no-cache'],
    ['a hashed asset', '/_astro/app.3f9a1c2e.js', 200, 'public, max-age=31536000, immutable'],
    ['a poster named by its content', '/posters/2024/430482100201-v2-5d41402abc4b2a76-a4-p1.png', 200, 'public, max-age=31536000, immutable'],
    ['an earlier rendering of that poster (sent on to it)', '/posters/2024/430482100201-v2-0123456789abcdef-a4-p1.png', 302, 'no-cache'],
    ['a poster of a version never published', '/posters/2024/430482100201-v7-0123456789abcdef-a4-p1.png', 404, 'no-store'],
    ['a part of the poster manifest', '/posters/manifest/2024/430482100.json', 200, 'no-cache'],
    ['an ordinary file', '/favicon.svg', 200, 'no-cache'],
    ['a missing page', '/missing/', 404, 'no-store'],
    ['a missing hashed asset', '/_astro/missing.js', 404, 'no-store'],
    ['the health check', '/api/v1/health', 200, 'no-store'],
    ['an API error', '/api/v1/missing', 404, 'no-store'],
  ])('%s (%s)', (_kind, path, status, cacheControl) => {
    it(`answers ${status} with Cache-Control ${cacheControl} and the security headers`, async () => {
      const res = await target().request(path);
      await res.arrayBuffer();
      expect(res.status).toBe(status);
      expect(res.headers.get('cache-control')).toBe(cacheControl);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      expect(res.headers.get('content-security-policy')).toBeTruthy();
    });
  });

  it('lets pages load scripts only from the site and tiles only from the configured host', async () => {
    const res = await target().request('/');
    const csp = res.headers.get('content-security-policy') ?? '';
    const directives = Object.fromEntries(csp.split(/;\s*/).map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['img-src']).toEqual(["'self'", 'data:', 'blob:', ...tiandituHosts]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['frame-ancestors']).toEqual(["'self'"]);
  });

  it('gives API answers a policy that loads nothing', async () => {
    const res = await target().request('/api/v1/health');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'; base-uri 'none'");
  });

  it('answers a revalidation of an unchanged page with 304', async () => {
    const first = await target().request('/');
    await first.arrayBuffer();
    const validators: Record<string, string> = {};
    const etag = first.headers.get('etag');
    const modified = first.headers.get('last-modified');
    if (etag) validators['If-None-Match'] = etag;
    else if (modified) validators['If-Modified-Since'] = modified;
    expect(Object.keys(validators)).not.toHaveLength(0);
    const again = await target().request('/', { headers: validators });
    await again.arrayBuffer();
    expect(again.status).toBe(304);
    expect(again.headers.get('cache-control')).toBe('no-cache');
  });
  });
}
