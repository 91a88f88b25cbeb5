/**
 * The prebuilt search index read by /search/ in the browser: everything on a one-county site,
 * places only on a site over several counties (src/data/search-index.ts).
 */
import type { APIRoute } from 'astro';
import { portalData } from '../../data/portal-data.ts';
import { buildPlaceIndex, buildSearchIndex } from '../../data/search-index.ts';
import { siteCountyNames } from '../../data/site-database.ts';

export const GET: APIRoute = async () => {
  const data = await portalData();
  const counties = await siteCountyNames();
  const entries = counties.length > 1 ? buildPlaceIndex(data, counties) : buildSearchIndex(data);
  return new Response(JSON.stringify({ isSample: data.isSample, entries }), {
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  });
};
