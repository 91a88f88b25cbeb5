/**
 * Where throttle counters live. One interface, two stores:
 * - `memoryThrottleStore()`: a Map in the process. Right for the Node server (one process) and
 *   tests; in a Worker it is per isolate, so it only slows a client down.
 * - `databaseThrottleStore()`: rows of `throttle_counters`, shared by every process and Worker
 *   isolate on the same database. This is what the routes use.
 */
import { lt, sql } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { throttleCounters } from '../../db/schema.ts';
import { countersFor, judge, type ThrottleRule, type ThrottleVerdict } from '../domain/access/throttle.ts';
import { writeTransaction } from './write-lock.ts';

export interface ThrottleStore {
  /** Adds one to each key (creating it at 1) and returns the new counts, in order. */
  increment(keys: readonly string[], expiresAt: readonly string[]): Promise<number[]>;
}

/** Counters in a Map; expired keys are swept on every call. */
export function memoryThrottleStore(clock: () => Date = () => new Date()): ThrottleStore {
  const counts = new Map<string, { n: number; expires: number }>();
  return {
    async increment(keys, expiresAt) {
      const now = clock().getTime();
      for (const [k, v] of counts) if (v.expires <= now) counts.delete(k);
      return keys.map((key, i) => {
        const entry = counts.get(key) ?? { n: 0, expires: Date.parse(expiresAt[i] ?? '') || now };
        entry.n += 1;
        counts.set(key, entry);
        return entry.n;
      });
    },
  };
}


/** Counts one request against every (subject, rules) group and judges the result. */
export async function throttle(
  store: ThrottleStore,
  groups: ReadonlyArray<{ subject: string; rules: readonly ThrottleRule[] }>,
  now: Date,
): Promise<ThrottleVerdict> {
  const counters = groups.flatMap((g) => countersFor(g.subject, g.rules, now));
  const counts = await store.increment(
    counters.map((c) => c.key),
    counters.map((c) => c.resetsAt),
  );
  return judge(counters, counts, now);
}

/**
 * Counters as rows of `throttle_counters`, one upsert per key, in one write transaction; expired
 * rows are swept in the same transaction (an indexed range delete).
 */
export function databaseThrottleStore(db: Database, clock: () => Date = () => new Date()): ThrottleStore {
  return {
    increment: (keys, expiresAt) =>
      writeTransaction(db, async (tx) => {
        await tx.delete(throttleCounters).where(lt(throttleCounters.expiresAt, clock().toISOString()));
        const counts: number[] = [];
        for (const [i, key] of keys.entries()) {
          const [row] = await tx
            .insert(throttleCounters)
            .values({ key, count: 1, expiresAt: expiresAt[i] ?? clock().toISOString() })
            .onConflictDoUpdate({ target: throttleCounters.key, set: { count: sql`${throttleCounters.count} + 1` } })
            .returning({ count: throttleCounters.count });
          counts.push(row!.count);
        }
        return counts;
      }),
  };
}

const stores = new WeakMap<object, ThrottleStore>();

/** The store for an app's database (shared by every process and isolate that uses it). */
export function throttleStoreFor(db: Database, clock: () => Date): ThrottleStore {
  let store = stores.get(db);
  if (!store) {
    store = databaseThrottleStore(db, clock);
    stores.set(db, store);
  }
  return store;
}
