import { openDatabase } from '../db/client.ts';
import { loadDivisionPortalData } from '../src/data/portal-data.ts';
import { OPEN_DATA_FILES, openDataResponse } from '../src/data/open-data-files.ts';
const { db, close } = await openDatabase({ url: 'file:/tmp/sample.db' });
let t = performance.now();
const data = await loadDivisionPortalData(db, '430482');
console.log('load', (performance.now() - t).toFixed(0), 'ms');
for (const f of OPEN_DATA_FILES) {
  const times: number[] = [];
  let size = 0;
  for (let i = 0; i < 5; i++) { t = performance.now(); const r = openDataResponse(f, data, '常宁市'); size = (await r.arrayBuffer()).byteLength; times.push(performance.now() - t); }
  times.sort((a, b) => a - b);
  console.log(f, size, times[2]!.toFixed(0), 'ms');
}
close();
const { datasetRows } = await import('../src/data/open-data.ts');
const o = await openDatabase({ url: 'file:/tmp/sample.db' });
const d2 = await loadDivisionPortalData(o.db, '430482');
for (let i = 0; i < 3; i++) { const t0 = performance.now(); datasetRows(d2); console.log('rows', (performance.now() - t0).toFixed(0)); }
o.close();
