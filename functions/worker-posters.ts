/**
 * Posters in the Worker after a publish, without a redeploy. The deploy draws in Node every poster
 * its build named (src/cli/poster-sync.ts); a publish in between names new ones, and the Worker
 * draws those itself when first asked for:
 *
 * - **Naming** (at the publish, {@link WorkerPosters.planVillages}): the changed townships' posters
 *   are planned again from the database with the settings the build named its posters with (in its
 *   assets), laying out only the new ones; each township's plan is stored in the database
 *   (`poster_plan_parts`, for this build) and the pages link from it instead of the build's copy.
 * - **Drawing** (a request for a named poster the bucket lacks): the one poster is planned and
 *   drawn in the request, fonts cut from the originals among the assets with HarfBuzz given as a
 *   compiled module (workerd compiles no WebAssembly at run time), then stored in the bucket for
 *   good. About a second of CPU for a village poster, within a Worker's limit (30 s by default
 *   on the paid plan); one 17 MB font is held at a time.
 *
 * Share cards are still drawn by the deploy only (satori and sharp do not run in workerd).
 */
import type { MiddlewareHandler } from 'hono';
import type { Database } from '../db/database.ts';
import { loadPosterPlanPart, savePosterPlanPart } from '../src/data/poster-plan-parts.ts';
import { posterSource } from '../src/data/poster-source.ts';
import { openFontSubsetter } from '../src/posters/font-subset.ts';
import { drawPosterJob } from '../src/posters/jobs.ts';
import { isManifestName, manifestFiles, manifestPartOf, POSTER_FILE_NAME, villagePosterEntries, WORKER_POSTER_SETTINGS, type ManifestPart, type PosterManifest } from '../src/posters/manifest.ts';
import type { PosterSettings } from '../src/posters/model.ts';
import { planPosters, posterId } from '../src/posters/plan.ts';
import { openPosterFonts, POSTER_FONT_ASSETS, POSTER_FONT_FILES, posterFontCutter } from '../src/posters/poster-fonts.ts';
import type { AppEnv } from './app-env.ts';
import { posterContentType, type PosterStore, type StoredPoster } from './storage/poster-store.ts';
import { sendPosterFile } from './stored-posters.ts';

/** The assets binding (a Fetcher), as functions/worker.ts has it. */
interface Assets {
  fetch(request: Request): Promise<Response>;
}

