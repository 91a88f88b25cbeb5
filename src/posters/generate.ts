/**
 * Generates the posters of every published village disclosure (latest version of each village and
 * year) and one batch PDF per township and year, incrementally: files are named by a key hashed
 * from the disclosure version and the poster settings, so a poster is rendered again only when
 * that key changes; files no longer referenced are removed. Rendering runs on worker threads (one
 * per core); fonts are subset once per run to exactly the characters printed.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Database } from '../../db/database.ts';
import { listPublishedYears, loadPublishedYear, type PublishedDisclosure } from '../data/disclosures.ts';
import { canonicalJson, type VillageDisclosureContent } from '../domain/disclosure-content.ts';
import { MissingGlyphError, missingCharacters, openPosterFonts, releaseOriginalFonts, subsetPosterFonts, type PosterFontBytes } from './fonts.ts';
import { runPosterJob, type JobResult, type PosterJob } from './jobs.ts';
import { posterCharacters } from './layout.ts';
import { emptyManifest, MANIFEST_FILE, type PosterManifest, type TownshipPosterEntry, type VillagePosterEntry } from './manifest.ts';
import { buildPosterModel, type PosterModel, type PosterSettings } from './model.ts';
import { villageDisplayName } from './title.ts';

/** Bump when the layout or rendering changes, so every poster is drawn again. */
export const POSTER_FORMAT_VERSION = 1;

export interface GeneratePostersOptions {
  db: Database;
  /** Folder the posters are written into, e.g. `public/posters`. */
  outDir: string;
  /** Site path of `outDir` (default `/posters`). */
  urlPrefix?: string;
  settings: PosterSettings;
  /** Default: every published year. */
  years?: readonly number[];
  /** Default: every village with a published disclosure (tests render a handful). */
  villageCodes?: readonly string[];
  /** Worker threads; default one per core. 0 renders in this thread. */
  workers?: number;
  onProgress?: (progress: { done: number; total: number; label: string }) => void;
}

export interface GeneratePostersResult {
  rendered: number;
  reused: number;
  townshipsRendered: number;
  removedFiles: number;
  ms: number;
  manifest: PosterManifest;
}

export class PosterRenderError extends Error {
  override name = 'PosterRenderError';
}

