/**
 * Planning posters without drawing them: which files the poster of every published village version
 * (the current one and every corrected one, whose printed QR codes and links must keep answering)
 * and every township's batch of current versions is made of, named by a key hashed from everything printed, so pages
 * can link files that are drawn later (by `npm run posters`, or by the Node server when first
 * asked). Only posters whose files are missing are laid out (for their page count, which names
 * the PNGs) and get a job; fonts are subset once, to exactly the characters of those jobs.
 *
 * About 2 s for the sample county's 1,141 posters when none exists yet; a few hundred ms when all do.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { shanghaiDate } from '../domain/shared/dates.ts';
import { canonicalJson, type PublishedDisclosure, type VillageDisclosureContent } from '../domain/disclosure/disclosure-content.ts';
import { MissingGlyphError, openPosterFonts, type PosterFontBytes, type PosterFontCutter } from './poster-fonts.ts';
import type { PosterJob } from './jobs.ts';
import { layoutPoster, posterCharacters } from './layout.ts';
import { emptyManifest, type PosterManifest, type TownshipPosterEntry, type VillagePosterEntry } from './manifest.ts';
import { writePosterManifestParts, type ManifestScope } from './manifest-store.ts';
import { buildPosterModel, posterSettingsOf, type PosterModel, type PosterSettings, type PreviousDisclosureOutcome } from './model.ts';
import { villageDisplayName } from './title.ts';

/** Bump when the layout or rendering changes, so every poster is drawn again. */
export const POSTER_FORMAT_VERSION = 1;

/**
 * What the plan reads: published snapshots and the previous versions' outcomes. The posters never
 * read the database themselves; `posterSource(db)` (src/data/poster-source.ts) gives these over it.
 */
export interface PosterSource {
  /** Years that have at least one published disclosure, newest first. */
  listPublishedYears(): Promise<readonly number[]>;
  /** Every published village version of `year` (of villages whose code begins with one of `codePrefixes`, when given), by village code, oldest version first. */
  loadVillageVersions(year: number, codePrefixes?: readonly string[]): Promise<ReadonlyArray<PublishedDisclosure<VillageDisclosureContent>>>;
  /** For each village version after the first, the outcome on `today` of the one before it, keyed `<villageCode>/v<version>` (scoped as above). */
  loadPreviousOutcomes(year: number, today: string, codePrefixes?: readonly string[]): Promise<ReadonlyMap<string, PreviousDisclosureOutcome>>;
}

export interface PlanPostersOptions {
  source: PosterSource;
  /** Folder the posters are (or will be) written into, e.g. `public/posters`. */
  outDir: string;
  /** Site path of `outDir` (default `/posters`). */
  urlPrefix?: string;
  settings: PosterSettings;
  /** Default: every published year. */
  years?: readonly number[];
  /** Default: every village with a published disclosure (tests plan a handful). */
  villageCodes?: readonly string[];
  /** Only these townships' villages (and their 乡镇合订本), read from the source by code prefix. */
  townshipCodes?: readonly string[];
  /**
   * The day (ISO, Asia/Shanghai) on which the previous version's outcome (上次公示结果) is judged:
   * a period that has ended by then is printed with its objections. Default: today.
   */
  today?: string;
  /**
   * Previous outcomes to print instead of judging them from the source, keyed
   * `<villageCode>/<year>/v<version>` ({@link posterId}; a missing key prints none): the on-demand server passes the ones the
   * manifest was planned with, so it draws exactly the files the manifest names.
   */
  previousOutcomes?: ReadonlyMap<string, PreviousDisclosureOutcome | null>;
  /**
   * Whether a file (a name relative to `outDir`) is already drawn. Default: it is in `outDir`. The
   * Worker's deploy passes what its bucket holds (src/cli/poster-sync.ts), so only the rest is drawn.
   */
  isStored?: (name: string) => boolean;
  /** How the fonts are cut to the jobs' characters. Default: from the font files, in Node (fonts.ts). */
  fonts?: PosterFontCutter;
  /**
   * Only name the posters (no jobs: nothing will be drawn from this plan), reusing the page counts
   * of `known` (a poster's base → its pages, from the manifest planned before). A base is a hash
   * of everything that decides the layout, so the same base has the same pages; only a poster new
   * since then is laid out. What `npm start`'s builds and the Worker's build do: without it every
   * plan laid out every poster of the site again (minutes for a province).
   */
  namesOnly?: { known: ReadonlyMap<string, number> };
}

