/**
 * Place names for the map's own light base (src/pages/map/places.json.ts): on a site over several
 * counties the counties, and townships, at the mean of their villages' centres, villages at the
 * mean of their located projects (PortalVillage `location`). Pure; the browser side draws them as
 * labels (map-page.ts).
 */
import type { PortalData } from '../data/portal-data.ts';
import { villageDisplayName } from '../posters/title.ts';

export interface MapPlace {
  /** Name as people say it (书泉村, 柏坊镇). */
  n: string;
  lon: number;
  lat: number;
}

export interface MapPlaces {
  /** On a site over several counties, each county (drawn when zoomed out); empty on a one-county site. */
  counties: MapPlace[];
  townships: MapPlace[];
  /** With their code (`c`), for the village's page. */
  villages: Array<MapPlace & { c: string }>;
}

const round = (x: number) => Math.round(x * 1e5) / 1e5;
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

export function mapPlaces(data: Pick<PortalData, 'villages' | 'townships' | 'villageByCode'>): MapPlaces {
  const villages = data.villages.flatMap((v) => (v.location ? [{ n: villageDisplayName(v.name), c: v.code, lon: round(v.location.lon), lat: round(v.location.lat) }] : []));
  const townships = data.townships.flatMap((t) => {
    const located = t.villageCodes.flatMap((code) => data.villageByCode.get(code)?.location ?? []);
    return located.length > 0 ? [{ n: data.villageByCode.get(t.villageCodes[0]!)!.townshipName, lon: round(mean(located.map((l) => l.lon))), lat: round(mean(located.map((l) => l.lat))) }] : [];
  });
  const byCounty = new Map<string, { n: string; located: Array<{ lon: number; lat: number }> }>();
  for (const v of data.villages) {
    if (!v.location) continue;
    const county = byCounty.get(v.code.slice(0, 6)) ?? { n: v.years[0]?.latest.content.scope.countyName ?? '', located: [] };
    county.located.push(v.location);
    byCounty.set(v.code.slice(0, 6), county);
  }
  const counties = byCounty.size > 1 ? [...byCounty.values()].map((c) => ({ n: c.n, lon: round(mean(c.located.map((l) => l.lon))), lat: round(mean(c.located.map((l) => l.lat))) })) : [];
  return { counties, townships, villages };
}
