/**
 * The poster manifest as it is stored in a posters folder: one file per year and township, so a
 * publish reads and writes only the townships it changed, and a page or a poster request reads
 * only the part it needs (one township's villages of one year; the single `manifest.json` of a
 * province was 61 MB, 1.6 s to parse and 1.8 s to write on the server's thread).
 *
 * ```
 * manifest/index.json                   {"schema":2,"parts":{"<year>":{"<townshipCode>":"<stamp>",…},…}}
 * manifest/<year>/<townshipCode>.json   a PosterManifest with only that year's entries of the
 *                                       township's villages (a village belongs to the township of
 *                                       the first 9 digits of its code) and the township's 合订本
 * ```
 *
 * A part's stamp is a hash of its text: a whole plan written again rewrites only the parts whose
 * stamp changed, and the index changes whenever a part does, so one `stat` of it tells a server
 * whether anything changed. Every file is written under a temporary name and renamed; the parts
 * before the index. A part with no entry is not written (and removed when it had one).
 *
 * A folder written before the split holds one `manifest.json`, the whole PosterManifest: it is
 * read as it is while there is no `manifest/index.json`, and the first write converts it (writes
 * the parts and the index, then removes it), so published poster addresses keep answering.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  emptyManifest,
  LEGACY_MANIFEST_FILE,
  MANIFEST_DIR,
  manifestPartPath,
  mergeTownshipPlan,
  parsePosterManifest,
  villageManifestPart,
  WORKER_POSTER_SETTINGS,
  type ManifestPart,
  type PosterManifest,
} from './manifest.ts';
import type { PosterSettings } from './model.ts';

const INDEX_FILE = `${MANIFEST_DIR}/index.json`;

/** `manifest/index.json`: every part there is, by year and township code, with its stamp. */
export interface ManifestIndex {
  schema: 2;
  parts: Record<string, Record<string, string>>;
}

const partKey = (part: ManifestPart) => `${part.year}/${part.townshipCode}`;

/** A manifest cut into its parts, keyed `<year>/<townshipCode>`; parts with no entry are absent. */
export function splitPosterManifest(manifest: PosterManifest): Map<string, { part: ManifestPart; manifest: PosterManifest }> {
  const parts = new Map<string, { part: ManifestPart; manifest: PosterManifest }>();
  const of = (part: ManifestPart) => {
    const key = partKey(part);
    let entry = parts.get(key);
    if (!entry) parts.set(key, (entry = { part, manifest: emptyManifest() }));
    return entry.manifest;
  };
  for (const [id, v] of Object.entries(manifest.villages)) of(villageManifestPart(v.villageCode, v.year)).villages[id] = v;
  for (const [id, v] of Object.entries(manifest.superseded)) of(villageManifestPart(v.villageCode, v.year)).superseded[id] = v;
  for (const [id, t] of Object.entries(manifest.townships)) of({ year: t.year, townshipCode: t.townshipCode }).townships[id] = t;
  return parts;
}

