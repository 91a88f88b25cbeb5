/**
 * Builds the static site from the database by running `astro build` in a child process (so a
 * long-running server never holds Vite's memory). The build writes into a fresh folder that is
 * then swapped in with renames, so the served folder is never half-written.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cp, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countyManifestPath, emptyManifest, LEGACY_MANIFEST_FILE, MANIFEST_DIR, manifestFiles, manifestPartPath, parsePosterManifest, WORKER_POSTER_SETTINGS, type ManifestPart, type PosterManifest } from '../posters/manifest.ts';
import { posterFontDir } from '../posters/fonts.ts';
import { POSTER_FONT_ASSETS, POSTER_FONT_FILES } from '../posters/poster-fonts.ts';
import { readManifestIndex, readPosterManifest, splitPosterManifest, writePosterManifestParts, type ManifestIndex } from '../posters/manifest-store.ts';
import { precompressFolder, type PrecompressResult } from './precompress.ts';
import type { GeneratePostersResult } from '../posters/generate.ts';
import { describeResult, generateSitePostersFromEnv, loadPosterConfig } from './posters.ts';
import { drawSiteShareCards } from './share-cards.ts';
import { gzipOversizedAssets } from './oversized-assets.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The deploy redirect every `astro build` writes (see buildSite). */
export const WRANGLER_REDIRECT = resolve(PROJECT_ROOT, '.wrangler/deploy/config.json');

export interface BuildOptions {
  /** Environment for the build (DATABASE_URL above all). */
  env: Record<string, string | undefined>;
  /** Final output folder; the site lands in `<outDir>/client`. Default `dist`. */
  outDir?: string;
  /** Print Astro's output (default true). */
  verbose?: boolean;
  /**
   * The 公示 posters in POSTER_DIR before Astro reads their manifest: `'render'` (or true, the
   * default) draws every missing one, for a static host; `'plan'` only names them, for the Node
   * server, which draws each when first asked; false leaves the folder as it is.
   */
  posters?: boolean | 'render' | 'plan';
  /** Write .br and .gz beside the site's text files, for the Node server (never for the Worker's assets). */
  precompress?: boolean;
  /** The Worker's build: text files over this many bytes are shipped gzipped (default Workers' 25 MiB per asset). */
  gzipAssetsAbove?: number;
  /**
   * Who renders the pages there is one of per village, project, version or verification code
   * (src/on-demand/adapter.mjs), which are then not written as files: `'node'` the Node server
   * (`npm start`); `'worker'` (default) the Worker, built into `<outDir>/server` with its
   * configuration `<outDir>/server/wrangler.json` (functions/worker-pages.ts); `'static'` nobody,
   * every page a file, for a plain static host.
   */
  target?: 'node' | 'worker' | 'static';
}

export interface BuildResult {
  outDir: string;
  ms: number;
  /** What precompressing did, when asked for. */
  precompressed?: PrecompressResult;
}

/** Beside `client/` in a build: which database it was built from (a hash of DATABASE_URL). */
export const BUILD_SOURCE_FILE = 'source.json';

export function databaseFingerprint(databaseUrl: string): string {
  return createHash('sha256').update(databaseUrl).digest('hex').slice(0, 16);
}

/**
 * Whether the build in `outDir` was made from the database at `databaseUrl`, for `target` (false
 * when unknown: a build from before the target was recorded counts as static).
 */
export function builtFrom(outDir: string, databaseUrl: string, target?: BuildOptions['target']): boolean {
  try {
    const source = JSON.parse(readFileSync(join(outDir, BUILD_SOURCE_FILE), 'utf8')) as { database?: string; target?: string };
    return source.database === databaseFingerprint(databaseUrl) && (target === undefined || (source.target ?? 'static') === target);
  } catch {
    return false;
  }
}

/**
 * Makes a built site's posters folder `dir` what the manifest of `posterDir` (POSTER_DIR, just
 * planned from this database) says: every poster file it does not name is removed, and its
 * manifest (the parts and their index, src/posters/manifest-store.ts) replaces whatever
 * public/posters held. The parts are read one at a time, asynchronously, so a server rebuilding
 * its site keeps answering meanwhile. A POSTER_DIR still holding the single `manifest.json` of
 * older versions is carried over as parts.
 */
