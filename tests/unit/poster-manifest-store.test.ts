/**
 * The poster manifest as stored in a posters folder (src/posters/manifest-store.ts): one file per
 * year and township plus an index; a publish's write touches only its townships, a whole plan
 * written again only the parts that changed; a folder of the single manifest.json of older
 * versions is read as it is and converted by the first write.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { currentPosterPath, emptyManifest, findVillagePoster, manifestPartOf, type PosterManifest, type TownshipPosterEntry, type VillagePosterEntry } from '../../src/posters/manifest.ts';
import {
  createPosterManifestReader,
  readManifestIndex,
  readPosterManifest,
  readPosterManifestPart,
  writePosterManifestParts,
} from '../../src/posters/manifest-store.ts';

const village = (code: string, year: number, version: number, key: string): VillagePosterEntry => {
  const base = `/posters/${year}/${code}-v${version}-${key}`;
  return {
    villageCode: code,
    villageName: `村${code.slice(-3)}`,
    townshipCode: code.slice(0, 9),
    year,
    version,
    verificationCode: 'ABCD-EFGH',
    key,
    previousOutcome: null,
    pages: 1,
    a4Pdf: `${base}-a4.pdf`,
    a3Pdf: `${base}-a3.pdf`,
    png: [`${base}-a4-p1.png`],
  };
};
const township = (code: string, year: number, key: string, villageCodes: string[]): TownshipPosterEntry => ({
  townshipCode: code,
  townshipName: `镇${code.slice(-3)}`,
  year,
  key,
  villageCodes,
  a4Pdf: `/posters/${year}/township-${code}-${key}-a4.pdf`,
  a3Pdf: `/posters/${year}/township-${code}-${key}-a3.pdf`,
});

/** Two townships in 2024, one of them in 2023 too; one village corrected in 2024. */
function sampleManifest(): PosterManifest {
  const m = emptyManifest();
  for (const [code, year, version, key] of [
    ['430482101207', 2024, 2, '1111111111111111'],
    ['430482101208', 2024, 1, '2222222222222222'],
    ['430482102301', 2024, 1, '3333333333333333'],
    ['430482101207', 2023, 1, '4444444444444444'],
  ] as const) {
    m.villages[`${code}/${year}`] = village(code, year, version, key);
  }
  m.superseded['430482101207/2024/v1'] = village('430482101207', 2024, 1, '5555555555555555');
  m.townships['430482101/2024'] = township('430482101', 2024, '6666666666666666', ['430482101207', '430482101208']);
  m.townships['430482102/2024'] = township('430482102', 2024, '7777777777777777', ['430482102301']);
  m.townships['430482101/2023'] = township('430482101', 2023, '8888888888888888', ['430482101207']);
  return m;
}

