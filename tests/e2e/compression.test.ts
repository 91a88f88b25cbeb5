/**
 * Text is sent compressed by the Node server, as a villager's slow connection needs: the built
 * site's HTML, CSS, JavaScript and JSON from the .br/.gz files written at build time, and API JSON
 * gzipped as it is sent. Read on the wire (node:http, which does not decompress by itself) and
 * checked to decompress to exactly what an uncompressed request gets.
 */
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, inject, it } from 'vitest';

const baseUrl = inject('baseUrl');

function get(path: string, acceptEncoding: string | null): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((done, fail) => {
    const req = request(`${baseUrl}${path}`, { headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('compressed text from the Node server', () => {
  it('sends the home page, its CSS and JS, and the search index as br or gzip, each decompressing to the plain bytes', async () => {
    const home = await get('/', null);
    expect(home.status).toBe(200);
    const assets = [...home.body.toString('utf8').matchAll(/(?:href|src)="(\/_astro\/[^"]+\.(?:css|js))"/g)].map((m) => m[1]!);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    const paths = ['/', '/search/index.json', '/map/', ...assets];
    let compressed = 0;
    for (const path of paths) {
      const plain = await get(path, null);
      expect(plain.headers['content-encoding'], path).toBeUndefined();
      const br = await get(path, 'br, gzip');
      if (plain.body.length < 1024) {
        // Too small to gain anything: sent as it is.
        expect(br.headers['content-encoding'], path).toBeUndefined();
        continue;
      }
      const gz = await get(path, 'gzip');
      expect([br.status, br.headers['content-encoding'], gz.headers['content-encoding']], path).toEqual([200, 'br', 'gzip']);
      expect(brotliDecompressSync(br.body).equals(plain.body), path).toBe(true);
      expect(gunzipSync(gz.body).equals(plain.body), path).toBe(true);
      expect(String(br.headers.vary)).toMatch(/accept-encoding/i);
      if (plain.body.length > 20_000) expect(br.body.length, path).toBeLessThan(plain.body.length / 3);
      compressed++;
    }
    // The pages, the index and the stylesheet at least.
    expect(compressed).toBeGreaterThanOrEqual(4);
  });

  it('gzips API JSON as it is sent', async () => {
    const plain = await get('/api/v1/openapi.json', null);
    const gz = await get('/api/v1/openapi.json', 'gzip, deflate, br');
    expect([gz.status, gz.headers['content-encoding']]).toEqual([200, 'gzip']);
    expect(JSON.parse(gunzipSync(gz.body).toString('utf8'))).toEqual(JSON.parse(plain.body.toString('utf8')));
    expect(gz.body.length).toBeLessThan(plain.body.length / 3);
  });
});
