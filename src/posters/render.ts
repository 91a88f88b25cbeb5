/**
 * Draws laid-out poster pages. PDF: our own writer (pdf-writer.ts) with the run's fonts embedded,
 * cut down to the glyphs the PDF prints (pdf-font.ts), so the text is real and selectable
 * (`pdftotext` reads it) and the file stays small and vector. PNG: the same pages as
 * SVG with each glyph drawn from the same font's outlines, rasterised by resvg. Both draw the same
 * nodes at the same positions, so the PNG and the PDF show one layout.
 */
import { Resvg } from '@resvg/resvg-js';
import type { PosterFonts } from './fonts.ts';
import { embedPosterFont } from './pdf-font.ts';
import { PdfWriter, pdfNumber, pdfText } from './pdf-writer.ts';
import { encodeGreyPng } from './png.ts';
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

const n = (v: number) => (Math.round(v * 100) / 100).toString();
const grey = (g: number) => {
  const v = Math.round(g * 255);
  return `rgb(${v},${v},${v})`;
};

/** One page as SVG, text drawn as glyph outlines (`<use>` of one `<path>` per distinct glyph). */
export function renderSvg(page: PosterPage, fonts: PosterFonts): string {
  const defs = new Map<string, string>();
  const body: string[] = [];
  for (const node of page.nodes) {
    switch (node.kind) {
      case 'text': {
        const upm = fonts.unitsPerEm[node.weight];
        const k = node.size / upm;
        const glyphs: string[] = [];
        let x = 0;
        for (const ch of node.text) {
          const g = fonts.glyph(node.weight, ch.codePointAt(0)!);
          const id = `${node.weight[0]}${g.id}`;
          if (g.d !== '') {
            if (!defs.has(id)) defs.set(id, `<path id="${id}" d="${g.d}"/>`);
            glyphs.push(`<use href="#${id}" x="${n(x)}"/>`);
          }
          x += g.advance;
        }
        if (glyphs.length === 0) break;
        const rotate = node.rotate ? ` rotate(${n(-node.rotate)})` : '';
        body.push(`<g fill="${grey(node.grey)}" transform="translate(${n(node.x)} ${n(node.y)})${rotate} scale(${k.toPrecision(6)} ${(-k).toPrecision(6)})">${glyphs.join('')}</g>`);
        break;
      }
      case 'rect':
        body.push(
          `<rect x="${n(node.x)}" y="${n(node.y)}" width="${n(node.width)}" height="${n(node.height)}" fill="${node.fill === null ? 'none' : grey(node.fill)}"` +
            (node.stroke > 0 ? ` stroke="#000" stroke-width="${n(node.stroke)}"/>` : '/>'),
        );
        break;
      case 'line':
        body.push(`<line x1="${n(node.x1)}" y1="${n(node.y1)}" x2="${n(node.x2)}" y2="${n(node.y2)}" stroke="#000" stroke-width="${n(node.width)}"/>`);
        break;
      case 'qr': {
        const m = node.moduleSize;
        const d = node.runs.map((r) => `M${n(node.x + r.col * m)} ${n(node.y + r.row * m)}h${n(r.length * m)}v${n(m)}h${n(-r.length * m)}z`).join('');
        body.push(`<path d="${d}" fill="#000" shape-rendering="crispEdges"/>`);
        break;
      }
    }
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${n(page.width)}pt" height="${n(page.height)}pt" viewBox="0 0 ${n(page.width)} ${n(page.height)}">` +
    `<rect width="100%" height="100%" fill="#fff"/><defs>${[...defs.values()].join('')}</defs>${body.join('')}</svg>`
  );
}

/** One page as a greyscale PNG at `dpi` (150 by default: 1240 × 1754 pixels for A4). */
export function renderPng(page: PosterPage, fonts: PosterFonts, dpi = 150): Uint8Array {
  const svg = renderSvg(page, fonts);
  const resvg = new Resvg(svg, { fitTo: { mode: 'width', value: Math.round((page.width / 72) * dpi) }, background: '#ffffff', font: { loadSystemFonts: false } });
  const image = resvg.render();
  return encodeGreyPng(image.pixels, image.width, image.height, dpi);
}
