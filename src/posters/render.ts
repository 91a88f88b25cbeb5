/**
 * Draws laid-out poster pages. PDF: our own writer (pdf-writer.ts) with the run's fonts embedded,
 * cut down to the glyphs the PDF prints (pdf-font.ts), so the text is real and selectable
 * (`pdftotext` reads it) and the file stays small and vector. PNG: the same pages rasterised by
 * raster.ts, each glyph from the same font's outlines (drawn once per run, size and quarter-pixel
 * position, then copied). Both draw the same nodes at the same positions, so the PNG and the PDF
 * show one layout.
 */
import type { PosterFonts } from './poster-fonts.ts';
import { embedPosterFont } from './pdf-font.ts';
import { PdfWriter, pdfNumber, pdfText } from './pdf-writer.ts';
import { encodeGreyPng } from './png.ts';
import { fill, paint, paintCrispRect, paintRect, parseSvgPath, pathEdges, whitePage, type Coverage, type GreyPage, type PathCommands } from './raster.ts';
import { PAPER, type FontWeight, type PaperSize, type PosterPage, type QrNode, type TextNode } from './layout.ts';

export interface PdfInfo {
  title: string;
  subject?: string;
  author?: string;
}

/**
 * Renders pages (of one poster, or of a whole township's posters one after another) into a PDF on
 * A4 or A3; A3 is the A4 layout scaled by √2.
 */
export async function renderPdf(pages: readonly PosterPage[], fonts: PosterFonts, paper: PaperSize, info: PdfInfo): Promise<Uint8Array> {
  return renderPdfSync(pages, fonts, paper, info);
}

function renderPdfSync(pages: readonly PosterPage[], fonts: PosterFonts, paper: PaperSize, info: PdfInfo): Uint8Array {
  const pdf = new PdfWriter();
  const catalog = pdf.reserve();
  const pageTree = pdf.reserve();
  const infoId = pdf.reserve();
  // Glyphs each weight prints (glyph id → code point and advance): the embedded font keeps only these.
  const used: Record<FontWeight, Map<number, { codePoint: number; advance: number }>> = { regular: new Map(), bold: new Map() };
  const { width, height } = PAPER[paper];
  const s = width / PAPER.A4.width;
  const contents: number[] = [];
  for (const source of pages) {
    const ops: string[] = [];
    for (const node of source.nodes) {
      switch (node.kind) {
        case 'text':
          if (node.text === '') break;
          if (node.decorative) ops.push(outlinesPdf(node, fonts, s, height));
          else ops.push(textPdf(node, fonts, used[node.weight], s, height));
          break;
        case 'rect': {
          const box = `${pdfNumber(node.x * s)} ${pdfNumber(height - (node.y + node.height) * s)} ${pdfNumber(node.width * s)} ${pdfNumber(node.height * s)} re`;
          if (node.fill !== null) ops.push(`${pdfNumber(node.fill)} g ${box} f`);
          if (node.stroke > 0) ops.push(`0 G ${pdfNumber(node.stroke * s)} w ${box} S`);
          break;
        }
        case 'line':
          ops.push(`0 G ${pdfNumber(node.width * s)} w ${pdfNumber(node.x1 * s)} ${pdfNumber(height - node.y1 * s)} m ${pdfNumber(node.x2 * s)} ${pdfNumber(height - node.y2 * s)} l S`);
          break;
        case 'qr':
          ops.push(qrPdf(node, s, height));
          break;
      }
    }
    const content = pdf.reserve();
    pdf.stream(content, Buffer.from(ops.join('\n'), 'latin1'));
    contents.push(content);
  }
  // Fonts once the pages are known (each keeps only the glyphs they print), then the pages that use them.
  const fontRefs = (['regular', 'bold'] as const)
    .filter((w) => used[w].size > 0)
    .map((w) => `/${w === 'regular' ? 'R' : 'B'} ${embedPosterFont(pdf, fonts.bytes[w], used[w])} 0 R`)
    .join(' ');
  const pageIds = contents.map((content) => {
    const id = pdf.reserve();
    pdf.object(id, `<< /Type /Page /Parent ${pageTree} 0 R /MediaBox [0 0 ${pdfNumber(width)} ${pdfNumber(height)}] /Resources << /Font << ${fontRefs} >> >> /Contents ${content} 0 R >>`);
    return id;
  });
  pdf.object(pageTree, `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pageIds.length} >>`);
  pdf.object(catalog, `<< /Type /Catalog /Pages ${pageTree} 0 R /Lang (zh-CN) /ViewerPreferences << /DisplayDocTitle true >> >>`);
  const entries = [`/Title ${pdfText(info.title)}`, `/Creator ${pdfText('村上墙、县上网')}`, '/Producer (cunshangqiang posters)'];
  if (info.subject) entries.push(`/Subject ${pdfText(info.subject)}`);
  if (info.author) entries.push(`/Author ${pdfText(info.author)}`);
  pdf.object(infoId, `<< ${entries.join(' ')} >>`);
  return pdf.finish(catalog, infoId);
}

