/**
 * The poster manifest: which files belong to every published version of each village's disclosure
 * (the current one and those corrected since) and to each township's batch, so pages can link
 * them. Planned by plan.ts; read by `PosterLinks.astro` and by the servers to send a link to an
 * older rendering of a version (a file named by an earlier content key) to the current one
 * ({@link currentPosterPath}). This file holds its shape, the pure look-ups and the names of its
 * parts (one file per year and township); reading and writing them in a posters folder is
 * manifest-store.ts. Pure: the Worker imports it.
 */
import type { PreviousDisclosureOutcome } from './model.ts';

/** Site paths (`/posters/2022/…`) of one poster's files. */
export interface VillagePosterEntry {
  villageCode: string;
  villageName: string;
  townshipCode: string | null;
  year: number;
  version: number;
  verificationCode: string;
  /** Content key the files are named by. */
  key: string;
  /**
   * The previous version's outcome printed on this poster (上次公示结果), as judged when planned;
   * null or absent when none is printed. The on-demand server draws with this, not with today's.
   */
  previousOutcome?: PreviousDisclosureOutcome | null;
  pages: number;
  a4Pdf: string;
  a3Pdf: string;
  /** One PNG (A4, 150 dpi) per page. */
  png: string[];
}

export interface TownshipPosterEntry {
  townshipCode: string;
  townshipName: string;
  year: number;
  key: string;
  villageCodes: string[];
  a4Pdf: string;
  a3Pdf: string;
}

export interface PosterManifest {
  schema: 1;
  /** The current version's poster, keyed `<villageCode>/<year>`. */
  villages: Record<string, VillagePosterEntry>;
  /** Posters of versions corrected since, keyed `<villageCode>/<year>/v<version>`: they answer for good. */
  superseded: Record<string, VillagePosterEntry>;
  /** Keyed `<townshipCode>/<year>`. */
  townships: Record<string, TownshipPosterEntry>;
}

export const emptyManifest = (): PosterManifest => ({ schema: 1, villages: {}, superseded: {}, townships: {} });

/**
 * A manifest from parsed JSON: anything that is not one (an empty object, another schema) is an
 * empty manifest; one written before versions were kept gets an empty `superseded`.
 */
export function parsePosterManifest(value: unknown): PosterManifest {
  const m = value as Partial<PosterManifest> | null;
  if (m?.schema !== 1 || typeof m.villages !== 'object' || typeof m.townships !== 'object') return emptyManifest();
  return { schema: 1, villages: m.villages, townships: m.townships, superseded: m.superseded ?? {} };
}

/**
 * The poster of a village for a year: of `version` when given (current or corrected since), else of
 * the current version; null when none was planned.
 */
export function findVillagePoster(manifest: PosterManifest, villageCode: string, year: number, version?: number): VillagePosterEntry | null {
  const current = manifest.villages[`${villageCode}/${year}`] ?? null;
  if (version === undefined || current?.version === version) return current;
  return manifest.superseded[`${villageCode}/${year}/v${version}`] ?? null;
}

/**
 * `previous` with everything of the townships `townshipCodes` in `year` — their villages' current
 * and corrected posters and their 合订本 — replaced by `partial`, a plan of those townships only
 * (`planPosters({ years: [year], townshipCodes })`). A village belongs to the township its code
 * begins with.
 */
export function mergeTownshipPlan(previous: PosterManifest, partial: PosterManifest, year: number, townshipCodes: readonly string[]): PosterManifest {
  const inScope = (code: string, entryYear: number) => entryYear === year && townshipCodes.some((t) => code.startsWith(t));
  const keep = <E extends { year: number }>(entries: Record<string, E>, codeOf: (e: E) => string): Record<string, E> =>
    Object.fromEntries(Object.entries(entries).filter(([, e]) => !inScope(codeOf(e), e.year)));
  return {
    schema: 1,
    villages: { ...keep(previous.villages, (e) => e.villageCode), ...partial.villages },
    superseded: { ...keep(previous.superseded, (e) => e.villageCode), ...partial.superseded },
    townships: { ...keep(previous.townships, (e) => e.townshipCode), ...partial.townships },
  };
}

/** Every village poster entry of a manifest: current versions, then corrected ones. */
export function villagePosterEntries(manifest: PosterManifest): VillagePosterEntry[] {
  return [...Object.values(manifest.villages), ...Object.values(manifest.superseded)];
}

