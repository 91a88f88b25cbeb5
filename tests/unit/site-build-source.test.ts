/**
 * A build never carries another database's site or posters: files in the posters folder that the
 * manifest does not name are left out of the build, and `npm start` serves a previous build only if
 * it was made from the same database.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILD_SOURCE_FILE, builtFrom, databaseFingerprint, prunePosters } from '../../src/cli/site-build.ts';
import type { PosterManifest } from '../../src/posters/manifest.ts';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('what a build carries', () => {
  it('keeps only the posters its manifest names', () => {
    dir = mkdtempSync(join(tmpdir(), 'prune-'));
    const posters = join(dir, 'posters');
    mkdirSync(join(posters, '2025'), { recursive: true });
    mkdirSync(join(posters, '2024'), { recursive: true });
    const own = '2025/430421100203-v2-a830b81463f5c438';
    const corrected = '2025/430421100203-v1-0f30b81463f5c438';
    // What public/posters held: the sample's manifest and a poster of it.
    writeFileSync(join(posters, 'manifest.json'), JSON.stringify({ schema: 1, villages: { '430482105205/2024': {} }, townships: {} }));
    const files = (base: string) => ({ a4Pdf: `/posters/${base}-a4.pdf`, a3Pdf: `/posters/${base}-a3.pdf`, png: [`/posters/${base}-a4-p1.png`] });
    const manifest = { schema: 1 as const, villages: { '430421100203/2025': files(own) }, superseded: { '430421100203/2025/v1': files(corrected) }, townships: {} } as unknown as PosterManifest;
    for (const f of [`${own}-a4.pdf`, `${own}-a4-p1.png`, `${corrected}-a3.pdf`, '2024/430482105205-0123456789abcdef-a4.pdf']) writeFileSync(join(posters, f), 'x');
    prunePosters(posters, manifest);
    expect(JSON.parse(readFileSync(join(posters, 'manifest.json'), 'utf8'))).toEqual(manifest);
    expect([existsSync(join(posters, `${own}-a4.pdf`)), existsSync(join(posters, `${own}-a4-p1.png`)), existsSync(join(posters, 'manifest.json'))]).toEqual([true, true, true]);
    // A corrected version's poster stays: its address was published.
    expect(existsSync(join(posters, `${corrected}-a3.pdf`))).toBe(true);
    expect(existsSync(join(posters, '2024/430482105205-0123456789abcdef-a4.pdf'))).toBe(false);
  });

  it('knows which database a build was made from', () => {
    dir = mkdtempSync(join(tmpdir(), 'source-'));
    expect(builtFrom(dir, 'file:data/portal.db')).toBe(false);
    writeFileSync(join(dir, BUILD_SOURCE_FILE), JSON.stringify({ database: databaseFingerprint('file:data/portal.db') }));
    expect(builtFrom(dir, 'file:data/portal.db')).toBe(true);
    expect(builtFrom(dir, 'file:data/county.db')).toBe(false);
  });
});
