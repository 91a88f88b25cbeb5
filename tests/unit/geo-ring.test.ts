import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCountyOutline } from '../../db/seed/geo.ts';

/** The sample county's outline (the one stored in its settings). */
const COUNTY_OUTLINE_RING = loadCountyOutline().ring;
import { isInsideRing, type LonLat } from '../../src/domain/geo/geo.ts';

/** The plain ray-casting test over every edge: what the banded index must agree with exactly. */
function everyEdge(point: LonLat, ring: readonly LonLat[]): boolean {
  const [x, y] = point;
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

describe('isInsideRing', () => {
  const lons = COUNTY_OUTLINE_RING.map((p) => p[0]);
  const lats = COUNTY_OUTLINE_RING.map((p) => p[1]);
  const [minLon, maxLon, minLat, maxLat] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];

  it('agrees with testing every edge of the county outline, for points in and around it', () => {
    fc.assert(
      fc.property(fc.double({ min: minLon - 0.05, max: maxLon + 0.05, noNaN: true }), fc.double({ min: minLat - 0.05, max: maxLat + 0.05, noNaN: true }), (lon, lat) => {
        expect(isInsideRing([lon, lat], COUNTY_OUTLINE_RING)).toBe(everyEdge([lon, lat], COUNTY_OUTLINE_RING));
      }),
      { numRuns: 20_000 },
    );
  });

  it('agrees on the outline’s own vertices and on the band limits, where rounding could bite', () => {
    for (const [lon, lat] of COUNTY_OUTLINE_RING) {
      for (const p of [[lon, lat], [lon + 1e-9, lat], [lon - 1e-9, lat], [lon, lat + 1e-12], [lon, lat - 1e-12]] as LonLat[]) {
        expect(isInsideRing(p, COUNTY_OUTLINE_RING)).toBe(everyEdge(p, COUNTY_OUTLINE_RING));
      }
    }
    for (const lat of [minLat, maxLat]) expect(isInsideRing([(minLon + maxLon) / 2, lat], COUNTY_OUTLINE_RING)).toBe(everyEdge([(minLon + maxLon) / 2, lat], COUNTY_OUTLINE_RING));
  });

  it('finds a known town inside and the swapped point, NaN and far points outside', () => {
    expect(isInsideRing([112.3956, 26.4186], COUNTY_OUTLINE_RING)).toBe(true);
    expect(isInsideRing([26.4186, 112.3956], COUNTY_OUTLINE_RING)).toBe(false);
    expect(isInsideRing([Number.NaN, 26.4], COUNTY_OUTLINE_RING)).toBe(false);
    expect(isInsideRing([112.4, Number.NaN], COUNTY_OUTLINE_RING)).toBe(false);
    expect(isInsideRing([116.4, 39.9], COUNTY_OUTLINE_RING)).toBe(false);
  });

  it('works on a small ring given open or closed, and on a flat one', () => {
    const square: LonLat[] = [[0, 0], [2, 0], [2, 2], [0, 2]];
    expect(isInsideRing([1, 1], square)).toBe(true);
    expect(isInsideRing([1, 1], [...square, [0, 0]])).toBe(true);
    expect(isInsideRing([3, 1], square)).toBe(false);
    expect(isInsideRing([1, 0], [[0, 0], [2, 0], [1, 0]])).toBe(false);
  });
});
