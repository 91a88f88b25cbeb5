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

/** The highest `?N` in a statement written with numbered parameters only. */
function highestParameter(sql: string): number {
  let highest = 0;
  for (const m of sql.matchAll(/\?(\d+)/g)) highest = Math.max(highest, Number(m[1]));
  return highest;
}

/** Rows per JSON value: big enough that the per-statement cost vanishes, small enough to stay cheap to hold. */
const JSON_ROWS = 5_000;

/**
 * Runs `sql` (one statement, or several in order) once per chunk of `rows`, with the chunk bound as ONE JSON array (`?1`, read in SQL
 * with `json_each(?1)` and `value ->> n`) followed by `constants` as `?2`, `?3`, … (numbered
 * parameters only; a statement is sent the arguments up to the highest it names). For rows that
 * are mostly derived or constant (milestones, workflow steps, budget lines) this crosses the driver
 * once per chunk instead of once per value, and the statement is short, so preparing it again on
 * every execute costs nothing. Only for integers and text: SQLite's JSON reader may round a double
 * differently from JavaScript, so send doubles with bulkInsert.
 *
 * @example
 * await insertFromJson(tx, `insert into project_budgets (project_id, fund_source, amount_fen)
 *   select value ->> 0, value ->> 1, value ->> 2 from json_each(?1)`, [[1, 'central', 2500000]]);
 */
export async function insertFromJson(tx: WriteTx, sql: string | readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null>>, constants: readonly Value[] = []): Promise<void> {
  const client = libsqlTransaction(tx);
  for (let i = 0; i < rows.length; i += JSON_ROWS) {
    const chunk = rows.slice(i, i + JSON_ROWS);
    for (const row of chunk) for (const v of row) if (typeof v === 'number' && !Number.isSafeInteger(v)) throw new TypeError(`insertFromJson: ${v} is not a safe integer`);
    const args = [JSON.stringify(chunk), ...constants.map(check)];
    // Each statement gets the arguments up to the highest ?N it uses: SQLite over HTTP (Turso,
    // the Worker) refuses more arguments than the statement has parameters.
    for (const statement of typeof sql === 'string' ? [sql] : sql) await client.execute({ sql: statement, args: args.slice(0, highestParameter(statement)) });
  }
}
