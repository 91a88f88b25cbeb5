/**
 * `npm run bench:readers`: our file readers beside the kept libraries they stand next to, on the
 * same 100,000-row payment file (the figures behind two records in docs/decisions.md):
 *
 * - CSV text: `parseCsvText` (src/domain/upload/csv-text.ts) against csv-parse's `parse` (sync);
 * - XLSX sheet: `xlsxRows` (our plain sheet reader, bounds included) against read-excel-file's
 *   `readSheet`, both from the same bytes.
 *
 * Each is run BENCH_RUNS times (default 5) after one warm-up, in this one process; medians and the
 * ratio are printed, and the outputs are compared cell by cell (the figures mean nothing otherwise).
 */
import { parse } from 'csv-parse/sync';
import { readSheet } from 'read-excel-file/universal';
import writeXlsxFile from 'write-excel-file/node';
import { parseCsvText } from '../../src/domain/upload/csv-text.ts';
import { xlsxRows } from '../../src/domain/upload/upload-file.ts';

const N = Number(process.env.BENCH_ROWS ?? 100_000);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5));
const HEADER = ['项目编号', '拨付日期', '金额(元)', '资金来源', '凭证号', '收款单位'];
const row = (i: number) => [`B${String(i).padStart(7, '0')}`, '2024-06-20', 100000 + (i % 1000), '中央', `PZ-${i}`, i % 7 === 0 ? '常宁市某建筑工程有限公司，第三分公司' : '常宁市某建筑工程有限公司'];

const csvText = [HEADER, ...Array.from({ length: N }, (_, i) => row(i))].map((r) => r.map((v) => (typeof v === 'string' && v.includes('，') ? `"${v}"` : String(v))).join(',')).join('\r\n');
const xlsx = new Uint8Array(
  await writeXlsxFile([HEADER.map((h) => ({ value: h, type: String })), ...Array.from({ length: N }, (_, i) => row(i).map((v) => (typeof v === 'number' ? { value: v, type: Number } : { value: v, type: String })))] as never).toBuffer(),
);

async function time(label: string, run: () => unknown | Promise<unknown>): Promise<{ label: string; median: number; all: number[]; out: unknown }> {
  let out = await run();
  const all: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    out = await run();
    all.push(performance.now() - t);
  }
  const median = [...all].sort((a, b) => a - b)[Math.floor(all.length / 2)]!;
  return { label, median, all, out };
}

const ours = await time('parseCsvText (ours)', () => parseCsvText(csvText));
const lib = await time('csv-parse sync', () => parse(csvText, { relax_column_count: true }) as string[][]);
const same = JSON.stringify(ours.out) === JSON.stringify(lib.out);
const oursX = await time('xlsxRows (ours)', () => xlsxRows(xlsx));
const libX = await time('read-excel-file readSheet', () => readSheet(xlsx.slice().buffer, 1));
const sameX = JSON.stringify(oursX.out) === JSON.stringify(libX.out);

const f = (ms: number) => `${ms.toFixed(0)} ms`;
console.log(`${N.toLocaleString()} payment rows; CSV ${(csvText.length / 1e6).toFixed(1)} M characters, XLSX ${(xlsx.length / 1e6).toFixed(1)} MB; median of ${RUNS}`);
for (const [a, b, equal] of [
  [ours, lib, same],
  [oursX, libX, sameX],
] as const) {
  console.log(`  ${a.label}: ${f(a.median)} (${a.all.map(f).join(' / ')})`);
  console.log(`  ${b.label}: ${f(b.median)} (${b.all.map(f).join(' / ')})`);
  console.log(`  → the library takes ${(b.median / a.median).toFixed(1)}× ours; same cells: ${equal ? 'yes' : 'NO'}`);
}
if (!same || !sameX) process.exitCode = 1;
