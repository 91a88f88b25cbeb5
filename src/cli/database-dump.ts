/**
 * A whole-database dump as SQL text, and its exact restore: schema (tables, indexes, views,
 * triggers, in their original SQL), every row of every table with its rowid and exact value types
 * (64-bit integers, reals, text, blobs), the drizzle migrations table and the AUTOINCREMENT
 * counters (`sqlite_sequence`), plus `user_version`. It goes through `@libsql/client`, so it works
 * on the embedded file and on Turso alike — the backup path for `npm run db:export` / `db:import`.
 *
 * The file is valid SQL (`sqlite3 new.db < dump.sql` works too). Every statement ends with a line
 * holding only `;`, so the restore can split it without parsing SQL; each row is one line (text
 * containing line breaks is written as a UTF-8 hex literal), up to 100 rows per INSERT. Indexes are
 * created before the rows (a foreign key may need one); triggers after them, so restoring does not
 * fire them (the immutability and audit triggers would).
 */
import type { Client, InValue, ResultSet } from '@libsql/client';

/** What the dump reads through: a client or, for a consistent snapshot, a read transaction. */
export interface SqlReader {
  execute(sql: string): Promise<ResultSet>;
}

export const DUMP_HEADER = '-- 村上墙、县上网 database dump (npm run db:export); restore with npm run db:import';
const END = '\n;\n';

interface SchemaRow {
  type: string;
  name: string;
  tbl_name: string;
  sql: string;
}

/** Thrown when a dump cannot be restored (not empty target, damaged file). */
export class DumpError extends Error {
  override name = 'DumpError';
}

