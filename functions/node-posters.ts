/**
 * Node mode only: serves `/posters/<year>/<file>` from the poster folder, drawing a planned poster
 * the first time it is asked for (src/posters/on-demand.ts). Files are named by content, so they
 * are cached for good. Anything under `/posters/` that is not a planned poster goes on to the built
 * site (`manifest.json`, a file pruned to the manifest) and then to posterRedirects. Also the renderer of staff's 草稿 previews
 * ({@link nodeDraftPosters}), which only the Node entry passes to createApp.
 */
import { readFile } from 'node:fs/promises';
import type { MiddlewareHandler } from 'hono';
import { drawDraftPoster, type DraftPosterRenderer, type DraftPosterResult } from '../src/posters/draft.ts';
import { releaseOriginalFonts } from '../src/posters/fonts.ts';
import { MANIFEST_FILE } from '../src/posters/manifest.ts';
import { renderReportPdf, type ReportPdfRenderer } from '../src/posters/report-pdf.ts';
import { readPosterSettings, type PosterSettingsSource } from '../src/posters/model.ts';
import type { PosterOnDemand } from '../src/posters/on-demand.ts';
import type { AppEnv } from './app-env.ts';

export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';

export function nodePosterFiles(posters: PosterOnDemand, urlPrefix = '/posters'): MiddlewareHandler<AppEnv> {
  const prefix = `${urlPrefix.replace(/\/+$/, '')}/`;
  return async (c, next) => {
    if ((c.req.method !== 'GET' && c.req.method !== 'HEAD') || !c.req.path.startsWith(prefix)) return next();
    const name = c.req.path.slice(prefix.length);
    if (name === MANIFEST_FILE) return next();
    // The name is checked against a strict pattern and the manifest before it touches the disk,
    // so `..`, encoded slashes and the like never reach a path.
    const file = await posters.file(name);
    if (!file) return next();
    const bytes = await readFile(file.path);
    c.header('Content-Type', file.contentType);
    c.header('Content-Length', String(bytes.byteLength));
    c.header('Cache-Control', IMMUTABLE_CACHE);
    if (c.req.method === 'HEAD') return c.body(null, 200);
    return c.body(new Uint8Array(bytes), 200);
  };
}

/**
 * Draws 草稿 previews in this process, one at a time (each takes about a second of CPU), so a burst
 * of clicks queues instead of starving other requests. The 17 MB original fonts a draft loads stay
 * cached while staff keep previewing and are dropped after `idleMs` without a draft.
 */
export function nodeDraftPosters(settings: PosterSettingsSource, options: { idleMs?: number } = {}): DraftPosterRenderer {
  let queue: Promise<unknown> = Promise.resolve();
  let idle: ReturnType<typeof setTimeout> | undefined;
  return (request) => {
    clearTimeout(idle);
    const run = queue.then(async () => drawDraftPoster(request, await readPosterSettings(settings)));
    queue = run
      .catch(() => undefined)
      .then(() => {
        clearTimeout(idle);
        idle = setTimeout(releaseOriginalFonts, options.idleMs ?? 60_000);
        idle.unref();
      });
    return run as Promise<DraftPosterResult>;
  };
}

/**
 * Office reports (the 绩效自评表) as PDF, drawn one at a time like the draft posters (staff-only
 * and rare), and the 17 MB original fonts dropped again after a minute without one.
 */
export function nodeReportPdf(options: { idleMs?: number } = {}): ReportPdfRenderer {
  let queue: Promise<unknown> = Promise.resolve();
  let idle: ReturnType<typeof setTimeout> | undefined;
  return (doc) => {
    clearTimeout(idle);
    const run = queue.then(() => renderReportPdf(doc));
    queue = run
      .catch(() => undefined)
      .then(() => {
        clearTimeout(idle);
        idle = setTimeout(releaseOriginalFonts, options.idleMs ?? 60_000);
        idle.unref();
      });
    return run;
  };
}
