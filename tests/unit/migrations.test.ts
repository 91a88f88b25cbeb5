import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getTableName, is } from 'drizzle-orm';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, migrateDatabase } from '../../db/client.ts';
import { ensureSampleData } from '../../src/cli/sample-data.ts';
import * as schema from '../../db/schema.ts';
import { createTempDatabase, type TempDatabase } from '../support/temp-database.ts';

const schemaTables = (Object.values(schema) as unknown[])
  .filter((v): v is SQLiteTable => is(v, SQLiteTable))
  .map((t) => getTableName(t))
  .sort();

describe('migrations', () => {
  let temp: TempDatabase | undefined;
  afterEach(() => temp?.dispose());

  it('migrate an empty database from zero to head, creating every table of the schema', async () => {
    temp = await createTempDatabase({ migrate: false });
    const before = await temp.client.execute("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'");
    expect(before.rows).toHaveLength(0);

    await migrateDatabase(temp.db);

    const after = await temp.client.execute(
      "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%' order by name",
    );
    expect(after.rows.map((r) => r.name)).toEqual(schemaTables);
    expect(schemaTables.length).toBeGreaterThanOrEqual(18);
  });

  it('is a no-op when run again on a database at head', async () => {
    temp = await createTempDatabase();
    const count = async () => (await temp!.client.execute('select count(*) as n from __drizzle_migrations')).rows[0]!.n;
    const applied = await count();
    await migrateDatabase(temp.db);
    expect(await count()).toBe(applied);
  });

  it('installs the triggers that keep disclosures, their project index and the audit log append-only', async () => {
    temp = await createTempDatabase();
    const triggers = await temp.client.execute("select name from sqlite_master where type = 'trigger' order by name");
    expect(triggers.rows.map((r) => r.name)).toEqual([
      'allocation_documents_county_on_insert',
      'allocation_documents_county_on_update',
      'audit_log_no_delete',
      'audit_log_no_update',
      'disclosures_no_delete',
      'disclosures_no_update',
      'published_projects_no_delete',
      'published_projects_no_update',
    ]);
  });

  it('0011 rebuilds the divisions table for city and province rows, keeping every row and every reference of a county already loaded', async () => {
    temp = await createTempDatabase({ migrate: false });
    await migrateUpTo(temp.db, '0010_county_scope');
    expect(await ensureSampleData(temp.db)).not.toBeNull();
    const count = async (table: string) => (await temp!.client.execute(`select count(*) as n from ${table}`)).rows[0]!.n;
    const tables = ['divisions', 'projects', 'trainings', 'allocation_documents', 'disclosures'];
    const before = Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await count(t)] as const)));
    await migrateDatabase(temp.db);
    expect(Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await count(t)] as const)))).toEqual(before);
    expect((await temp.client.execute('PRAGMA foreign_key_check')).rows).toEqual([]);
    await temp.client.execute("insert into divisions (code, name, level) values ('43', '湖南省', 'province'), ('4304', '衡阳市', 'city')");
    await expect(temp.client.execute("insert into divisions (code, name, level) values ('430', '错', 'city')")).rejects.toThrow(/CHECK constraint failed/);
    // Still referenced: a project of an unknown village is refused.
    await expect(temp.client.execute("update projects set village_code = '430482999999' where id = (select min(id) from projects)")).rejects.toThrow(/FOREIGN KEY/);
  });

  it('0012 gives the audit entries of an old database its county, and the log stays append-only', async () => {
    temp = await createTempDatabase({ migrate: false });
    await migrateUpTo(temp.db, '0011_region_levels');
    const run = (sql: string) => temp!.client.execute(sql);
    await run("insert into divisions (code, name, level) values ('430482', '常宁市', 'county')");
    await run("insert into county_settings (county_code, issuing_unit) values ('430482', '常宁市库区移民事务中心')");
    await run("insert into audit_log (at, actor_label, action, subject_type, subject_id, hash) values ('2025-01-01T00:00:00.000Z', 'cli', 'county.init', 'county', '430482', 'h1')");
    await migrateDatabase(temp.db);
    expect((await run('select scope_code from audit_log')).rows.map((r) => r.scope_code)).toEqual(['430482']);
    await expect(run("update audit_log set scope_code = '430421'")).rejects.toThrow(/append-only/);
  });

  it('refuses a negative amount of money at the database level', async () => {
    temp = await createTempDatabase();
    await temp.client.execute("insert into divisions (code, name, level) values ('430482', '常宁市', 'county')");
    await expect(
      temp.client.execute(
        "insert into allocation_documents (county_code, issuer, doc_number, title, year, batch, date_received, amount_fen, fund_source) values ('430482','x','y','z',2022,1,'2022-01-01',-1,'central')",
      ),
    ).rejects.toThrow(/CHECK constraint failed/);
  });

  it('refuses an allocation document without a county, as NOT NULL would (the column was added, not rebuilt)', async () => {
    temp = await createTempDatabase();
    await temp.client.execute("insert into divisions (code, name, level) values ('430482', '常宁市', 'county')");
    await expect(
      temp.client.execute(
        "insert into allocation_documents (issuer, doc_number, title, year, batch, date_received, amount_fen, fund_source) values ('x','y','z',2022,1,'2022-01-01',1,'central')",
      ),
    ).rejects.toThrow(/allocation_documents.county_code/);
    await temp.client.execute(
      "insert into allocation_documents (county_code, issuer, doc_number, title, year, batch, date_received, amount_fen, fund_source) values ('430482','x','y','z',2022,1,'2022-01-01',1,'central')",
    );
    await expect(temp.client.execute('update allocation_documents set county_code = null')).rejects.toThrow(/allocation_documents.county_code/);
  });
});

