/**
 * `npm run posters`: renders the 公示 posters of every published village disclosure into the poster
 * folder (`POSTER_DIR`, default `public/posters/`, or `--out <dir>`), incrementally, with a progress
 * line. `npm run build` calls {@link generateSitePosters} before the Astro build (a static host
 * serves only files that exist); `npm start` calls {@link planSitePosters}, which only names the
 * files, and the Node server draws each poster when first asked for it.
 *
 * Flags: `--out <dir>`, `--year <yyyy>` (repeatable), `--workers <n>`; `--plan` only names them and
 * prints the result as JSON (the Node build runs it so, in a child process).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { migrateDatabase, openDatabase } from '../../db/client.ts';
import type { Database } from '../../db/database.ts';
import { ConfigError, configSchema, withSiteUrl } from '../config.ts';
import { posterSource } from '../data/poster-source.ts';
import { generatePosters, type GeneratePostersResult } from '../posters/generate.ts';
import type { PosterSettings } from '../posters/model.ts';
import { planPosters, writePosterManifest } from '../posters/plan.ts';
import { readPosterManifest, writePlannedSettings } from '../posters/manifest-store.ts';
import { loadAllCountySettings, loadCountySettings, posterSettingsFor } from '../data/county-settings.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The default poster folder: inside public/, so Astro copies the files into a static build. */
export const SITE_POSTER_DIR = resolve(PROJECT_ROOT, 'public/posters');

/** Poster settings from the environment: the shared configuration plus the poster-only variables. */
export const posterConfigSchema = configSchema.extend({
  /**
   * Poster folder (relative to the project root). Outside public/, a static build does not carry
   * the files; Node mode serves them from here either way. Tests use a folder of their own.
   */
  POSTER_DIR: z
    .string()
    .trim()
    .default('public/posters')
    .transform((v) => resolve(PROJECT_ROOT, v)),
  /** After `npm start` is listening: draw the latest year's missing posters in the background. */
  POSTER_WARM: z.enum(['latest', 'none']).default('latest'),
  /** Overrides the county's 公示 title template: {village} {year} {township} {county}. */
  POSTER_TITLE_TEMPLATE: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v)),
  /** Township supervision phones, `430482101=0734-1234567;430482102=…`. */
  TOWNSHIP_SUPERVISION_PHONES: z
    .string()
    .trim()
    .default('')
    .transform((v, ctx) => {
      const phones: Record<string, string> = {};
      for (const pair of v.split(/[;；]/).map((s) => s.trim()).filter(Boolean)) {
        const m = /^(\d{9})\s*=\s*(.+)$/.exec(pair);
        if (!m) {
          ctx.addIssue({ code: 'custom', message: `expected <9-digit township code>=<phone>, got "${pair}"` });
          continue;
        }
        phones[m[1]!] = m[2]!.trim();
      }
      return phones;
    }),
});

export type PosterConfig = z.infer<typeof posterConfigSchema>;

