import { describe, expect, it } from 'vitest';
import { fill, paint, paintRect, parseSvgPath, pathEdges, whitePage } from '../../src/posters/raster.ts';

describe('poster rasteriser', () => {
  it('covers a pixel by the share of it a polygon covers', () => {
    // A square from (0.5, 0) to (2.5, 2): the middle column full, the outer ones half.
    const square = pathEdges(parseSvgPath('M0.5 0L2.5 0L2.5 2L0.5 2Z'), 1, 0, 0, 1, 0, 0);
    const c = fill(square);
    expect([c.left, c.top, c.width, c.height]).toEqual([0, 0, 3, 2]);
    expect([...c.alpha]).toEqual([128, 255, 128, 128, 255, 128]);
  });

  it('fills curves and paints in grey over what is there', () => {
    const page = whitePage(20, 20);
    paintRect(page, 0, 0, 20, 10, 128);
    const circle = fill(pathEdges(parseSvgPath('M10 2C14.4 2 18 5.6 18 10C18 14.4 14.4 18 10 18C5.6 18 2 14.4 2 10C2 5.6 5.6 2 10 2Z'), 1, 0, 0, 1, 0, 0));
    paint(page, circle, 0, 0, 0);
    expect(page.pixels[10 * 20 + 10]).toBe(0);
    expect(page.pixels[0]).toBe(128);
    expect(page.pixels[19 * 20 + 19]).toBe(255);
    const total = circle.alpha.reduce((a, b) => a + b, 0) / 255;
    // Coverage is kept to 17 levels and the circle is four Bézier arcs: within 2 % of πr².
    expect(Math.abs(total / (Math.PI * 64) - 1)).toBeLessThan(0.02);
  });
});