/** The manifests merged into one (their keys never overlap when they are parts of one manifest). */
function mergeManifests(parts: Iterable<PosterManifest>): PosterManifest {
  const whole = emptyManifest();
  for (const p of parts) {
    Object.assign(whole.villages, p.villages);
    Object.assign(whole.superseded, p.superseded);
    Object.assign(whole.townships, p.townships);
  }
  return whole;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function parseIndex(value: unknown): ManifestIndex | null {
  const index = value as Partial<ManifestIndex> | null;
  return index?.schema === 2 && typeof index.parts === 'object' && index.parts !== null ? { schema: 2, parts: index.parts } : null;
}

/** An index listing a whole manifest's parts (stamps left empty): what a folder of the old single file holds. */
function indexOf(manifest: PosterManifest): ManifestIndex {
  const parts: ManifestIndex['parts'] = {};
  for (const { part } of splitPosterManifest(manifest).values()) (parts[part.year] ??= {})[part.townshipCode] = '';
  return { schema: 2, parts };
}

/** The folder's index; null when it has none (nothing planned yet, or only the old single file). */
export function readManifestIndex(dir: string): ManifestIndex | null {
  return parseIndex(readJson(join(dir, INDEX_FILE)));
}

/** The folder's old single manifest, when it has one and no index (not yet converted). */
function readLegacyManifest(dir: string): PosterManifest | null {
  if (existsSync(join(dir, INDEX_FILE)) || !existsSync(join(dir, LEGACY_MANIFEST_FILE))) return null;
  return parsePosterManifest(readJson(join(dir, LEGACY_MANIFEST_FILE)));
}

/**
 * One part of a folder's manifest, read now (empty when there is none). On a folder of the old
 * single file, that whole manifest: a superset of the part, which every look-up by key accepts.
 */
export function readPosterManifestPart(dir: string, part: ManifestPart): PosterManifest {
  const file = join(dir, manifestPartPath(part));
  if (existsSync(file)) return parsePosterManifest(readJson(file));
  return readLegacyManifest(dir) ?? emptyManifest();
}

/**
 * The whole manifest of a folder, every part read and merged (or the old single file): for
 * command-line tools, tests and benchmarks, never per request.
 */
export function readPosterManifest(dir: string): PosterManifest {
  const index = readManifestIndex(dir);
  if (!index) return readLegacyManifest(dir) ?? emptyManifest();
  const parts: PosterManifest[] = [];
  for (const [year, townships] of Object.entries(index.parts)) {
    for (const townshipCode of Object.keys(townships)) parts.push(readPosterManifestPart(dir, { year: Number(year), townshipCode }));
  }
  return mergeManifests(parts);
}

const stampOf = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

function writeAtomically(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

/** Where the writing of a manifest may change things: the townships of one year (a publish), or everything. */
export interface ManifestScope {
  year: number;
  townshipCodes: readonly string[];
}

/**
 * Writes a manifest into a posters folder as its parts (see the module comment). With `scope`,
 * `manifest` is a plan of those townships in that year only (`planPosters({ years: [year],
 * townshipCodes })`): what the folder had of them is replaced by it (as {@link mergeTownshipPlan}
 * does) and every other part is left as it is. Without, `manifest` is the whole manifest: parts
 * it does not have are removed. Only parts whose text changed are written; the index is written
 * when any was. A folder of the old single `manifest.json` is converted on the way, and the old
 * file removed. Returns how many files it wrote or removed.
 */
export function writePosterManifestParts(dir: string, manifest: PosterManifest, scope?: ManifestScope): number {
  const index = readManifestIndex(dir);
  const legacy = readLegacyManifest(dir);
  if (scope && legacy) return writePosterManifestParts(dir, mergeTownshipPlan(legacy, manifest, scope.year, scope.townshipCodes));
  const before = index?.parts ?? {};
  const after: ManifestIndex['parts'] = scope ? structuredClone(before) : {};
  // The parts as they are to be: every part of a whole manifest; for a scoped plan, the scope's
  // parts and any other the plan has entries for (a 合订本 named by the township its villages'
  // content gives), each merged with what the folder had.
  const next = new Map<string, { part: ManifestPart; manifest: PosterManifest }>();
  const planned = splitPosterManifest(manifest);
  if (scope) {
    const touched = [...scope.townshipCodes.map((townshipCode) => ({ year: scope.year, townshipCode })), ...[...planned.values()].map((p) => p.part)];
    for (const part of touched) {
      const merged = mergeTownshipPlan(readPosterManifestPart(dir, part), planned.get(partKey(part))?.manifest ?? emptyManifest(), scope.year, scope.townshipCodes);
      next.set(partKey(part), { part, manifest: merged });
    }
  } else {
    for (const [key, entry] of planned) next.set(key, entry);
    for (const part of partsOnDisk(dir)) if (!next.has(partKey(part))) next.set(partKey(part), { part, manifest: emptyManifest() });
  }
  let changes = 0;
  for (const { part, manifest: partManifest } of next.values()) {
    const file = join(dir, manifestPartPath(part));
    if (isEmpty(partManifest)) {
      delete after[part.year]?.[part.townshipCode];
      if (existsSync(file)) {
        rmSync(file, { force: true });
        changes++;
      }
      continue;
    }
    const text = `${JSON.stringify(partManifest, null, 1)}\n`;
    const stamp = stampOf(text);
    (after[part.year] ??= {})[part.townshipCode] = stamp;
    if (before[part.year]?.[part.townshipCode] !== stamp || !existsSync(file)) {
      writeAtomically(file, text);
      changes++;
    }
  }
  for (const year of Object.keys(after)) if (Object.keys(after[year]!).length === 0) delete after[year];
  const indexText = `${JSON.stringify({ schema: 2, parts: after } satisfies ManifestIndex)}\n`;
  if (!index || indexText !== `${JSON.stringify(index)}\n`) {
    writeAtomically(join(dir, INDEX_FILE), indexText);
    changes++;
  }
  if (existsSync(join(dir, LEGACY_MANIFEST_FILE))) {
    rmSync(join(dir, LEGACY_MANIFEST_FILE), { force: true });
    changes++;
  }
  return changes;
}

/**
 * Records beside the manifest the settings its names were planned with (WORKER_POSTER_SETTINGS): a
 * Worker build carries them, and the Worker draws with them what a publish names after the build.
 */
export function writePlannedSettings(dir: string, settings: PosterSettings): void {
  writeAtomically(join(dir, WORKER_POSTER_SETTINGS), `${JSON.stringify(settings)}\n`);
}

const isEmpty = (m: PosterManifest) => Object.keys(m.villages).length === 0 && Object.keys(m.superseded).length === 0 && Object.keys(m.townships).length === 0;

/** Every part file in a folder, listed or not. */
function partsOnDisk(dir: string): ManifestPart[] {
  const root = join(dir, MANIFEST_DIR);
  if (!existsSync(root)) return [];
  const parts: ManifestPart[] = [];
  for (const year of readdirSync(root)) {
    if (!/^\d{4}$/.test(year)) continue;
    for (const file of readdirSync(join(root, year))) {
      const m = /^(\d{9})\.json$/.exec(file);
      if (m) parts.push({ year: Number(year), townshipCode: m[1]! });
    }
  }
  return parts;
}

/** A file's identity for caching: a rename (every write) gives a new inode, whatever the clock's resolution. */
function fileStamp(file: string): string | null {
  const s = statSync(file, { throwIfNoEntry: false });
  return s ? `${s.ino}:${s.mtimeMs}:${s.size}` : null;
}

export interface PosterManifestReader {
  /** One part, read again only when its file changed (one `stat` per call). */
  part(part: ManifestPart): PosterManifest;
  /** The index (for a folder of the old single file, one listing its parts); null when nothing was planned. */
  index(): ManifestIndex | null;
  /** Changes whenever any part does (the index file's identity): one `stat`. */
  stamp(): string;
}

/**
 * Reads a folder's manifest by part, each kept until its file changes; at most `maxParts` parts
 * are kept (the least recently used go first), so a server that has been asked for every village
 * of a province does not hold the whole manifest.
 */
export function createPosterManifestReader(dir: string, options: { maxParts?: number } = {}): PosterManifestReader {
  const maxParts = options.maxParts ?? 512;
  const parts = new Map<string, { stamp: string; manifest: PosterManifest }>();
  let index: { stamp: string | null; index: ManifestIndex | null } | null = null;
  let legacy: { stamp: string; manifest: PosterManifest } | null = null;
  const indexFile = join(dir, INDEX_FILE);
  const legacyFile = join(dir, LEGACY_MANIFEST_FILE);

  /** The old single manifest while the folder has no index; kept until it changes. */
  const legacyManifest = (): PosterManifest | null => {
    if (existsSync(indexFile)) return null;
    const stamp = fileStamp(legacyFile);
    if (stamp === null) return null;
    if (legacy?.stamp !== stamp) legacy = { stamp, manifest: parsePosterManifest(readJson(legacyFile)) };
    return legacy.manifest;
  };

  return {
    part(part) {
      const key = partKey(part);
      const file = join(dir, manifestPartPath(part));
      const stamp = fileStamp(file);
      if (stamp === null) {
        parts.delete(key);
        return legacyManifest() ?? emptyManifest();
      }
      let kept = parts.get(key);
      if (kept?.stamp === stamp) {
        // Most recently used last.
        parts.delete(key);
      } else {
        kept = { stamp, manifest: parsePosterManifest(readJson(file)) };
      }
      parts.set(key, kept);
      for (const old of parts.keys()) {
        if (parts.size <= maxParts) break;
        parts.delete(old);
      }
      return kept.manifest;
    },

    index() {
      const stamp = fileStamp(indexFile);
      if (stamp === null) {
        const old = legacyManifest();
        return old ? indexOf(old) : null;
      }
      if (index?.stamp !== stamp) index = { stamp, index: parseIndex(readJson(indexFile)) };
      return index.index;
    },

    stamp() {
      const current = fileStamp(indexFile);
      if (current !== null) return current;
      const old = fileStamp(legacyFile);
      return old === null ? '' : `old ${old}`;
    },
  };
}

let sitePosterDir: string | null = null;
const siteReaders = new Map<string, PosterManifestReader>();

/** The folder {@link loadSitePosterPart} reads by default from now on (the Node server's POSTER_DIR, for its on-demand pages). */
export function useSitePosterDir(dir: string): void {
  sitePosterDir = dir;
}

/**
 * The part of the site's poster manifest that lists a village's posters of a year (from
 * `public/posters/` under the working directory, which is the project root during `astro build`
 * and `astro dev`; `POSTER_DIR` or {@link useSitePosterDir} overrides it). Read once per change
 * of its file, since every village page asks for it.
 *
 * @example
 * const poster = findVillagePoster(loadSitePosterPart('430482101207', 2024), '430482101207', 2024);
 */
export function loadSitePosterPart(villageCode: string, year: number, dir = sitePosterDir ?? process.env.POSTER_DIR ?? resolve(process.cwd(), 'public/posters')): PosterManifest {
  let reader = siteReaders.get(dir);
  if (!reader) siteReaders.set(dir, (reader = createPosterManifestReader(dir)));
  return reader.part(villageManifestPart(villageCode, year));
}
