/**
 * A build never carries another database's site or posters: files in the posters folder that the
 * manifest does not name are left out of the build, and `npm start` serves a previous build only if
 * it was made from the same database.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILD_SOURCE_FILE, builtFrom, databaseFingerprint, prunePosters } from '../../src/cli/site-build.ts';
import type { PosterManifest } from '../../src/posters/manifest.ts';
import { readPosterManifest, writePosterManifestParts } from '../../src/posters/manifest-store.ts';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('what a build carries', () => {
  const files = (code: string, base: string) => ({ villageCode: code, year: 2025, version: 2, a4Pdf: `/posters/${base}-a4.pdf`, a3Pdf: `/posters/${base}-a3.pdf`, png: [`/posters/${base}-a4-p1.png`] });
  const own = '2025/430421100203-v2-a830b81463f5c438';
  const corrected = '2025/430421100203-v1-0f30b81463f5c438';
  const manifest = {
    schema: 1 as const,
    villages: { '430421100203/2025': files('430421100203', own) },
    superseded: { '430421100203/2025/v1': { ...files('430421100203', corrected), version: 1 } },
    townships: {},
  } as unknown as PosterManifest;

  /** A built site's posters folder as Astro copies it from public/posters: the sample's manifest and a poster of it, and this build's files. */
  const copiedFolder = (root: string) => {
    const posters = join(root, 'site-posters');
    mkdirSync(join(posters, '2025'), { recursive: true });
    mkdirSync(join(posters, '2024'), { recursive: true });
    writePosterManifestParts(posters, { schema: 1, villages: { '430482105205/2024': { ...files('430482105205', '2024/430482105205-0123456789abcdef'), year: 2024 } } as never, superseded: {}, townships: {} });
    writeFileSync(join(posters, 'manifest.json'), JSON.stringify({ schema: 1, villages: {}, townships: {} }));
    for (const f of [`${own}-a4.pdf`, `${own}-a4-p1.png`, `${corrected}-a3.pdf`, '2024/430482105205-0123456789abcdef-a4.pdf']) writeFileSync(join(posters, f), 'x');
    return posters;
  };

  it.each([
    ['split into parts', (dir: string) => writePosterManifestParts(dir, manifest)],
    // POSTER_DIR as an older version left it: read as it is, carried into the build as parts.
    ['in the single manifest.json of older versions', (dir: string) => writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest))],
  ])('keeps only the posters its manifest names (POSTER_DIR’s manifest %s)', async (_, writeManifest) => {
    dir = mkdtempSync(join(tmpdir(), 'prune-'));
    const posterDir = join(dir, 'posters');
    mkdirSync(posterDir);
    writeManifest(posterDir);
    const posters = copiedFolder(dir);
    await prunePosters(posters, posterDir);
    expect(readPosterManifest(posters)).toEqual(manifest);
    expect(readdirSync(join(posters, 'manifest'), { recursive: true }).sort()).toEqual(['2025', '2025/430421100.json', 'index.json']);
    expect(existsSync(join(posters, 'manifest.json'))).toBe(false);
    expect([existsSync(join(posters, `${own}-a4.pdf`)), existsSync(join(posters, `${own}-a4-p1.png`))]).toEqual([true, true]);
    // A corrected version's poster stays: its address was published.
    expect(existsSync(join(posters, `${corrected}-a3.pdf`))).toBe(true);
    expect(existsSync(join(posters, '2024/430482105205-0123456789abcdef-a4.pdf'))).toBe(false);
  });

  it('gives the Worker no poster files, and its manifest one file per county and year (townships together)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'prune-'));
    const posterDir = join(dir, 'posters');
    mkdirSync(posterDir);
    // Two townships of one county in 2025.
    const other = '2025/430421101201-v1-b830b81463f5c438';
    writePosterManifestParts(posterDir, { ...manifest, villages: { ...manifest.villages, '430421101201/2025': { ...files('430421101201', other), version: 1 } } } as unknown as PosterManifest);
    expect(readdirSync(join(posterDir, 'manifest', '2025')).sort()).toEqual(['430421100.json', '430421101.json']);
    const posters = copiedFolder(dir);
    await prunePosters(posters, posterDir, { forWorker: true });
    expect(readdirSync(posters, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(posters.length + 1))).toEqual(['manifest/by-county/2025/430421.json']);
    const county = JSON.parse(readFileSync(join(posters, 'manifest/by-county/2025/430421.json'), 'utf8')) as PosterManifest;
    expect(Object.keys(county.villages).sort()).toEqual(['430421100203/2025', '430421101201/2025']);
    expect(Object.keys(county.superseded)).toEqual(['430421100203/2025/v1']);
    // Nothing copied from public/ either: the manifest alone.
    const empty = join(dir, 'empty-site-posters');
    await prunePosters(empty, posterDir, { forWorker: true });
    expect(existsSync(join(empty, 'manifest/by-county/2025/430421.json'))).toBe(true);
  });

  it('knows which database a build was made from', () => {
    dir = mkdtempSync(join(tmpdir(), 'source-'));
    expect(builtFrom(dir, 'file:data/portal.db')).toBe(false);
    writeFileSync(join(dir, BUILD_SOURCE_FILE), JSON.stringify({ database: databaseFingerprint('file:data/portal.db') }));
    expect(builtFrom(dir, 'file:data/portal.db')).toBe(true);
    expect(builtFrom(dir, 'file:data/county.db')).toBe(false);
  });

  it('knows whom a build was made for: npm start never serves the Worker’s build as its own', () => {
    dir = mkdtempSync(join(tmpdir(), 'source-'));
    writeFileSync(join(dir, BUILD_SOURCE_FILE), JSON.stringify({ database: databaseFingerprint('file:data/portal.db'), target: 'worker' }));
    expect(builtFrom(dir, 'file:data/portal.db', 'worker')).toBe(true);
    expect(builtFrom(dir, 'file:data/portal.db', 'node')).toBe(false);
    // A build from before the target was written was a static one.
    writeFileSync(join(dir, BUILD_SOURCE_FILE), JSON.stringify({ database: databaseFingerprint('file:data/portal.db') }));
    expect([builtFrom(dir, 'file:data/portal.db', 'static'), builtFrom(dir, 'file:data/portal.db', 'node')]).toEqual([true, false]);
  });
});
