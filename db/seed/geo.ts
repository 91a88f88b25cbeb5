/**
 * The county outline (coarse, WGS-84, from changning-outline.geojson beside this file) and
 * sample coordinates generated inside it. The outline is only for placing and checking sample
 * points; it is never drawn on the public map (see PROVENANCE.md).
 */
import { readFileSync } from 'node:fs';
import { isInsideRing, roundCoord, type LonLat } from '../../src/domain/geo/geo.ts';
import type { Random } from './random.ts';

// The geometry lives in src/domain/geo/geo.ts, where the upload checks use it too.
export { isInsideRing, roundCoord, type LonLat };

export interface CountyOutline {
  /** The outer ring, closed or not. */
  ring: readonly LonLat[];
  /** The centre point given with the outline. */
  centre: LonLat;
  bbox: { minLon: number; minLat: number; maxLon: number; maxLat: number };
}

interface OutlineFile {
  features: { properties: { center: [number, number] }; geometry: { type: string; coordinates: number[][][] } }[];
}

/** Reads the county outline shipped in db/seed/. */
export function loadCountyOutline(): CountyOutline {
  const text = readFileSync(new URL('./changning-outline.geojson', import.meta.url), 'utf8');
  const file = JSON.parse(text) as OutlineFile;
  const feature = file.features[0];
  if (!feature || feature.geometry.type !== 'Polygon') throw new Error('changning-outline.geojson: expected one Polygon feature');
  const ring = (feature.geometry.coordinates[0] ?? []).map(([lon, lat]) => [lon, lat] as LonLat);
  const lons = ring.map((p) => p[0]);
  const lats = ring.map((p) => p[1]);
  return {
    ring,
    centre: [feature.properties.center[0], feature.properties.center[1]],
    bbox: { minLon: Math.min(...lons), minLat: Math.min(...lats), maxLon: Math.max(...lons), maxLat: Math.max(...lats) },
  };
}

/**
 * A random point inside the outline, within `radiusDeg` of `near` when given (else anywhere in
 * the county). Tries until it lands inside; falls back to `near` itself, which callers only pass
 * when it is inside.
 */
export function randomPointInside(
  rng: Random,
  outline: CountyOutline,
  near?: { centre: LonLat; radiusDeg: number },
): LonLat {
  for (let attempt = 0; attempt < 500; attempt++) {
    let lon: number;
    let lat: number;
    if (near) {
      const r = near.radiusDeg * Math.sqrt(rng.next());
      const a = rng.next() * 2 * Math.PI;
      lon = near.centre[0] + r * Math.cos(a);
      lat = near.centre[1] + r * Math.sin(a);
    } else {
      lon = rng.float(outline.bbox.minLon, outline.bbox.maxLon);
      lat = rng.float(outline.bbox.minLat, outline.bbox.maxLat);
    }
    const p: LonLat = [roundCoord(lon), roundCoord(lat)];
    if (isInsideRing(p, outline.ring)) return p;
  }
  if (near && isInsideRing(near.centre, outline.ring)) return near.centre;
  throw new Error('could not place a sample point inside the county outline');
}