export async function prunePosters(dir: string, posterDir: string, options: { forWorker?: boolean } = {}): Promise<void> {
  const index = readManifestIndex(posterDir);
  const legacy = index ? null : readPosterManifest(posterDir);
  if (!existsSync(dir)) {
    // Nothing copied from public/ (no poster drawn there). The Worker's pages still link the
    // planned posters: it reads the manifest from its assets.
    if (!options.forWorker || (!index && manifestFiles(legacy!).size === 0)) return;
    mkdirSync(dir, { recursive: true });
  }
  const keep = new Set<string>();
  // The Worker's posters are not assets (they would outnumber the pages) but in its bucket
  // (functions/storage/poster-store.ts): only the manifest stays.
  if (legacy) for (const f of manifestFiles(legacy)) keep.add(f);
  for (const [year, townships] of Object.entries(index?.parts ?? {})) {
    for (const townshipCode of Object.keys(townships)) {
      const text = await readFile(join(posterDir, manifestPartPath({ year: Number(year), townshipCode })), 'utf8').catch(() => 'null');
      for (const f of manifestFiles(parsePosterManifest(JSON.parse(text)))) keep.add(f);
    }
  }
  // The copied manifest goes whole, whatever it held.
  rmSync(join(dir, MANIFEST_DIR), { recursive: true, force: true });
  rmSync(join(dir, LEGACY_MANIFEST_FILE), { force: true });
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const relative = join(entry.parentPath, entry.name).slice(dir.length + 1);
    if (options.forWorker || !keep.has(relative)) rmSync(join(entry.parentPath, entry.name), { force: true });
  }
  if (options.forWorker) await writeCountyManifests(dir, posterDir, index, legacy);
  else if (legacy) writePosterManifestParts(dir, legacy);
  else if (index) await cp(join(posterDir, MANIFEST_DIR), join(dir, MANIFEST_DIR), { recursive: true, filter: (source) => !source.endsWith('.tmp') });
}

/**
 * The settings (as the poster folder's plan recorded them) and fonts the Worker draws posters with,
 * among its assets (functions/worker-posters.ts). Without recorded settings it draws none.
 */
async function addWorkerPosterDrawing(clientDir: string, posterDir: string): Promise<void> {
  const settings = join(posterDir, WORKER_POSTER_SETTINGS);
  if (!existsSync(settings)) return;
  const path = join(clientDir, 'posters', WORKER_POSTER_SETTINGS);
  mkdirSync(dirname(path), { recursive: true });
  await cp(settings, path);
  const fonts = join(clientDir, POSTER_FONT_ASSETS.slice(1));
  mkdirSync(fonts, { recursive: true });
  for (const file of Object.values(POSTER_FONT_FILES)) await cp(join(posterFontDir(), file), join(fonts, file));
}

/**
 * The Worker's copy of the manifest: one file per county and year (`countyManifestPath`), each the
 * county's township parts of that year together, read one at a time.
 */
async function writeCountyManifests(dir: string, posterDir: string, index: ManifestIndex | null, legacy: PosterManifest | null): Promise<void> {
  const byCounty = new Map<string, { part: ManifestPart; manifest: PosterManifest }>();
  const add = (part: ManifestPart, manifest: PosterManifest) => {
    const path = countyManifestPath(part);
    let merged = byCounty.get(path);
    if (!merged) byCounty.set(path, (merged = { part, manifest: emptyManifest() }));
    Object.assign(merged.manifest.villages, manifest.villages);
    Object.assign(merged.manifest.superseded, manifest.superseded);
    Object.assign(merged.manifest.townships, manifest.townships);
  };
  if (legacy) for (const { part, manifest } of splitPosterManifest(legacy).values()) add(part, manifest);
  for (const [year, townships] of Object.entries(index?.parts ?? {})) {
    for (const townshipCode of Object.keys(townships)) {
      const part = { year: Number(year), townshipCode };
      const text = await readFile(join(posterDir, manifestPartPath(part)), 'utf8').catch(() => 'null');
      add(part, parsePosterManifest(JSON.parse(text)));
    }
  }
  for (const [path, { manifest }] of byCounty) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), JSON.stringify(manifest));
  }
}

/**
 * Points wrangler's deploy redirect (.wrangler/deploy/config.json) at the Worker's build in
 * `outDir`: plain `npx wrangler deploy` then deploys it, with the configuration the build made from
 * wrangler.toml.
 */
export function redirectWranglerTo(outDir: string): void {
  mkdirSync(dirname(WRANGLER_REDIRECT), { recursive: true });
  const configPath = relative(dirname(WRANGLER_REDIRECT), join(outDir, 'server', 'wrangler.json'));
  writeFileSync(WRANGLER_REDIRECT, `${JSON.stringify({ configPath, auxiliaryWorkers: [] })}\n`);
}

/** Puts back the redirect `before` (its text; null: there was none). */
export function restoreWranglerRedirect(before: string | null): void {
  if (before === null) rmSync(WRANGLER_REDIRECT, { force: true });
  else writeFileSync(WRANGLER_REDIRECT, before);
}

export class BuildFailedError extends Error {
  override name = 'BuildFailedError';
}

/** `node src/cli/posters.ts --plan` with the build's environment: names the posters into POSTER_DIR. */
async function planPostersInChild(env: BuildOptions['env']): Promise<Omit<GeneratePostersResult, 'manifest'>> {
  const output = await new Promise<string>((done, fail) => {
    const child = spawn(process.execPath, [resolve(PROJECT_ROOT, 'src/cli/posters.ts'), '--plan'], { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? done(stdout) : fail(new BuildFailedError(`planning the posters exited with ${code}\n${stderr.slice(-4000)}`))));
  });
  return JSON.parse(output.trim().split('\n').at(-1)!) as Omit<GeneratePostersResult, 'manifest'>;
}

