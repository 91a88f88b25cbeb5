/**
 * Matching for the site search, shared by the build (tests) and the browser: a query matches an
 * entry by its Chinese name, its full pinyin, or its pinyin initials, where each character may
 * have several readings (常 chang, 长 chang/zhang), so "cl" and "zl" both find 长乐村.
 */

/** One searchable thing as stored in /search/index.json (short keys keep the file small). */
export interface SearchEntry {
  /** kind: c county, t township, v village, p project */
  k: 'c' | 't' | 'v' | 'p';
  /** name */
  n: string;
  /** context shown under the name (township, village, year); empty for a county */
  c: string;
  /** url */
  u: string;
  /** initials per character, '|' separated, each the set of possible first letters: "d|s|c" */
  i: string;
  /** full pinyin without spaces or tones */
  y: string;
}

/** Lower-cases and drops spaces and apostrophes, so "Da Shui" and "da'shui" read as "dashui". */
export function normaliseQuery(q: string): string {
  return q.trim().toLowerCase().replace(/[\s'’]/g, '');
}

/** Whether `q` (normalised, latin) runs along consecutive characters' initials starting anywhere. */
export function matchesInitials(initials: string, q: string): boolean {
  const sets = initials.split('|');
  for (let start = 0; start + q.length <= sets.length; start++) {
    let ok = true;
    for (let j = 0; j < q.length; j++) {
      if (!sets[start + j]!.includes(q[j]!)) {
        ok = false;
        break;
      }
    }
    if (ok) return true;
  }
  return false;
}

/**
 * A score for `entry` against a normalised query, or 0 when it does not match. Name matches rank
 * above pinyin ones, prefixes above infixes, villages above projects.
 */
export function scoreEntry(entry: SearchEntry, q: string): number {
  if (q === '') return 0;
  const kindBonus = entry.k === 'v' ? 3 : entry.k === 't' || entry.k === 'c' ? 2 : 0;
  if (entry.n.startsWith(q)) return 100 + kindBonus;
  if (entry.n.includes(q)) return 80 + kindBonus;
  if (entry.u.toLowerCase().includes(q) && q.length >= 6) return 70 + kindBonus;
  if (!/^[a-z0-9]+$/.test(q)) return 0;
  if (entry.y.startsWith(q)) return 60 + kindBonus;
  if (matchesInitials(entry.i, q)) return (entry.i.split('|').slice(0, q.length).every((s, j) => s.includes(q[j]!)) ? 50 : 40) + kindBonus;
  if (q.length >= 3 && entry.y.includes(q)) return 30 + kindBonus;
  return 0;
}

/** The best `limit` entries for a query, best first. */
export function search(entries: readonly SearchEntry[], query: string, limit = 30): SearchEntry[] {
  const q = normaliseQuery(query);
  if (q === '') return [];
  return entries
    .map((e) => ({ e, s: scoreEntry(e, q) }))
    .filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s || a.e.n.length - b.e.n.length)
    .slice(0, limit)
    .map((x) => x.e);
}
