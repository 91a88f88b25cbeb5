import { getTableName, is } from 'drizzle-orm';
import { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateDatabase } from '../../db/client.ts';
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
      'audit_log_no_delete',
      'audit_log_no_update',
      'disclosures_no_delete',
      'disclosures_no_update',
      'published_projects_no_delete',
      'published_projects_no_update',
    ]);
  });

  it('refuses a negative amount of money at the database level', async () => {
    temp = await createTempDatabase();
    await expect(
      temp.client.execute(
        "insert into allocation_documents (issuer, doc_number, title, year, batch, date_received, amount_fen, fund_source) values ('x','y','z',2022,1,'2022-01-01',-1,'central')",
      ),
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
