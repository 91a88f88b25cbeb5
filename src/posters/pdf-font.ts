/**
 * Embeds a poster font in a PDF as a Type 0 font (Identity-H, 2-byte glyph ids) over a
 * CIDFontType0 whose program is the run's CFF cut down to the glyphs the PDF prints, with a
 * widths array and a ToUnicode CMap so text extraction (`pdftotext`, copy and paste) returns the
 * characters, including those beyond the BMP (𬌗).
 */
import { createHash } from 'node:crypto';
import { cffWithGlyphs, openCff, sfntTable, type CffFont } from './pdf-cff.ts';
import type { PdfWriter } from './pdf-writer.ts';

interface FontFile {
  cff: CffFont;
  /** FontDescriptor entries that are the same for every PDF of the run. */
  descriptor: string;
  unitsPerEm: number;
}

// Parsed once per run's font bytes (a run, or a worker thread, keeps its fonts for all its posters).
const parsed = new WeakMap<Uint8Array, FontFile>();

function fontFile(otf: Uint8Array): FontFile {
  let file = parsed.get(otf);
  if (!file) {
    const head = sfntTable(otf, 'head');
    const hhea = sfntTable(otf, 'hhea');
    const os2 = sfntTable(otf, 'OS/2');
    const i16 = (t: Uint8Array, at: number) => ((t[at]! << 24) | (t[at + 1]! << 16)) >> 16;
    const unitsPerEm = (head[18]! << 8) | head[19]!;
    const em = (v: number) => Math.round((v * 1000) / unitsPerEm);
    const bbox = [36, 38, 40, 42].map((at) => em(i16(head, at)));
    // OS/2 version ≥ 2 has sCapHeight; otherwise the ascender stands in for it.
    const capHeight = ((os2[0]! << 8) | os2[1]!) >= 2 ? em(i16(os2, 88)) : em(i16(hhea, 4));
    file = {
      cff: openCff(otf),
      descriptor: `/Flags 4 /FontBBox [${bbox.join(' ')}] /ItalicAngle 0 /Ascent ${em(i16(hhea, 4))} /Descent ${em(i16(hhea, 6))} /CapHeight ${capHeight} /StemV 80`,
      unitsPerEm,
    };
    parsed.set(otf, file);
  }
  return file;
}

const hex4 = (v: number) => v.toString(16).toUpperCase().padStart(4, '0');

/** UTF-16BE hex of one code point (a surrogate pair beyond the BMP). */
function utf16Hex(codePoint: number): string {
  if (codePoint < 0x10000) return hex4(codePoint);
  const v = codePoint - 0x10000;
  return hex4(0xd800 + (v >> 10)) + hex4(0xdc00 + (v & 0x3ff));
}

function toUnicodeCMap(glyphs: ReadonlyMap<number, number>): string {
  const entries = [...glyphs].sort((a, b) => a[0] - b[0]);
  let body = '';
  for (let i = 0; i < entries.length; i += 100) {
    const block = entries.slice(i, i + 100);
    body += `${block.length} beginbfchar\n${block.map(([gid, cp]) => `<${hex4(gid)}> <${utf16Hex(cp)}>`).join('\n')}\nendbfchar\n`;
  }
  return (
    '/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n' +
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n' +
    `1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n${body}endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n`
  );
}

/**
 * Writes the font objects for the glyphs `glyphs` (glyph id → the code point it prints, advance
 * in font units) into `pdf` and returns the Type 0 font's object number.
 */
export function embedPosterFont(pdf: PdfWriter, otf: Uint8Array, glyphs: ReadonlyMap<number, { codePoint: number; advance: number }>): number {
  const file = fontFile(otf);
  const gids = [...glyphs.keys()].sort((a, b) => a - b);
  // The subset tag (six capitals) names this glyph set, as PDF expects of an embedded subset.
  const digest = createHash('sha1').update(`${file.cff.name}:${gids.join(',')}`).digest();
  const tag = Array.from(digest.subarray(0, 6), (b) => String.fromCharCode(65 + (b % 26))).join('');
  const name = `/${tag}+${file.cff.name}`;
  const [type0, cidFont, descriptor, program, toUnicode] = [pdf.reserve(), pdf.reserve(), pdf.reserve(), pdf.reserve(), pdf.reserve()];
  const widths = gids.map((gid) => `${gid} [${Math.round((glyphs.get(gid)!.advance * 1000) / file.unitsPerEm)}]`).join(' ');
  pdf.object(type0, `<< /Type /Font /Subtype /Type0 /BaseFont ${name} /Encoding /Identity-H /DescendantFonts [${cidFont} 0 R] /ToUnicode ${toUnicode} 0 R >>`);
  pdf.object(
    cidFont,
    `<< /Type /Font /Subtype /CIDFontType0 /BaseFont ${name} /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor ${descriptor} 0 R /DW 1000 /W [${widths}] >>`,
  );
  pdf.object(descriptor, `<< /Type /FontDescriptor /FontName ${name} ${file.descriptor} /FontFile3 ${program} 0 R >>`);
  pdf.stream(program, cffWithGlyphs(file.cff, gids), ' /Subtype /CIDFontType0C');
  pdf.stream(toUnicode, Buffer.from(toUnicodeCMap(new Map(gids.map((gid) => [gid, glyphs.get(gid)!.codePoint]))), 'latin1'));
  return type0;
}
