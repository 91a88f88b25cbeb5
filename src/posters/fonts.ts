/**
 * Fonts for posters: Source Han Sans SC (SIL OFL 1.1, from `node-source-han-sans-sc`), Regular and
 * Bold, cut down once per run to the characters the run prints (harfbuzz via `subset-font`; the
 * 17 MB originals cover 44,808 characters including rare ones in Hunan place names, 𬌗 㙟 塅 垱),
 * then parsed with fontkit for advance widths (the layout's `measure`) and glyph outlines (the PNG).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import subsetFont from 'subset-font';
import type { FontWeight, Measure } from './wrap.ts';

type Font = ReturnType<typeof fontkit.create>;

/** Font files of one run, already subset. Plain bytes, so they can be posted to worker threads. */
export interface PosterFontBytes {
  regular: Uint8Array;
  bold: Uint8Array;
}

export interface GlyphShape {
  id: number;
  /** SVG path data in font units, y up. */
  d: string;
}

export interface PosterFonts {
  bytes: PosterFontBytes;
  unitsPerEm: Record<FontWeight, number>;
  measure: Measure;
  /** The glyph of a character (by code point), for drawing outlines, with its advance in font units. */
  glyph(weight: FontWeight, codePoint: number): GlyphShape & { advance: number };
}

/** Thrown when a poster needs a character neither font has; lists the characters and where. */
export class MissingGlyphError extends Error {
  override name = 'MissingGlyphError';
}

const FILES: Record<FontWeight, string> = { regular: 'SourceHanSansSC-Regular.otf', bold: 'SourceHanSansSC-Bold.otf' };
let originals: Partial<Record<FontWeight, Buffer>> = {};
let parsedOriginals: Partial<Record<FontWeight, Font>> = {};

function fontDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('node-source-han-sans-sc/package.json'));
}

function original(weight: FontWeight): Buffer {
  originals[weight] ??= readFileSync(join(fontDir(), FILES[weight]));
  return originals[weight];
}

/** Drops the cached 17 MB originals (a long-running server calls this after a batch). */
export function releaseOriginalFonts(): void {
  originals = {};
  parsedOriginals = {};
}

/** Characters that need no glyph (line breaks and other controls). */
const isControl = (ch: string) => /[\p{Cc}\p{Cf}]/u.test(ch);

/**
 * Characters of `text` that the Regular or Bold original lacks (posters print any string in
 * either weight). Empty when everything can be drawn.
 */
export function missingCharacters(text: string): string[] {
  const missing = new Set<string>();
  for (const weight of ['regular', 'bold'] as const) {
    parsedOriginals[weight] ??= fontkit.create(original(weight));
    const font = parsedOriginals[weight];
    for (const ch of new Set(text)) {
      if (!isControl(ch) && !font.hasGlyphForCodePoint(ch.codePointAt(0)!)) missing.add(ch);
    }
  }
  return [...missing];
}

/**
 * Subsets both weights to the characters of `text` (plus digits and ASCII punctuation, which
 * page numbers and amounts use). About 200 ms for a whole county's characters.
 */
export async function subsetPosterFonts(text: string): Promise<PosterFontBytes> {
  const chars = `${text} 0123456789,.-:/()%`;
  const [regular, bold] = await Promise.all(
    (['regular', 'bold'] as const).map(async (w) => new Uint8Array(await subsetFont(original(w), chars, { targetFormat: 'sfnt' }))),
  );
  return { regular: regular!, bold: bold! };
}

/** Parses subset fonts and builds the measuring and outline lookups of a run (or a worker). */
export function openPosterFonts(bytes: PosterFontBytes): PosterFonts {
  const fonts: Record<FontWeight, Font> = { regular: fontkit.create(bytes.regular), bold: fontkit.create(bytes.bold) };
  const cache: Record<FontWeight, Map<number, GlyphShape & { advance: number }>> = { regular: new Map(), bold: new Map() };
  const glyph = (weight: FontWeight, codePoint: number) => {
    let shape = cache[weight].get(codePoint);
    if (!shape) {
      const font = fonts[weight];
      if (!font.hasGlyphForCodePoint(codePoint)) {
        throw new MissingGlyphError(`poster font (${weight}) has no glyph for U+${codePoint.toString(16).toUpperCase()} 「${String.fromCodePoint(codePoint)}」: it was not in the subset text`);
      }
      const g = font.glyphForCodePoint(codePoint);
      shape = { id: g.id, d: g.path.toSVG(), advance: g.advanceWidth };
      cache[weight].set(codePoint, shape);
    }
    return shape;
  };
  const advances: Record<FontWeight, Map<number, number>> = { regular: new Map(), bold: new Map() };
  const measure: Measure = (text, size, weight) => {
    const font = fonts[weight];
    const table = advances[weight];
    let units = 0;
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      let adv = table.get(cp);
      if (adv === undefined) {
        adv = font.glyphForCodePoint(cp).advanceWidth;
        table.set(cp, adv);
      }
      units += adv;
    }
    return (units / font.unitsPerEm) * size;
  };
  return { bytes, unitsPerEm: { regular: fonts.regular.unitsPerEm, bold: fonts.bold.unitsPerEm }, measure, glyph };
}
