/**
 * Where an API contract test sends its requests. The same cases run against the Hono app in Node
 * (in-process `app.request`) and against the Worker in workerd (over HTTP), each with a handle on
 * the same database so a case can arrange data and check what was (not) written.
 */
import type { Database } from '../../db/database.ts';
import { createApp } from '../../functions/app.ts';
import type { AppDeps } from '../../functions/app-env.ts';
import { createMemoryLogger } from '../../functions/logger.ts';
import { loadConfig } from '../../src/config.ts';
import { createTempDatabase } from './temp-database.ts';
import { InjectedClock, type TargetClock } from './test-clock.ts';

export interface ApiTarget {
  /** Runtime under test, e.g. `node` or `workerd`. */
  runtime: string;
  request(path: string, init?: RequestInit): Promise<Response>;
  db: Database;
  /** The clock the app reads: take "now" and "today" from it, never from the machine (test-clock.ts). */
  clock: TargetClock;
  /** The database URL, for tools that open their own connection. */
  databaseUrl: string;
  dispose(): Promise<void>;
}

/** The roster key the tests' apps are configured with (ROSTER_KEY); fixtures hash their ID numbers with it. */
export const TEST_ROSTER_KEY = 'test-roster-key-0123456789abcdef-not-secret';

/** A fresh migrated database and the app in-process, as the Node entry builds it. */
export async function createNodeTarget(options: { clock?: InjectedClock; env?: Record<string, string>; onPublished?: AppDeps['onPublished']; rebuildsSite?: boolean } = {}): Promise<ApiTarget> {
  const temp = await createTempDatabase();
  const clock = options.clock ?? new InjectedClock();
  const app = createApp({
    db: temp.db,
    config: loadConfig({ DATABASE_URL: temp.url, ROSTER_KEY: TEST_ROSTER_KEY, ...options.env }),
    clock: clock.read,
    logger: createMemoryLogger(),
    runtime: 'node',
    onPublished: options.onPublished,
    rebuildsSite: options.rebuildsSite,
  });
  return {
    runtime: 'node',
    db: temp.db,
    clock,
    databaseUrl: temp.url,
    request: async (path, init) => app.request(path, init),
    dispose: async () => temp.dispose(),
  };
}