/** A text node as real text: glyph ids shown with the embedded font (Identity-H), positioned by the font's widths. */
function textPdf(node: TextNode, fonts: PosterFonts, used: Map<number, { codePoint: number; advance: number }>, s: number, height: number): string {
  let hex = '';
  for (const ch of node.text) {
    const codePoint = ch.codePointAt(0)!;
    const g = fonts.glyph(node.weight, codePoint);
    if (!used.has(g.id)) used.set(g.id, { codePoint, advance: g.advance });
    hex += g.id.toString(16).padStart(4, '0');
  }
  const rad = ((node.rotate ?? 0) * Math.PI) / 180;
  const matrix = node.rotate ? `${pdfNumber(Math.cos(rad))} ${pdfNumber(Math.sin(rad))} ${pdfNumber(-Math.sin(rad))} ${pdfNumber(Math.cos(rad))}` : '1 0 0 1';
  return `BT /${node.weight === 'regular' ? 'R' : 'B'} ${pdfNumber(node.size * s)} Tf ${pdfNumber(node.grey)} g ${matrix} ${pdfNumber(node.x * s)} ${pdfNumber(height - node.y * s)} Tm <${hex}> Tj ET`;
}

// Each glyph's outline as PDF path operators in font units (y up), made once per run and weight.
const outlineCache = new WeakMap<PosterFonts, Map<string, string>>();

/** SVG path data (absolute M, L, Q, C, Z, as fontkit writes them) as PDF path operators. */
function svgPathToPdf(d: string): string {
  const ops: string[] = [];
  let x = 0;
  let y = 0;
  for (const [, cmd, args] of d.matchAll(/([MLQCZ])([^MLQCZ]*)/g)) {
    const v = args!.trim() === '' ? [] : args!.trim().split(/[\s,]+/).map(Number);
    switch (cmd) {
      case 'M':
        ops.push(`${v[0]} ${v[1]} m`);
        [x, y] = [v[0]!, v[1]!];
        break;
      case 'L':
        ops.push(`${v[0]} ${v[1]} l`);
        [x, y] = [v[0]!, v[1]!];
        break;
      case 'Q': {
        // PDF has only cubic curves: raise the quadratic's degree.
        const [qx, qy, ex, ey] = v as [number, number, number, number];
        const c = (a: number, b: number) => pdfNumber(a + ((b - a) * 2) / 3);
        ops.push(`${c(x, qx)} ${c(y, qy)} ${c(ex, qx)} ${c(ey, qy)} ${ex} ${ey} c`);
        [x, y] = [ex, ey];
        break;
      }
      case 'C':
        ops.push(`${v.join(' ')} c`);
        [x, y] = [v[4]!, v[5]!];
        break;
      case 'Z':
        ops.push('h');
        break;
    }
  }
  return ops.join(' ');
}

