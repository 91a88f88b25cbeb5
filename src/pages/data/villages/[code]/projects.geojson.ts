/**
 * /data/villages/<code>/projects.geojson: a village's located projects as GeoJSON (src/data/village-open-data.ts).
 */
import type { APIRoute, GetStaticPaths } from 'astro';
import { portalData } from '../../../../data/portal-data.ts';
import { villageDataFile } from '../../../../data/village-open-data.ts';

export const getStaticPaths = (async () => (await portalData()).villages.map((v) => ({ params: { code: v.code } }))) satisfies GetStaticPaths;

// Served on demand in the Node build (src/on-demand/adapter.mjs): any code can be asked for.
export const GET: APIRoute = async ({ params, isPrerendered }) => (await villageDataFile(params.code!, 'projects.geojson', isPrerendered)) ?? new Response(null, { status: 404 });