export interface PlannedPoster {
  kind: 'village' | 'township';
  /** `<year>/<village>-v<version>-<key>` or `<year>/township-<code>-<key>`: the files' common name. */
  base: string;
  year: number;
  label: string;
  /** File names relative to the poster folder (`2022/…-a4.pdf`). */
  files: string[];
  /** What draws the files when one of them is missing; null when all exist. */
  job: PosterJob | null;
  /** The manifest entry (shared with `PosterPlan.manifest`). */
  entry: VillagePosterEntry | TownshipPosterEntry;
}

export interface PosterPlan {
  manifest: PosterManifest;
  posters: PlannedPoster[];
  /** Subset fonts covering every job's characters; null when there is no job. */
  fonts: PosterFontBytes | null;
  urlPrefix: string;
}

const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/**
 * The key a village poster's files are named by: it changes when anything printed can change,
 * including the previous version's outcome (a period ending, an objection answered). Without a
 * previous outcome the key is what it was before outcomes were printed, so those files are kept.
 */
export function villagePosterKey(d: PublishedDisclosure<VillageDisclosureContent>, settings: PosterSettings, previous: PreviousDisclosureOutcome | null = null): string {
  return hash(
    canonicalJson({
      ...(previous ? { previous } : {}),
      format: POSTER_FORMAT_VERSION,
      contentHash: d.contentHash,
      version: d.version,
      verificationCode: d.verificationCode,
      periodStart: d.periodStart,
      periodEnd: d.periodEnd,
      issuingUnit: d.issuingUnit,
      settings: { ...settings, countySupervisionPhones: [...settings.countySupervisionPhones] },
    }),
  );
}

/** The identity of one version's poster: `<villageCode>/<year>/v<version>`. */
export const posterId = (d: { scopeCode: string; year: number; version: number }): string => `${d.scopeCode}/${d.year}/v${d.version}`;

/** Sets a village entry's page count and the PNG names that follow from it. */
export function setPosterPages(entry: VillagePosterEntry, pages: number): void {
  const base = entry.a4Pdf.slice(0, -'-a4.pdf'.length);
  entry.pages = pages;
  entry.png = Array.from({ length: pages }, (_, i) => `${base}-a4-p${i + 1}.png`);
}

