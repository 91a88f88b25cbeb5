/**
 * The libSQL HTTP dev server, driven by the client the Worker uses (`@libsql/client/web`) and
 * compared with the embedded file client on the same statements: what the Worker sees locally is
 * what the Node entry sees.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient as createFileClient, type Client } from '@libsql/client';
import { createClient as createWebClient } from '@libsql/client/web';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase } from '../../db/client.ts';
import { openWebDatabase } from '../../db/client-web.ts';
import { spawnLibsqlHttpServer, startLibsqlHttpServer, type LibsqlHttpServer } from '../../src/cli/libsql-http-server.ts';

describe('libSQL HTTP dev server', () => {
  let dir: string;
  let server: LibsqlHttpServer;
  let web: Client;
  let file: Client;
  /** The server's clock: moved by the idle-stream case instead of sleeping. */
  let now = Date.parse('2026-11-26T08:00:00.000Z');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'libsql-http-'));
    const path = join(dir, 'test.db');
    file = createFileClient({ url: `file:${path}` });
    await file.execute('CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, n INTEGER, r REAL, s TEXT, b BLOB)');
    server = await startLibsqlHttpServer({ path, clock: () => now });
    web = createWebClient({ url: server.url });
  });
  afterAll(async () => {
    web.close();
    file.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips every value type exactly as the file client does', async () => {
    await web.execute({
      sql: 'INSERT INTO t (n, r, s, b) VALUES (?, ?, ?, ?)',
      args: [9007199254740991n, 2.5, '塅垱村 𬌗', new Uint8Array([0, 1, 254, 255])],
    });
    await web.execute({ sql: 'INSERT INTO t (n, r, s, b) VALUES (:n, :r, :s, NULL)', args: { n: -1, r: 0.1, s: '' } });
    const query = 'SELECT id, n, r, s, b, CAST(n AS TEXT) AS n_text FROM t ORDER BY id';
    const viaHttp = await web.execute(query);
    const viaFile = await file.execute(query);
    expect(viaHttp.columns).toEqual(viaFile.columns);
    expect(viaHttp.columnTypes).toEqual(viaFile.columnTypes);
    const plain = (rows: typeof viaFile.rows) => rows.map((row) => viaFile.columns.map((_, i) => row[i]));
    expect(plain(viaHttp.rows)).toEqual(plain(viaFile.rows));
  });

  it('keeps 64-bit integers exact for a client in bigint mode', async () => {
    const big = 9007199254740993n; // beyond Number.MAX_SAFE_INTEGER
    const asBigInt = createWebClient({ url: server.url, intMode: 'bigint' });
    try {
      const row = (await asBigInt.execute({ sql: 'SELECT ? AS n, CAST(? AS TEXT) AS t', args: [big, big] })).rows[0];
      expect(row?.n).toBe(big);
      expect(row?.t).toBe(big.toString());
    } finally {
      asBigInt.close();
    }
  });

  it('reports affected rows and the last insert rowid like the file client', async () => {
    const insert = await web.execute({ sql: 'INSERT INTO t (n) VALUES (?)', args: [7] });
    expect(insert.rowsAffected).toBe(1);
    expect(typeof insert.lastInsertRowid).toBe('bigint');
    const update = await web.execute('UPDATE t SET n = n WHERE id = -1');
    expect(update.rowsAffected).toBe(0);
    const select = await web.execute('SELECT count(*) AS c FROM t');
    expect(select.rowsAffected).toBe(0);
    const returning = await web.execute({ sql: 'INSERT INTO t (n) VALUES (?) RETURNING id, n', args: [8] });
    expect(returning.rowsAffected).toBe(1);
    expect(returning.rows[0]?.n).toBe(8);
  });

  it('runs a batch atomically: a failing statement rolls back the ones before it', async () => {
    const before = (await web.execute('SELECT count(*) AS c FROM t')).rows[0]?.c;
    const failure = await web
      .batch([
        { sql: 'INSERT INTO t (n) VALUES (?)', args: [100] },
        { sql: 'INSERT INTO t (id, n) VALUES (1, ?)', args: [101] },
      ])
      .catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    expect((await file.execute('SELECT count(*) AS c FROM t')).rows[0]?.c).toBe(before);
    const results = await web.batch(['INSERT INTO t (n) VALUES (200)', 'SELECT n FROM t WHERE id = last_insert_rowid()'], 'write');
    expect(results[1]?.rows[0]?.n).toBe(200);
  });

  it('gives SQL errors the same code as the file client', async () => {
    const viaHttp = await web.execute('INSERT INTO t (id) VALUES (1)').catch((e: unknown) => e);
    const viaFile = await file.execute('INSERT INTO t (id) VALUES (1)').catch((e: unknown) => e);
    expect(viaHttp).toMatchObject({ code: (viaFile as { code: string }).code, message: (viaFile as { message: string }).message });
    expect(await web.execute('SELECT * FROM nowhere').catch((e: { code: string }) => e.code)).toBe('SQLITE_ERROR');
  });

  it('keeps an interactive transaction across requests and commits it', async () => {
    const tx = await web.transaction('write');
    await tx.execute({ sql: 'INSERT INTO t (n) VALUES (?)', args: [300] });
    const inside = await tx.execute('SELECT count(*) AS c FROM t WHERE n = 300');
    expect(inside.rows[0]?.c).toBe(1);
    await tx.commit();
    expect((await file.execute('SELECT count(*) AS c FROM t WHERE n = 300')).rows[0]?.c).toBe(1);
  });

  it('rolls a transaction back on request and makes other streams wait for it', async () => {
    const tx = await web.transaction('write');
    await tx.execute('INSERT INTO t (n) VALUES (400)');
    // Another client's write has to wait until the transaction ends, then goes through.
    const other = web.execute('INSERT INTO t (n) VALUES (401)');
    await tx.rollback();
    await other;
    const rows = await web.execute('SELECT n FROM t WHERE n IN (400, 401)');
    expect(rows.rows.map((r) => r.n)).toEqual([401]);
  });

  it('rolls back the transaction of a stream left idle', async () => {
    const tx = await web.transaction('write');
    await tx.execute('INSERT INTO t (n) VALUES (500)');
    // Just under 15 s idle: the sweep keeps the stream, and it goes on.
    now += 14_999;
    await server.expireIdleStreams();
    await tx.execute('INSERT INTO t (n) VALUES (500)');
    // Idle for 15 s and a bit on the server's clock, then its sweep runs.
    now += 15_001;
    await server.expireIdleStreams();
    expect((await web.execute('SELECT count(*) AS c FROM t WHERE n = 500')).rows[0]?.c).toBe(0);
    await expect(tx.commit()).rejects.toThrow();
  });

  it('runs several statements in one executeMultiple', async () => {
    await web.executeMultiple('CREATE TABLE m (x); INSERT INTO m VALUES (1); INSERT INTO m VALUES (2);');
    expect((await file.execute('SELECT sum(x) AS s FROM m')).rows[0]?.s).toBe(3);
  });

  it('migrates a fresh database with drizzle over HTTP and answers the health query', async () => {
    const other = join(dir, 'fresh.db');
    const fresh = await startLibsqlHttpServer({ path: other });
    try {
      const db = openWebDatabase({ url: fresh.url });
      await migrateDatabase(db);
      const tables = await db.all<{ name: string }>(sql`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`);
      expect(tables.map((t) => t.name)).toContain('__drizzle_migrations');
      expect(tables.length).toBeGreaterThan(5);
    } finally {
      await fresh.close();
    }
  });

  it('refuses requests without the configured bearer token', async () => {
    const guarded = await startLibsqlHttpServer({ path: join(dir, 'guarded.db'), authToken: 'secret-token' });
    try {
      const anonymous = createWebClient({ url: guarded.url });
      await expect(anonymous.execute('SELECT 1')).rejects.toThrow(/401|Unauthorized/);
      anonymous.close();
      const authorised = createWebClient({ url: guarded.url, authToken: 'secret-token' });
      expect((await authorised.execute('SELECT 1 AS one')).rows[0]?.one).toBe(1);
      authorised.close();
    } finally {
      await guarded.close();
    }
  });

  it('runs in a child process of its own beside this process’s @libsql/client, and sees each of its writes at once', async () => {
    const path = join(dir, 'spawned.db');
    const own = createFileClient({ url: `file:${path}` });
    await own.execute('CREATE TABLE k (v TEXT)');
    const spawned = await spawnLibsqlHttpServer({ path, authToken: 'child-token' });
    try {
      expect(spawned.pid).not.toBe(process.pid);
      const client = createWebClient({ url: spawned.url, authToken: 'child-token' });
      for (let i = 1; i <= 20; i++) {
        await own.execute({ sql: 'INSERT INTO k VALUES (?)', args: [`v${i}`] });
        expect((await client.execute('SELECT count(*) AS c FROM k')).rows[0]?.c).toBe(i);
      }
      // Asked of the child: another file served from now on; one it cannot open changes nothing.
      const other = join(dir, 'spawned-other.db');
      const second = createFileClient({ url: `file:${other}` });
      await second.execute('CREATE TABLE other (x)');
      second.close();
      await spawned.reopen(other);
      expect((await client.execute("SELECT name FROM sqlite_master WHERE type = 'table'")).rows.map((r) => r.name)).toEqual(['other']);
      await expect(spawned.reopen(join(dir, 'no-such-dir', 'x.db'))).rejects.toThrow();
      expect((await client.execute('SELECT count(*) AS c FROM other')).rows[0]?.c).toBe(0);
      client.close();
    } finally {
      own.close();
      await spawned.close();
    }
    // Closed: the child has gone, and nothing answers on its port.
    await expect(fetch(`${spawned.url}/health`)).rejects.toThrow();
  });
});
