/**
 * The Node server over a remote database, reading from an embedded replica (DATABASE_REPLICA,
 * db/client.ts), as `npm start` wires it (src/cli/start.ts): the primary is libSQL's own server
 * (sqld, what Turso runs), loaded the way an office moves to Turso (db:export, then db:import) from
 * the database the e2e Node build was made from. Pages are read from the local copy, so they keep
 * answering while the primary is away; writes go to the primary and are read back at once, also
 * those of the upload thread, which has a connection of its own to the primary.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { and, eq, max } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, ReplicaError, serverDatabaseOptions, type OpenDatabase } from '../../db/client.ts';
import * as schema from '../../db/schema.ts';
import type { PublishedEvent } from '../../functions/app-env.ts';
import { createMemoryLogger } from '../../functions/logger.ts';
import { startNodeServer, type RunningServer } from '../../functions/node-server.ts';
import { dumpDatabase, restoreDatabase } from '../../src/cli/database-dump.ts';
import { ConfigError, loadConfig, type Config } from '../../src/config.ts';
import { mintToken } from '../../src/data/users.ts';
import { startSqld, type Sqld } from '../support/sqld.ts';

const siteDir = inject('siteDir');
const pristine = inject('pristine');

/** 新建村, whose project CN2024-0001 the correction pays. */
const VILLAGE = '430482101207';

