/** The database type shared by every runtime (Node file/Turso client and the Worker's HTTP client). */
import type { LibSQLDatabase } from 'drizzle-orm/libsql';
import type * as schema from './schema.ts';

export type Database = LibSQLDatabase<typeof schema>;