/** Plans every poster (see the module comment); reads the source, writes nothing. */
export async function planPosters(options: PlanPostersOptions): Promise<PosterPlan> {
  const { outDir, settings } = options;
  const prefix = (options.urlPrefix ?? '/posters').replace(/\/+$/, '');
  const years = options.years ?? (await options.source.listPublishedYears());
  const only = options.villageCodes ? new Set(options.villageCodes) : null;
  const manifest = emptyManifest();
  const posters: PlannedPoster[] = [];
  const models = new Map<string, PosterModel>();
  const previousByPoster = new Map<string, PreviousDisclosureOutcome | null>();
  const missingVillages: Array<{ poster: PlannedPoster; disclosure: PublishedDisclosure<VillageDisclosureContent> }> = [];
  const missingTownships: Array<{ poster: PlannedPoster; title: string; members: Array<PublishedDisclosure<VillageDisclosureContent>> }> = [];
  const exists = options.isStored ?? ((name: string) => existsSync(join(outDir, name)));

  for (const year of years) {
    const versions = await options.source.loadVillageVersions(year, options.townshipCodes);
    const outcomes = options.previousOutcomes ? null : await options.source.loadPreviousOutcomes(year, options.today ?? shanghaiDate(new Date()), options.townshipCodes);
    const previousOf = (d: PublishedDisclosure) => (outcomes ? outcomes.get(`${d.scopeCode}/v${d.version}`) : options.previousOutcomes!.get(posterId(d))) ?? null;
    const latestVersion = new Map<string, number>();
    for (const d of versions) latestVersion.set(d.scopeCode, Math.max(latestVersion.get(d.scopeCode) ?? 0, d.version));
    const byTownship = new Map<string, Array<{ d: PublishedDisclosure<VillageDisclosureContent>; key: string }>>();
    for (const d of versions) {
      if (only && !only.has(d.scopeCode)) continue;
      const previous = previousOf(d);
      previousByPoster.set(posterId(d), previous);
      const key = villagePosterKey(d, posterSettingsOf(settings, d.scopeCode), previous);
      const base = `${year}/${d.scopeCode}-v${d.version}-${key}`;
      const isCurrent = d.version === latestVersion.get(d.scopeCode);
      const entry: VillagePosterEntry = {
        villageCode: d.scopeCode,
        villageName: d.content.scope.name,
        townshipCode: d.content.scope.townshipCode,
        year,
        version: d.version,
        verificationCode: d.verificationCode,
        key,
        previousOutcome: previous,
        pages: 0,
        a4Pdf: `${prefix}/${base}-a4.pdf`,
        a3Pdf: `${prefix}/${base}-a3.pdf`,
        png: [],
      };
      if (isCurrent) manifest.villages[`${d.scopeCode}/${year}`] = entry;
      else manifest.superseded[posterId(d)] = entry;
      const label = `${villageDisplayName(entry.villageName)} ${year}${isCurrent ? '' : `（第${d.version}版，已更正）`}`;
      const poster: PlannedPoster = { kind: 'village', base, year, label, files: [], job: null, entry };
      posters.push(poster);
      const known = options.namesOnly?.known.get(base);
      const pages = known ?? countExistingPages((page) => exists(`${base}-a4-p${page}.png`));
      if (known !== undefined || (exists(`${base}-a4.pdf`) && exists(`${base}-a3.pdf`) && pages > 0)) setPosterPages(entry, pages);
      else missingVillages.push({ poster, disclosure: d });
      const township = d.content.scope.townshipCode;
      if (township && isCurrent) byTownship.set(township, [...(byTownship.get(township) ?? []), { d, key }]);
    }
    for (const [code, members] of byTownship) {
      const name = members[0]!.d.content.scope.townshipName ?? code;
      const key = hash(canonicalJson({ format: POSTER_FORMAT_VERSION, code, year, members: members.map((m) => m.key) }));
      const base = `${year}/township-${code}-${key}`;
      const entry: TownshipPosterEntry = {
        townshipCode: code,
        townshipName: name,
        year,
        key,
        villageCodes: members.map((m) => m.d.scopeCode),
        a4Pdf: `${prefix}/${base}-a4.pdf`,
        a3Pdf: `${prefix}/${base}-a3.pdf`,
      };
      manifest.townships[`${code}/${year}`] = entry;
      const poster: PlannedPoster = { kind: 'township', base, year, label: `${name} ${year}（乡镇合订本）`, files: [`${base}-a4.pdf`, `${base}-a3.pdf`], job: null, entry };
      posters.push(poster);
      if (!options.namesOnly && !(exists(`${base}-a4.pdf`) && exists(`${base}-a3.pdf`))) {
        missingTownships.push({ poster, title: `${name}${year}年度水库移民后期扶持项目公示（${members.length} 个村）`, members: members.map((m) => m.d) });
      }
    }
  }

  // Models (with their QR codes), fonts and layouts only for what is missing.
  const modelOf = (d: PublishedDisclosure<VillageDisclosureContent>) => {
    const id = posterId(d);
    let m = models.get(id);
    if (!m) models.set(id, (m = buildPosterModel(d.content, d, posterSettingsOf(settings, d.scopeCode), previousByPoster.get(id) ?? null)));
    return m;
  };
  for (const v of missingVillages) modelOf(v.disclosure);
  for (const t of missingTownships) t.members.forEach(modelOf);
  let fonts: PosterFontBytes | null = null;
  if (models.size > 0) {
    const text = [...new Set([...models.values()].map(posterCharacters).join(''))].join('');
    const cut = options.fonts ?? (await import('./fonts.ts')).nodePosterFontCutter;
    const { bytes, missing } = await cut(text);
    if (missing.length > 0) {
      const where = [...models.values()].filter((m) => missing.some((ch) => posterCharacters(m).includes(ch))).map((m) => `${m.villageCode}/${m.year}`);
      throw new MissingGlyphError(
        `Source Han Sans SC has no glyph for ${missing.map((c) => `「${c}」U+${c.codePointAt(0)!.toString(16).toUpperCase()}`).join(' ')} ` +
          `(in ${where.slice(0, 10).join(', ')}${where.length > 10 ? ', …' : ''}); correct the text or add a font that has it`,
      );
    }
    fonts = bytes;
    // A long-running server keeps going after this: don't hold the 17 MB originals.
    if (!options.fonts) (await import('./fonts.ts')).releaseOriginalFonts();
    const { measure } = openPosterFonts(fonts);
    for (const { poster, disclosure } of missingVillages) {
      const model = modelOf(disclosure);
      setPosterPages(poster.entry as VillagePosterEntry, layoutPoster(model, measure).length);
      const file = (suffix: string) => join(outDir, `${poster.base}-${suffix}`);
      poster.job = { kind: 'village', model, a4Pdf: file('a4.pdf'), a3Pdf: file('a3.pdf'), pngPattern: file('a4-p{page}.png') };
    }
    for (const t of missingTownships) {
      t.poster.job = { kind: 'township', title: t.title, models: t.members.map(modelOf), a4Pdf: join(outDir, t.poster.files[0]!), a3Pdf: join(outDir, t.poster.files[1]!) };
    }
  }
  for (const p of posters) {
    if (p.kind === 'village') {
      const e = p.entry as VillagePosterEntry;
      p.files = [e.a4Pdf, e.a3Pdf, ...e.png].map((f) => f.slice(prefix.length + 1));
    }
  }
  return { manifest, posters, fonts, urlPrefix: prefix };
}