const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** The key a village poster's files are named by: it changes when anything printed can change. */
export function villagePosterKey(d: PublishedDisclosure<VillageDisclosureContent>, settings: PosterSettings): string {
  return hash(
    canonicalJson({
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

interface Planned {
  disclosure: PublishedDisclosure<VillageDisclosureContent>;
  entry: VillagePosterEntry;
  files: { a4Pdf: string; a3Pdf: string; pngPattern: string };
  /** `<year>/<village>-<key>`, the files' common name. */
  base: string;
  needed: boolean;
}

/** Renders what changed, reuses the rest, writes the manifest and removes stale files. */
export async function generatePosters(options: GeneratePostersOptions): Promise<GeneratePostersResult> {
  const started = performance.now();
  const { outDir, settings } = options;
  const prefix = (options.urlPrefix ?? '/posters').replace(/\/+$/, '');
  const years = options.years ?? (await listPublishedYears(options.db));
  const only = options.villageCodes ? new Set(options.villageCodes) : null;
  const manifest = emptyManifest();
  const planned: Planned[] = [];
  const townshipJobs: Array<{ job: PosterJob; entry: TownshipPosterEntry; members: Planned[] }> = [];

  for (const year of years) {
    const published = await loadPublishedYear(options.db, year);
    const byTownship = new Map<string, Planned[]>();
    for (const d of published.villages) {
      if (only && !only.has(d.scopeCode)) continue;
      const key = villagePosterKey(d, settings);
      const base = `${year}/${d.scopeCode}-${key}`;
      const entry: VillagePosterEntry = {
        villageCode: d.scopeCode,
        villageName: d.content.scope.name,
        townshipCode: d.content.scope.townshipCode,
        year,
        version: d.version,
        verificationCode: d.verificationCode,
        key,
        pages: 0,
        a4Pdf: `${prefix}/${base}-a4.pdf`,
        a3Pdf: `${prefix}/${base}-a3.pdf`,
        png: [],
      };
      const files = { a4Pdf: join(outDir, `${base}-a4.pdf`), a3Pdf: join(outDir, `${base}-a3.pdf`), pngPattern: join(outDir, `${base}-a4-p{page}.png`) };
      const existingPages = countExistingPages(files.pngPattern);
      const needed = !(existsSync(files.a4Pdf) && existsSync(files.a3Pdf) && existingPages > 0);
      entry.pages = existingPages;
      const plan: Planned = { disclosure: d, entry, files, base, needed };
      planned.push(plan);
      const township = d.content.scope.townshipCode;
      if (township) byTownship.set(township, [...(byTownship.get(township) ?? []), plan]);
    }
    for (const [code, members] of byTownship) {
      const name = members[0]!.disclosure.content.scope.townshipName ?? code;
      const key = hash(canonicalJson({ format: POSTER_FORMAT_VERSION, code, year, members: members.map((m) => m.entry.key) }));
      const base = `${year}/township-${code}-${key}`;
      const entry: TownshipPosterEntry = {
        townshipCode: code,
        townshipName: name,
        year,
        key,
        villageCodes: members.map((m) => m.entry.villageCode),
        a4Pdf: `${prefix}/${base}-a4.pdf`,
        a3Pdf: `${prefix}/${base}-a3.pdf`,
      };
      manifest.townships[`${code}/${year}`] = entry;
      const a4Pdf = join(outDir, `${base}-a4.pdf`);
      const a3Pdf = join(outDir, `${base}-a3.pdf`);
      if (existsSync(a4Pdf) && existsSync(a3Pdf)) continue;
      const title = `${name}${year}年度水库移民后期扶持项目公示（${members.length} 个村）`;
      townshipJobs.push({ job: { kind: 'township', title, models: [], a4Pdf, a3Pdf }, entry, members });
    }
  }

  // Models (with their QR codes) only for what is drawn.
  const models = new Map<Planned, PosterModel>();
  const modelOf = (p: Planned) => {
    let m = models.get(p);
    if (!m) {
      m = buildPosterModel(p.disclosure.content, p.disclosure, settings);
      models.set(p, m);
    }
    return m;
  };
  const jobs: Array<{ job: PosterJob; plan?: Planned; label: string }> = [];
  for (const t of townshipJobs) {
    if (t.job.kind === 'township') t.job.models = t.members.map(modelOf);
    jobs.push({ job: t.job, label: `${t.entry.townshipName} ${t.entry.year}（乡镇合订本）` });
  }
  for (const p of planned.filter((x) => x.needed)) {
    jobs.push({ job: { kind: 'village', model: modelOf(p), ...p.files }, plan: p, label: `${villageDisplayName(p.entry.villageName)} ${p.entry.year}` });
  }

  if (jobs.length > 0) {
    const text = [...new Set([...models.values()].map(posterCharacters).join(''))].join('');
    const missing = missingCharacters(text);
    if (missing.length > 0) {
      const where = [...models.values()].filter((m) => missing.some((ch) => posterCharacters(m).includes(ch))).map((m) => `${m.villageCode}/${m.year}`);
      throw new MissingGlyphError(
        `Source Han Sans SC has no glyph for ${missing.map((c) => `「${c}」U+${c.codePointAt(0)!.toString(16).toUpperCase()}`).join(' ')} ` +
          `(in ${where.slice(0, 10).join(', ')}${where.length > 10 ? ', …' : ''}); correct the text or add a font that has it`,
      );
    }
    const fontBytes = await subsetPosterFonts(text);
    // A long-running server keeps going after this: don't hold the 17 MB originals.
    releaseOriginalFonts();
    let done = 0;
    await runJobs(
      jobs.map((j) => j.job),
      fontBytes,
      options.workers ?? availableParallelism(),
      (index, result) => {
        const plan = jobs[index]!.plan;
        if (plan) plan.entry.pages = result.pages;
        done++;
        options.onProgress?.({ done, total: jobs.length, label: jobs[index]!.label });
      },
    );
  }

  for (const p of planned) {
    p.entry.png = Array.from({ length: p.entry.pages }, (_, i) => `${prefix}/${p.base}-a4-p${i + 1}.png`);
    manifest.villages[`${p.entry.villageCode}/${p.entry.year}`] = p.entry;
  }
  mkdirSync(outDir, { recursive: true });
  const removedFiles = only ? 0 : removeStaleFiles(outDir, manifest, prefix);
  const manifestFile = join(outDir, MANIFEST_FILE);
  writeFileSync(`${manifestFile}.tmp`, `${JSON.stringify(manifest, null, 1)}\n`);
  renameSync(`${manifestFile}.tmp`, manifestFile);
  const rendered = planned.filter((p) => p.needed).length;
  return {
    rendered,
    reused: planned.length - rendered,
    townshipsRendered: townshipJobs.length,
    removedFiles,
    ms: performance.now() - started,
    manifest,
  };
}

function countExistingPages(pattern: string): number {
  let n = 0;
  while (existsSync(pattern.replace('{page}', String(n + 1)))) n++;
  return n;
}

/** Deletes poster files of earlier versions (and leftovers of interrupted writes). */
function removeStaleFiles(outDir: string, manifest: PosterManifest, prefix: string): number {
  const keep = new Set<string>();
  for (const v of Object.values(manifest.villages)) for (const f of [v.a4Pdf, v.a3Pdf, ...v.png]) keep.add(f.slice(prefix.length + 1));
  for (const t of Object.values(manifest.townships)) for (const f of [t.a4Pdf, t.a3Pdf]) keep.add(f.slice(prefix.length + 1));
  let removed = 0;
  for (const dir of readdirSync(outDir)) {
    if (!/^\d{4}$/.test(dir) || !statSync(join(outDir, dir)).isDirectory()) continue;
    for (const file of readdirSync(join(outDir, dir))) {
      // Another run may be writing (same data, same names): leave its temporary files alone.
      if (file.endsWith('.tmp')) continue;
      if (!keep.has(`${dir}/${file}`)) {
        rmSync(join(outDir, dir, file), { force: true });
        removed++;
      }
    }
  }
  return removed;
}

/** Runs jobs on `workers` threads (in this thread for 0 workers or a handful of jobs). */
async function runJobs(jobs: PosterJob[], fontBytes: PosterFontBytes, workers: number, onDone: (index: number, result: JobResult) => void): Promise<void> {
  if (workers <= 0 || jobs.length < 4) {
    const fonts = openPosterFonts(fontBytes);
    for (const [i, job] of jobs.entries()) onDone(i, await runPosterJob(job, fonts));
    return;
  }
  const pool = Array.from({ length: Math.min(workers, jobs.length) }, () => new Worker(new URL('./worker.ts', import.meta.url), { workerData: fontBytes }));
  let next = 0;
  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const feed = () => {
              if (next >= jobs.length) return resolve();
              const id = next++;
              worker.postMessage({ id, job: jobs[id] });
            };
            worker.on('message', (message: { id: number; result?: JobResult; error?: string }) => {
              if (message.error !== undefined) return reject(new PosterRenderError(`poster job ${message.id} failed: ${message.error}`));
              onDone(message.id, message.result!);
              feed();
            });
            worker.on('error', reject);
            worker.on('exit', (code) => (code === 0 ? undefined : reject(new PosterRenderError(`poster worker exited with ${code}`))));
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}
