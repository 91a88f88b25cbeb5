/**
 * The place names the map draws under the projects when no base map is configured (and over the
 * tiles when one is): every township's name at the centre of its villages, and each village's name
 * at the centre of its located projects, from the published records only. Points and names, never
 * boundary lines or areas: those need a reviewed map (审图号).
 */
import type { APIRoute } from 'astro';
import { portalData } from '../../data/portal-data.ts';
import { mapPlaces } from '../../map/places.ts';

export const GET: APIRoute = async () => {
  const data = await portalData();
  return new Response(JSON.stringify({ isSample: data.isSample, ...mapPlaces(data) }), { headers: { 'Content-Type': 'application/json; charset=utf-8' } });
};
