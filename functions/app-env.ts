/** What every route can rely on: the dependencies passed to createApp and per-request values. */
import type { Database } from '../db/database.ts';
import type { Config } from '../src/config.ts';
import type { Logger } from './logger.ts';

export interface AppDeps {
  db: Database;
  config: Config;
  /** The current time; tests pass a fixed clock. */
  clock: () => Date;
  logger: Logger;
  /** Runtime label reported by the health check, e.g. `node` or `workerd`. */
  runtime: string;
}

export interface AppEnv {
  Variables: {
    deps: AppDeps;
    requestId: string;
  };
}
