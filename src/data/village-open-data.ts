/**
 * One village's open-data files (/data/villages/<code>/projects.csv, projects.geojson,
 * disbursements.csv, direct-subsidies.csv, village.json), from the published snapshots. The pages
 * under src/pages/data/villages/ answer with these; null when the village has no published page.
 */
import { datasetCsv, datasetGeoJson, datasetRecords, datasetRows, exportMeta, type DatasetName } from './open-data.ts';
import { villagePageData } from './page-data.ts';

/** The CSV files of a village. */
export const VILLAGE_CSV_DATASETS = ['projects', 'disbursements', 'direct-subsidies'] as const satisfies readonly DatasetName[];

/** The open-data file `<dataset>.<ext>` of a village, or null when there is no such file. */
export async function villageDataFile(code: string, file: string, prerendered: boolean): Promise<Response | null> {
  const data = await villagePageData(code, prerendered);
  const village = data.villageByCode.get(code);
  if (!village) return null;
  const rows = datasetRows(data, village.code);
  const scope = `${village.townshipName}${village.name}`;
  if (file === 'village.json') {
    const body = {
      meta: exportMeta(data, `${scope}全部公示数据`),
      village: { code: village.code, name: village.name, townshipCode: village.townshipCode, townshipName: village.townshipName, figures: village.figures },
      ...datasetRecords(rows, data.isSample),
    };
    return new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json; charset=utf-8' } });
  }
  if (file === 'projects.geojson') return new Response(datasetGeoJson('projects', rows, data, scope), { headers: { 'Content-Type': 'application/geo+json; charset=utf-8' } });
  const name = file.replace(/\.csv$/, '');
  if (!file.endsWith('.csv') || !(VILLAGE_CSV_DATASETS as readonly string[]).includes(name)) return null;
  return new Response(datasetCsv(name as DatasetName, rows, data.isSample), { headers: { 'Content-Type': 'text/csv; charset=utf-8' } });
}
