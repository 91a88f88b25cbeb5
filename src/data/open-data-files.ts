/**
 * The body of one open-data file (/data/<dataset>.csv|json|geojson, /data/dictionary.json) from the
 * portal data given: the whole site's, or one county's in a site over several
 * (/counties/<code>/data/…). See src/data/open-data.ts for the columns.
 */
import { DATASET_NAMES, dataDictionary, datasetCsv, datasetGeoJson, datasetJson, datasetRows, exportMeta, type DatasetName } from './open-data.ts';
import type { PortalData } from './portal-data.ts';

/** Every open-data file name. */
export const OPEN_DATA_FILES: readonly string[] = [...DATASET_NAMES.flatMap((name) => [`${name}.csv`, `${name}.json`]), 'projects.geojson', 'villages.geojson', 'dictionary.json'];

const TYPES: Record<string, string> = { csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8', geojson: 'application/geo+json; charset=utf-8' };

/** The response for `file` over `data`, titled `scope` (the county's, or the region's name). */
export function openDataResponse(file: string, data: PortalData, scope: string): Response {
  const [name, ext] = file.split('.') as [string, string];
  const headers = { 'Content-Type': TYPES[ext]! };
  if (name === 'dictionary') {
    return new Response(JSON.stringify({ meta: exportMeta(data, '数据字典'), datasets: dataDictionary(data.isSample) }), { headers });
  }
  const rows = datasetRows(data);
  const body =
    ext === 'csv'
      ? datasetCsv(name as DatasetName, rows, data.isSample)
      : ext === 'geojson'
        ? datasetGeoJson(name as 'projects' | 'villages', rows, data, scope)
        : datasetJson(name as DatasetName, rows, data, scope);
  return new Response(body, { headers });
}