/** Parses the poster configuration; a bad value throws ConfigError naming the variable. */
export function loadPosterConfig(env: Record<string, string | undefined>): PosterConfig {
  const result = posterConfigSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(`Invalid configuration:\n${result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  return withSiteUrl(result.data);
}

/** The county's poster settings (from its database) with the environment's overrides. */
export async function posterSettingsFromEnv(env: Record<string, string | undefined>, db: Database): Promise<PosterSettings> {
  return posterSettingsFromConfig(loadPosterConfig(env), db);
}

export async function posterSettingsFromConfig(c: PosterConfig, db: Database): Promise<PosterSettings> {
  const counties = await loadAllCountySettings(db, c);
  const first = posterSettingsFor(counties[0] ?? (await loadCountySettings(db, c)), c.SITE_URL, { titleTemplate: c.POSTER_TITLE_TEMPLATE, townshipPhones: c.TOWNSHIP_SUPERVISION_PHONES });
  if (counties.length <= 1) return first;
  // Several counties: each poster is drawn with its own county's settings; the environment's
  // poster overrides would print one county's title and phones on another's, so they are not used.
  return { ...first, byCounty: Object.fromEntries(counties.map((county) => [county.countyCode!, posterSettingsFor(county, c.SITE_URL)])) };
}

/** A one-line progress display on a terminal, a line every 10 % otherwise. */
export function progressPrinter(stream: NodeJS.WriteStream = process.stderr) {
  let lastTenth = -1;
  return ({ done, total, label }: { done: number; total: number; label: string }) => {
    if (stream.isTTY) {
      stream.write(`\r\x1b[2K海报 ${done}/${total}  ${label}`);
      if (done === total) stream.write('\n');
      return;
    }
    const tenth = Math.floor((done / total) * 10);
    if (tenth !== lastTenth || done === total) {
      lastTenth = tenth;
      stream.write(`海报 ${done}/${total} (${Math.round((done / total) * 100)}%)\n`);
    }
  };
}

/** Renders the site's missing posters into POSTER_DIR and writes its manifest (what a static build runs). */
export async function generateSitePosters(db: Database, env: Record<string, string | undefined>, options: { quiet?: boolean } = {}): Promise<GeneratePostersResult> {
  const config = loadPosterConfig(env);
  const settings = await posterSettingsFromConfig(config, db);
  const result = await generatePosters({
    source: posterSource(db),
    outDir: config.POSTER_DIR,
    settings,
    ...(options.quiet ? {} : { onProgress: progressPrinter() }),
  });
  writePlannedSettings(config.POSTER_DIR, settings);
  return result;
}

/**
 * Names the site's posters without drawing any: writes POSTER_DIR's manifest (pages link the files
 * from it) and removes files it no longer names. What `npm start` runs; the Node server draws each
 * poster when first requested. The result counts posters whose files are still missing.
 */
export async function planSitePosters(db: Database, env: Record<string, string | undefined>): Promise<GeneratePostersResult> {
  const started = performance.now();
  const config = loadPosterConfig(env);
  const settings = await posterSettingsFromConfig(config, db);
  // Page counts of the posters named before: only posters new since then are laid out.
  const known = new Map<string, number>();
  const before = readPosterManifest(config.POSTER_DIR);
  for (const entry of [...Object.values(before.villages), ...Object.values(before.superseded)]) {
    if (entry.pages > 0) known.set(entry.a4Pdf.replace(/^\/posters\//, '').replace(/-a4\.pdf$/, ''), entry.pages);
  }
  const plan = await planPosters({ source: posterSource(db), outDir: config.POSTER_DIR, settings, namesOnly: { known } });
  const removedFiles = writePosterManifest(config.POSTER_DIR, plan);
  writePlannedSettings(config.POSTER_DIR, settings);
  const villages = plan.posters.filter((p) => p.kind === 'village');
  const missing = villages.filter((p) => !existsSync(join(config.POSTER_DIR, p.files[0]!))).length;
  return { rendered: 0, reused: villages.length - missing, townshipsRendered: 0, removedFiles, ms: performance.now() - started, manifest: plan.manifest, missing };
}

/**
 * Opens the database named in `env` (over process.env) and renders the site's posters, or with
 * `plan: true` only names them (see {@link planSitePosters}).
 */
export async function generateSitePostersFromEnv(env: Record<string, string | undefined>, options: { quiet?: boolean; plan?: boolean } = {}): Promise<GeneratePostersResult> {
  const merged = { ...process.env, ...env };
  const config = loadPosterConfig(merged);
  const { db, close } = await openDatabase({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN });
  try {
    return options.plan ? await planSitePosters(db, merged) : await generateSitePosters(db, merged, options);
  } finally {
    close();
  }
}

export function describeResult(r: Omit<GeneratePostersResult, 'manifest'>): string {
  if (r.missing !== undefined) {
    return `海报：已规划 ${r.reused + r.missing} 张（${r.missing} 张待首次访问时生成），清理旧文件 ${r.removedFiles} 个，用时 ${(r.ms / 1000).toFixed(1)} 秒`;
  }
  return `海报：新生成 ${r.rendered} 张、沿用 ${r.reused} 张，乡镇合订本 ${r.townshipsRendered} 份，清理旧文件 ${r.removedFiles} 个，用时 ${(r.ms / 1000).toFixed(1)} 秒`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.argv.includes('--plan')) {
  // Only name the posters (what a Node build does, in this child process: src/cli/site-build.ts).
  const config = loadPosterConfig(process.env);
  const { db, close } = await openDatabase({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN });
  try {
    const { manifest: _manifest, ...planned } = await planSitePosters(db, process.env);
    console.log(JSON.stringify(planned));
  } finally {
    close();
  }
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const value = (flag: string) => args.flatMap((a, i) => (a === flag && args[i + 1] ? [args[i + 1]!] : []));
  const env = process.env;
  const config = loadPosterConfig(env);
  const { db, close } = await openDatabase({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN });
  await migrateDatabase(db);
  const years = value('--year').map(Number);
  const workers = value('--workers')[0];
  const result = await generatePosters({
    source: posterSource(db),
    outDir: value('--out')[0] ? resolve(value('--out')[0]!) : config.POSTER_DIR,
    settings: await posterSettingsFromConfig(config, db),
    ...(years.length > 0 ? { years } : {}),
    ...(workers !== undefined ? { workers: Number(workers) } : {}),
    onProgress: progressPrinter(),
  });
  close();
  console.log(describeResult(result));
}
