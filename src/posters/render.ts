/**
 * Draws laid-out poster pages. PDF: pdf-lib with the subset fonts embedded, so the text is real
 * and selectable (`pdftotext` reads it) and the file stays small and vector. PNG: the same pages as
 * SVG with each glyph drawn from the same font's outlines, rasterised by resvg. Both draw the same
 * nodes at the same positions, so the PNG and the PDF show one layout.
 */
import fontkit from '@pdf-lib/fontkit';
import { Resvg } from '@resvg/resvg-js';
import { degrees, grayscale, PDFDocument, type PDFFont, type PDFPage } from 'pdf-lib';
import subsetFont from 'subset-font';
import type { PosterFonts } from './fonts.ts';
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
  // Embed only the glyphs these pages print: harfbuzz cuts the run's fonts down again (a few ms),
  // and pdf-lib embeds the result whole (its own CFF subsetter writes fonts poppler rejects).
  const printed: Record<FontWeight, Set<string>> = { regular: new Set(), bold: new Set() };
  for (const page of pages) {
    for (const node of page.nodes) if (node.kind === 'text' && !node.decorative) for (const ch of node.text) printed[node.weight].add(ch);
  }
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(fontkit);
  doc.setTitle(info.title, { showInWindowTitleBar: true });
  if (info.subject) doc.setSubject(info.subject);
  if (info.author) doc.setAuthor(info.author);
  doc.setLanguage('zh-CN');
  doc.setCreator('村上墙、县上网');
  doc.setProducer('pdf-lib');
  const embedded: Partial<Record<FontWeight, PDFFont>> = {};
  const fontFor = async (weight: FontWeight) =>
    (embedded[weight] ??= await doc.embedFont(await subsetFont(Buffer.from(fonts.bytes[weight].buffer, fonts.bytes[weight].byteOffset, fonts.bytes[weight].byteLength), [...printed[weight]].join(''), { targetFormat: 'sfnt' }), { subset: false }));
  const { width, height } = PAPER[paper];
  const s = width / PAPER.A4.width;
  for (const source of pages) {
    const page = doc.addPage([width, height]);
    for (const node of source.nodes) {
      switch (node.kind) {
        case 'text':
          if (node.text === '') break;
          if (node.decorative) {
            drawOutlinesPdf(page, node, fonts, s, height);
            break;
          }
          page.drawText(node.text, {
            x: node.x * s,
            y: height - node.y * s,
            size: node.size * s,
            font: await fontFor(node.weight),
            color: grayscale(node.grey),
            ...(node.rotate ? { rotate: degrees(node.rotate) } : {}),
          });
          break;
        case 'rect':
          page.drawRectangle({
            x: node.x * s,
            y: height - (node.y + node.height) * s,
            width: node.width * s,
            height: node.height * s,
            ...(node.fill === null ? {} : { color: grayscale(node.fill) }),
            ...(node.stroke > 0 ? { borderWidth: node.stroke * s, borderColor: grayscale(0) } : {}),
          });
          break;
        case 'line':
          page.drawLine({ start: { x: node.x1 * s, y: height - node.y1 * s }, end: { x: node.x2 * s, y: height - node.y2 * s }, thickness: node.width * s, color: grayscale(0) });
          break;
        case 'qr':
          drawQrPdf(page, node, s, height);
          break;
      }
    }
  }
  return doc.save();
}

/** Draws text as glyph outlines: visible, but not text to a PDF reader (the watermark). */
function drawOutlinesPdf(page: PDFPage, node: TextNode, fonts: PosterFonts, s: number, height: number) {
  const k = (node.size * s) / fonts.unitsPerEm[node.weight];
  const rad = ((node.rotate ?? 0) * Math.PI) / 180;
  let advance = 0;
  for (const ch of node.text) {
    const g = fonts.glyph(node.weight, ch.codePointAt(0)!);
    if (g.d !== '') {
      page.drawSvgPath(flipY(g.d), {
        x: node.x * s + Math.cos(rad) * advance * k,
        y: height - node.y * s + Math.sin(rad) * advance * k,
        scale: k,
        rotate: degrees(node.rotate ?? 0),
        color: grayscale(node.grey),
      });
    }
    advance += g.advance;
  }
}

/** Negates every y of an absolute SVG path (fontkit's outlines are y-up; pdf-lib expects SVG's y-down). */
function flipY(d: string): string {
  return d.replace(/([MLQCZ])([^MLQCZ]*)/g, (_, cmd: string, args: string) => {
    const nums = args.trim() === '' ? [] : args.trim().split(/[\s,]+/).map(Number);
    return cmd + nums.map((v, i) => (i % 2 === 1 ? -v : v)).join(' ');
  });
}

function drawQrPdf(page: PDFPage, node: QrNode, s: number, height: number) {
  const m = node.moduleSize * s;
  for (const run of node.runs) {
    page.drawRectangle({
      x: node.x * s + run.col * m,
      y: height - node.y * s - (run.row + 1) * m,
      // A hair wider and taller so neighbouring runs do not leave seams when rasterised.
      width: run.length * m + 0.05,
      height: m + 0.05,
      color: grayscale(0),
    });
  }
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
