/**
 * Posters read as a person would: OCR (tesseract chi_sim) on the PNG, a phone's QR reader (zbarimg)
 * on the PNG and on the PDF printed at 150 dpi (pdftoppm), and copy-paste (pdftotext) on the PDF.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../db/client.ts';
import { loadPublishedYear } from '../../src/data/disclosures.ts';
import { PROJECT_ROOT } from '../../src/cli/site-build.ts';
import { renderDraftPoster } from '../../src/posters/draft.ts';
import { generatePosters } from '../../src/posters/generate.ts';
import type { VillagePosterEntry } from '../../src/posters/manifest.ts';
import { buildPosterModel, type PosterModel } from '../../src/posters/model.ts';
import { POSTER_SETTINGS, villageContent } from '../support/poster-fixtures.ts';

const run = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, OMP_THREAD_LIMIT: '1' } });
const squash = (text: string) => text.replace(/\s+/g, '');

/**
 * Fewest character edits that turn `needle` into some substring of `text` (Sellers' algorithm):
 * OCR may misread one stroke-heavy character of a 28-character title; a person still reads it.
 */
function editsToFind(text: string, needle: string): number {
  const a = [...needle];
  let previous = new Array<number>([...text].length + 1).fill(0);
  a.forEach((ch, i) => {
    const current = [i + 1];
    [...text].forEach((t, j) => current.push(Math.min(previous[j]! + (t === ch ? 0 : 1), previous[j + 1]! + 1, current[j]! + 1)));
    previous = current;
  });
  return Math.min(...previous);
}

describe('posters as printed and photographed', () => {
  const outDir = join(PROJECT_ROOT, 'tests/.output/posters-e2e');
  let opened: OpenDatabase;
  let entry: VillagePosterEntry;
  let model: PosterModel;
  const settings = { ...POSTER_SETTINGS, siteUrl: inject('baseUrl') };
  const file = (sitePath: string) => join(outDir, sitePath.replace(/^\/posters\//, ''));

  beforeAll(async () => {
    rmSync(outDir, { recursive: true, force: true });
    opened = await openDatabase({ url: inject('databaseUrl') });
    const year = await loadPublishedYear(opened.db, 2022);
    // A village with several projects and a direct subsidy: the busiest poster that fits one page.
    const d = year.villages.filter((v) => v.content.projects.length >= 3 && v.content.directSubsidy)[0]!;
    model = buildPosterModel(d.content, d, settings);
    const result = await generatePosters({ db: opened.db, outDir, settings, years: [2022], villageCodes: [d.scopeCode], workers: 0 });
    entry = result.manifest.villages[`${d.scopeCode}/2022`]!;
  }, 120_000);
  afterAll(() => opened?.close());

  it('OCR reads the title, the village name and the total off the PNG', () => {
    const text = squash(run('tesseract', [file(entry.png[0]!), '-', '-l', 'chi_sim']));
    expect(editsToFind(text, squash(model.title)), text).toBeLessThanOrEqual(2);
    expect(text).toContain(model.title.match(/关于(.+?)\d{4}年度/)![1]);
    expect(text).toContain(model.totals!.budget);
  });

  it('the QR code leads to the village page, from the PNG and from the PDF printed at 150 dpi', () => {
    const url = `${settings.siteUrl}/villages/${entry.villageCode}/`;
    expect(run('zbarimg', ['-q', '--raw', file(entry.png[0]!)]).trim()).toBe(url);
    for (const pdf of [entry.a4Pdf, entry.a3Pdf]) {
      const prefix = join(outDir, `raster-${pdf.endsWith('a3.pdf') ? 'a3' : 'a4'}`);
      run('pdftoppm', ['-r', '150', '-png', '-f', '1', '-l', '1', '-singlefile', file(pdf), prefix]);
      expect(run('zbarimg', ['-q', '--raw', `${prefix}.png`]).trim()).toBe(url);
    }
  });

  it('the PDF text is selectable: the village name and every amount', () => {
    const text = squash(run('pdftotext', [file(entry.a4Pdf), '-']));
    expect(text).toContain(squash(model.title));
    for (const row of model.rows) {
      expect(text).toContain(row.budget);
      expect(text).toContain(row.disbursed);
    }
    expect(text).toContain(model.totals!.budget);
    expect(text).toContain(model.totals!.disbursed);
    for (const amount of model.subsidyText.match(/[\d,]+\.\d{2}/g) ?? []) expect(text).toContain(amount);
    expect(text).not.toContain('示例数据示例数据');
  });

  it('draws and extracts rare characters of place names (𬌗 㙟 塅 垱)', async () => {
    const draft = await renderDraftPoster(villageContent(2), POSTER_SETTINGS);
    mkdirSync(outDir, { recursive: true });
    const pdf = join(outDir, 'draft.pdf');
    writeFileSync(pdf, draft.pdf);
    const text = squash(run('pdftotext', [pdf, '-']));
    expect(text).toContain('关于𬌗㙟村2022年度');
    expect(text).toContain('塅垱组1号机耕道');
    expect(text).toContain('草稿');
  });
});
