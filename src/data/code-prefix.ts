/**
 * "This division code begins with `prefix`" as a range the database can answer from an index:
 * `LIKE 'prefix%'` cannot use one in SQLite (it is case-insensitive), and over a province's
 * published versions that scan took seconds (tests/bench/scale.ts). Division codes are digits, and
 * ':' sorts right after '9', so `[prefix, prefix + ':')` holds exactly the codes that begin with it.
 */
import { and, gte, lt, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';

export function codeStartsWith(column: SQLiteColumn, prefix: string): SQL {
  return and(gte(column, prefix), lt(column, `${prefix}:`))!;
}
