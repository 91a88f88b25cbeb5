import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSampleCounty } from '../../src/cli/sample-data.ts';
import { posterSource } from '../../src/data/poster-source.ts';
import { renderDraftPoster } from '../../src/posters/draft.ts';
import { missingCharacters, openPosterFonts, subsetPosterFonts } from '../../src/posters/fonts.ts';
import { generatePosters } from '../../src/posters/generate.ts';
import { readPosterManifest } from '../../src/posters/manifest-store.ts';
import { createTempDatabase, type TempDatabase } from '../support/temp-database.ts';
import { POSTER_SETTINGS, villageContent } from '../support/poster-fixtures.ts';

const RARE = '𬌗㙟塅垱𬇙鿍㮾𡌶';

describe('poster fonts', () => {
  it('have every rare character of Hunan place names, in both weights, with an outline', async () => {
    expect(missingCharacters(RARE)).toEqual([]);
    const fonts = openPosterFonts(await subsetPosterFonts(RARE));
    for (const ch of RARE) {
      for (const weight of ['regular', 'bold'] as const) expect(fonts.glyph(weight, ch.codePointAt(0)!).d, `${ch} ${weight}`).not.toBe('');
    }
  });

  it('report a character no font has', () => {
    expect(missingCharacters('村\uE000\n')).toEqual(['\uE000']);
  });
});

describe('draft poster', () => {
  it('renders a PDF and a 1240 × 1754 greyscale PNG per page', async () => {
    const draft = await renderDraftPoster(villageContent(3), POSTER_SETTINGS);
    expect(Buffer.from(draft.pdf.subarray(0, 5)).toString()).toBe('%PDF-');
    expect(draft.png).toHaveLength(1);
    const png = Buffer.from(draft.png[0]!);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20), png[25]]).toEqual([1240, 1754, 0]);
  });
});

describe('poster generation', () => {
  let db: TempDatabase;
  let outDir: string;
  let villages: string[];
  let versionCount: number;
  beforeAll(async () => {
    db = await createTempDatabase();
    await loadSampleCounty(db.db);
    outDir = mkdtempSync(join(tmpdir(), 'posters-'));
    const rows = await db.client.execute("select distinct scope_code from disclosures where scope_type = 'village' and year = 2022 order by scope_code limit 4");
    villages = rows.rows.map((r) => String(r.scope_code));
    const versions = await db.client.execute({ sql: `select count(*) as n from disclosures where scope_type = 'village' and year = 2022 and scope_code in (${villages.map(() => '?').join(',')})`, args: villages });
    versionCount = Number(versions.rows[0]!.n);
  }, 120_000);
  afterAll(() => {
    db.dispose();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('renders every published version of each village once, then reuses them while nothing changed', async () => {
    // The sample corrects some villages: more versions than villages, or this test shows nothing.
    expect(versionCount).toBeGreaterThan(villages.length);
    const first = await generatePosters({ source: posterSource(db.db), outDir, settings: POSTER_SETTINGS, years: [2022], villageCodes: villages, workers: 2 });
    expect(first).toMatchObject({ rendered: versionCount, reused: 0 });
    const manifest = readPosterManifest(outDir);
    for (const code of villages) {
      const entry = manifest.villages[`${code}/2022`]!;
      expect(entry.version).toBeGreaterThanOrEqual(1);
      expect(entry.verificationCode).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/);
      for (const file of [entry.a4Pdf, entry.a3Pdf, ...entry.png]) expect(existsSync(join(outDir, file.replace(/^\/posters\//, '')))).toBe(true);
      expect(entry.a4Pdf).toContain(`${code}-v${entry.version}-${entry.key}`);
    }
    const corrected = Object.values(manifest.superseded);
    expect(corrected).toHaveLength(versionCount - villages.length);
    for (const entry of corrected) {
      expect(entry.version).toBeLessThan(manifest.villages[`${entry.villageCode}/2022`]!.version);
      for (const file of [entry.a4Pdf, entry.a3Pdf, ...entry.png]) expect(existsSync(join(outDir, file.replace(/^\/posters\//, '')))).toBe(true);
    }
    const township = Object.values(manifest.townships)[0]!;
    expect(readFileSync(join(outDir, township.a4Pdf.replace(/^\/posters\//, ''))).subarray(0, 5).toString()).toBe('%PDF-');

    const second = await generatePosters({ source: posterSource(db.db), outDir, settings: POSTER_SETTINGS, years: [2022], villageCodes: villages, workers: 2 });
    expect(second).toMatchObject({ rendered: 0, reused: versionCount, townshipsRendered: 0 });

    const changed = await generatePosters({ source: posterSource(db.db), outDir, settings: { ...POSTER_SETTINGS, countySupervisionPhones: ['0734-7000000'] }, years: [2022], villageCodes: villages, workers: 0 });
    expect(changed.rendered).toBe(versionCount);
  }, 120_000);
});
