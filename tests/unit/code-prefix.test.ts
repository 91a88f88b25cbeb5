/**
 * codeStartsWith (src/data/code-prefix.ts): the index range holds exactly the division codes that
 * begin with the prefix, as LIKE 'prefix%' did, and the database answers it from an index.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc } from 'drizzle-orm';
import { sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { codeStartsWith } from '../../src/data/code-prefix.ts';
import { createTempDatabase, type TempDatabase } from '../support/temp-database.ts';

/** Codes of any length (the divisions table checks each level's length). */
const codesTable = sqliteTable('test_codes', { code: text('code').primaryKey() });

describe('codeStartsWith', () => {
  let temp: TempDatabase;
  const codes = ['430482', '430482101', '430482101201', '430482101299', '430482102', '430482102201', '4304821', '430483', '430483101201', '43048', '430481999999'];
  beforeAll(async () => {
    temp = await createTempDatabase();
    await temp.client.execute('CREATE TABLE test_codes (code TEXT PRIMARY KEY) WITHOUT ROWID');
    await temp.db.insert(codesTable).values(codes.map((code) => ({ code })));
  });
  afterAll(() => temp?.dispose());

  const within = async (prefix: string) =>
    (await temp.db.select({ code: codesTable.code }).from(codesTable).where(codeStartsWith(codesTable.code, prefix)).orderBy(asc(codesTable.code))).map((r) => r.code);

  it('holds exactly the codes that begin with the prefix', async () => {
    for (const prefix of ['430482', '430482101', '430482102201', '4304821', '43048', '9']) {
      expect(await within(prefix), prefix).toEqual(codes.filter((c) => c.startsWith(prefix)).sort());
    }
  });

  it('is answered from the index, not by reading every row', async () => {
    const plan = await temp.client.execute("EXPLAIN QUERY PLAN SELECT code FROM test_codes WHERE code >= '430482' AND code < '430482:'");
    expect(plan.rows.map((r) => String(r.detail)).join('\n')).toMatch(/^SEARCH test_codes USING PRIMARY KEY \(code>\? AND code<\?\)$/);
    const like = await temp.client.execute("EXPLAIN QUERY PLAN SELECT code FROM test_codes WHERE code LIKE '430482%'");
    expect(like.rows.map((r) => String(r.detail)).join('\n')).toMatch(/^SCAN/);
  });
});
