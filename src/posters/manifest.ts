/**
 * The poster manifest (`posters/manifest.json` in the site): which files belong to the current
 * version of each village's and township's disclosure, so pages can link them. Written by
 * generate.ts; read by `PosterLinks.astro` at build time.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PreviousDisclosureOutcome } from './model.ts';

export const MANIFEST_FILE = 'manifest.json';

/** Site paths (`/posters/2022/…`) of one poster's files. */
export interface VillagePosterEntry {
  villageCode: string;
  villageName: string;
  townshipCode: string | null;
  year: number;
  version: number;
  verificationCode: string;
  /** Content key the files are named by. */
  key: string;
  /**
   * The previous version's outcome printed on this poster (上次公示结果), as judged when planned;
   * null or absent when none is printed. The on-demand server draws with this, not with today's.
   */
  previousOutcome?: PreviousDisclosureOutcome | null;
  pages: number;
  a4Pdf: string;
  a3Pdf: string;
  /** One PNG (A4, 150 dpi) per page. */
  png: string[];
}

export interface TownshipPosterEntry {
  townshipCode: string;
  townshipName: string;
  year: number;
  key: string;
  villageCodes: string[];
  a4Pdf: string;
  a3Pdf: string;
}

export interface PosterManifest {
  schema: 1;
  /** Keyed `<villageCode>/<year>`. */
  villages: Record<string, VillagePosterEntry>;
  /** Keyed `<townshipCode>/<year>`. */
  townships: Record<string, TownshipPosterEntry>;
}

export const emptyManifest = (): PosterManifest => ({ schema: 1, villages: {}, townships: {} });

/** Reads the manifest of a posters folder; an empty manifest when there is none (or it is unreadable). */
export function readPosterManifest(dir: string): PosterManifest {
  const file = join(dir, MANIFEST_FILE);
  if (!existsSync(file)) return emptyManifest();
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as PosterManifest;
    return parsed.schema === 1 ? parsed : emptyManifest();
  } catch {
    return emptyManifest();
  }
}

/** The current poster of a village for a year, or null when none was generated. */
export function findVillagePoster(manifest: PosterManifest, villageCode: string, year: number): VillagePosterEntry | null {
  return manifest.villages[`${villageCode}/${year}`] ?? null;
}

let cached: { file: string; mtimeMs: number; manifest: PosterManifest } | null = null;

/**
 * The manifest of the site's posters (`public/posters/` under the working directory, which is the
 * project root during `astro build` and `astro dev`; `POSTER_DIR` overrides it). Read once per
 * change of the file, since every village page asks for it.
 */
export function loadSitePosterManifest(dir = process.env.POSTER_DIR ?? resolve(process.cwd(), 'public/posters')): PosterManifest {
  const file = join(dir, MANIFEST_FILE);
  const mtimeMs = existsSync(file) ? statSync(file).mtimeMs : 0;
  if (cached?.file === file && cached.mtimeMs === mtimeMs) return cached.manifest;
  const manifest = readPosterManifest(dir);
  cached = { file, mtimeMs, manifest };
  return manifest;
}

/** Every file a manifest names, relative to its posters folder (e.g. `2025/430421100203-…-a4.pdf`). */
export function manifestFiles(manifest: PosterManifest, urlPrefix = '/posters'): Set<string> {
  const prefix = `${urlPrefix.replace(/\/+$/, '')}/`;
  const files = new Set<string>();
  const add = (path: string) => files.add(path.startsWith(prefix) ? path.slice(prefix.length) : path);
  for (const v of Object.values(manifest.villages)) for (const f of [v.a4Pdf, v.a3Pdf, ...v.png]) add(f);
  for (const t of Object.values(manifest.townships)) for (const f of [t.a4Pdf, t.a3Pdf]) add(f);
  return files;
}

