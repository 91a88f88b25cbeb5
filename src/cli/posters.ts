/**
 * `npm run posters`: renders the 公示 posters of every published village disclosure into
 * `public/posters/` (or `--out <dir>`), incrementally, with a progress line. The build and start
 * scripts call {@link generateSitePosters} before the Astro build, so the site serves the files.
 *
 * Flags: `--out <dir>`, `--year <yyyy>` (repeatable), `--workers <n>`.
 */
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { migrateDatabase, openDatabase } from '../../db/client.ts';
import type { Database } from '../../db/database.ts';
import { configSchema } from '../config.ts';
import { generatePosters, type GeneratePostersResult } from '../posters/generate.ts';
import type { PosterSettings } from '../posters/model.ts';
import { DEFAULT_TITLE_TEMPLATE } from '../posters/title.ts';

/** Where the site build picks posters up as static files (Astro copies public/ into the site). */
export const SITE_POSTER_DIR = resolve(fileURLToPath(new URL('../../', import.meta.url)), 'public/posters');

/** Poster settings from the environment: the shared configuration plus the poster-only variables. */
export const posterConfigSchema = configSchema.extend({
  /** 公示 title template: {village} {year} {township} {county}. */
  POSTER_TITLE_TEMPLATE: z.string().trim().default(DEFAULT_TITLE_TEMPLATE),
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

export function posterSettingsFromEnv(env: Record<string, string | undefined>): PosterSettings {
  const c = posterConfigSchema.parse(env);
  return {
    siteUrl: c.SITE_URL,
    issuingUnit: c.ISSUING_UNIT,
    countySupervisionPhones: c.COUNTY_SUPERVISION_PHONES,
    supervisionAddress: c.SUPERVISION_ADDRESS,
    townshipSupervisionPhones: c.TOWNSHIP_SUPERVISION_PHONES,
    titleTemplate: c.POSTER_TITLE_TEMPLATE,
  };
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

/** Renders the site's posters into public/posters/ (what build and start call). */
export async function generateSitePosters(db: Database, env: Record<string, string | undefined>, options: { quiet?: boolean } = {}): Promise<GeneratePostersResult> {
  return generatePosters({
    db,
    outDir: SITE_POSTER_DIR,
    settings: posterSettingsFromEnv(env),
    ...(options.quiet ? {} : { onProgress: progressPrinter() }),
  });
}

/** Opens the database named in `env` (over process.env) and renders the site's posters. */
export async function generateSitePostersFromEnv(env: Record<string, string | undefined>, options: { quiet?: boolean } = {}): Promise<GeneratePostersResult> {
  const merged = { ...process.env, ...env };
  const config = posterConfigSchema.parse(merged);
  const { db, close } = await openDatabase({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN });
  try {
    return await generateSitePosters(db, merged, options);
  } finally {
    close();
  }
}

export function describeResult(r: GeneratePostersResult): string {
  return `海报：新生成 ${r.rendered} 张、沿用 ${r.reused} 张，乡镇合订本 ${r.townshipsRendered} 份，清理旧文件 ${r.removedFiles} 个，用时 ${(r.ms / 1000).toFixed(1)} 秒`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const value = (flag: string) => args.flatMap((a, i) => (a === flag && args[i + 1] ? [args[i + 1]!] : []));
  const env = process.env;
  const config = posterConfigSchema.parse(env);
  const { db, close } = await openDatabase({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN });
  await migrateDatabase(db);
  const years = value('--year').map(Number);
  const workers = value('--workers')[0];
  const result = await generatePosters({
    db,
    outDir: resolve(value('--out')[0] ?? SITE_POSTER_DIR),
    settings: posterSettingsFromEnv(env),
    ...(years.length > 0 ? { years } : {}),
    ...(workers !== undefined ? { workers: Number(workers) } : {}),
    onProgress: progressPrinter(),
  });
  close();
  console.log(describeResult(result));
}
