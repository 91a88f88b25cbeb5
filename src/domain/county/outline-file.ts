/**
 * A county outline from a GeoJSON file (as exported from 天地图, QGIS or the provincial
 * 标准地图服务 boundary data): a Polygon or MultiPolygon, bare or in a Feature or a
 * FeatureCollection of one feature. The outline is kept as one ring, used only to check that
 * uploaded locations lie in the county; holes are ignored and, of several parts, the largest is
 * kept (the caller is told, since locations in the other parts will then be refused).
 */
import type { UploadProblem } from '../upload/upload-plan.ts';
import { boundsOf, isInsideRing, roundCoord, type LonLat } from '../geo/geo.ts';

/** Largest outline accepted: a detailed county boundary has some tens of thousands of points. */
export const MAX_OUTLINE_POINTS = 200_000;

export type OutlineRead =
  | { ok: true; ring: LonLat[]; notes: string[] }
  | { ok: false; problems: UploadProblem[] };

const COLUMN = '县界文件';

function fail(problem: string, extra: Partial<UploadProblem> = {}): OutlineRead {
  return { ok: false, problems: [{ column: COLUMN, problem, ...extra }] };
}

/** A FeatureCollection of one MultiPolygon nests 7 levels deep; anything far deeper is not an outline. */
const MAX_NESTING = 16;

/** Whether JSON text nests deeper than `limit` (brackets inside strings do not count). One pass, stops early. */
function nestingExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // \ escapes the next character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > limit) return true;
    } else if (c === 93 || c === 125) depth--;
  }
  return false;
}

/** Absolute area of a ring in square degrees (shoelace), to pick the largest part. */
function ringArea(ring: readonly LonLat[]): number {
  let sum = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x1, y1] = ring[i]!;
    const [x2, y2] = ring[(i + 1) % ring.length]!;
    sum += x1 * y2 - x2 * y1;
  }
  return Math.abs(sum) / 2;
}

/** The polygons (each a list of rings) in a GeoJSON value, or a problem. */
function polygonsOf(value: unknown): unknown[][] | string {
  if (typeof value !== 'object' || value === null) return '不是 GeoJSON 对象';
  const v = value as { type?: unknown; features?: unknown; geometry?: unknown; coordinates?: unknown };
  switch (v.type) {
    case 'FeatureCollection': {
      const features = Array.isArray(v.features) ? v.features : [];
      if (features.length !== 1) return `文件里有 ${features.length} 个要素，县界应当只有 1 个`;
      return polygonsOf(features[0]);
    }
    case 'Feature':
      return polygonsOf(v.geometry);
    case 'Polygon':
      return Array.isArray(v.coordinates) ? [v.coordinates as unknown[]] : '坐标不是数组';
    case 'MultiPolygon':
      return Array.isArray(v.coordinates) ? (v.coordinates as unknown[]).map((p) => (Array.isArray(p) ? p : [])) : '坐标不是数组';
    default:
      return `几何类型是 ${typeof v.type === 'string' ? v.type.slice(0, 30) : '（没有）'}`;
  }
}

function ringOf(value: unknown): LonLat[] | string {
  if (!Array.isArray(value)) return '边界不是坐标数组';
  if (value.length > MAX_OUTLINE_POINTS) return `点太多（${value.length} 个）`;
  const ring: LonLat[] = [];
  for (const p of value) {
    if (!Array.isArray(p) || typeof p[0] !== 'number' || typeof p[1] !== 'number' || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) return '有的点不是 [经度, 纬度] 两个数';
    ring.push([roundCoord(p[0]), roundCoord(p[1])]);
  }
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (first && last && first[0] === last[0] && first[1] === last[1]) ring.pop();
  if (ring.length < 3) return '边界不到 3 个点';
  return ring;
}

/**
 * Reads an outline file's text; `centres` are the county's known village centres, which the
 * outline should contain (a note says how many do not, e.g. for a file of the wrong county or in
 * GCJ-02 coordinates).
 */
export function readOutlineFile(text: string, centres: ReadonlyArray<{ name: string; point: LonLat }>): OutlineRead {
  // Checked before parsing: millions of nested brackets parse into millions of arrays, holding
  // the server for seconds, and no outline needs more than a few levels.
  if (nestingExceeds(text, MAX_NESTING)) return fail(`不是县界文件：括号套了 ${MAX_NESTING} 层以上`, { expected: '一个 Polygon 或 MultiPolygon（面）' });
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return fail('不是 GeoJSON 文件（读不出 JSON）', { expected: '天地图、QGIS 等导出的 .geojson 文件' });
  }
  const polygons = polygonsOf(json);
  if (typeof polygons === 'string') return fail(`读不出县界：${polygons}`, { expected: '一个 Polygon 或 MultiPolygon（面）' });
  if (polygons.length === 0) return fail('读不出县界：没有面', { expected: '一个 Polygon 或 MultiPolygon（面）' });
  const rings: LonLat[][] = [];
  let points = 0;
  for (const polygon of polygons) {
    const ring = ringOf(polygon[0]);
    if (typeof ring === 'string') return fail(`读不出县界：${ring}`, { expected: `每个面的外边界是至少 3 个、至多 ${MAX_OUTLINE_POINTS} 个 [经度, 纬度]` });
    points += ring.length;
    if (points > MAX_OUTLINE_POINTS) return fail(`读不出县界：点太多（超过 ${MAX_OUTLINE_POINTS} 个）`, { expected: '请在 QGIS 里“简化”后再导出（容差 0.0001 度约 10 米就够）' });
    rings.push(ring);
  }
  const ring = rings.reduce((a, b) => (ringArea(b) > ringArea(a) ? b : a));
  const box = boundsOf(ring);
  if (box.minLon < 73 || box.maxLon > 136 || box.minLat < 3 || box.maxLat > 54) {
    const range = `经度 ${box.minLon.toFixed(2)}–${box.maxLon.toFixed(2)}，纬度 ${box.minLat.toFixed(2)}–${box.maxLat.toFixed(2)}`;
    return fail('县界不在中国范围内', { received: range, expected: 'WGS-84 或 CGCS2000 经纬度（度），不是投影坐标（米）；经度和纬度不能填反' });
  }
  if (box.maxLon - box.minLon > 5 || box.maxLat - box.minLat > 5) {
    return fail('范围太大，不像一个县', { received: `${(box.maxLon - box.minLon).toFixed(1)}° × ${(box.maxLat - box.minLat).toFixed(1)}°`, expected: '本县的县界，不是市界或省界' });
  }
  const notes: string[] = [];
  if (rings.length > 1) notes.push(`文件有 ${rings.length} 块，用了面积最大的一块；其他几块（飞地）里的位置会被当作县外。`);
  const outside = centres.filter((c) => !isInsideRing(c.point, ring));
  if (centres.length > 0 && outside.length === centres.length) {
    return fail('已知的村部位置没有一个在这个县界里', { received: `${centres.length} 个村部都在界外`, expected: '本县的县界（如果村部坐标是高德、百度地图取的，请先在移民村名册里改正坐标系）' });
  }
  if (outside.length > 0) {
    const names = outside.slice(0, 5).map((c) => c.name).join('、');
    notes.push(`有 ${outside.length} 个村部在县界外：${names}${outside.length > 5 ? ' 等' : ''}。请核对这些村部的坐标。`);
  }
  return { ok: true, ring, notes };
}
