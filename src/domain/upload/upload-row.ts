/**
 * The fast path of reading one upload row: what the kind's zod row schema does (upload-columns.ts
 * `cellSchema`), as a plain loop over the columns' readers, for rows whose every cell reads
 * cleanly. Any row it cannot read (a problem, or a cell that is not text, a number, a boolean or
 * blank) is left to the zod schema, which then reports the row's problems; so the answer is the
 * same either way, and zod runs only for the rare bad rows instead of on every cell.
 */
import { isBlank } from './upload-cells.ts';
import type { ColumnSpec } from './upload-columns.ts';

/**
 * The row's values keyed by the JSON keys, or null when zod must read it. `cells[at[j]]` is the
 * cell of `columns[j]` (`at[j]` -1 when the table has no such column), so a table row is read
 * straight from its cells.
 */
export function readRowFast(columns: readonly ColumnSpec[], cells: readonly unknown[], at: readonly number[]): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  for (let j = 0; j < columns.length; j++) {
    const column = columns[j]!;
    const cell = at[j]! < 0 ? null : cells[at[j]!];
    const type = typeof cell;
    if (cell !== null && cell !== undefined && type !== 'string' && type !== 'number' && type !== 'boolean') return null;
    if (isBlank(cell)) {
      if (column.required) return null;
      out[column.key] = null;
      continue;
    }
    const read = column.read(cell);
    if (!read.ok) return null;
    out[column.key] = read.value;
  }
  return out;
}