/** Applies the migrations up to and including `lastTag` only (a copy of the folder with a shorter journal). */
async function migrateUpTo(db: Parameters<typeof migrate>[0], lastTag: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'portal-migrations-'));
  try {
    cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
    const journalPath = join(dir, 'meta/_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: Array<{ tag: string }> };
    const last = journal.entries.findIndex((e) => e.tag === lastTag);
    expect(last).toBeGreaterThanOrEqual(0);
    writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, last + 1) }));
    await migrate(db, { migrationsFolder: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('migration 0010 (a county on documents, trainings, self-evaluation targets and document policies)', () => {
  let temp: TempDatabase | undefined;
  afterEach(() => temp?.dispose());

  it('gives the rows of an old single-county database that county, and keeps their ids', async () => {
    temp = await createTempDatabase({ migrate: false });
    await migrateUpTo(temp.db, '0009_published_projects');
    const run = (sql: string) => temp!.client.execute(sql);
    await run("insert into divisions (code, name, level, parent_code) values ('430482', '常宁市', 'county', '430400'), ('430482101', '柏坊镇', 'township', '430482')");
    await run("insert into county_settings (county_code, issuing_unit) values ('430482', '常宁市库区移民事务中心')");
    await run(
      "insert into allocation_documents (id, issuer, doc_number, title, year, batch, date_received, amount_fen, fund_source) values (7, '湖南省财政厅', '湘财农指〔2022〕12号', '下达资金', 2022, 1, '2022-03-01', 100, 'central')",
    );
    await run(
      "insert into trainings (id, year, course, organizer, start_date, end_date, township_code, trainees, passed) values (3, 2022, '电工', '县人社局', '2022-05-01', '2022-05-10', '430482101', 20, 18), (4, 2022, '厨师', '县人社局', '2022-06-01', '2022-06-10', null, 10, 9)",
    );
    await run("insert into self_evaluation_targets (year, lines_json, updated_at, updated_by) values (2022, '{}', '2022-12-01T00:00:00.000Z', '县移民中心')");
    await run("insert into project_document_policies (doc_type, is_public, updated_at, updated_by) values ('contract', 1, '2022-12-01T00:00:00.000Z', '县移民中心')");

    await migrateDatabase(temp.db);

    const rows = async (sql: string) => (await run(sql)).rows.map((r) => ({ ...r }));
    expect(await rows('select id, county_code from allocation_documents')).toEqual([{ id: 7, county_code: '430482' }]);
    expect(await rows('select id, county_code, township_code from trainings order by id')).toEqual([
      { id: 3, county_code: '430482', township_code: '430482101' },
      { id: 4, county_code: '430482', township_code: null },
    ]);
    expect(await rows('select county_code, year from self_evaluation_targets')).toEqual([{ county_code: '430482', year: 2022 }]);
    expect(await rows('select county_code, doc_type, is_public from project_document_policies')).toEqual([{ county_code: '430482', doc_type: 'contract', is_public: 1 }]);
    // The rebuilt trainings table still checks its rows.
    await expect(
      run("insert into trainings (county_code, year, course, organizer, start_date, end_date, township_code, trainees, passed) values ('430482', 2022, 'x', 'y', '2022-01-01', '2022-01-02', null, 1, 2)"),
    ).rejects.toThrow(/CHECK constraint failed/);
  });
});

describe('database connections', () => {
  it('enforce foreign keys and wait for locks on every pooled connection, not only the first', async () => {
    const temp = await createTempDatabase();
    try {
      // Several statements at once make the pool open more than one connection.
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => temp.client.execute('select * from pragma_foreign_keys, pragma_busy_timeout')),
      );
      for (const a of answers) expect(a.rows[0]).toMatchObject({ foreign_keys: 1, timeout: 5000 });
      await expect(
        temp.client.execute("insert into resettlement_villages (village_code, migrant_population, migrant_households) values ('430482999999', 1, 1)"),
      ).rejects.toThrow(/FOREIGN KEY/);
    } finally {
      temp.dispose();
    }
  });
});
