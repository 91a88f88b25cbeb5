/**
 * County-wide open-data files, built as static files: /data/<dataset>.csv|json(.geojson) and
 * /data/dictionary.json. See src/data/open-data.ts for the columns.
 */
import type { APIRoute, GetStaticPaths } from 'astro';
import { portalData } from '../../data/portal-data.ts';
import { DATASET_NAMES, dataDictionary, datasetCsv, datasetGeoJson, datasetJson, datasetRows, exportMeta, type DatasetName } from '../../data/open-data.ts';

export const getStaticPaths = (() => [
  ...DATASET_NAMES.flatMap((name) => [`${name}.csv`, `${name}.json`]),
  'projects.geojson',
  'villages.geojson',
  'dictionary.json',
].map((file) => ({ params: { file } }))) satisfies GetStaticPaths;

const TYPES: Record<string, string> = { csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8', geojson: 'application/geo+json; charset=utf-8' };

export const GET: APIRoute = async ({ params }) => {
  const data = await portalData();
  const file = params.file!;
  const [name, ext] = file.split('.') as [string, string];
  const headers = { 'Content-Type': TYPES[ext]! };
  if (name === 'dictionary') {
    return new Response(JSON.stringify({ meta: exportMeta(data, '数据字典'), datasets: dataDictionary(data.isSample) }), { headers });
  }
  const rows = datasetRows(data);
  const scope = data.countyName;
  const body =
    ext === 'csv'
      ? datasetCsv(name as DatasetName, rows, data.isSample)
      : ext === 'geojson'
        ? datasetGeoJson(name as 'projects' | 'villages', rows, data, scope)
        : datasetJson(name as DatasetName, rows, data, scope);
  return new Response(body, { headers });
};
