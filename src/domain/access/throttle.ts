/**
 * Fixed-window throttling rules, pure. A store (memory or database) keeps the counters; this
 * module says which counters a request touches and whether any is over its limit.
 *
 * Fixed windows are used instead of sliding ones because they need one counter row per key and
 * window, which any store (a Map, a SQLite row, a Worker's D1/libSQL) can increment atomically.
 * The cost is a burst of up to twice the limit across a window edge; the limits below allow for it.
 */

export interface ThrottleRule {
  /** Short name that goes into the counter key, e.g. `client-10min`. */
  name: string;
  limit: number;
  windowSeconds: number;
}

/** One counter a request increments: `key` already includes the rule and the window start. */
export interface ThrottleCounter {
  key: string;
  rule: ThrottleRule;
  /** ISO instant when the window ends (the earliest time to try again). */
  resetsAt: string;
}

/** Start of the fixed window containing `now`, in epoch seconds. */
export function windowStart(now: Date, windowSeconds: number): number {
  const s = Math.floor(now.getTime() / 1000);
  return s - (s % windowSeconds);
}

/** The counters for a subject (e.g. `lookup:client:<hash>`) under a set of rules. */
export function countersFor(subject: string, rules: readonly ThrottleRule[], now: Date): ThrottleCounter[] {
  return rules.map((rule) => {
    const start = windowStart(now, rule.windowSeconds);
    return {
      key: `${subject}:${rule.name}:${start}`,
      rule,
      resetsAt: new Date((start + rule.windowSeconds) * 1000).toISOString(),
    };
  });
}

export interface ThrottleVerdict {
  allowed: boolean;
  /** Seconds until the latest-resetting exceeded window ends (0 when allowed). */
  retryAfterSeconds: number;
  /** Names of the rules that were exceeded. */
  exceeded: string[];
}

/** Decides from the counts after incrementing (a count equal to the limit is still allowed). */
export function judge(counters: readonly ThrottleCounter[], counts: readonly number[], now: Date): ThrottleVerdict {
  const over = counters.filter((c, i) => (counts[i] ?? 0) > c.rule.limit);
  if (over.length === 0) return { allowed: true, retryAfterSeconds: 0, exceeded: [] };
  const latest = Math.max(...over.map((c) => Date.parse(c.resetsAt)));
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((latest - now.getTime()) / 1000)), exceeded: over.map((c) => c.rule.name) };
}

/**
 * Subsidy lookups. Per client: a person checking their own family needs a handful of tries; 10 in
 * 10 minutes and 30 a day stop guessing without getting in the way. Per village: a village has a
 * few hundred migrants; 120 lookups an hour for one village from everywhere together is far above
 * normal use and caps a distributed guessing run against one village.
 */
export const LOOKUP_CLIENT_RULES: readonly ThrottleRule[] = [
  { name: 'client-10min', limit: 10, windowSeconds: 600 },
  { name: 'client-day', limit: 30, windowSeconds: 86_400 },
];
export const LOOKUP_VILLAGE_RULES: readonly ThrottleRule[] = [{ name: 'village-hour', limit: 120, windowSeconds: 3600 }];

/** Questions and objections: per client 3 in 10 minutes and 10 a day; per village 60 a day. */
export const FEEDBACK_CLIENT_RULES: readonly ThrottleRule[] = [
  { name: 'client-10min', limit: 3, windowSeconds: 600 },
  { name: 'client-day', limit: 10, windowSeconds: 86_400 },
];
export const FEEDBACK_VILLAGE_RULES: readonly ThrottleRule[] = [{ name: 'village-day', limit: 60, windowSeconds: 86_400 }];
