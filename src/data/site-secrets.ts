/**
 * A secret the site makes for itself: created (32 random bytes, hex) the first time any process or
 * isolate asks for it, and read back by all of them from the database, so every Node process and
 * every Worker isolate agrees without configuration. Kept per database handle once read.
 *
 * @example
 * const key = await siteSecret(db, 'form-challenge'); // the same value everywhere, for good
 */
import { eq } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { siteSecrets } from '../../db/schema.ts';

const known = new WeakMap<Database, Map<string, Promise<string>>>();

export function siteSecret(db: Database, name: string, now: () => Date = () => new Date()): Promise<string> {
  let byName = known.get(db);
  if (!byName) known.set(db, (byName = new Map()));
  let secret = byName.get(name);
  if (!secret) {
    secret = (async () => {
      const value = Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, '0')).join('');
      // Two first askers at once: one insert wins, both read the winner.
      await db.insert(siteSecrets).values({ name, value, createdAt: now().toISOString() }).onConflictDoNothing();
      const [row] = await db.select({ value: siteSecrets.value }).from(siteSecrets).where(eq(siteSecrets.name, name));
      return row!.value;
    })();
    byName.set(name, secret);
    secret.catch(() => byName.delete(name));
  }
  return secret;
}