describe('the Node server reading from an embedded replica of a remote database', () => {
  let sqld: Sqld;
  let primary: OpenDatabase;
  let server: OpenDatabase;
  let running: RunningServer;
  let config: Config;
  let dir: string;
  let base: string;
  const events: PublishedEvent[] = [];

  beforeAll(async () => {
    sqld = await startSqld();
    let dump = '';
    const source = createClient({ url: pristine.databaseUrl, intMode: 'bigint' });
    await dumpDatabase(source, (chunk) => void (dump += chunk));
    source.close();
    const target = createClient({ url: sqld.url, intMode: 'bigint' });
    await restoreDatabase(target, dump);
    target.close();
    primary = await openDatabase({ url: sqld.url });

    dir = mkdtempSync(join(tmpdir(), 'replica-'));
    // Pulls only when told to or after its own writes (an hour is far beyond the test), so that
    // what it reads after another connection's write shows who pulled it.
    config = loadConfig({ DATABASE_URL: sqld.url, DATABASE_REPLICA: join(dir, 'portal-replica.db'), DATABASE_SYNC_SECONDS: '3600', PORT: '0', HOST: '127.0.0.1', SITE_DIR: siteDir, LOG_LEVEL: 'error' });
    server = await openDatabase(serverDatabaseOptions(config));
    running = await startNodeServer({
      db: server.db,
      config,
      logger: createMemoryLogger(),
      siteDir: () => siteDir,
      onPublished: (event) => void events.push(event),
      syncDatabase: server.sync,
    });
    base = `http://127.0.0.1:${running.port}`;
  }, 120_000);

  afterAll(async () => {
    await running?.close();
    server?.close();
    primary?.close();
    await sqld?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('copies the primary at start and serves its pages while the primary is away', async () => {
    const villages = await primary.db
      .selectDistinct({ code: schema.disclosures.scopeCode })
      .from(schema.disclosures)
      .where(and(eq(schema.disclosures.scopeType, 'village'), eq(schema.disclosures.year, 2024)))
      .orderBy(schema.disclosures.scopeCode)
      .limit(3);
    expect(villages).toHaveLength(3);
    const first = await fetch(`${base}/villages/${villages[0]!.code}/`);
    expect(first.status).toBe(200);
    expect(await first.text()).toContain('2024年度公示');

    await sqld.stop();
    try {
      // Pages not rendered before, so read from the database now: from the local copy.
      for (const { code } of villages.slice(1)) {
        const page = await fetch(`${base}/villages/${code}/`);
        expect(page.status, code).toBe(200);
        expect(await page.text(), code).toContain('2024年度公示');
      }
      // The primary really is away: a connection to it fails.
      await expect(primary.client.execute('select 1')).rejects.toThrow();
    } finally {
      await sqld.start();
    }
  }, 60_000);

  it('reads what another connection wrote once it pulls, and the upload thread’s writes at once', async () => {
    // A token made on the primary (as `npm run token` does against Turso) is unknown to the
    // replica until it pulls, which the server does every DATABASE_SYNC_SECONDS.
    const { token } = await mintToken(primary.db, { role: 'county', scopeCode: '430482', name: `e2e副本${process.pid}`, at: new Date().toISOString() });
    const me = () => fetch(`${base}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
    expect(await me()).toBe(401);
    await server.sync();
    expect(await me()).toBe(200);

    // The upload runs on its own thread, which writes to the primary; its answer comes after the
    // server pulled, so the very next read shows the new payment.
    const auth = { authorization: `Bearer ${token}` };
    const upload = await fetch(`${base}/api/v1/uploads/disbursements`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/csv' },
      body: '项目编号,拨付日期,金额(元),资金来源,凭证号,收款单位\nCN2024-0001,2024-10-15,10000,中央,记-REPLICA-0001,湖南湘南水利水电工程有限公司\n',
    });
    expect(((await upload.json()) as { status: string }).status).toBe('committed');
    // Read from the server's replica with one plain query (a batch or a transaction would be sent
    // to the primary, which has the payment anyway).
    const paid = await server.db.select({ voucher: schema.disbursements.voucherNumber }).from(schema.disbursements).where(eq(schema.disbursements.voucherNumber, '记-REPLICA-0001'));
    expect(paid).toEqual([{ voucher: '记-REPLICA-0001' }]);

    const before = await primary.db.select({ latest: max(schema.disclosures.version) }).from(schema.disclosures).where(and(eq(schema.disclosures.scopeCode, VILLAGE), eq(schema.disclosures.year, 2024)));
    const published = await fetch(`${base}/api/v1/publish`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ year: 2024, asOf: '2024-12-31', correctionReason: '补录一笔拨付（副本）' }),
    });
    expect(published.status).toBe(200);
    const { created } = (await published.json()) as { created: Array<{ scopeType: string; scopeCode: string; version: number }> };

    // The publish went to the primary, and the next page read through the replica shows it.
    const version = before[0]!.latest! + 1;
    expect(created.filter((d) => d.scopeType === 'village')).toEqual([expect.objectContaining({ scopeCode: VILLAGE, version })]);
    const stored = await primary.db.select({ reason: schema.disclosures.correctionReason }).from(schema.disclosures).where(and(eq(schema.disclosures.scopeCode, VILLAGE), eq(schema.disclosures.year, 2024), eq(schema.disclosures.version, version)));
    expect(stored).toEqual([{ reason: '补录一笔拨付（副本）' }]);
    const page = await (await fetch(`${base}/villages/${VILLAGE}/`)).text();
    expect(page).toContain(`2024年度公示（第${version}版）`);
    expect(page).toContain('本版更正原因：补录一笔拨付（副本）');
    expect(events.map((e) => e.reason)).toEqual(['publish']);
  }, 60_000);

  it('is refused to a second server on the same file, and to an embedded database', async () => {
    await expect(openDatabase(serverDatabaseOptions(config))).rejects.toThrow(ReplicaError);
    await expect(openDatabase(serverDatabaseOptions(config))).rejects.toThrow(/in use by process \d+/);
    expect(() => loadConfig({ DATABASE_URL: 'file:data/portal.db', DATABASE_REPLICA: join(dir, 'other.db') })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: 'file:data/portal.db', DATABASE_REPLICA: join(dir, 'other.db') })).toThrow(/DATABASE_REPLICA: a replica needs a remote DATABASE_URL/);
  });
});
