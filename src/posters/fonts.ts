/**
 * Poster fonts in Node: the originals from `node-source-han-sans-sc`'s files and HarfBuzz compiled
 * from `harfbuzzjs`'s file. What works anywhere (opening subsets, the cutter) is in poster-fonts.ts,
 * re-exported here for Node's callers.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fontkit from '@pdf-lib/fontkit';
import { openFontSubsetter, type FontSubsetter } from './font-subset.ts';
import { isControl, POSTER_FONT_FILES, posterFontCutter, type PosterFontBytes, type PosterFontCutter } from './poster-fonts.ts';
import type { FontWeight } from './wrap.ts';

export { MissingGlyphError, openPosterFonts, type GlyphShape, type PosterFontBytes, type PosterFontCutter, type PosterFonts } from './poster-fonts.ts';

type Font = ReturnType<typeof fontkit.create>;

let originals: Partial<Record<FontWeight, Buffer>> = {};
let parsedOriginals: Partial<Record<FontWeight, Font>> = {};
let subsetter: Promise<FontSubsetter> | null = null;


/** The folder of the original font files. */
export function posterFontDir(): string {
  // Resolved when asked, not on import: this module may be bundled where it never runs.
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('node-source-han-sans-sc/package.json'));
}

function original(weight: FontWeight): Buffer {
  originals[weight] ??= readFileSync(join(posterFontDir(), POSTER_FONT_FILES[weight]));
  return originals[weight];
}

/** HarfBuzz's subsetter, compiled from the package's file once per process (or thread). */
function nodeFontSubsetter(): Promise<FontSubsetter> {
  const require = createRequire(import.meta.url);
  subsetter ??= WebAssembly.compile(readFileSync(require.resolve('harfbuzzjs/dist/harfbuzz-subset.wasm'))).then(openFontSubsetter);
  return subsetter;
}

/** Drops the cached 17 MB originals and HarfBuzz's memory (a long-running server calls this after a batch). */
export function releaseOriginalFonts(): void {
  originals = {};
  parsedOriginals = {};
  subsetter = null;
}

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

/** Node's cutter: the originals from their files (kept until {@link releaseOriginalFonts}). */
export const nodePosterFontCutter: PosterFontCutter = posterFontCutter(async (weight) => original(weight), nodeFontSubsetter);

/**
 * Subsets both weights to the characters of `text` (plus digits and ASCII punctuation, which
 * page numbers and amounts use). About 200 ms for a whole county's characters.
 */
export async function subsetPosterFonts(text: string): Promise<PosterFontBytes> {
  return (await nodePosterFontCutter(text)).bytes;
}
