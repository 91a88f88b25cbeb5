/**
 * `npm run db:export` then `npm run db:import` into an empty database gives an identical database:
 * schema text, triggers, the migrations table, AUTOINCREMENT counters, user_version, and every row
 * with its rowid and exact value types. Also over libSQL's HTTP protocol, the way a Turso restore runs.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import { createClient as createWebClient } from '@libsql/client/web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase } from '../../db/client.ts';
import { loadSampleCounty } from '../../src/cli/sample-data.ts';
import { restoreDatabase, sentWhole } from '../../src/cli/database-dump.ts';
import { startLibsqlHttpServer } from '../../src/cli/libsql-http-server.ts';
import { PROJECT_ROOT } from '../../src/cli/site-build.ts';

/** Every table's content (with rowids and value types) and the whole schema, as comparable values. */
async function fingerprint(client: Client): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const schema = await client.execute('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name');
  out['(schema)'] = JSON.stringify(schema.rows.map((r) => [...Object.values(r)]));
  out['(user_version)'] = String((await client.execute('PRAGMA user_version')).rows[0]?.[0]);
  for (const row of schema.rows) {
    if (row.type !== 'table') continue;
    const name = String(row.name);
    const withoutRowid = /WITHOUT\s+ROWID\s*$/i.test(String(row.sql));
    const rows = await client.execute(`SELECT ${withoutRowid ? '' : 'rowid AS "(rowid)", '}* FROM "${name}" ${withoutRowid ? '' : 'ORDER BY rowid'}`);
    const typed = rows.rows.map((r) => Object.values(r).map((v) => (v instanceof ArrayBuffer ? `blob:${Buffer.from(v).toString('hex')}` : `${typeof v}:${String(v)}`)));
    if (withoutRowid) typed.sort();
    out[name] = `${rows.rows.length} rows ${createHash('sha256').update(JSON.stringify(typed)).digest('hex')}`;
  }
  return out;
}

function run(script: string, args: string[], databaseUrl: string) {
  const result = spawnSync(process.execPath, [resolve(PROJECT_ROOT, script), ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: databaseUrl, DATABASE_AUTH_TOKEN: '' },
    timeout: 120_000,
  });
  return result;
}

describe('db:export and db:import', () => {
  const dir = mkdtempSync(join(tmpdir(), 'db-dump-'));
  const sourceUrl = `file:${join(dir, 'source.db')}`;
  const dumpPath = join(dir, 'dump.sql');
  let source: Client;
  let before: Record<string, string>;

  beforeAll(async () => {
    const opened = await openDatabase({ url: sourceUrl });
    await migrateDatabase(opened.db);
    await loadSampleCounty(opened.db);
    opened.close();
    source = createClient({ url: sourceUrl, intMode: 'bigint' });
    // Values that a careless dump gets wrong, in a table with no INTEGER PRIMARY KEY (hidden rowids).
    await source.executeMultiple(`
      CREATE TABLE edge (label TEXT, v);
      INSERT INTO edge (rowid, label, v) VALUES (7, 'big', 9223372036854775807), (3, 'real that looks whole', 2.0),
        (11, 'tiny real', 1e-300), (12, 'blob', X'00FF10'), (13, 'text, lines and quotes', 'a''b' || char(10) || '"c";' || char(13, 10) || ';'),
        (14, 'null', NULL), (15, 'empty', ''), (16, 'rare characters', '𬌗 㙟 塅 垱');
      PRAGMA user_version = 42;
    `);
    // AUTOINCREMENT counters ahead of the largest id, as after deletions.
    await source.execute("UPDATE sqlite_sequence SET seq = seq + 1000 WHERE rowid = (SELECT min(rowid) FROM sqlite_sequence)");
    before = await fingerprint(source);
  });
  afterAll(() => {
    source.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports, then imports into an empty file database an identical database', async () => {
    const exported = run('src/cli/db-export.ts', [dumpPath], sourceUrl);
    expect(exported.status, exported.stderr).toBe(0);
    expect(readFileSync(dumpPath, 'utf8')).toContain('CREATE TRIGGER');
    const targetUrl = `file:${join(dir, 'restored', 'target.db')}`;
    const imported = run('src/cli/db-import.ts', [dumpPath], targetUrl);
    expect(imported.status, imported.stderr).toBe(0);
    const target = createClient({ url: targetUrl, intMode: 'bigint' });
    try {
      expect(await fingerprint(target)).toEqual(before);
      expect(Object.keys(before)).toEqual(expect.arrayContaining(['__drizzle_migrations', 'sqlite_sequence', 'edge']));
      // The restored triggers work: published disclosures still refuse changes.
      await expect(target.execute('UPDATE disclosures SET content_json = content_json')).rejects.toThrow();
    } finally {
      target.close();
    }
  });

  it('refuses to import into a database that already has tables', () => {
    const imported = run('src/cli/db-import.ts', [dumpPath], sourceUrl);
    expect(imported.status).toBe(1);
    expect(imported.stderr).toMatch(/not empty/);
  });

  it('restores over libSQL HTTP (as into a new Turso database) identically', async () => {
    const path = join(dir, 'over-http.db');
    const server = await startLibsqlHttpServer({ path });
    const web = createWebClient({ url: server.url, intMode: 'bigint' });
    try {
      await restoreDatabase(web, readFileSync(dumpPath, 'utf8'));
      expect(await fingerprint(web)).toEqual(before);
    } finally {
      web.close();
      await server.close();
    }
  });

  it('sends in full a row whose Chinese is over the 5,000 bytes a libSQL server stores (libsql-client-ts#353)', async () => {
    // 1,700 characters: 5,100 bytes of UTF-8, under the 5,000 UTF-16 units the client's cache checks.
    const statement = `INSERT INTO t VALUES ('${'村'.repeat(1700)}')`;
    expect(sentWhole(statement)).toMatch(/^INSERT INTO t VALUES \('村+'\)\n\/\* +\*\/$/);
    expect(sentWhole(statement).length).toBeGreaterThanOrEqual(5000);
    for (const kept of ['INSERT INTO t VALUES (1)', `INSERT INTO t VALUES ('${'a'.repeat(4990)}')`, `INSERT INTO t VALUES ('${'村'.repeat(1600)}')`]) expect(sentWhole(kept)).toBe(kept);
    const path = join(dir, 'stored-sql.db');
    const server = await startLibsqlHttpServer({ path });
    const web = createWebClient({ url: server.url, intMode: 'bigint' });
    try {
      await web.execute('CREATE TABLE t (x TEXT)');
      // Unpadded, the client stores the text, the server refuses it and the batch cannot find it.
      const tx = await web.transaction('write');
      await expect(tx.batch([statement])).rejects.toThrow(/SQL text \d+ was not stored/);
      await tx.rollback();
      tx.close();
      const padded = await web.transaction('write');
      await padded.batch([sentWhole(statement), sentWhole(statement)]);
      await padded.commit();
      padded.close();
      const row = (await web.execute('SELECT count(*), min(length(x)) FROM t')).rows[0]!;
      expect([row[0], row[1]]).toEqual([2n, 1700n]);
    } finally {
      web.close();
      await server.close();
    }
  });
});