/** Writes the dump, statement by statement, through `write` (so big databases stream). */
export async function dumpDatabase(client: SqlReader, write: (chunk: string) => void | Promise<void>): Promise<{ tables: number; rows: number }> {
  const schema = (await client.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid")).rows as unknown as SchemaRow[];
  const virtual = schema.filter((s) => s.type === 'table' && /^CREATE\s+VIRTUAL\s+TABLE/i.test(s.sql)).map((s) => s.name);
  const isShadow = (name: string) => virtual.some((v) => name.startsWith(`${v}_`));
  const tables = schema.filter((s) => s.type === 'table' && !s.name.startsWith('sqlite_') && !isShadow(s.name));
  const emit = async (sql: string) => {
    if (sql.includes(END)) throw new DumpError(`cannot dump a statement containing a line with only ";": ${sql.slice(0, 80)}`);
    await write(sql + END);
  };

  await write(`${DUMP_HEADER}\n-- exported ${new Date().toISOString()}\nPRAGMA foreign_keys = OFF${END}BEGIN${END}`);
  const userVersion = Number((await client.execute('PRAGMA user_version')).rows[0]?.[0] ?? 0);
  if (userVersion !== 0) await emit(`PRAGMA user_version = ${userVersion}`);
  for (const table of tables) await emit(table.sql);
  // Indexes before the rows: a foreign key to a column that is unique only by its index (e.g.
  // project_documents → projects.code) is refused as a "foreign key mismatch" on every insert
  // into the parent until that index exists.
  for (const item of schema) if (item.type === 'index' && !isShadow(item.tbl_name)) await emit(item.sql);

  let rows = 0;
  for (const table of await parentsFirst(client, tables)) {
    if (virtual.includes(table.name)) continue; // contents are rebuilt by the module, not copied
    rows += await dumpRows(client, table, emit);
  }
  const hasSequence = schema.some((s) => s.name === 'sqlite_sequence');
  if (hasSequence) {
    await emit('DELETE FROM sqlite_sequence');
    const sequences = await client.execute('SELECT rowid, name, seq FROM sqlite_sequence ORDER BY rowid');
    for (const row of sequences.rows) {
      await emit(`INSERT INTO sqlite_sequence (rowid, name, seq) VALUES (${[0, 1, 2].map((i) => literal(row[i] as InValue)).join(', ')})`);
    }
  }
  for (const kind of ['view', 'trigger']) {
    for (const item of schema) if (item.type === kind && !isShadow(item.tbl_name)) await emit(item.sql);
  }
  await write(`COMMIT${END}`);
  return { tables: tables.length, rows };
}

/**
 * Tables ordered so that every table comes after the tables its foreign keys point to. Restoring
 * in this order leaves no deferred foreign-key violation outstanding, which matters: while one
 * is, SQLite scans the child table on every parent insert (a 75,000-row restore took 8.5 s instead
 * of 0.5 s). Cycles keep their schema order; the check at commit still catches real violations.
 */
async function parentsFirst(client: SqlReader, tables: SchemaRow[]): Promise<SchemaRow[]> {
  const names = new Set(tables.map((t) => t.name));
  const parents = new Map<string, Set<string>>();
  for (const table of tables) {
    const keys = await client.execute(`PRAGMA foreign_key_list(${quoteId(table.name)})`);
    parents.set(table.name, new Set(keys.rows.map((k) => String(k.table)).filter((p) => p !== table.name && names.has(p))));
  }
  const ordered: SchemaRow[] = [];
  const placed = new Set<string>();
  while (ordered.length < tables.length) {
    const ready = tables.filter((t) => !placed.has(t.name) && [...(parents.get(t.name) ?? [])].every((p) => placed.has(p)));
    const next = ready.length > 0 ? ready : tables.filter((t) => !placed.has(t.name)).slice(0, 1);
    for (const t of next) {
      placed.add(t.name);
      ordered.push(t);
    }
  }
  return ordered;
}

async function dumpRows(client: SqlReader, table: SchemaRow, emit: (sql: string) => Promise<void>): Promise<number> {
  const info = await client.execute(`PRAGMA table_xinfo(${quoteId(table.name)})`);
  const columns = info.rows.filter((c) => Number(c.hidden) === 0).map((c) => ({ name: String(c.name), type: String(c.type), pk: Number(c.pk) }));
  const withoutRowid = /\)\s*WITHOUT\s+ROWID\s*$/i.test(table.sql);
  const pks = columns.filter((c) => c.pk > 0);
  const rowidAlias = pks.length === 1 && pks[0]!.type.toUpperCase() === 'INTEGER';
  // A rowid table without an INTEGER PRIMARY KEY keeps its rowids only if we copy them.
  const names = [...(withoutRowid || rowidAlias ? [] : ['rowid']), ...columns.map((c) => c.name)];
  const order = withoutRowid ? pks.map((c) => quoteId(c.name)).join(', ') || '1' : 'rowid';
  const target = `INSERT INTO ${quoteId(table.name)} (${names.map(quoteId).join(', ')}) VALUES `;
  const pageSize = 500;
  let count = 0;
  for (let offset = 0; ; offset += pageSize) {
    const page = await client.execute(`SELECT ${names.map(quoteId).join(', ')} FROM ${quoteId(table.name)} ORDER BY ${order} LIMIT ${pageSize} OFFSET ${offset}`);
    // 100 rows per INSERT: far fewer statements to restore (SQLite allows up to 500 per VALUES).
    for (let i = 0; i < page.rows.length; i += 100) {
      const tuples = page.rows.slice(i, i + 100).map((row) => `(${names.map((_, c) => literal(row[c] as InValue)).join(', ')})`);
      await emit(target + tuples.join(',\n  '));
    }
    count += page.rows.length;
    if (page.rows.length < pageSize) return count;
  }
}

/** An SQL literal that reads back as exactly this value and type. */
export function literal(value: InValue | undefined): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NULL';
    if (!Number.isFinite(value)) return value > 0 ? '9e999' : '-9e999';
    return exactReal(value);
  }
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'string') {
    if (/[\r\n\0]/.test(value)) return `CAST(X'${Buffer.from(value, 'utf8').toString('hex')}' AS TEXT)`;
    return `'${value.replaceAll("'", "''")}'`;
  }
  if (value instanceof Date) return `'${value.toISOString()}'`;
  const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return `X'${Buffer.from(bytes).toString('hex')}'`;
}

