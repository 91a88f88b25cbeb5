/**
 * One unit of poster work: lay out and render a village poster (A4 PDF, A3 PDF, PNG per page) or a
 * township's batch PDFs, and write the files. Runs in a worker thread or in-process alike.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { threadId } from 'node:worker_threads';
import type { PosterFonts } from './poster-fonts.ts';
import { layoutPoster } from './layout.ts';
import type { PosterModel } from './model.ts';
import { renderPdf, renderPng } from './render.ts';

export interface VillageJob {
  kind: 'village';
  model: PosterModel;
  /** Absolute file paths. */
  a4Pdf: string;
  a3Pdf: string;
  /** `{page}` is replaced by the page number. */
  pngPattern: string;
}

export interface TownshipJob {
  kind: 'township';
  title: string;
  models: PosterModel[];
  a4Pdf: string;
  a3Pdf: string;
}

export type PosterJob = VillageJob | TownshipJob;

export interface JobResult {
  pages: number;
}

/** Writes through a temporary name (unique per process and thread), so a reader never sees half a file. */
function writeAtomically(file: string, bytes: Uint8Array) {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}-${threadId}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
}

/** Draws a job's files (path → bytes) without writing them: what the Worker stores in its bucket. */
export async function drawPosterJob(job: PosterJob, fonts: PosterFonts): Promise<{ files: Map<string, Uint8Array>; pages: number }> {
  const files = new Map<string, Uint8Array>();
  if (job.kind === 'village') {
    const pages = layoutPoster(job.model, fonts.measure);
    const info = { title: job.model.title, subject: job.model.subtitle, author: job.model.issuer };
    files.set(job.a4Pdf, await renderPdf(pages, fonts, 'A4', info));
    files.set(job.a3Pdf, await renderPdf(pages, fonts, 'A3', info));
    pages.forEach((page, i) => files.set(job.pngPattern.replace('{page}', String(i + 1)), renderPng(page, fonts)));
    return { files, pages: pages.length };
  }
  const pages = job.models.flatMap((m) => layoutPoster(m, fonts.measure));
  const info = { title: job.title };
  files.set(job.a4Pdf, await renderPdf(pages, fonts, 'A4', info));
  files.set(job.a3Pdf, await renderPdf(pages, fonts, 'A3', info));
  return { files, pages: pages.length };
}

/** Draws a job and writes its files, each atomically. */
export async function runPosterJob(job: PosterJob, fonts: PosterFonts): Promise<JobResult> {
  const { files, pages } = await drawPosterJob(job, fonts);
  for (const [file, bytes] of files) writeAtomically(file, bytes);
  return { pages };
}
