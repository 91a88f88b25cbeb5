/**
 * `npm run bench:posters`: poster rendering against headless Chromium rendering the same poster as
 * HTML (same fonts, same positions), warm, in the same run; then a whole county from scratch on all
 * cores and an incremental run with nothing changed; and the share card (发到村民群) beside them. Flags: `--all-years` (every published year in
 * the full run, not only the latest), `--samples <n>` (posters timed per method, default 20).
 *
 * Targets (issue 5): PDF ≤ 150 ms and PNG (A4, 150 dpi) ≤ 350 ms median per poster, each ≥ 5× faster
 * than Chromium; the county from scratch ≤ 60 s; an unchanged incremental run ≤ 2 s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { migrateDatabase, openDatabase } from '../../db/client.ts';
import { loadSampleCounty } from '../../src/cli/sample-data.ts';
import { listPublishedYears, loadPublishedYear } from '../../src/data/disclosures.ts';
import { posterSource } from '../../src/data/poster-source.ts';
import { openPosterFonts, subsetPosterFonts, type PosterFonts } from '../../src/posters/fonts.ts';
import { generatePosters } from '../../src/posters/generate.ts';
import { layoutPoster, posterCharacters, type PosterPage } from '../../src/posters/layout.ts';
import { buildPosterModel, type PosterSettings } from '../../src/posters/model.ts';
import { renderPdf, renderPng } from '../../src/posters/render.ts';
import { buildShareCardModel } from '../../src/posters/card-model.ts';
import { drawShareCard, shareCardSvg } from '../../src/posters/card.ts';

const args = process.argv.slice(2);
const samples = Number(args[args.indexOf('--samples') + 1]) || 20;
const allYears = args.includes('--all-years');
const settings: PosterSettings = {
  siteUrl: 'http://localhost:4321',
  issuingUnit: '常宁市库区移民事务中心',
  countySupervisionPhones: ['0734-7212345'],
  supervisionAddress: '常宁市库区移民事务中心（常宁市宜阳街道）',
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(x < 20 ? 1 : 0)} ms`;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

/** The same laid-out page as HTML: every node absolutely positioned, fonts from the run's subset. */
function pageHtml(page: PosterPage, fonts: PosterFonts): string {
  const face = (name: string, bytes: Uint8Array) => `@font-face{font-family:${name};src:url(data:font/otf;base64,${Buffer.from(bytes).toString('base64')}) format("opentype")}`;
  const parts: string[] = [];
  const g = (v: number) => Math.round(v * 255);
  for (const n of page.nodes) {
    if (n.kind === 'text') {
      const rotate = n.rotate ? `transform:rotate(${-n.rotate}deg);transform-origin:0 ${n.size * 0.88}pt;` : '';
      parts.push(
        `<span style="left:${n.x}pt;top:${n.y - n.size * 0.88}pt;font:${n.size}pt/1 ${n.weight === 'bold' ? 'PB' : 'PR'};color:rgb(${g(n.grey)},${g(n.grey)},${g(n.grey)});${rotate}">${n.text.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</span>`,
      );
    } else if (n.kind === 'rect') {
      parts.push(`<div style="left:${n.x}pt;top:${n.y}pt;width:${n.width}pt;height:${n.height}pt;${n.fill === null ? '' : `background:rgb(${g(n.fill)},${g(n.fill)},${g(n.fill)});`}${n.stroke ? `outline:${n.stroke}pt solid #000;` : ''}"></div>`);
    } else if (n.kind === 'line') {
      parts.push(`<div style="left:${Math.min(n.x1, n.x2)}pt;top:${Math.min(n.y1, n.y2)}pt;width:${Math.max(Math.abs(n.x2 - n.x1), n.width)}pt;height:${Math.max(Math.abs(n.y2 - n.y1), n.width)}pt;background:#000"></div>`);
    } else {
      for (const r of n.runs) parts.push(`<div style="left:${n.x + r.col * n.moduleSize}pt;top:${n.y + r.row * n.moduleSize}pt;width:${r.length * n.moduleSize}pt;height:${n.moduleSize}pt;background:#000"></div>`);
    }
  }
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>${face('PR', fonts.bytes.regular)}${face('PB', fonts.bytes.bold)}
@page{size:${page.width}pt ${page.height}pt;margin:0}html,body{margin:0}body{position:relative;width:${page.width}pt;height:${page.height}pt;background:#fff}
span,div{position:absolute;white-space:pre}</style></head><body>${parts.join('')}</body></html>`;
}

const dir = mkdtempSync(join(tmpdir(), 'poster-bench-'));
try {
  const { db, close } = await openDatabase({ url: `file:${join(dir, 'bench.db')}` });
  await migrateDatabase(db);
  await loadSampleCounty(db);
  const years = await listPublishedYears(db);
  const latest = years[0]!;
  const published = await loadPublishedYear(db, latest);
  const chosen = published.villages.filter((v) => v.content.projects.length > 0).slice(0, samples);
  const models = chosen.map((d) => buildPosterModel(d.content, d, settings));
  const fonts = openPosterFonts(await subsetPosterFonts(models.map(posterCharacters).join('')));
  const pages = models.map((m) => layoutPoster(m, fonts.measure));
  const pageCount = pages.reduce((sum, p) => sum + p.length, 0);
  // Ours draws each poster's every page (PDF) or first page (PNG); Chromium gets each poster's first page.
  console.log(`${models.length} posters of ${latest} (${pageCount} pages; Chromium gets the first page of each), ${availableParallelism()} cores, Node ${process.version}, load average ${load()}`);

  // Warm-up, then one timing per poster.
  for (const p of pages.slice(0, 3)) {
    await renderPdf(p, fonts, 'A4', { title: 'warm' });
    renderPng(p[0]!, fonts);
  }
  const pdfTimes: number[] = [];
  const pngTimes: number[] = [];
  for (const p of pages) {
    let t = performance.now();
    await renderPdf(p, fonts, 'A4', { title: 'bench' });
    pdfTimes.push(performance.now() - t);
    t = performance.now();
    renderPng(p[0]!, fonts);
    pngTimes.push(performance.now() - t);
  }

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const [a4w, a4h] = [pages[0]![0]!.width, pages[0]![0]!.height];
  const context = await browser.newContext({ viewport: { width: Math.ceil((a4w * 4) / 3), height: Math.ceil((a4h * 4) / 3) }, deviceScaleFactor: 1240 / ((a4w * 4) / 3) });
  const page = await context.newPage();
  const chromePdf: number[] = [];
  const chromePng: number[] = [];
  for (const [i, p] of [...pages.slice(0, 3), ...pages].entries()) {
    const html = pageHtml(p[0]!, fonts);
    let t = performance.now();
    await page.setContent(html, { waitUntil: 'load' });
    await page.pdf({ width: `${a4w / 72}in`, height: `${a4h / 72}in`, printBackground: true });
    if (i >= 3) chromePdf.push(performance.now() - t);
    t = performance.now();
    await page.setContent(html, { waitUntil: 'load' });
    await page.screenshot({ type: 'png', fullPage: false });
    if (i >= 3) chromePng.push(performance.now() - t);
  }
  await browser.close();

  const row = (name: string, ours: number[], chrome: number[], target: number) => {
    const o = median(ours);
    const c = median(chrome);
    const speedup = c / o;
    console.log(`${name}: ours ${ms(o)} (target ≤ ${target} ms ${o <= target ? 'met' : 'MISSED'}), Chromium ${ms(c)}, ${speedup.toFixed(1)}× faster (target ≥ 5× ${speedup >= 5 ? 'met' : 'MISSED'})`);
  };
  row('PDF A4 median per poster', pdfTimes, chromePdf, 150);
  row('PNG A4 150 dpi median per poster', pngTimes, chromePng, 350);

  // The share card (发到村民群, 1080 × 1440): satori lays it out (fonts cut per card), sharp rasterises.
  const cards = chosen.map((d) => buildShareCardModel(d, settings.siteUrl));
  for (const m of cards.slice(0, 2)) await drawShareCard(m);
  const svgTimes: number[] = [];
  const cardTimes: number[] = [];
  for (const m of cards) {
    let t = performance.now();
    await shareCardSvg(m);
    svgTimes.push(performance.now() - t);
    t = performance.now();
    await drawShareCard(m);
    cardTimes.push(performance.now() - t);
  }
  console.log(`share card PNG 1080 × 1440 median per card: ${ms(median(cardTimes))} (of which satori with its font cut ${ms(median(svgTimes))}); the poster PNG above: ${ms(median(pngTimes))}`);

  const outDir = join(dir, 'posters');
  const runYears = allYears ? years : [latest];
  let done = 0;
  const full = await generatePosters({ source: posterSource(db), outDir, settings, years: runYears, onProgress: (p) => (done = p.total) });
  console.log(
    `from scratch (${allYears ? 'every published year' : `year ${latest}`}): ${full.rendered} village posters (A4+A3 PDF, PNG) and ${full.townshipsRendered} township PDFs, ${done} jobs, ` +
      `${(full.ms / 1000).toFixed(1)} s on ${availableParallelism()} workers (target ≤ 60 s ${full.ms <= 60_000 ? 'met' : 'MISSED'})`,
  );
  const again = await generatePosters({ source: posterSource(db), outDir, settings, years: runYears });
  console.log(`incremental, nothing changed: ${again.reused} reused, ${again.rendered} rendered, ${ms(again.ms)} (target ≤ 2000 ms ${again.ms <= 2000 ? 'met' : 'MISSED'})`);
  close();
  console.log(`load average at the end: ${load()}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
