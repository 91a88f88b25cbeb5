/**
 * Places a village's project points in a small SVG box (equirectangular around their centre, so
 * distances are right at county scale) with a round-number scale bar. No base map and no
 * boundaries are drawn: it only shows where the projects are relative to each other.
 */
export interface SketchPoint {
  lon: number;
  lat: number;
}

export interface PlacedPoint {
  x: number;
  y: number;
}

export interface Sketch {
  points: PlacedPoint[];
  /** Length of the scale bar in px and the distance it stands for in metres. */
  scalePx: number;
  scaleMetres: number;
}

const METRES_PER_DEGREE = 111_320;

/**
 * @example sketchPoints([{ lon: 112.26, lat: 26.25 }], { width: 300, height: 160, padding: 20 })
 * // { points: [{ x: 150, y: 80 }], scalePx: …, scaleMetres: … }
 */
export function sketchPoints(input: readonly SketchPoint[], box: { width: number; height: number; padding: number }): Sketch {
  if (input.length === 0) return { points: [], scalePx: 0, scaleMetres: 0 };
  const lat0 = input.reduce((s, p) => s + p.lat, 0) / input.length;
  const lon0 = input.reduce((s, p) => s + p.lon, 0) / input.length;
  const k = Math.cos((lat0 * Math.PI) / 180);
  const metres = input.map((p) => ({ x: (p.lon - lon0) * METRES_PER_DEGREE * k, y: (p.lat - lat0) * METRES_PER_DEGREE }));
  const spanX = Math.max(...metres.map((m) => Math.abs(m.x)), 1);
  const spanY = Math.max(...metres.map((m) => Math.abs(m.y)), 1);
  // At least 500 m each side, so a single point still gets a meaningful scale.
  const halfW = (box.width - 2 * box.padding) / 2;
  const halfH = (box.height - 2 * box.padding) / 2;
  const pxPerMetre = Math.min(halfW / Math.max(spanX, 500), halfH / Math.max(spanY, 500));
  const points = metres.map((m) => ({
    x: Math.round((box.width / 2 + m.x * pxPerMetre) * 10) / 10,
    y: Math.round((box.height / 2 - m.y * pxPerMetre) * 10) / 10,
  }));
  const target = (box.width / 4) / pxPerMetre;
  const steps = [100, 200, 500, 1000, 2000, 5000, 10000, 20000];
  const scaleMetres = steps.filter((s) => s <= target).at(-1) ?? steps[0]!;
  return { points, scalePx: Math.round(scaleMetres * pxPerMetre), scaleMetres };
}
