/**
 * One county's own open-data files in a site over several counties: /counties/<code>/data/<file>,
 * one route per extension (a route with no extension in its name would be asked for with a
 * trailing slash when rendered on demand, as pages are). Rendered on demand in Node and the Worker.
 */
import type { APIRoute, GetStaticPaths } from 'astro';
import { divisionPortalData } from '../../../../data/portal-data.ts';
import { OPEN_DATA_FILES, openDataResponse } from '../../../../data/open-data-files.ts';
import { countyOfSeveral, siteCountyNames } from '../../../../data/site-database.ts';

/** The route of the county files named `<dataset>.<ext>`. */
export function countyDataRoute(ext: 'csv' | 'json' | 'geojson'): { getStaticPaths: GetStaticPaths; GET: APIRoute } {
  const datasets = OPEN_DATA_FILES.filter((f) => f.endsWith(`.${ext}`)).map((f) => f.slice(0, -ext.length - 1));
  return {
    getStaticPaths: async () => {
      const counties = await siteCountyNames();
      return counties.length <= 1 ? [] : counties.flatMap((c) => datasets.map((dataset) => ({ params: { county: c.code, dataset } })));
    },
    GET: async ({ params }) => {
      const county = await countyOfSeveral(params.county!);
      if (!county || !datasets.includes(params.dataset!)) return new Response(null, { status: 404 });
      return openDataResponse(`${params.dataset!}.${ext}`, await divisionPortalData(params.county!), county.countyName || params.county!);
    },
  };
}
