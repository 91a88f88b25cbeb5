/**
 * Node mode only: serves `/posters/<year>/<file>` from the poster folder, drawing a planned poster
 * the first time it is asked for (src/posters/on-demand.ts). Files are named by content, so they
 * are cached for good. Anything under `/posters/` that is not a planned poster goes on to the built
 * site (the manifest's files, a file pruned from the manifest) and then to posterRedirects. Also the renderer of staff's 草稿 previews
 * ({@link nodeDraftPosters}), which only the Node entry passes to createApp.
 */
import { readFile } from 'node:fs/promises';
import type { MiddlewareHandler } from 'hono';
import { drawDraftPoster, type DraftPosterRenderer, type DraftPosterResult } from '../src/posters/draft.ts';
import { releaseOriginalFonts } from '../src/posters/fonts.ts';
import { isManifestName } from '../src/posters/manifest.ts';
import { renderReportPdf, type ReportPdfRenderer } from '../src/posters/report-pdf.ts';
import { readPosterSettings, type PosterSettingsSource } from '../src/posters/model.ts';
import type { PosterOnDemand } from '../src/posters/on-demand.ts';
import type { AppEnv } from './app-env.ts';
import { sendPosterFile } from './stored-posters.ts';


export function nodePosterFiles(posters: PosterOnDemand, urlPrefix = '/posters'): MiddlewareHandler<AppEnv> {
  const prefix = `${urlPrefix.replace(/\/+$/, '')}/`;
  return async (c, next) => {
    if ((c.req.method !== 'GET' && c.req.method !== 'HEAD') || !c.req.path.startsWith(prefix)) return next();
    const name = c.req.path.slice(prefix.length);
    if (isManifestName(name)) return next();
    // The name is checked against a strict pattern and the manifest before it touches the disk,
    // so `..`, encoded slashes and the like never reach a path.
    const file = await posters.file(name);
    if (!file) return next();
    return sendPosterFile(c, { bytes: new Uint8Array(await readFile(file.path)), contentType: file.contentType });
  };
}

/**
 * Runs font-heavy work (a draft poster, a report PDF) one job at a time in this process, so a burst
 * of clicks queues instead of starving other requests; the 17 MB original fonts a job loads stay
 * cached while jobs keep coming and are dropped after `idleMs` without one.
 */
function oneAtATimeWithFonts(idleMs = 60_000): <T>(work: () => Promise<T>) => Promise<T> {
  let queue: Promise<unknown> = Promise.resolve();
  let idle: ReturnType<typeof setTimeout> | undefined;
  return (work) => {
    clearTimeout(idle);
    const run = queue.then(work);
    queue = run
      .catch(() => undefined)
      .then(() => {
        clearTimeout(idle);
        idle = setTimeout(releaseOriginalFonts, idleMs);
        idle.unref();
      });
    return run;
  };
}

/** Draws 草稿 previews in this process, one at a time (each takes about a second of CPU). */
export function nodeDraftPosters(settings: PosterSettingsSource, options: { idleMs?: number } = {}): DraftPosterRenderer {
  const run = oneAtATimeWithFonts(options.idleMs);
  return (request) => run(async (): Promise<DraftPosterResult> => drawDraftPoster(request, await readPosterSettings(settings)));
}

/** Office reports (the 绩效自评表) as PDF, drawn one at a time like the draft posters (staff-only and rare). */
export function nodeReportPdf(options: { idleMs?: number } = {}): ReportPdfRenderer {
  const run = oneAtATimeWithFonts(options.idleMs);
  return (doc) => run(() => renderReportPdf(doc));
}
