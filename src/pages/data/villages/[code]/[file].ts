/**
 * Per-village open-data files: /data/villages/<code>/projects.csv, projects.geojson,
 * disbursements.csv, direct-subsidies.csv and village.json (everything of the village in one file).
 */
import type { APIRoute, GetStaticPaths } from 'astro';
import { portalData } from '../../../../data/portal-data.ts';
import { datasetCsv, datasetGeoJson, datasetRecords, datasetRows, exportMeta, type DatasetName } from '../../../../data/open-data.ts';


const VILLAGE_FILES = ['projects.csv', 'projects.geojson', 'disbursements.csv', 'direct-subsidies.csv', 'village.json'] as const;

export const getStaticPaths = (async () => {
  const data = await portalData();
  return data.villages.flatMap((v) => VILLAGE_FILES.map((file) => ({ params: { code: v.code, file } })));
}) satisfies GetStaticPaths;

export const GET: APIRoute = async ({ params }) => {
  const data = await portalData();
  const village = data.villageByCode.get(params.code!)!;
  const rows = datasetRows(data, village.code);
  const [name, ext] = params.file!.split('.') as [string, string];
  const scope = `${village.townshipName}${village.name}`;
  if (name === 'village') {
    const body = {
      meta: exportMeta(data, `${scope}全部公示数据`),
      village: { code: village.code, name: village.name, townshipCode: village.townshipCode, townshipName: village.townshipName, figures: village.figures },
      ...datasetRecords(rows, data.isSample),
    };
    return new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json; charset=utf-8' } });
  }
  if (ext === 'geojson') return new Response(datasetGeoJson('projects', rows, data, scope), { headers: { 'Content-Type': 'application/geo+json; charset=utf-8' } });
  return new Response(datasetCsv(name as DatasetName, rows, data.isSample), { headers: { 'Content-Type': 'text/csv; charset=utf-8' } });
};
