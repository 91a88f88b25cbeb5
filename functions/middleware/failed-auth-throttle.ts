/**
 * Throttling of failed authentication, shared by every process and Worker isolate on the same
 * database: the counters are rows of `throttle_counters` (src/data/throttle-store.ts), in fixed
 * 15-minute windows keyed by the hashed client address. The database is the source of truth; a
 * small in-memory map in front only remembers blocks the database has already reported, so a
 * blocked client is refused without a query until its window ends.
 *
 * Only failures write. A request with a credential reads its client's counter (in parallel with
 * checking the credential, see auth.ts), so a successful sign-in costs no write and no extra wait.
 *
 * Why not also count per presented-token prefix: tokens are 32 random bytes, so every guess has a
 * fresh prefix and such a counter would never fill; and a global counter would let anyone lock
 * every member of staff out.
 */
import { eq } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { throttleCounters } from '../../db/schema.ts';
import { databaseThrottleStore } from '../../src/data/throttle-store.ts';
import { countersFor, type ThrottleCounter, type ThrottleRule } from '../../src/domain/access/throttle.ts';

/** Length of a failed-authentication window. */
export const AUTH_FAILURE_WINDOW_SECONDS = 15 * 60;

/** The default number of failures per client and window; the next attempt is refused with 429. */
export const DEFAULT_AUTH_FAILURE_LIMIT = 20;

/** Entries kept in the in-memory front before it is cleared (a flood of addresses must not grow it). */
const FRONT_MAX_ENTRIES = 10_000;

function counterFor(client: string, limit: number, now: Date): ThrottleCounter {
  const rule: ThrottleRule = { name: 'auth-fail-15min', limit, windowSeconds: AUTH_FAILURE_WINDOW_SECONDS };
  return countersFor(`auth-fail:client:${client}`, [rule], now)[0]!;
}

function secondsUntil(resetsAt: string, now: Date): number {
  return Math.max(1, Math.ceil((Date.parse(resetsAt) - now.getTime()) / 1000));
}

/**
 * Failed attempts per client, counted in the database. One instance may serve several apps (the
 * route modules build theirs once): the in-memory front is kept per database handle.
 */
export class FailureThrottle {
  /** Failures allowed per client and window unless the app's `authFailureLimit` says otherwise. */
  readonly limit: number;
  private readonly fronts = new WeakMap<object, Map<string, number>>();

  constructor(limit = DEFAULT_AUTH_FAILURE_LIMIT) {
    this.limit = limit;
  }

  private front(db: Database): Map<string, number> {
    let front = this.fronts.get(db);
    if (!front) {
      front = new Map();
      this.fronts.set(db, front);
    }
    return front;
  }

  /** Seconds the client must still wait according to the in-memory front alone (0: ask the database). */
  knownBlockedFor(db: Database, client: string, now: Date): number {
    const front = this.front(db);
    const until = front.get(client);
    if (until === undefined) return 0;
    if (until <= now.getTime()) {
      front.delete(client);
      return 0;
    }
    return Math.ceil((until - now.getTime()) / 1000);
  }

  /** Seconds the client must wait before trying again (0 when it may try now). Reads only. */
  async blockedFor(db: Database, client: string, now: Date, limit = this.limit): Promise<number> {
    const known = this.knownBlockedFor(db, client, now);
    if (known > 0) return known;
    const counter = counterFor(client, limit, now);
    const [row] = await db.select({ count: throttleCounters.count }).from(throttleCounters).where(eq(throttleCounters.key, counter.key)).limit(1);
    if (!row || row.count < limit) return 0;
    this.remember(db, client, counter.resetsAt);
    return secondsUntil(counter.resetsAt, now);
  }

  /**
   * Counts one failure; returns the seconds the client must now wait (0 while still under the
   * limit). The failure that reaches the limit is still answered normally; the next attempt is not.
   */
  async fail(db: Database, client: string, now: Date, clock: () => Date, limit = this.limit): Promise<number> {
    const counter = counterFor(client, limit, now);
    const [count] = await databaseThrottleStore(db, clock).increment([counter.key], [counter.resetsAt]);
    if ((count ?? 0) < limit) return 0;
    this.remember(db, client, counter.resetsAt);
    return secondsUntil(counter.resetsAt, now);
  }

  private remember(db: Database, client: string, resetsAt: string): void {
    const front = this.front(db);
    if (front.size >= FRONT_MAX_ENTRIES) front.clear();
    front.set(client, Date.parse(resetsAt));
  }
}
