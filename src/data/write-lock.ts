/**
 * One write transaction at a time per database handle. The embedded libSQL client begins a write
 * transaction with a synchronous `BEGIN IMMEDIATE` on a pooled connection: a second one started in
 * the same process while the first is still awaiting would block the whole event loop until the
 * busy timeout. Queuing them here keeps every write serialised (so no update is lost and the audit
 * chain never forks) without ever blocking. Over HTTP (a Worker) the server serialises anyway.
 */
import type { Database } from '../../db/database.ts';

const tails = new WeakMap<object, Promise<unknown>>();

/** Runs `work` after every write already queued on `db` has settled. */
export function withWriteLock<T>(db: Database, work: () => Promise<T>): Promise<T> {
  const previous = tails.get(db) ?? Promise.resolve();
  const run = previous.then(work, work);
  tails.set(
    db,
    run.catch(() => undefined),
  );
  return run;
}

/** A write transaction, queued behind the others on the same handle. */
export function writeTransaction<T>(db: Database, work: (tx: Parameters<Parameters<Database['transaction']>[0]>[0]) => Promise<T>): Promise<T> {
  return withWriteLock(db, () => db.transaction(work));
}

export type WriteTx = Parameters<Parameters<Database['transaction']>[0]>[0];
