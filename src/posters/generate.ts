/**
 * Renders every planned poster whose files are missing (see plan.ts), writes the manifest and
 * removes files no longer referenced: what `npm run posters` and a static build run. Rendering runs
 * on worker threads (one per core by default), with fonts subset once per run.
 */
import { availableParallelism } from 'node:os';
import { openPosterFonts, type PosterFontBytes } from './fonts.ts';
import { runPosterJob, type JobResult, type PosterJob } from './jobs.ts';
import type { PosterManifest, VillagePosterEntry } from './manifest.ts';
import { planPosters, setPosterPages, writePosterManifest, type PlanPostersOptions } from './plan.ts';
import { createRenderPool } from './pool.ts';

export { POSTER_FORMAT_VERSION, villagePosterKey } from './plan.ts';
export { PosterRenderError } from './pool.ts';

export interface GeneratePostersOptions extends PlanPostersOptions {
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
  /** Only when planned without rendering: village posters whose files do not exist yet. */
  missing?: number;
}

/** Renders what changed, reuses the rest, writes the manifest and removes stale files. */
export async function generatePosters(options: GeneratePostersOptions): Promise<GeneratePostersResult> {
  const started = performance.now();
  const plan = await planPosters(options);
  // Township batches first, as before: they are the longest jobs.
  const todo = [...plan.posters.filter((p) => p.job && p.kind === 'township'), ...plan.posters.filter((p) => p.job && p.kind === 'village')];
  if (todo.length > 0 && plan.fonts) {
    let done = 0;
    await runJobs(
      todo.map((p) => p.job!),
      plan.fonts,
      options.workers ?? availableParallelism(),
      (index, result) => {
        const poster = todo[index]!;
        // The plan laid the poster out with the same fonts; keep the manifest true all the same.
        if (poster.kind === 'village' && (poster.entry as VillagePosterEntry).pages !== result.pages) setPosterPages(poster.entry as VillagePosterEntry, result.pages);
        done++;
        options.onProgress?.({ done, total: todo.length, label: poster.label });
      },
    );
  }
  const removedFiles = writePosterManifest(options.outDir, plan, { removeStale: !options.villageCodes });
  const villages = plan.posters.filter((p) => p.kind === 'village');
  const rendered = todo.filter((p) => p.kind === 'village').length;
  return {
    rendered,
    reused: villages.length - rendered,
    townshipsRendered: todo.length - rendered,
    removedFiles,
    ms: performance.now() - started,
    manifest: plan.manifest,
  };
}

/** Runs jobs on `workers` threads (in this thread for 0 workers or a handful of jobs). */
async function runJobs(jobs: PosterJob[], fonts: PosterFontBytes, workers: number, onDone: (index: number, result: JobResult) => void): Promise<void> {
  if (workers <= 0 || jobs.length < 4) {
    const opened = openPosterFonts(fonts);
    for (const [i, job] of jobs.entries()) onDone(i, await runPosterJob(job, opened));
    return;
  }
  const pool = createRenderPool({ size: Math.min(workers, jobs.length) });
  try {
    await Promise.all(jobs.map((job, i) => pool.run(job, fonts).promise.then((result) => onDone(i, result))));
  } finally {
    await pool.close();
  }
}
