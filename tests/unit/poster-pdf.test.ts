import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPosterFonts, subsetPosterFonts, type PosterFonts } from '../../src/posters/fonts.ts';
import type { PosterPage } from '../../src/posters/layout.ts';
import { cffWithGlyphs, openCff } from '../../src/posters/pdf-cff.ts';
import { renderPdf } from '../../src/posters/render.ts';

const TEXT = '关于𬌗㙟村塅垱组 123,456.01 元';
const hasPoppler = spawnSync('pdftotext', ['-v']).status === 0;

describe('poster PDF', () => {
  let fonts: PosterFonts;
  let dir: string;
  beforeAll(async () => {
    fonts = openPosterFonts(await subsetPosterFonts(`${TEXT}草稿未用的字`));
    dir = mkdtempSync(join(tmpdir(), 'poster-pdf-'));
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const page: PosterPage = {
    width: 595.28,
    height: 841.89,
    nodes: [
      { kind: 'text', x: 50, y: 100, size: 12, weight: 'regular', text: TEXT, grey: 0 },
      { kind: 'text', x: 50, y: 130, size: 16, weight: 'bold', text: '塅垱', grey: 0 },
      { kind: 'text', x: 200, y: 500, size: 100, weight: 'bold', text: '草稿', grey: 0.9, rotate: 30, decorative: true },
      { kind: 'rect', x: 40, y: 80, width: 300, height: 60, fill: 0.9, stroke: 0.75 },
      { kind: 'line', x1: 40, y1: 200, x2: 500, y2: 200, width: 1 },
      { kind: 'qr', x: 50, y: 600, moduleSize: 3, count: 3, runs: [{ row: 0, col: 0, length: 3 }] },
    ],
  };

  it('keeps the outlines of the printed glyphs only, with unchanged glyph ids', () => {
    const cff = openCff(fonts.bytes.regular);
    const gid = fonts.glyph('regular', '塅'.codePointAt(0)!).id;
    const unused = fonts.glyph('regular', '未'.codePointAt(0)!).id;
    const cut = openCff(sfntWith(cffWithGlyphs(cff, [gid])));
    expect(cut.glyphCount).toBe(cff.glyphCount);
    expect([...cut.charStrings[gid]!]).toEqual([...cff.charStrings[gid]!]);
    expect([...cut.charStrings[unused]!]).toEqual([14]);
  });

  it.skipIf(!hasPoppler)('opens in poppler without complaint, with the text (rare characters too) extractable and the watermark not', async () => {
    const file = join(dir, 'a4.pdf');
    writeFileSync(file, await renderPdf([page, page], fonts, 'A4', { title: '关于𬌗㙟村的公示', author: '常宁市' }));
    for (const tool of [['pdftotext', [file, '-']], ['pdffonts', [file]], ['pdfinfo', [file]], ['pdftoppm', ['-r', '30', '-png', file, join(dir, 'r')]]] as const) {
      const run = spawnSync(tool[0], tool[1], { encoding: 'utf8' });
      expect(run.status, tool[0]).toBe(0);
      expect(run.stderr, tool[0]).toBe('');
    }
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
    expect(text).toContain(TEXT);
    expect(text).toContain('塅垱');
    expect(text).not.toContain('草稿');
    expect(execFileSync('pdfinfo', [file], { encoding: 'utf8' })).toMatch(/Title:\s+关于𬌗㙟村的公示[\s\S]*Pages:\s+2/);
    expect(execFileSync('pdffonts', [file], { encoding: 'utf8' })).toMatch(/\+SourceHanSansSC-Regular\s+CID Type 0C\s+Identity-H\s+yes yes yes/);
  });

  it.skipIf(!hasPoppler)('draws A3 as the A4 page scaled by √2', async () => {
    const file = join(dir, 'a3.pdf');
    writeFileSync(file, await renderPdf([page], fonts, 'A3', { title: 'A3' }));
    expect(execFileSync('pdfinfo', [file], { encoding: 'utf8' })).toContain('841.89 x 1190.55 pts (A3)');
    const bbox = (f: string) => [...execFileSync('pdftotext', ['-bbox', f, '-'], { encoding: 'utf8' }).matchAll(/xMin="([\d.]+)" yMin="([\d.]+)"/g)][0]!.slice(1).map(Number);
    const a4 = join(dir, 'a4-one.pdf');
    writeFileSync(a4, await renderPdf([page], fonts, 'A4', { title: 'A4' }));
    const [x4, y4] = bbox(a4);
    const [x3, y3] = bbox(file);
    expect(x3! / x4!).toBeCloseTo(Math.SQRT2, 2);
    expect(y3! / y4!).toBeCloseTo(Math.SQRT2, 1);
  });
});

/** A one-table sfnt around a CFF table, so openCff can read a cut copy back. */
function sfntWith(cff: Uint8Array): Uint8Array {
  const head = Buffer.alloc(12 + 16);
  head.writeUInt32BE(0x4f54544f, 0);
  head.writeUInt16BE(1, 4);
  head.write('CFF ', 12, 'latin1');
  head.writeUInt32BE(28, 20);
  head.writeUInt32BE(cff.length, 24);
  return Buffer.concat([head, cff]);
}
