/** One county's own open-data files in a site over several counties: /counties/<code>/data/<file>. */
import type { APIRoute, GetStaticPaths } from 'astro';
import { countyPortalData } from '../../../../data/portal-data.ts';
import { OPEN_DATA_FILES, openDataResponse } from '../../../../data/open-data-files.ts';
import { siteCounties } from '../../../../data/site-database.ts';

export const getStaticPaths = (async () => {
  const counties = await siteCounties();
  if (counties.length <= 1) return [];
  return counties.flatMap((c) => (c.countyCode ? OPEN_DATA_FILES.map((file) => ({ params: { county: c.countyCode!, file } })) : []));
}) satisfies GetStaticPaths;

export const GET: APIRoute = async ({ params }) => {
  const code = params.county!;
  const data = await countyPortalData(code);
  const name = (await siteCounties()).find((c) => c.countyCode === code)?.countyName ?? code;
  return openDataResponse(params.file!, data, name);
};