const identity = (file: string) => {
  const s = statSync(file);
  return `${s.ino}:${s.mtimeMs}`;
};
const filesUnder = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'poster-manifest-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the poster manifest in a posters folder', () => {
  it.each([
    ['a village poster', '2024/430482101207-v2-1111111111111111-a4.pdf', { year: 2024, townshipCode: '430482101' }],
    ['a page of a village poster', '2023/430482101207-v1-4444444444444444-a4-p3.png', { year: 2023, townshipCode: '430482101' }],
    ['a name from before versions were in it', '2024/430482102301-0123456789abcdef-a3.pdf', { year: 2024, townshipCode: '430482102' }],
    ['a township’s 合订本', '2024/township-430482101-6666666666666666-a3.pdf', { year: 2024, townshipCode: '430482101' }],
    ['the manifest itself', 'manifest/2024/430482101.json', null],
    ['a name that is no poster', '2024/notes.txt', null],
  ])('knows which part lists %s', (_, name, part) => {
    expect(manifestPartOf(name)).toEqual(part);
  });

  it('writes one file per year and township and an index, and reads them back whole or by part', () => {
    const manifest = sampleManifest();
    writePosterManifestParts(dir, manifest);
    expect(filesUnder(dir)).toEqual(['manifest/2023/430482101.json', 'manifest/2024/430482101.json', 'manifest/2024/430482102.json', 'manifest/index.json']);
    expect(Object.keys(readManifestIndex(dir)!.parts)).toEqual(['2023', '2024']);
    expect(readPosterManifest(dir)).toEqual(manifest);
    const part = readPosterManifestPart(dir, { year: 2024, townshipCode: '430482101' });
    expect(Object.keys(part.villages).sort()).toEqual(['430482101207/2024', '430482101208/2024']);
    expect(Object.keys(part.superseded)).toEqual(['430482101207/2024/v1']);
    expect(Object.keys(part.townships)).toEqual(['430482101/2024']);
    // The look-ups work on a part as on the whole.
    expect(findVillagePoster(part, '430482101207', 2024, 1)?.key).toBe('5555555555555555');
    expect(currentPosterPath(part, '2024/430482101207-v2-0123456789abcdef-a3.pdf')).toBe(manifest.villages['430482101207/2024']!.a3Pdf);
    expect(readPosterManifestPart(dir, { year: 2022, townshipCode: '430482101' })).toEqual(emptyManifest());
  });

  it('replaces only the parts of the townships a publish planned, and leaves every other file as it was', () => {
    const manifest = sampleManifest();
    writePosterManifestParts(dir, manifest);
    const before = new Map(filesUnder(dir).map((f) => [f, identity(join(dir, f))]));
    // Township 430482101 in 2024, planned again after a correction of village 208.
    const partial = emptyManifest();
    partial.villages['430482101207/2024'] = manifest.villages['430482101207/2024']!;
    partial.superseded['430482101207/2024/v1'] = manifest.superseded['430482101207/2024/v1']!;
    partial.villages['430482101208/2024'] = village('430482101208', 2024, 2, '9999999999999999');
    partial.superseded['430482101208/2024/v1'] = manifest.villages['430482101208/2024']!;
    partial.townships['430482101/2024'] = township('430482101', 2024, 'aaaaaaaaaaaaaaaa', ['430482101207', '430482101208']);
    writePosterManifestParts(dir, partial, { year: 2024, townshipCodes: ['430482101'] });
    const changed = filesUnder(dir).filter((f) => before.get(f) !== identity(join(dir, f)));
    expect(changed).toEqual(['manifest/2024/430482101.json', 'manifest/index.json']);
    const whole = readPosterManifest(dir);
    expect(whole.villages['430482101208/2024']!.version).toBe(2);
    expect(whole.villages['430482102301/2024']).toEqual(manifest.villages['430482102301/2024']);
    expect(whole.villages['430482101207/2023']).toEqual(manifest.villages['430482101207/2023']);
    // A township left with nothing in scope loses its part.
    writePosterManifestParts(dir, emptyManifest(), { year: 2024, townshipCodes: ['430482102'] });
    expect(existsSync(join(dir, 'manifest/2024/430482102.json'))).toBe(false);
    expect(Object.keys(readManifestIndex(dir)!.parts['2024']!)).toEqual(['430482101']);
  });

  it('merges what a scoped plan names outside its townships into their parts, as a whole manifest would hold it', () => {
    const manifest = sampleManifest();
    writePosterManifestParts(dir, manifest);
    // Township 430482101 planned again, its 合订本 named by another township (the villages' content says so).
    const partial = emptyManifest();
    partial.villages['430482101207/2024'] = manifest.villages['430482101207/2024']!;
    partial.superseded['430482101207/2024/v1'] = manifest.superseded['430482101207/2024/v1']!;
    partial.villages['430482101208/2024'] = manifest.villages['430482101208/2024']!;
    partial.townships['430482102/2024'] = township('430482102', 2024, 'dddddddddddddddd', ['430482101207', '430482101208']);
    writePosterManifestParts(dir, partial, { year: 2024, townshipCodes: ['430482101'] });
    const expected = sampleManifest();
    delete expected.townships['430482101/2024'];
    expected.townships['430482102/2024'] = partial.townships['430482102/2024']!;
    expect(readPosterManifest(dir)).toEqual(expected);
    expect(Object.keys(readPosterManifestPart(dir, { year: 2024, townshipCode: '430482102' }).villages)).toEqual(['430482102301/2024']);
  });

  it('writes a whole plan again as only the parts that changed, and removes the parts it no longer has', () => {
    const manifest = sampleManifest();
    writePosterManifestParts(dir, manifest);
    const before = new Map(filesUnder(dir).map((f) => [f, identity(join(dir, f))]));
    writePosterManifestParts(dir, sampleManifest());
    expect(filesUnder(dir).filter((f) => before.get(f) !== identity(join(dir, f)))).toEqual([]);
    const without2023 = sampleManifest();
    delete without2023.villages['430482101207/2023'];
    delete without2023.townships['430482101/2023'];
    without2023.villages['430482102301/2024']!.pages = 2;
    writePosterManifestParts(dir, without2023);
    expect(filesUnder(dir)).toEqual(['manifest/2024/430482101.json', 'manifest/2024/430482102.json', 'manifest/index.json']);
    expect(identity(join(dir, 'manifest/2024/430482101.json'))).toBe(before.get('manifest/2024/430482101.json'));
    expect(readPosterManifest(dir)).toEqual(without2023);
    // Every file went through a temporary name: none is left.
    expect(filesUnder(dir).some((f) => f.endsWith('.tmp'))).toBe(false);
  });

  describe('a folder of the single manifest.json of older versions', () => {
    const writeLegacy = (manifest: PosterManifest) => writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);

    it('is read as it is until the first write', () => {
      const manifest = sampleManifest();
      writeLegacy(manifest);
      expect(readPosterManifest(dir)).toEqual(manifest);
      const part = readPosterManifestPart(dir, { year: 2024, townshipCode: '430482102' });
      expect(findVillagePoster(part, '430482102301', 2024)).toEqual(manifest.villages['430482102301/2024']);
      const reader = createPosterManifestReader(dir);
      expect(currentPosterPath(reader.part({ year: 2024, townshipCode: '430482101' }), '2024/township-430482101-0123456789abcdef-a4.pdf')).toBe(manifest.townships['430482101/2024']!.a4Pdf);
      expect(Object.keys(reader.index()!.parts['2024']!).sort()).toEqual(['430482101', '430482102']);
    });

    it('is split by a publish’s write, with that publish’s townships replaced', () => {
      const manifest = sampleManifest();
      writeLegacy(manifest);
      const partial = emptyManifest();
      partial.villages['430482102301/2024'] = village('430482102301', 2024, 2, 'bbbbbbbbbbbbbbbb');
      partial.superseded['430482102301/2024/v1'] = manifest.villages['430482102301/2024']!;
      partial.townships['430482102/2024'] = township('430482102', 2024, 'cccccccccccccccc', ['430482102301']);
      writePosterManifestParts(dir, partial, { year: 2024, townshipCodes: ['430482102'] });
      expect(existsSync(join(dir, 'manifest.json'))).toBe(false);
      const expected = sampleManifest();
      Object.assign(expected.villages, partial.villages);
      Object.assign(expected.superseded, partial.superseded);
      Object.assign(expected.townships, partial.townships);
      expect(readPosterManifest(dir)).toEqual(expected);
    });
  });

  it('keeps a part read until its file changes', () => {
    writePosterManifestParts(dir, sampleManifest());
    const reader = createPosterManifestReader(dir);
    const part = { year: 2024, townshipCode: '430482101' };
    const first = reader.part(part);
    const stamp = reader.stamp();
    expect(reader.part(part)).toBe(first);
    const changed = sampleManifest();
    changed.villages['430482101208/2024']!.pages = 3;
    writePosterManifestParts(dir, changed);
    expect(reader.stamp()).not.toBe(stamp);
    expect(reader.part(part)).not.toBe(first);
    expect(reader.part(part).villages['430482101208/2024']!.pages).toBe(3);
    expect(JSON.parse(readFileSync(join(dir, 'manifest/index.json'), 'utf8'))).toMatchObject({ schema: 2 });
  });
});
