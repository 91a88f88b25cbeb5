/** One county's search index on a site over several counties (src/data/search-index.ts). */
import type { APIRoute, GetStaticPaths } from 'astro';
import { portalData } from '../../../../data/portal-data.ts';
import { buildCountySearchIndex } from '../../../../data/search-index.ts';
import { siteCounties } from '../../../../data/site-database.ts';

export const getStaticPaths: GetStaticPaths = async () => {
  const counties = await siteCounties();
  return counties.length <= 1 ? [] : counties.flatMap((c) => (c.countyCode ? [{ params: { county: c.countyCode } }] : []));
};

export const GET: APIRoute = async ({ params }) => {
  const data = await portalData();
  const county = params.county!;
  const entries = buildCountySearchIndex(data, county);
  const isSample = data.villages.some((v) => v.code.startsWith(county) && v.years.some((y) => y.latest.isSample));
  return new Response(JSON.stringify({ isSample, entries }), {
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  });
};
