/**
 * Geometry on [lon, lat] pairs and the check of an uploaded location against the county outline:
 * converts from the declared coordinate system to CGCS2000 (= WGS-84 at this precision) and, when
 * the point falls outside, says why it probably does (swapped columns, a phone map's GCJ-02 or
 * Baidu's BD-09 coordinates entered as CGCS2000).
 */
import gcoord from 'gcoord';

/** [lon, lat] */
export type LonLat = readonly [number, number];

export type CoordSystem = 'WGS84' | 'CGCS2000' | 'GCJ02' | 'BD09';

/**
 * Ray-casting point-in-polygon test on a ring of [lon, lat] points (closed or not). Only edges
 * whose latitude span contains the point's latitude can cross its ray, so the edges are sorted once
 * per ring into horizontal bands and a point looks only at its band's few edges: the same edges,
 * the same arithmetic and so the same answer as testing every edge, for a large upload ~50× faster.
 */
export function isInsideRing(point: LonLat, ring: readonly LonLat[]): boolean {
  const x = point[0];
  const y = point[1];
  const index = bandsOf(ring);
  if (!(y >= index.minY && y <= index.maxY)) return false;
  const band = index.bands[Math.min(BANDS - 1, Math.floor((y - index.minY) / index.height))]!;
  let inside = false;
  for (let k = 0; k < band.length; k++) {
    const i = band[k]!;
    const a = ring[i]!;
    const b = ring[i === 0 ? ring.length - 1 : i - 1]!;
    const yi = a[1];
    const yj = b[1];
    if (yi > y !== yj > y && x < ((b[0] - a[0]) * (y - yi)) / (yj - yi) + a[0]) inside = !inside;
  }
  return inside;
}

const BANDS = 256;

interface RingBands {
  minY: number;
  maxY: number;
  height: number;
  /** Per band, the indices i of the edges (ring[i - 1] or the last point, ring[i]) that reach into it. */
  bands: number[][];
}

const ringBands = new WeakMap<readonly LonLat[], RingBands>();

function bandsOf(ring: readonly LonLat[]): RingBands {
  const known = ringBands.get(ring);
  if (known) return known;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const p of ring) {
    minY = Math.min(minY, p[1]);
    maxY = Math.max(maxY, p[1]);
  }
  const height = maxY > minY ? (maxY - minY) / BANDS : 1;
  const bands: number[][] = Array.from({ length: BANDS }, () => []);
  const bandOf = (y: number) => Math.max(0, Math.min(BANDS - 1, Math.floor((y - minY) / height)));
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i]![1];
    const b = ring[i === 0 ? ring.length - 1 : i - 1]![1];
    // One band wider on each side, so rounding in bandOf can never leave an edge out.
    for (let k = Math.max(0, bandOf(Math.min(a, b)) - 1); k <= Math.min(BANDS - 1, bandOf(Math.max(a, b)) + 1); k++) bands[k]!.push(i);
  }
  const index = { minY, maxY, height, bands };
  ringBands.set(ring, index);
  return index;
}

/** Rounds a coordinate to 6 decimals (about 0.1 m), as stored. */
export const roundCoord = (v: number): number => Math.round(v * 1e6) / 1e6;

const GCOORD_SYSTEM = { WGS84: gcoord.WGS84, CGCS2000: gcoord.WGS84, GCJ02: gcoord.GCJ02, BD09: gcoord.BD09 } as const;

/** Converts a point from `system` to CGCS2000 (WGS-84), rounded as stored. */
export function toCgcs2000(point: LonLat, system: CoordSystem): LonLat {
  if (system === 'WGS84' || system === 'CGCS2000') return [roundCoord(point[0]), roundCoord(point[1])];
  const [lon, lat] = gcoord.transform([point[0], point[1]], GCOORD_SYSTEM[system], gcoord.WGS84) as [number, number];
  return [roundCoord(lon), roundCoord(lat)];
}

export type LocationCheck =
  | { ok: true; point: LonLat }
  | { ok: false; problem: string; hint: string | null };

/**
 * Checks that a point given in `system` lies inside the county outline; returns it in CGCS2000.
 *
 * @example checkLocation([26.42, 112.40], 'CGCS2000', ring) // { ok: false, hint: '经度和纬度可能填反了…' }
 */
export function checkLocation(point: LonLat, system: CoordSystem, ring: readonly LonLat[]): LocationCheck {
  const [lon, lat] = point;
  const swappedInside = Math.abs(lon) <= 90 && Math.abs(lat) <= 180 && isInsideRing(toCgcs2000([lat, lon], system), ring);
  if (swappedInside && !isInsideRing(toCgcs2000(point, system), ring)) {
    const box = boundsOf(ring);
    const range = (a: number, b: number) => `${a.toFixed(1)}–${b.toFixed(1)}`;
    return { ok: false, problem: '位置不在本县范围内', hint: `经度和纬度可能填反了：本县经度约 ${range(box.minLon, box.maxLon)}，纬度约 ${range(box.minLat, box.maxLat)}。` };
  }
  if (!Number.isFinite(lon) || !Number.isFinite(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90) {
    return { ok: false, problem: '经纬度超出有效范围', hint: '经度应在 -180 到 180 之间，纬度应在 -90 到 90 之间。' };
  }
  const converted = toCgcs2000(point, system);
  if (isInsideRing(converted, ring)) return { ok: true, point: converted };
  const problem = '位置不在本县范围内';
  if (system === 'WGS84' || system === 'CGCS2000') {
    if (isInsideRing(toCgcs2000(point, 'GCJ02'), ring)) {
      return { ok: false, problem, hint: '这像是高德/腾讯地图取的 GCJ-02 坐标：请在“坐标系”一栏填 GCJ02。' };
    }
    if (isInsideRing(toCgcs2000(point, 'BD09'), ring)) {
      return { ok: false, problem, hint: '这像是百度地图取的 BD-09 坐标：请在“坐标系”一栏填 BD09。' };
    }
  }
  return { ok: false, problem, hint: '请在天地图上重新取点，或留空经纬度（将按村中心显示）。' };
}

export interface Bounds {
  minLon: number;
  minLat: number;
  maxLon: number;
  maxLat: number;
}

export function boundsOf(points: readonly LonLat[]): Bounds {
  let minLon = Infinity, minLat = Infinity, maxLon = -Infinity, maxLat = -Infinity;
  for (const [lon, lat] of points) {
    minLon = Math.min(minLon, lon);
    maxLon = Math.max(maxLon, lon);
    minLat = Math.min(minLat, lat);
    maxLat = Math.max(maxLat, lat);
  }
  return { minLon, minLat, maxLon, maxLat };
}

/**
 * Where a county without an uploaded outline expects its locations: the rectangle around its
 * village centres, widened by `marginDeg` on every side (0.05° is about 5 km). Null without centres.
 * @example extentRing([[112.3, 26.4], [112.5, 26.6]], 0.05) // [[112.25, 26.35], [112.55, 26.35], [112.55, 26.65], [112.25, 26.65]]
 */
export function extentRing(centres: readonly LonLat[], marginDeg: number): LonLat[] | null {
  if (centres.length === 0) return null;
  const b = boundsOf(centres);
  const w = b.minLon - marginDeg, e = b.maxLon + marginDeg, s = b.minLat - marginDeg, n = b.maxLat + marginDeg;
  return [[w, s], [e, s], [e, n], [w, n]];
}

/** Mainland China's extent, the last resort when a county has neither outline nor village centres. */
export const CHINA_EXTENT_RING: readonly LonLat[] = [[73.5, 18], [135.1, 18], [135.1, 53.6], [73.5, 53.6]];
