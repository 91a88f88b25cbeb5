/**
 * Where throttle counters live. One interface, two stores:
 * - `memoryThrottleStore()`: a Map in the process. Right for the Node server (one process) and
 *   tests; in a Worker it is per isolate, so it only slows a client down.
 * - a database store (counters as rows, incremented with one upsert) shared by every isolate;
 *   it needs the `throttle_counters` table.
 */
import { countersFor, judge, type ThrottleRule, type ThrottleVerdict } from '../domain/throttle.ts';

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

const stores = new WeakMap<object, ThrottleStore>();

/**
 * The store for an app instance, keyed by its database object so each test database (and each
 * server) gets its own counters.
 */
export function throttleStoreFor(owner: object, clock: () => Date): ThrottleStore {
  let store = stores.get(owner);
  if (!store) {
    store = memoryThrottleStore(clock);
    stores.set(owner, store);
  }
  return store;
}