export async function buildSite(options: BuildOptions): Promise<BuildResult> {
  const started = performance.now();
  const target = options.target ?? 'worker';
  // The Worker's posters are drawn after the deploy, only those its bucket lacks (src/cli/poster-sync.ts).
  const posterMode = options.posters ?? (target === 'worker' ? 'plan' : 'render');
  if (posterMode === 'plan') {
    // In a child process, like the Astro build: naming every poster of a large database takes long
    // (tests/bench/scale.ts) and would hold up a server that builds while it serves.
    const planned = await planPostersInChild(options.env);
    if (options.verbose !== false) console.log(describeResult(planned));
  } else if (posterMode !== false) {
    const posters = await generateSitePostersFromEnv(options.env, { quiet: options.verbose === false });
    if (options.verbose !== false) console.log(describeResult(posters));
  }
  // PosterLinks reads the manifest from POSTER_DIR during the build: the same folder, absolute.
  const posterDir = loadPosterConfig({ ...process.env, ...options.env }).POSTER_DIR;
  const outDir = resolve(PROJECT_ROOT, options.outDir ?? 'dist');
  const nextDir = `${outDir}.next`;
  const oldDir = `${outDir}.old`;
  rmSync(nextDir, { recursive: true, force: true });
  const astroBin = resolve(PROJECT_ROOT, 'node_modules/astro/bin/astro.mjs');
  const redirectBefore = existsSync(WRANGLER_REDIRECT) ? readFileSync(WRANGLER_REDIRECT, 'utf8') : null;
  await new Promise<void>((done, fail) => {
    const child = spawn(process.execPath, [astroBin, 'build', '--outDir', nextDir], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...options.env, POSTER_DIR: posterDir, ASTRO_TELEMETRY_DISABLED: '1', SITE_TARGET: target },
      stdio: options.verbose === false ? ['ignore', 'ignore', 'pipe'] : 'inherit',
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('exit', (code) =>
      code === 0 ? done() : fail(new BuildFailedError(`astro build exited with ${code}\n${stderr.slice(-4000)}`)),
    );
  }).catch((error: unknown) => {
    restoreWranglerRedirect(redirectBefore);
    throw error;
  });
  // Astro copies public/ into the site, poster folder included: what the manifest does not name
  // (another database's posters, say the sample's from a first look) must not be published with it.
  await prunePosters(join(nextDir, 'client', 'posters'), posterDir, { forWorker: target === 'worker' });
  // The Worker draws a poster the deploy has not (after a publish): with the settings its names were
  // planned with, from the original fonts among its assets (functions/worker-posters.ts).
  if (target === 'worker') {
    await addWorkerPosterDrawing(join(nextDir, 'client'), posterDir);
    // Workers refuse an asset over 25 MiB: a province's site-wide open data goes gzipped.
    const gzipped = await gzipOversizedAssets(join(nextDir, 'client'), options.gzipAssetsAbove).catch((error: unknown) => {
      restoreWranglerRedirect(redirectBefore);
      throw error;
    });
    if (gzipped.length > 0 && options.verbose !== false) console.log(`超过 25 MiB 的文件压缩后部署：${gzipped.join('、')}`);
  }
  // A build that draws its posters serves them as files (static hosting, the Worker): the share
  // cards too. The Node server draws cards when asked.
  if (posterMode === 'render') {
    const cards = await drawSiteShareCards(options.env, join(nextDir, 'client'));
    if (options.verbose !== false) console.log(`发到村民群图片：${cards.cards} 张，用时 ${(cards.ms / 1000).toFixed(1)} 秒`);
  }
  writeFileSync(join(nextDir, BUILD_SOURCE_FILE), JSON.stringify({ database: databaseFingerprint(options.env.DATABASE_URL ?? ''), target, builtAt: new Date().toISOString() }));
  const precompressed = options.precompress ? await precompressFolder(join(nextDir, 'client')) : undefined;
  rmSync(oldDir, { recursive: true, force: true });
  if (existsSync(outDir)) renameSync(outDir, oldDir);
  renameSync(nextDir, outDir);
  rmSync(oldDir, { recursive: true, force: true });
  // astro build leaves .wrangler/deploy/config.json redirecting wrangler to the configuration it
  // generated in the build folder, by now renamed. The Worker's build in dist/ (`npm run build`)
  // points it at the final folder, so plain `npx wrangler deploy` deploys that build; any other
  // build puts back what was there (a redirect into a test's folder would outlive the folder).
  if (target === 'worker' && outDir === resolve(PROJECT_ROOT, 'dist')) redirectWranglerTo(outDir);
  else restoreWranglerRedirect(redirectBefore);
  return { outDir, ms: performance.now() - started, ...(precompressed ? { precompressed } : {}) };
}