/**
 * `<year>/<village>-v<version>-<key>-<file>`, `<year>/<village>-<key>-<file>` (named before
 * versions were in the name) or `<year>/township-<code>-<key>-<file>`, where file is `a4.pdf`,
 * `a3.pdf` or `a4-p<page>.png`. Groups: year, township flag, code, version, key, file.
 */
export const POSTER_FILE_NAME = /^(\d{4})\/(township-)?(\d{9,12})(?:-v([1-9]\d{0,3}))?-([0-9a-f]{16})-(a4\.pdf|a3\.pdf|a4-p([1-9]\d{0,2})\.png)$/;

/** The single manifest of a posters folder written before it was split (see manifest-store.ts). */
export const LEGACY_MANIFEST_FILE = 'manifest.json';
/** The folder of the manifest's parts, inside the posters folder (manifest-store.ts). */
export const MANIFEST_DIR = 'manifest';

/** One part of the manifest as stored: a year's posters of one township's villages, and its 合订本. */
export interface ManifestPart {
  year: number;
  /** 9 digits. */
  townshipCode: string;
}

/** Where a part lives, relative to the posters folder: `manifest/2024/430482101.json`. */
export const manifestPartPath = (part: ManifestPart): string => `${MANIFEST_DIR}/${part.year}/${part.townshipCode}.json`;

/**
 * Where the Worker's assets hold the manifest of a part's county and year (all its townships'
 * parts in one file, `manifest/by-county/2024/430482.json`): a province has about 2,000 townships,
 * and a file per township and year would take most of a Worker version's 20,000 static files.
 */
export const countyManifestPath = (part: ManifestPart): string => `${MANIFEST_DIR}/by-county/${part.year}/${part.townshipCode.slice(0, 6)}.json`;

/** Where a Worker build keeps, in its posters folder, the settings its posters were named with. */
export const WORKER_POSTER_SETTINGS = `${MANIFEST_DIR}/settings.json`;

/** Whether a name in the posters folder is (part of) the manifest, old or new: never a poster. */
export const isManifestName = (name: string): boolean => name === LEGACY_MANIFEST_FILE || name.startsWith(`${MANIFEST_DIR}/`);

/** The part of a village's posters of a year: the township is the first 9 digits of its code. */
export const villageManifestPart = (villageCode: string, year: number): ManifestPart => ({ year, townshipCode: villageCode.slice(0, 9) });

/**
 * The part that lists a poster file name (relative to the posters folder, see POSTER_FILE_NAME):
 * its year, and the township its village or 合订本 code begins with. Null when the name is no poster's.
 */
export function manifestPartOf(name: string): ManifestPart | null {
  const m = POSTER_FILE_NAME.exec(name);
  return m ? { year: Number(m[1]), townshipCode: m[3]!.slice(0, 9) } : null;
}

/**
 * Where a poster file name that this manifest does not list (an earlier rendering: the settings
 * or the printed outcome changed the key since, or a name from before versions were in the name)
 * now lives: the same version's file of the same kind (a PNG page past the last goes to the last);
 * a township batch or an unversioned name goes to the current poster of its year. Null when the
 * manifest has nothing for it. `name` is relative to the posters folder; the result is a site path.
 */
export function currentPosterPath(manifest: PosterManifest, name: string): string | null {
  const m = POSTER_FILE_NAME.exec(name);
  if (!m) return null;
  const [, year, township, code, version, , file, page] = m;
  if (township) {
    const t = manifest.townships[`${code}/${year}`];
    if (!t) return null;
    return file === 'a3.pdf' ? t.a3Pdf : file === 'a4.pdf' ? t.a4Pdf : null;
  }
  const entry = findVillagePoster(manifest, code!, Number(year), version === undefined ? undefined : Number(version));
  if (!entry) return null;
  if (file === 'a4.pdf') return entry.a4Pdf;
  if (file === 'a3.pdf') return entry.a3Pdf;
  return entry.png[Math.min(Number(page), entry.png.length) - 1] ?? null;
}

/** Every file a manifest names, relative to its posters folder (e.g. `2025/430421100203-…-a4.pdf`). */
export function manifestFiles(manifest: PosterManifest, urlPrefix = '/posters'): Set<string> {
  const prefix = `${urlPrefix.replace(/\/+$/, '')}/`;
  const files = new Set<string>();
  const add = (path: string) => files.add(path.startsWith(prefix) ? path.slice(prefix.length) : path);
  for (const v of villagePosterEntries(manifest)) for (const f of [v.a4Pdf, v.a3Pdf, ...v.png]) add(f);
  for (const t of Object.values(manifest.townships)) for (const f of [t.a4Pdf, t.a3Pdf]) add(f);
  return files;
}