/**
 * A REAL as an expression every SQLite reads back bit for bit. Decimal literals are not enough:
 * libSQL's parser (an older SQLite's) reads 26.336646 one unit in the last place off. So a
 * fraction is written as its exact binary value, an integer significand divided by a power of two
 * (both exact, and IEEE division of such is exact): 26.336646 → (7413417286396003.0/281474976710656).
 * Whole numbers stay readable: 2.0.
 */
export function exactReal(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER) return Object.is(value, -0) ? '-0.0' : `${value}.0`;
  let significand = value;
  let exponent = 0;
  while (!Number.isInteger(significand)) {
    significand *= 2;
    exponent += 1;
  }
  // Large whole numbers: shrink the significand below 2^53 and multiply back.
  while (Math.abs(significand) > Number.MAX_SAFE_INTEGER) {
    significand /= 2;
    exponent -= 1;
  }
  const factors: string[] = [];
  for (let left = Math.abs(exponent); left > 0; left -= 62) factors.push((1n << BigInt(Math.min(left, 62))).toString());
  return `(${significand}.0${exponent > 0 ? '/' : '*'}${factors.join(exponent > 0 ? '/' : '*')})`;
}

function quoteId(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Splits a dump into its statements (the `;` lines), without the transaction and pragma lines. */
export function dumpStatements(text: string): string[] {
  if (!text.startsWith(DUMP_HEADER)) throw new DumpError('this file is not a dump made by npm run db:export (its first line differs)');
  const trimmed = text.trimEnd();
  if (!trimmed.endsWith('COMMIT\n;')) throw new DumpError('the dump is incomplete: it does not end with COMMIT (was the export interrupted?)');
  return trimmed
    .slice(0, -';'.length)
    .split(END)
    .map((s) => s.replace(/^(--[^\n]*\n)+/, '').trim())
    .filter((s) => s !== '' && !/^(BEGIN|COMMIT|PRAGMA foreign_keys = OFF)$/.test(s));
}

/** The client's SQL cache stores texts under 5,000 UTF-16 units with the server; the server keeps at most 5,000 bytes. */
const STORED_SQL_LIMIT = 5000;

/**
 * A statement as the client will send it in full. Over HTTP (Turso, sqld) @libsql/client stores
 * each text shorter than 5,000 UTF-16 units with the server and then refers to it by number, but
 * the server refuses to store more than 5,000 bytes of UTF-8, and every later batch then fails
 * with "SQL text <n> not found" (tursodatabase/libsql-client-ts#353). A dump's rows carry Chinese
 * as literals (three bytes a character), so a row between the two measures is padded with a
 * trailing comment until the client sends it inline. Statements of plain ASCII never need it.
 */
export function sentWhole(statement: string): string {
  if (statement.length >= STORED_SQL_LIMIT || Buffer.byteLength(statement, 'utf8') <= STORED_SQL_LIMIT) return statement;
  return `${statement}\n/*${' '.repeat(STORED_SQL_LIMIT - statement.length)}*/`;
}

/**
 * Restores a dump into an empty database, in one transaction: all of it or nothing.
 * Foreign keys are checked at commit (`defer_foreign_keys`), when every row is back.
 */
export async function restoreDatabase(client: Client, text: string): Promise<{ statements: number }> {
  const statements = dumpStatements(text);
  const existing = await client.execute("SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'");
  if (Number(existing.rows[0]?.[0] ?? 0) > 0) {
    throw new DumpError('the target database is not empty: import only restores into an empty database (make a new one, or delete the file)');
  }
  const tx = await client.transaction('write');
  try {
    await tx.execute('PRAGMA defer_foreign_keys = ON');
    const chunk = 20;
    for (let i = 0; i < statements.length; i += chunk) await tx.batch(statements.slice(i, i + chunk).map(sentWhole));
    await tx.commit();
  } catch (error) {
    await tx.rollback().catch(() => undefined);
    throw error;
  } finally {
    tx.close();
  }
  return { statements: statements.length };
}
