/**
 * Posters drawn when first asked for (Node mode): a name the poster folder's manifest lists but
 * whose file is missing is rendered on the render pool, once however many requests wait for it,
 * and written into the folder (atomically, by the job), where it stays: names are content keys, so
 * a file never changes. Names the manifest does not list are unknown (null), whatever is on disk.
 *
 * The manifest is the list of what pages link; the source (the database, read by src/data) says
 * what to draw. A request reads only the manifest part of its name's year and township
 * (manifest-store.ts), and plans only that township, once per change of that part.
 *
 * @example
 * const posters = createPosterOnDemand({ source: posterSource(db), dir: 'public/posters', settings });
 * const file = await posters.file('2024/430482100201-v1-5d41402abc4b2a76-a4-p1.png'); // renders if missing
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { manifestPartOf, POSTER_FILE_NAME, villagePosterEntries, type ManifestPart, type PosterManifest } from './manifest.ts';
import { createPosterManifestReader } from './manifest-store.ts';
import { planPosters, posterId, writePosterManifest, type PosterPlan, type PosterSource } from './plan.ts';
import { createRenderPool, type PoolTask, type RenderPriority } from './pool.ts';
import { readPosterSettings, type PosterSettingsSource } from './model.ts';


export interface PosterFile {
  path: string;
  contentType: 'application/pdf' | 'image/png';
  /** True when this call (or the one it waited for) drew the file. */
  rendered: boolean;
}

