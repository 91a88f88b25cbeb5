/**
 * Poster fonts anywhere (Node or the Worker): Source Han Sans SC (SIL OFL 1.1), Regular and Bold,
 * cut down to the characters a run prints (HarfBuzz, src/posters/font-subset.ts; the 17 MB
 * originals cover 44,808 characters including rare ones in Hunan place names, 𬌗 㙟 塅 垱), then
 * parsed with fontkit for advance widths (the layout's `measure`) and glyph outlines (the PNG).
 * Where the originals come from is the caller's: files in Node (src/posters/fonts.ts), the static
 * assets in the Worker (functions/worker-posters.ts).
 */
import fontkit from '@pdf-lib/fontkit';
import type { FontSubsetter } from './font-subset.ts';
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

/** The originals' file names: in `node-source-han-sans-sc`, and in the Worker's assets under {@link POSTER_FONT_ASSETS}. */
export const POSTER_FONT_FILES: Record<FontWeight, string> = { regular: 'SourceHanSansSC-Regular.otf', bold: 'SourceHanSansSC-Bold.otf' };

/** Where a Worker build puts the originals among its static assets (src/cli/site-build.ts). */
export const POSTER_FONT_ASSETS = '/_poster-fonts';

/** Characters that need no glyph (line breaks and other controls). */
export const isControl = (ch: string): boolean => /[\p{Cc}\p{Cf}]/u.test(ch);

/** What every subset holds besides a run's text: digits and ASCII punctuation (page numbers, amounts). */
export const ALWAYS_SUBSET = ' 0123456789,.-:/()%';

/** Cuts both weights' originals to `text` and what every subset holds. */
export type PosterFontCutter = (text: string) => Promise<{ bytes: PosterFontBytes; missing: string[] }>;

/**
 * A cutter over originals read by `original` (one weight at a time, so at most one 17 MB original
 * is held while cutting): `missing` lists the characters of `text` either subset has no glyph for.
 */
export function posterFontCutter(original: (weight: FontWeight) => Promise<Uint8Array>, subsetter: () => Promise<FontSubsetter>): PosterFontCutter {
  return async (text) => {
    const chars = `${text}${ALWAYS_SUBSET}`;
    const cut = await subsetter();
    const regular = cut.subset(await original('regular'), chars);
    const bold = cut.subset(await original('bold'), chars);
    const missing = new Set<string>();
    for (const bytes of [regular, bold]) {
      const font = fontkit.create(bytes);
      for (const ch of new Set(text)) if (!isControl(ch) && !font.hasGlyphForCodePoint(ch.codePointAt(0)!)) missing.add(ch);
    }
    return { bytes: { regular, bold }, missing: [...missing] };
  };
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
