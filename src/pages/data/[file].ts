/**
 * Site-wide open-data files, built as static files: /data/<dataset>.csv|json(.geojson) and
 * /data/dictionary.json (over every county of a site that serves several; each county's own are
 * under /counties/<code>/data/). See src/data/open-data.ts for the columns.
 */
import type { APIRoute, GetStaticPaths } from 'astro';
import { portalData } from '../../data/portal-data.ts';
import { OPEN_DATA_FILES, openDataResponse } from '../../data/open-data-files.ts';
import { siteScopeName } from '../../data/roll-up.ts';

export const getStaticPaths = (() => OPEN_DATA_FILES.map((file) => ({ params: { file } }))) satisfies GetStaticPaths;

export const GET: APIRoute = async ({ params }) => {
  const data = await portalData();
  return openDataResponse(params.file!, data, await siteScopeName(data.countyName));
};