/**
 * Writes the plan's manifest into the poster folder (as its parts, atomically: manifest-store.ts)
 * and, unless `removeStale` is false, deletes poster files the manifest no longer names. With
 * `scope`, the plan is of those townships in that year only and the rest of the manifest is kept
 * (what naming a publish's posters does). Returns how many poster files were deleted.
 */
export function writePosterManifest(outDir: string, plan: Pick<PosterPlan, 'manifest' | 'posters'>, options: { removeStale?: boolean; scope?: ManifestScope } = {}): number {
  mkdirSync(outDir, { recursive: true });
  const removed = options.removeStale === false || options.scope ? 0 : removeStaleFiles(outDir, new Set(plan.posters.flatMap((p) => p.files)));
  writePosterManifestParts(outDir, plan.manifest, options.scope);
  return removed;
}

function countExistingPages(exists: (page: number) => boolean): number {
  let n = 0;
  while (exists(n + 1)) n++;
  return n;
}

/** Deletes poster files no plan names: earlier renderings of a version (other keys), other databases' posters, leftovers of interrupted writes. */
function removeStaleFiles(outDir: string, keep: ReadonlySet<string>): number {
  let removed = 0;
  for (const dir of readdirSync(outDir)) {
    if (!/^\d{4}$/.test(dir) || !statSync(join(outDir, dir)).isDirectory()) continue;
    for (const file of readdirSync(join(outDir, dir))) {
      // Another run (or the server) may be writing: leave temporary files alone.
      if (file.endsWith('.tmp')) continue;
      if (!keep.has(`${dir}/${file}`)) {
        rmSync(join(outDir, dir, file), { force: true });
        removed++;
      }
    }
  }
  return removed;
}