export interface WorkerPosterOptions {
  db: Database;
  assets: Assets;
  store: PosterStore;
  /** The build's id: a plan stored by another build is not this build's. */
  buildId: string;
  /** `harfbuzz-subset.wasm` (harfbuzzjs), compiled: imported as a module by functions/worker-pages.ts. */
  subsetter: WebAssembly.Module;
  /** The build's copy of a part (all its county's townships of the year), null when none. */
  builtPart(part: ManifestPart): Promise<PosterManifest | null>;
  clock: () => Date;
  log: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

export interface WorkerPosters {
  /** The part pages link from: this build's own plan of the township when a publish made one, else the build's copy. */
  part(part: ManifestPart): Promise<PosterManifest | null>;
  /** Names the posters of villages just published (their townships' parts), laying out only the new ones. */
  planVillages(year: number, villageCodes: readonly string[]): Promise<void>;
  /** Draws the poster file `name` if a part names it, stores its files, and returns the one asked for. */
  draw(name: string): Promise<StoredPoster | null>;
}

const assetUrl = (path: string) => new Request(`https://assets.invalid${path}`);

export function createWorkerPosters(options: WorkerPosterOptions): WorkerPosters {
  const { db, assets, store, buildId, log } = options;
  const source = posterSource(db);
  /**
   * The settings the build named its posters with, null when it has none. Kept once read (a Worker
   * version's assets never change); a read in flight is never shared, since workerd forbids a
   * request to wait on another request's I/O.
   */
  let settingsKept: { value: PosterSettings | null } | null = null;
  const settings = async (): Promise<PosterSettings | null> => {
    if (settingsKept) return settingsKept.value;
    const res = await assets.fetch(assetUrl(`/posters/${WORKER_POSTER_SETTINGS}`));
    if (!res.ok) {
      await res.body?.cancel();
      // A build without settings has none for good; another failure is tried again.
      if (res.status === 404) settingsKept = { value: null };
      return null;
    }
    settingsKept = { value: (await res.json()) as PosterSettings };
    return settingsKept.value;
  };
  const cutter = posterFontCutter(
    async (weight) => {
      const res = await assets.fetch(assetUrl(`${POSTER_FONT_ASSETS}/${POSTER_FONT_FILES[weight]}`));
      if (!res.ok) {
        await res.body?.cancel();
        throw new Error(`the poster font ${POSTER_FONT_FILES[weight]} is not among the Worker's assets (${res.status})`);
      }
      return new Uint8Array(await res.arrayBuffer());
    },
    // A new instance per cut: its memory (twice a 17 MB font) goes with it.
    () => openFontSubsetter(options.subsetter),
  );

  const part = async (p: ManifestPart) => (await loadPosterPlanPart(db, buildId, p)) ?? (await options.builtPart(p));

  return {
    part,

    async planVillages(year, villageCodes) {
      const drawWith = await settings();
      if (!drawWith) return;
      for (const townshipCode of [...new Set(villageCodes.map((code) => code.slice(0, 9)))]) {
        const p = { year, townshipCode };
        const current = await part(p);
        // Named before: their page counts are known from the names, so only new posters are laid out.
        const named = current ? manifestFiles(current) : new Set<string>();
        const plan = await planPosters({ source, outDir: '', settings: drawWith, years: [year], townshipCodes: [townshipCode], isStored: (name) => named.has(name), fonts: cutter });
        await savePosterPlanPart(db, buildId, p, plan.manifest, options.clock());
        log('info', 'posters named after a publish', { year, townshipCode, posters: plan.posters.length, new: plan.posters.filter((x) => x.job).length });
      }
    },

    async draw(name) {
      const match = POSTER_FILE_NAME.exec(name);
      const p = manifestPartOf(name);
      if (!match || !p) return null;
      const manifest = await part(p);
      const named = manifest ? manifestFiles(manifest) : null;
      if (!manifest || !named?.has(name)) return null;
      const drawWith = await settings();
      if (!drawWith) return null;
      const base = name.slice(0, -(match[6]!.length + 1));
      // Drawn as named: with the previous outcomes the part was planned with.
      const previousOutcomes = new Map(villagePosterEntries(manifest).map((v) => [posterId({ scopeCode: v.villageCode, year: v.year, version: v.version }), v.previousOutcome ?? null]));
      const started = performance.now();
      const plan = await planPosters({
        source,
        outDir: '',
        settings: drawWith,
        years: [p.year],
        townshipCodes: [p.townshipCode],
        previousOutcomes,
        // Every other named poster counts as drawn: only this one is laid out and gets a job.
        isStored: (file) => named.has(file) && !file.startsWith(`${base}-`),
        fonts: cutter,
      });
      const poster = plan.posters.find((x) => x.base === base);
      if (!poster?.job || !plan.fonts) {
        log('warn', 'poster named in the manifest is not what the database and settings give now', { name });
        return null;
      }
      const { files } = await drawPosterJob(poster.job, openPosterFonts(plan.fonts));
      for (const [file, bytes] of files) await store.put(file, bytes, posterContentType(file));
      log('info', 'poster drawn in the Worker', { base, files: files.size, ms: Math.round(performance.now() - started) });
      const bytes = files.get(name);
      return bytes ? { bytes, contentType: posterContentType(name) } : null;
    },
  };
}

/** Serves a poster the bucket lacks by drawing it (after storedPosterFiles); anything else goes on. */
export function drawnPosterFiles(posters: WorkerPosters, urlPrefix = '/posters'): MiddlewareHandler<AppEnv> {
  const prefix = `${urlPrefix.replace(/\/+$/, '')}/`;
  return async (c, next) => {
    if ((c.req.method !== 'GET' && c.req.method !== 'HEAD') || !c.req.path.startsWith(prefix)) return next();
    const name = c.req.path.slice(prefix.length);
    if (isManifestName(name) || !POSTER_FILE_NAME.test(name)) return next();
    const file = await posters.draw(name);
    return file ? sendPosterFile(c, file, { 'X-Poster': 'drawn' }) : next();
  };
}