export interface PosterOnDemandOptions {
  /** Published disclosures to plan from: `posterSource(db)` (src/data/poster-source.ts). */
  source: PosterSource;
  /** The poster folder (absolute, or relative to the working directory). */
  dir: string;
  /**
   * The settings to draw with, or how to read them: read again whenever the manifest changes, so a
   * rebuild after the county changes its settings draws with the new ones, without a restart.
   */
  settings: PosterSettingsSource;
  urlPrefix?: string;
  /** Render threads (default 1): requests never take more than this many cores. */
  workers?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

export interface PosterOnDemand {
  /** The file for `name` (relative to the poster folder), drawn first when planned but missing; null when not planned. */
  file(name: string): Promise<PosterFile | null>;
  /** One part of the poster folder's manifest, as last read (read again when its file changes). */
  manifestPart(part: ManifestPart): PosterManifest;
  /** Draws the missing posters of a year (default: the latest in the manifest), one at a time, behind any request. */
  warm(options?: { year?: number }): Promise<{ year: number | null; rendered: number }>;
  /**
   * Names the posters of villages just published (and of their townships' 合订本) in the manifest,
   * reading only those townships: a correction's poster is linked and drawn without waiting for the
   * whole site to be planned again.
   */
  planVillages(year: number, villageCodes: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export function createPosterOnDemand(options: PosterOnDemandOptions): PosterOnDemand {
  const { dir } = options;
  const pool = createRenderPool({ size: options.workers ?? 1, maxLow: 1 });
  const log = options.log ?? (() => undefined);
  const manifest = createPosterManifestReader(dir);
  /** File name → poster base, for every file a part lists: kept with the part it was made from. */
  const bases = new WeakMap<PosterManifest, Map<string, string>>();
  let counties: { stamp: string; codes: Set<string> } | null = null;
  const plans = new Map<string, { from: unknown; plan: Promise<PosterPlan> }>();
  const flights = new Map<string, { promise: Promise<boolean>; promote(): void }>();
  let closed = false;

  const basesOf = (part: PosterManifest) => {
    let names = bases.get(part);
    if (!names) {
      const prefix = (options.urlPrefix ?? '/posters').replace(/\/+$/, '');
      names = new Map<string, string>();
      for (const v of villagePosterEntries(part)) for (const f of [v.a4Pdf, v.a3Pdf, ...v.png]) addName(names, f.slice(prefix.length + 1));
      for (const t of Object.values(part.townships)) for (const f of [t.a4Pdf, t.a3Pdf]) addName(names, f.slice(prefix.length + 1));
      bases.set(part, names);
    }
    return names;
  };

  /** The counties (6-digit codes) the manifest has posters of, from its index. */
  const manifestCounties = () => {
    const stamp = manifest.stamp();
    if (counties?.stamp !== stamp) {
      const codes = new Set<string>();
      for (const townships of Object.values(manifest.index()?.parts ?? {})) for (const code of Object.keys(townships)) codes.add(code.slice(0, 6));
      counties = { stamp, codes };
    }
    return counties.codes;
  };

  const latestYear = () => {
    const years = Object.keys(manifest.index()?.parts ?? {}).map(Number);
    return years.length > 0 ? Math.max(...years) : null;
  };

  /**
   * The plan of one township's posters in a year (what drawing one poster needs, however large the
   * database), or of the whole year; planned again when its part (the index, for a year) changes.
   */
  const yearPlan = (year: number, fresh = false, township: string | null = null) => {
    const key = `${year}/${township ?? '*'}`;
    const parts = township
      ? [manifest.part({ year, townshipCode: township })]
      : [...new Set(Object.keys(manifest.index()?.parts[year] ?? {}).map((code) => manifest.part({ year, townshipCode: code })))];
    // What the plan was made from: the township's part as read (the same object until its file
    // changes), or for a whole year the index.
    const from: unknown = township ? parts[0] : manifest.stamp();
    const cached = plans.get(key);
    if (cached && cached.from === from && !fresh) return cached.plan;
    // Draw what the manifest names: with the previous outcomes it was planned with, whatever
    // has been answered since (the next rebuild plans afresh).
    const previousOutcomes = new Map(
      parts.flatMap(villagePosterEntries).map((v) => [posterId({ scopeCode: v.villageCode, year: v.year, version: v.version }), v.previousOutcome ?? null]),
    );
    const plan = readPosterSettings(options.settings).then((s) =>
      planPosters({ source: options.source, outDir: dir, settings: s, urlPrefix: options.urlPrefix, years: [year], previousOutcomes, ...(township ? { townshipCodes: [township] } : {}) }),
    );
    plans.set(key, { from, plan });
    plan.catch(() => plans.delete(key));
    return plan;
  };

  /** Draws the poster `base` of `year` unless another call already is; true when its files now exist. */
  const render = (base: string, year: number, priority: RenderPriority): Promise<boolean> => {
    const existing = flights.get(base);
    if (existing) {
      if (priority === 'high') existing.promote();
      return existing.promise;
    }
    let current = priority;
    let task: PoolTask | null = null;
    const promise = (async () => {
      const started = performance.now();
      const township = townshipOfBase(base);
      let plan = await yearPlan(year, false, township);
      let poster = plan.posters.find((p) => p.base === base);
      // Planned when the files were there; they have gone since.
      if (poster && !poster.job && poster.files.some((f) => !existsSync(join(dir, f)))) {
        plan = await yearPlan(year, true, township);
        poster = plan.posters.find((p) => p.base === base);
      }
      if (!poster) {
        log('warn', 'poster listed in the manifest is not what the database and settings give now', { base });
        return false;
      }
      if (poster.job && plan.fonts) {
        task = pool.run(poster.job, plan.fonts, current);
        await task.promise;
        log('info', 'poster rendered', { base, priority: current, ms: Math.round(performance.now() - started) });
      }
      return poster.files.every((f) => existsSync(join(dir, f)));
    })().finally(() => flights.delete(base));
    flights.set(base, {
      promise,
      promote() {
        current = 'high';
        task?.promote();
      },
    });
    return promise;
  };

  return {
    async file(name) {
      const match = POSTER_FILE_NAME.exec(name);
      if (!match || closed) return null;
      const path = join(dir, name);
      const contentType = name.endsWith('.png') ? 'image/png' : 'application/pdf';
      const base = basesOf(manifest.part(manifestPartOf(name)!)).get(name);
      if (!base) {
        // A poster drawn before the manifest changed (a correction, new settings, a rebuild still
        // being swapped in) keeps answering: names are content keys, so the file never changes.
        // Only this county's (the manifest's) files, never another database's left in the folder.
        return existsSync(path) && manifestCounties().has(countyOf(name)) ? { path, contentType, rendered: false } : null;
      }
      if (existsSync(path)) return { path, contentType, rendered: false };
      await render(base, Number(match[1]), 'high');
      return existsSync(path) ? { path, contentType, rendered: true } : null;
    },

    manifestPart(part) {
      return manifest.part(part);
    },

    async warm(warmOptions = {}) {
      const year = warmOptions.year ?? latestYear();
      if (year === null) return { year, rendered: 0 };
      const plan = await yearPlan(year);
      let rendered = 0;
      // Villages first: their pages are what people open.
      for (const poster of [...plan.posters].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'village' ? -1 : 1))) {
        if (closed) break;
        if (!poster.job || poster.files.every((f) => existsSync(join(dir, f)))) continue;
        if (await render(poster.base, year, 'low')) rendered++;
      }
      return { year, rendered };
    },

    async planVillages(year, villageCodes) {
      const townships = [...new Set(villageCodes.map((code) => code.slice(0, 9)))];
      if (townships.length === 0) return;
      const settings = await readPosterSettings(options.settings);
      const partial = await planPosters({ source: options.source, outDir: dir, settings, urlPrefix: options.urlPrefix, years: [year], townshipCodes: townships });
      // Only these townships' parts of the year are read and written (manifest-store.ts).
      writePosterManifest(dir, partial, { scope: { year, townshipCodes: townships } });
    },

    async close() {
      closed = true;
      await pool.close();
    },
  };
}

/** The township of a poster base (`<year>/<village code>-v…` or `<year>/township-<code>-…`): its 9-digit code. */
function townshipOfBase(base: string): string | null {
  return /^\d{4}\/(?:township-)?(\d{9})/.exec(base)?.[1] ?? null;
}

/** The county code of a poster file name (see POSTER_FILE_NAME). */
function countyOf(name: string): string {
  return POSTER_FILE_NAME.exec(name)?.[3]?.slice(0, 6) ?? '';
}

/** Records the poster base (`<year>/<name without the file suffix>`) of a file name. */
function addName(bases: Map<string, string>, name: string) {
  const match = POSTER_FILE_NAME.exec(name);
  if (match) bases.set(name, name.slice(0, -(match[6]!.length + 1)));
}