/** Draws text as glyph outlines: visible, but not text to a PDF reader (the watermark). */
function outlinesPdf(node: TextNode, fonts: PosterFonts, s: number, height: number): string {
  let cache = outlineCache.get(fonts);
  if (!cache) outlineCache.set(fonts, (cache = new Map()));
  const k = (node.size * s) / fonts.unitsPerEm[node.weight];
  const rad = ((node.rotate ?? 0) * Math.PI) / 180;
  const [cos, sin] = [Math.cos(rad), Math.sin(rad)];
  const ops: string[] = [`${pdfNumber(node.grey)} g`];
  let advance = 0;
  for (const ch of node.text) {
    const g = fonts.glyph(node.weight, ch.codePointAt(0)!);
    if (g.d !== '') {
      const key = `${node.weight}:${g.id}`;
      let path = cache.get(key);
      if (path === undefined) cache.set(key, (path = svgPathToPdf(g.d)));
      const tx = node.x * s + cos * advance * k;
      const ty = height - node.y * s + sin * advance * k;
      ops.push(`q ${(cos * k).toFixed(6)} ${(sin * k).toFixed(6)} ${(-sin * k).toFixed(6)} ${(cos * k).toFixed(6)} ${pdfNumber(tx)} ${pdfNumber(ty)} cm ${path} f Q`);
    }
    advance += g.advance;
  }
  return ops.join('\n');
}

function qrPdf(node: QrNode, s: number, height: number): string {
  const m = node.moduleSize * s;
  const ops = ['0 g'];
  for (const run of node.runs) {
    // A hair wider and taller so neighbouring runs do not leave seams when rasterised.
    ops.push(`${pdfNumber(node.x * s + run.col * m)} ${pdfNumber(height - node.y * s - (run.row + 1) * m)} ${pdfNumber(run.length * m + 0.05)} ${pdfNumber(m + 0.05)} re`);
  }
  ops.push('f');
  return ops.join('\n');
}

/** What a run's fonts draw the same on every poster: parsed outlines and glyphs already rasterised. */
interface RasterCache {
  paths: Map<string, PathCommands>;
  /** Per weight, size and rotation: glyph bitmaps by glyph id and sub-pixel position. */
  glyphs: Map<string, Map<number, Coverage>>;
  count: number;
}
const rasterCaches = new WeakMap<PosterFonts, RasterCache>();
/** Rasterised glyphs kept per run at most (a few MB); a run's posters use far fewer. */
const MAX_CACHED_GLYPHS = 20_000;
/** Glyph positions are rounded to a quarter pixel, so each glyph has at most a few bitmaps per size. */
const PHASES = 4;

function rasterCache(fonts: PosterFonts): RasterCache {
  let cache = rasterCaches.get(fonts);
  if (!cache) rasterCaches.set(fonts, (cache = { paths: new Map(), glyphs: new Map(), count: 0 }));
  return cache;
}

function glyphPath(cache: RasterCache, weight: FontWeight, id: number, d: string): PathCommands {
  const key = `${weight}${id}`;
  let path = cache.paths.get(key);
  if (!path) cache.paths.set(key, (path = parseSvgPath(d)));
  return path;
}

/** Whole pixel and quarter-pixel phase of a coordinate. */
function snap(v: number): [number, number] {
  const whole = Math.floor(v);
  const phase = Math.round((v - whole) * PHASES);
  return phase === PHASES ? [whole + 1, 0] : [whole, phase];
}

/**
 * Draws a text node from the run's glyph bitmaps, placed to a quarter pixel both ways. (Snapping
 * baselines to whole pixels was tried: tesseract then read the bold comma of some totals as a
 * semicolon in 4 of 8 sample posters, against 1 of 8 with quarter pixels.)
 */
