/**
 * Posters read as a person would: OCR (tesseract chi_sim) on the PNG, a phone's QR reader (zbarimg)
 * on the PNG and on the PDF printed at 150 dpi (pdftoppm), and copy-paste (pdftotext) on the PDF.
 * The files are downloaded from the e2e server, which only planned them: it draws them on request.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../db/client.ts';
import { loadPublishedYear } from '../../src/data/disclosures.ts';
import { PROJECT_ROOT } from '../../src/cli/site-build.ts';
import { renderDraftPoster } from '../../src/posters/draft.ts';
import { villageDisplayName } from '../../src/posters/title.ts';
import type { VillagePosterEntry } from '../../src/posters/manifest.ts';
import { readPosterManifest } from '../../src/posters/manifest-store.ts';
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
  const baseUrl = inject('baseUrl');
  const posterDir = inject('posterDir');
  const settings = inject('posterSettings');
  // Downloads of this run (several runs may share the tree).
  const outDir = join(PROJECT_ROOT, 'tests/.output', `posters-e2e-${process.pid}`);
  let opened: OpenDatabase;
  let entry: VillagePosterEntry;
  let model: PosterModel;
  const file = (sitePath: string) => join(outDir, sitePath.replace(/^\/posters\//, '').replaceAll('/', '_'));

  beforeAll(async () => {
    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    opened = await openDatabase({ url: inject('databaseUrl') });
    const year = await loadPublishedYear(opened.db, 2022);
    // A village with several projects and a direct subsidy: the busiest poster that fits one page.
    const d = year.villages.filter((v) => v.content.projects.length >= 3 && v.content.directSubsidy)[0]!;
    model = buildPosterModel(d.content, d, settings);
    entry = readPosterManifest(posterDir).villages[`${d.scopeCode}/2022`]!;
    expect(entry.version).toBe(d.version);
  }, 120_000);
  afterAll(() => {
    opened?.close();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('the server draws a planned poster on the first request, once, and serves it for good', async () => {
    const onDisk = (sitePath: string) => join(posterDir, sitePath.replace(/^\/posters\//, ''));
    const paths = [entry.a4Pdf, entry.a3Pdf, ...entry.png];
    for (const p of paths) expect(existsSync(onDisk(p)), p).toBe(false);
    // Two requests for the same PNG and the PDFs at once: one render serves them all.
    const responses = await Promise.all([entry.png[0]!, ...paths].map((p) => fetch(`${baseUrl}${p}`)));
    for (const [i, res] of responses.entries()) {
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toContain('immutable');
      const sitePath = i === 0 ? entry.png[0]! : paths[i - 1]!;
      expect(res.headers.get('content-type')).toBe(sitePath.endsWith('.png') ? 'image/png' : 'application/pdf');
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect(Buffer.from(bytes).equals(readFileSync(onDisk(sitePath)))).toBe(true);
      writeFileSync(file(sitePath), bytes);
    }
    const head = await fetch(`${baseUrl}${entry.a4Pdf}`, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length')]).toEqual([200, String(readFileSync(onDisk(entry.a4Pdf)).byteLength)]);
    // A name of this version with another key (drawn before a settings change) leads to this file.
    const moved = await fetch(`${baseUrl}${entry.a4Pdf.replace(entry.key, '0000000000000000')}`, { redirect: 'manual' });
    expect([moved.status, moved.headers.get('location')]).toEqual([302, entry.a4Pdf]);
    expect((await fetch(`${baseUrl}${entry.a4Pdf.replace(`-v${entry.version}-`, '-v99-')}`)).status).toBe(404);
  });

  it('the village page links the planned files before any of them is drawn', async () => {
    const manifest = readPosterManifest(posterDir);
    const latest = Object.values(manifest.villages)
      .filter((v) => v.villageCode === entry.villageCode)
      .sort((a, b) => b.year - a.year)[0]!;
    const html = await (await fetch(`${baseUrl}/villages/${entry.villageCode}/`)).text();
    for (const p of [latest.a4Pdf, latest.a3Pdf, ...latest.png]) expect(html).toContain(`href="${p}"`);
  });

  it('OCR reads the title, the village name and the total off the PNG', () => {
    const text = squash(run('tesseract', [file(entry.png[0]!), '-', '-l', 'chi_sim']));
    expect(editsToFind(text, squash(model.title)), text).toBeLessThanOrEqual(2);
    expect(text).toContain(model.title.match(/关于(.+?)\d{4}年度/)![1]);
    // At most one misread mark (tesseract took the comma of 794,000.00 for a semicolon once the
    // footer's text changed); every digit must be read.
    expect(editsToFind(text, model.totals!.budget), text).toBeLessThanOrEqual(1);
    expect(text.replace(/[^\d]/g, '')).toContain(model.totals!.budget.replace(/[^\d]/g, ''));
  });

  it('the QR code leads to the page of the version it was printed from, from the PNG and from the PDF printed at 150 dpi', () => {
    const url = `${settings.siteUrl}/villages/${entry.villageCode}/${entry.year}/v${entry.version}/`;
    expect(run('zbarimg', ['-q', '--raw', file(entry.png[0]!)]).trim()).toBe(url);
    for (const pdf of [entry.a4Pdf, entry.a3Pdf]) {
      const prefix = join(outDir, `raster-${pdf.endsWith('a3.pdf') ? 'a3' : 'a4'}`);
      run('pdftoppm', ['-r', '150', '-png', '-f', '1', '-l', '1', '-singlefile', file(pdf), prefix]);
      expect(run('zbarimg', ['-q', '--raw', `${prefix}.png`]).trim()).toBe(url);
    }
  });

  it('发到村民群 on the village page opens the share card: a PNG with the village and its total, whose QR code leads to the village page', async () => {
    const html = await (await fetch(`${baseUrl}/villages/${entry.villageCode}/`)).text();
    const href = /<a class="share-card-link" href="([^"]+)">发到村民群<\/a>/.exec(html)?.[1];
    expect(href).toMatch(new RegExp(`^/share/villages/${entry.villageCode}/\\d{4}\\.png$`));
    const res = await fetch(`${baseUrl}${href}`);
    expect([res.status, res.headers.get('content-type')]).toEqual([200, 'image/png']);
    const card = join(outDir, 'share-card.png');
    writeFileSync(card, new Uint8Array(await res.arrayBuffer()));
    expect(run('zbarimg', ['-q', '--raw', card]).trim()).toBe(`${settings.siteUrl}/villages/${entry.villageCode}/`);
    const text = squash(run('tesseract', [card, '-', '-l', 'chi_sim']));
    expect(text).toContain(villageDisplayName(entry.villageName));
    expect(text).toMatch(/批复资金[\d,]+\.\d\d万元/);
    // Asked again with what it was given: unchanged, nothing to send.
    const again = await fetch(`${baseUrl}${href}`, { headers: { 'if-none-match': res.headers.get('etag')! } });
    expect(again.status).toBe(304);
  }, 60_000);

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
    // The e2e server has no public address (SITE_URL): the poster says it must not be posted.
    expect(settings.siteUrl).toMatch(/^http:\/\/localhost:/);
    expect(text).toContain('样张（地址未设置，勿张贴）');
  });

  it('draws and extracts rare characters of place names (𬌗 㙟 塅 垱)', async () => {
    const draft = await renderDraftPoster(villageContent(2), POSTER_SETTINGS);
    const pdf = join(outDir, 'draft.pdf');
    writeFileSync(pdf, draft.pdf);
    const text = squash(run('pdftotext', [pdf, '-']));
    expect(text).toContain('关于𬌗㙟村2022年度');
    expect(text).toContain('塅垱组1号机耕道');
    expect(text).toContain('草稿');
  });
});
