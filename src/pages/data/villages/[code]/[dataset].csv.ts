/**
 * Per-village open-data files: /data/villages/<code>/projects.csv, disbursements.csv and
 * direct-subsidies.csv (src/data/village-open-data.ts; projects.geojson and village.json beside).
 */
import type { APIRoute, GetStaticPaths } from 'astro';
import { portalData } from '../../../../data/portal-data.ts';
import { VILLAGE_CSV_DATASETS, villageDataFile } from '../../../../data/village-open-data.ts';

export const getStaticPaths = (async () => {
  const data = await portalData();
  return data.villages.flatMap((v) => VILLAGE_CSV_DATASETS.map((dataset) => ({ params: { code: v.code, dataset } })));
}) satisfies GetStaticPaths;

// Served on demand in the Node build (src/on-demand/adapter.mjs): any path can be asked for.
export const GET: APIRoute = async ({ params, isPrerendered }) => (await villageDataFile(params.code!, `${params.dataset!}.csv`, isPrerendered)) ?? new Response(null, { status: 404 });
