/**
 * Multi-row INSERTs for big uploads: one statement per chunk of rows, every value a bound
 * parameter, sent straight to the libSQL transaction under drizzle's. Drizzle builds a query value
 * by value (that dominated the import benchmark), and SQL literals made SQLite parse every value
 * (and round some doubles differently from a bound parameter); bound values are exact, and the
 * statement text is the same for every full chunk.
 */
import { getTableColumns, getTableName } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { InStatement, ResultSet } from '@libsql/client';
import type { WriteTx } from './write-lock.ts';

type Value = string | number | boolean | null;

/** SQLite's default limit on bound parameters per statement is 32,766. */
const MAX_PARAMS = 30_000;
const MAX_ROWS = 500;

interface Executor {
  execute(stmt: InStatement): Promise<ResultSet>;
}

/**
 * The libSQL transaction drizzle runs `tx` on (drizzle keeps it as `session.tx`, for the file and
 * the HTTP client alike). Checked, so a drizzle upgrade that moves it fails loudly here, in tests.
 */
export function libsqlTransaction(tx: WriteTx): Executor {
  const inner = (tx as unknown as { session?: { tx?: Partial<Executor> } }).session?.tx;
  if (!inner || typeof inner.execute !== 'function') throw new TypeError('bulkInsert: no libSQL transaction under this drizzle transaction');
  return inner as Executor;
}

function check(v: Value | undefined): Value {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' && !Number.isFinite(v)) throw new TypeError(`bulkInsert: non-finite number ${v}`);
  return v;
}

/**
 * Inserts `rows` (objects keyed by the table's TypeScript field names) into `table`, in statements
 * of up to 500 rows. Fields missing from a row are written as NULL, so pass every column you need.
 *
 * @example
 * await bulkInsert(tx, t.projectBudgets, ['projectId', 'fundSource', 'amountFen'], budgets);
 */
export async function bulkInsert<T extends SQLiteTable>(
  tx: WriteTx,
  table: T,
  fields: ReadonlyArray<keyof T['$inferInsert'] & string>,
  rows: ReadonlyArray<Partial<Record<string, Value>>>,
): Promise<void> {
  if (rows.length === 0) return;
  const columns = getTableColumns(table) as Record<string, { name: string }>;
  const name = (f: string) => {
    const column = columns[f];
    if (!column) throw new TypeError(`bulkInsert: ${getTableName(table)} has no field ${f}`);
    return `"${column.name}"`;
  };
  const head = `insert into "${getTableName(table)}" (${fields.map(name).join(', ')}) values `;
  const tuple = `(${fields.map(() => '?').join(', ')})`;
  const perChunk = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / fields.length)));
  const fullSql = head + Array(perChunk).fill(tuple).join(', ');
  const client = libsqlTransaction(tx);
  for (let i = 0; i < rows.length; i += perChunk) {
    const end = Math.min(rows.length, i + perChunk);
    const args: Value[] = new Array((end - i) * fields.length);
    let a = 0;
    for (let r = i; r < end; r++) {
      const row = rows[r]!;
      for (const f of fields) args[a++] = check(row[f]);
    }
    const sql = end - i === perChunk ? fullSql : head + Array(end - i).fill(tuple).join(', ');
    await client.execute({ sql, args });
  }
}
