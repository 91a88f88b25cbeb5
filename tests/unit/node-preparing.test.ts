/**
 * A fresh install answers at once: while the first build runs, pages say 网站正在准备 (503, reload
 * in 15 s) and the API answers as usual; once built, the site is served.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../functions/logger.ts';
import { startNodeServer, type RunningServer } from '../../functions/node-server.ts';
import { loadConfig } from '../../src/config.ts';
import { createTempDatabase, type TempDatabase } from '../support/temp-database.ts';

describe('the Node server during the first build', () => {
  let temp: TempDatabase;
  let server: RunningServer;
  let siteDir: string;
  let preparing = true;
  const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;
  beforeAll(async () => {
    temp = await createTempDatabase();
    siteDir = mkdtempSync(join(tmpdir(), 'preparing-'));
    server = await startNodeServer({ db: temp.db, config: loadConfig({ PORT: '0', HOST: '127.0.0.1' }), logger: createMemoryLogger(), siteDir: () => siteDir, preparing: () => preparing, uploadThread: false });
  });
  afterAll(async () => {
    await server.close();
    temp.dispose();
    rmSync(siteDir, { recursive: true, force: true });
  });

  it('answers pages with 网站正在准备 and the API as usual, then the built site', async () => {
    for (const path of ['/', '/villages/430482105205/']) {
      const page = await fetch(url(path));
      expect([page.status, page.headers.get('retry-after'), page.headers.get('cache-control')]).toEqual([503, '15', 'no-store']);
      const html = await page.text();
      expect(html).toContain('网站正在准备');
      expect(html).toContain('<meta http-equiv="refresh" content="15">');
    }
    const health = await fetch(url('/api/v1/health'));
    expect(health.status).toBe(200);

    writeFileSync(join(siteDir, 'index.html'), '<!doctype html><title>首页</title><h1>常宁市</h1>');
    preparing = false;
    const home = await fetch(url('/'));
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('<h1>常宁市</h1>');
  });
});
