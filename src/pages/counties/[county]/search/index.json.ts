/** One county's search index on a site over several counties (src/data/search-index.ts), rendered on demand in Node and the Worker. */
import type { APIRoute, GetStaticPaths } from 'astro';
import { divisionPortalData } from '../../../../data/portal-data.ts';
import { buildCountySearchIndex } from '../../../../data/search-index.ts';
import { countyOfSeveral, siteCountyNames } from '../../../../data/site-database.ts';

export const getStaticPaths: GetStaticPaths = async () => {
  const counties = await siteCountyNames();
  return counties.length <= 1 ? [] : counties.map((c) => ({ params: { county: c.code } }));
};

export const GET: APIRoute = async ({ params }) => {
  const county = params.county!;
  if (!(await countyOfSeveral(county))) return new Response(null, { status: 404 });
  const data = await divisionPortalData(county);
  return new Response(JSON.stringify({ isSample: data.isSample, entries: buildCountySearchIndex(data, county) }), {
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  });
};