function paintText(target: GreyPage, node: TextNode, fonts: PosterFonts, cache: RasterCache, scale: number) {
  const k = (node.size * scale) / fonts.unitsPerEm[node.weight];
  const value = Math.round(node.grey * 255);
  const rotate = node.rotate ?? 0;
  const rad = (rotate * Math.PI) / 180;
  const [cos, sin] = [Math.cos(rad), Math.sin(rad)];
  const x = node.x * scale;
  const y = node.y * scale;
  const sizeKey = `${node.weight}@${k}/${rotate}`;
  let bitmaps = cache.glyphs.get(sizeKey);
  if (!bitmaps) cache.glyphs.set(sizeKey, (bitmaps = new Map()));
  let advance = 0;
  for (const ch of node.text) {
    const g = fonts.glyph(node.weight, ch.codePointAt(0)!);
    if (g.d !== '') {
      const [ix, px] = snap(x + cos * advance * k);
      const [iy, py] = snap(y - sin * advance * k);
      const key = (g.id * PHASES + px) * PHASES + py;
      let coverage = bitmaps.get(key);
      if (!coverage) {
        if (cache.count >= MAX_CACHED_GLYPHS) {
          for (const m of cache.glyphs.values()) m.clear();
          cache.count = 0;
        }
        // Font units are y-up, the page y-down; the baseline runs along (cos, −sin) and the glyph's up along (−sin, −cos).
        const path = glyphPath(cache, node.weight, g.id, g.d);
        coverage = fill(pathEdges(path, k * cos, -k * sin, -k * sin, -k * cos, px / PHASES, py / PHASES));
        bitmaps.set(key, coverage);
        cache.count++;
      }
      paint(target, coverage, ix, iy, value);
    }
    advance += g.advance;
  }
}

/** One page as 8-bit grey pixels at `dpi`: A4 at 150 dpi is 1240 × 1754. */
export function rasterisePage(page: PosterPage, fonts: PosterFonts, dpi = 150): GreyPage {
  const width = Math.round((page.width / 72) * dpi);
  const scale = width / page.width;
  const target = whitePage(width, Math.round(page.height * scale));
  const cache = rasterCache(fonts);
  for (const node of page.nodes) {
    switch (node.kind) {
      case 'text':
        paintText(target, node, fonts, cache, scale);
        break;
      case 'rect': {
        const [x0, y0, x1, y1] = [node.x * scale, node.y * scale, (node.x + node.width) * scale, (node.y + node.height) * scale];
        if (node.fill !== null) paintRect(target, x0, y0, x1, y1, Math.round(node.fill * 255));
        if (node.stroke > 0) {
          // The stroke straddles the edge: four bands of its width, top and bottom spanning the corners.
          const h = (node.stroke * scale) / 2;
          paintRect(target, x0 - h, y0 - h, x1 + h, y0 + h, 0);
          paintRect(target, x0 - h, y1 - h, x1 + h, y1 + h, 0);
          paintRect(target, x0 - h, y0 + h, x0 + h, y1 - h, 0);
          paintRect(target, x1 - h, y0 + h, x1 + h, y1 - h, 0);
        }
        break;
      }
      case 'line': {
        const [x1, y1, x2, y2] = [node.x1 * scale, node.y1 * scale, node.x2 * scale, node.y2 * scale];
        const h = (node.width * scale) / 2;
        // Rules are horizontal or vertical (butt caps): a band; any other slant becomes a polygon.
        if (y1 === y2) paintRect(target, Math.min(x1, x2), y1 - h, Math.max(x1, x2), y1 + h, 0);
        else if (x1 === x2) paintRect(target, x1 - h, Math.min(y1, y2), x1 + h, Math.max(y1, y2), 0);
        else {
          const length = Math.hypot(x2 - x1, y2 - y1);
          const [nx, ny] = [(-(y2 - y1) / length) * h, ((x2 - x1) / length) * h];
          paint(target, fill([x1 + nx, y1 + ny, x2 + nx, y2 + ny, x2 + nx, y2 + ny, x2 - nx, y2 - ny, x2 - nx, y2 - ny, x1 - nx, y1 - ny, x1 - nx, y1 - ny, x1 + nx, y1 + ny]), 0, 0, 0);
        }
        break;
      }
      case 'qr': {
        const m = node.moduleSize * scale;
        for (const run of node.runs) {
          const x = node.x * scale + run.col * m;
          const y = node.y * scale + run.row * m;
          paintCrispRect(target, x, y, x + run.length * m, y + m, 0);
        }
        break;
      }
    }
  }
  return target;
}

/** One page as a greyscale PNG at `dpi` (150 by default: 1240 × 1754 pixels for A4). */
export function renderPng(page: PosterPage, fonts: PosterFonts, dpi = 150): Uint8Array {
  const image = rasterisePage(page, fonts, dpi);
  return encodeGreyPng(image.pixels, image.width, image.height, dpi);
}
