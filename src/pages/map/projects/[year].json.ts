/**
 * The located projects of one year for the map (/map/projects/<year>.json), in the compact shape of
 * src/map/filters.ts (MapProject). One file per year, so the default view downloads and parses
 * one year, not all of them.
 */
import type { APIRoute, GetStaticPaths } from 'astro';
import { portalData } from '../../../data/portal-data.ts';
import { statusGroup } from '../../../domain/ledger/status-style.ts';
import { statusLabel } from '../../../domain/ledger/project-status.ts';
import type { MapProject } from '../../../map/filters.ts';

export const getStaticPaths = (async () => (await portalData()).years.map((year) => ({ params: { year: String(year) } }))) satisfies GetStaticPaths;

export const GET: APIRoute = async ({ params }) => {
  const data = await portalData();
  const year = Number(params.year);
  const projects: MapProject[] = data.projects.flatMap(({ project: p, status, villageCode }) => {
    if (p.year !== year || p.lon === null || p.lat === null) return [];
    const v = data.villageByCode.get(villageCode)!;
    const s = statusGroup(status);
    return [{ c: p.code, n: p.name, y: p.year, t: p.typeCode, tn: p.typeName, s, sl: statusLabel(status), tw: v.townshipCode, v: v.code, vn: `${v.townshipName}${v.name}`, lon: p.lon, lat: p.lat, vc: p.locationPrecision !== 'exact' }];
  });
  return new Response(JSON.stringify({ isSample: data.isSample, projects }), { headers: { 'Content-Type': 'application/json; charset=utf-8' } });
};
