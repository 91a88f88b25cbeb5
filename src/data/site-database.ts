/**
 * The database the site's pages read from. A static build prerenders them in Node and opens the
 * configured DATABASE_URL once per build process. The Node server's on-demand pages are given the
 * server's own connection instead ({@link provideSiteDatabase}), and re-read the county's settings
 * after each change (src/data/site-cache.ts); so are the Worker's (functions/worker-pages.ts).
 */
import type { Database } from '../../db/database.ts';
import { loadConfig, type Config } from '../config.ts';
import { loadAllCountySettings, loadCountySettings, settingsOfCode, type CountySettings } from './county-settings.ts';
import { loadedOnce } from './site-cache.ts';

let connection: Promise<{ db: Database; config: Config }> | undefined;

/** Pages read through `db` (already open, owned by the caller) instead of opening DATABASE_URL. */
export function provideSiteDatabase(provided: { db: Database; config: Config }): void {
  connection = Promise.resolve(provided);
}

function siteConnection(): Promise<{ db: Database; config: Config }> {
  connection ??= (async () => {
    const config = loadConfig(process.env);
    // Imported only here: the Node client (and its migrations folder) is never loaded in the Worker,
    // which always provides its own connection.
    const { openDatabase } = await import('../../db/client.ts');
    const { db } = await openDatabase({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN });
    return { db, config };
  })();
  return connection;
}

const siteSettings = loadedOnce(async () => {
  const { db, config } = await siteConnection();
  return loadCountySettings(db, config);
});

const allSettings = loadedOnce(async () => {
  const { db, config } = await siteConnection();
  return loadAllCountySettings(db, config);
});

/**
 * The site's database, configuration and the settings of its county (its first, when it holds
 * several: use {@link siteSettingsFor} on a page about one of them). Read once per build or data change.
 */
export async function siteDatabase(): Promise<{ db: Database; config: Config; settings: CountySettings }> {
  const opened = await siteConnection();
  return { ...opened, settings: await siteSettings() };
}

/** Every county the site serves, in code order (read once per build or data change). */
export function siteCounties(): Promise<CountySettings[]> {
  return allSettings();
}

/** The site's counties by code and name (code order): more than one on a site over several. */
export async function siteCountyNames(): Promise<Array<{ code: string; name: string }>> {
  return (await allSettings()).flatMap((c) => (c.countyCode ? [{ code: c.countyCode, name: c.countyName }] : []));
}

/**
 * The county `code` is, on a site over several counties; null on a one-county site or for a code
 * that is none of its counties. A county's own pages are rendered on demand from any address
 * asked for (src/on-demand/adapter.mjs), and answer 404 when this is null.
 */
export async function countyOfSeveral(code: string): Promise<CountySettings | null> {
  const counties = await allSettings();
  return counties.length <= 1 ? null : (counties.find((c) => c.countyCode === code) ?? null);
}

/**
 * The settings a page prints: a one-county site's, whatever the page; in a site over several, of
 * the county `code` (any division code) belongs to, or, on a page over them all, their 公示单位
 * together and no phones (each county's pages carry its own).
 */
export async function siteSettingsFor(code?: string | null): Promise<CountySettings> {
  const counties = await allSettings();
  if (counties.length <= 1) return siteSettings();
  if (code) return settingsOfCode(counties, code);
  return { ...counties[0]!, countyCode: null, countyName: '', issuingUnit: counties.map((c) => c.issuingUnit).join('、'), supervisionPhones: [], supervisionAddress: '', townshipPhones: {} };
}

/** Where a county's overview is: the home page of a one-county site, else `/counties/<code>/`. */
export async function countyHomePath(code: string): Promise<string> {
  return (await allSettings()).length <= 1 ? '/' : `/counties/${code.slice(0, 6)}/`;
}

/** The first breadcrumb of a page about a division: its county's overview. */
export async function countyCrumb(code: string, fallbackName = ''): Promise<{ href: string; label: string }> {
  const settings = await siteSettingsFor(code);
  return { href: await countyHomePath(code), label: settings.countyName || fallbackName };
}
