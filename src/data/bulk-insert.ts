/**
 * Multi-row INSERTs for big uploads without drizzle's per-value query building (which dominated
 * the import benchmark): one statement per chunk, values written as SQL literals. Only strings,
 * finite numbers, booleans and null are accepted, and strings are quoted the SQLite way (a single
 * quote doubled; SQLite has no backslash escapes), so no value can end the literal early.
 */
import { getTableColumns, getTableName, sql } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Database } from '../../db/database.ts';
import type { WriteTx } from './write-lock.ts';

type Literal = string | number | boolean | null;

function literal(v: Literal): string {
  if (v === null) return 'NULL';
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError(`bulkInsert: non-finite number ${v}`);
    return String(v);
  }
  if (v.includes('\0')) throw new TypeError('bulkInsert: NUL in a string');
  return `'${v.replace(/'/g, "''")}'`;
}

/**
 * Inserts `rows` (objects keyed by the table's TypeScript field names) into `table`, 500 per
 * statement. Fields missing from a row are written as NULL, so pass every column you need.
 */
export async function bulkInsert<T extends SQLiteTable>(tx: WriteTx | Database, table: T, fields: ReadonlyArray<keyof T['$inferInsert'] & string>, rows: ReadonlyArray<Partial<Record<string, Literal>>>): Promise<void> {
  if (rows.length === 0) return;
  const columns = getTableColumns(table) as Record<string, { name: string }>;
  const names = fields.map((f) => {
    const column = columns[f];
    if (!column) throw new TypeError(`bulkInsert: ${getTableName(table)} has no field ${f}`);
    return `"${column.name}"`;
  });
  const head = `insert into "${getTableName(table)}" (${names.join(', ')}) values `;
  for (let i = 0; i < rows.length; i += 500) {
    const values = rows
      .slice(i, i + 500)
      .map((r) => `(${fields.map((f) => literal((r[f] ?? null) as Literal)).join(', ')})`)
      .join(', ');
    await tx.run(sql.raw(head + values));
  }
}
