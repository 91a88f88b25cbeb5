/**
 * `npm run bench:import`: imports 100,000 projects and then 100,000 payments (拨付) from CSV and from
 * XLSX through the upload API into the file database, and compares each with a raw SQLite bulk
 * insert of the same rows in the same run: every row that import wrote, read back with all its
 * columns, inserted with node:sqlite (one prepared statement per table, one transaction) into a
 * copy of the database as it was before the import, so into the same tables, indexes and triggers.
 * Targets: ≤ 10 s per import, and ≥ 25 % of the raw insert speed. Set BENCH_ROWS to change the size,
 * BENCH_FORMATS=csv (or xlsx) to run one format, BENCH_RUNS (default 3) the runs whose medians are
 * reported.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import writeXlsxFile from 'write-excel-file/node';
import { migrateDatabase, openDatabase } from '../../db/client.ts';
import * as schema from '../../db/schema.ts';
import { readSampleDivisions } from '../../db/seed/sample-county.ts';
import { readUpload } from '../../functions/routes/upload-body.ts';
import { processUpload } from '../../src/data/uploads.ts';
import { findActorByToken, mintToken } from '../../src/data/users.ts';

const N = Number(process.env.BENCH_ROWS ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), 'bench-import-'));
const villages = readSampleDivisions().filter((d) => d.level === 'village').map((d) => d.code);

const PROJECT_HEADER = ['项目编号', '年度', '村代码', '项目类型', '项目名称', '建设内容及规模', '实施单位', '中央资金(元)', '经度', '纬度', '申请日期', '村理财小组复核日期'];
const PAYMENT_HEADER = ['项目编号', '拨付日期', '金额(元)', '资金来源', '凭证号', '收款单位'];
const projectRow = (i: number) => [`B${String(i).padStart(7, '0')}`, 2024, villages[i % villages.length]!, '美丽家园建设', `村组道路硬化${i}`, '硬化道路1.2公里，宽3.5米', '村民委员会', 250000 + (i % 1000), Number((112.3906 + (i % 101) * 1e-4).toFixed(6)), Number((26.4136 + (i % 97) * 1e-4).toFixed(6)), '2024-03-10', '2024-03-12'];
const paymentRow = (i: number) => [`B${String(i).padStart(7, '0')}`, '2024-06-20', 100000 + (i % 1000), '中央', `PZ-${i}`, '常宁市某建筑工程有限公司'];

const csvOf = (header: string[], row: (i: number) => Array<string | number>) => {
  const lines = [header.join(',')];
  for (let i = 0; i < N; i++) lines.push(row(i).map((v) => (typeof v === 'string' && v.includes(',') ? `"${v}"` : String(v))).join(','));
  return new TextEncoder().encode(`${lines.join('\r\n')}\r\n`);
};
const xlsxOf = async (header: string[], row: (i: number) => Array<string | number>) => {
  const data = [header.map((h) => ({ value: h, type: String }))];
  for (let i = 0; i < N; i++) data.push(row(i).map((v) => (typeof v === 'number' ? { value: v, type: Number } : { value: v, type: String })) as never);
  const buffer = await writeXlsxFile(data).toBuffer();
  return new Uint8Array(buffer);
};

function bar(label: string): (done: number, total: number) => void {
  let last = -1;
  return (done, total) => {
    const pct = Math.floor((done / total) * 100);
    if (pct === last) return;
    last = pct;
    const filled = Math.round(pct / 4);
    process.stdout.write(`\r  ${label} [${'#'.repeat(filled)}${'.'.repeat(25 - filled)}] ${pct}% (${done.toLocaleString()} / ${total.toLocaleString()})`);
    if (done === total) process.stdout.write('\n');
  };
}

async function freshDatabase(name: string) {
  const url = `file:${join(dir, `${name}.db`)}`;
  const opened = await openDatabase({ url });
  await migrateDatabase(opened.db);
  await opened.db.insert(schema.divisions).values(readSampleDivisions());
  await opened.db.insert(schema.projectTypes).values({ code: 'beautiful_home', name: '美丽家园建设', indicatorGroup: 'beautiful_home', sortOrder: 1 });
  const { token } = await mintToken(opened.db, { role: 'county', scopeCode: '430482', name: 'bench', at: new Date().toISOString() });
  const actor = (await findActorByToken(opened.db, token))!;
  /** What POST /uploads/{kind} does after reading the body: sniff + parse, then check and commit. */
  const upload = async (kind: 'projects' | 'disbursements', bytes: Uint8Array, label: string) => {
    const started = performance.now();
    const stages: Array<[string, number]> = [['reading', started]];
    process.stdout.write(`  ${label}: reading ${(bytes.length / 1024 / 1024).toFixed(1)} MB…`);
    const { format, encoding, read } = await readUpload(kind, bytes);
    process.stdout.write(` ${read.dataRows.toLocaleString()} rows read in ${((performance.now() - started) / 1000).toFixed(1)} s, checking…\n`);
    const report = await processUpload(opened.db, {
      actor, kind, format, encoding, read, contentHash: `${label}-${N}`, idempotencyKey: null, dryRun: false, requestId: null,
      at: '2025-06-30T02:00:00.000Z', today: '2025-06-30', countyUnit: '常宁市库区移民事务中心', onProgress: bar(`${label} writing`),
      onStage: (stage) => stages.push([stage, performance.now()]),
    });
    const ms = performance.now() - started;
    if (report.status !== 'committed' || report.created !== N) throw new Error(`${label}: ${report.status} ${JSON.stringify(report.errors.slice(0, 3))}`);
    stages.push(['end', started + ms]);
    const split = stages.slice(0, -1).map(([stage, at], i) => `${stage} ${((stages[i + 1]![1] - at) / 1000).toFixed(2)} s`);
    console.log(`  ${label}: ${split.join(', ')}`);
    return ms;
  };
  const approveAll = () => opened.client.executeMultiple(`update projects set workflow_state = 'county_approved';
    insert into project_milestones (project_id, kind, date) select id, 'county_approved', '2024-04-01' from projects;`);
  /** A consistent copy of the database as it is now (VACUUM INTO), for the raw baseline to start from. */
  const snapshot = async (name: string) => {
    const to = join(dir, `${name}.db`);
    await opened.client.execute({ sql: 'VACUUM INTO ?', args: [to] });
    return to;
  };
  const tables = async () => (await opened.client.execute(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%'`)).rows.map((r) => String(r.name));
  return { upload, approveAll, snapshot, tables, close: opened.close };
}

/** The largest rowid of every table, to tell the rows an import wrote from those already there. */
function rowidMarks(file: string, tables: readonly string[]): Map<string, number> {
  const db = new DatabaseSync(file, { readOnly: true });
  const marks = new Map(tables.map((t) => [t, Number((db.prepare(`select coalesce(max(rowid), 0) as m from "${t}"`).get() as { m: number }).m)]));
  db.close();
  return marks;
}

interface Written {
  table: string;
  columns: string[];
  rows: unknown[][];
}

/** Every row the import wrote (rowid above the mark), read back from the file with all its columns. */
function readWritten(file: string, marks: Map<string, number>): Written[] {
  const db = new DatabaseSync(file, { readOnly: true });
  const out: Written[] = [];
  for (const [table, mark] of marks) {
    const stmt = db.prepare(`select * from "${table}" where rowid > ? order by rowid`);
    stmt.setReturnArrays(true);
    const columns = stmt.columns().map((c) => c.name);
    const rows = stmt.all(mark) as unknown as unknown[][];
    if (rows.length > 0) out.push({ table, columns, rows });
  }
  db.close();
  return out;
}

/**
 * The raw baseline: the same rows (every column, ids included) into a copy of the database as it
 * was before the import (same migrated tables, indexes, foreign keys and triggers), with
 * node:sqlite, one prepared statement per table, one transaction. No parsing, no checks.
 */
function rawInsert(before: string, written: Written[], name: string): { ms: number; rows: number } {
  const file = join(dir, `raw-${name}.db`);
  copyFileSync(before, file);
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA foreign_keys = ON');
  const started = performance.now();
  db.exec('begin');
  // Tables are taken in schema order, not dependency order: foreign keys are checked at commit.
  db.exec('PRAGMA defer_foreign_keys = ON');
  let rows = 0;
  for (const w of written) {
    const stmt = db.prepare(`insert into "${w.table}" (${w.columns.map((c) => `"${c}"`).join(', ')}) values (${w.columns.map(() => '?').join(', ')})`);
    for (const row of w.rows) stmt.run(...(row as Array<string | number | null>));
    rows += w.rows.length;
  }
  db.exec('commit');
  const ms = performance.now() - started;
  db.close();
  return { ms, rows };
}

console.log(`import benchmark: ${N.toLocaleString()} projects + ${N.toLocaleString()} payments, ${villages.length} villages, file database in ${dir}`);
console.log('generating files…');
const projectsCsv = csvOf(PROJECT_HEADER, projectRow);
const paymentsCsv = csvOf(PAYMENT_HEADER, paymentRow);
const formats = (process.env.BENCH_FORMATS ?? 'csv,xlsx').split(',') as Array<'csv' | 'xlsx'>;
const projectsXlsx = formats.includes('xlsx') ? await xlsxOf(PROJECT_HEADER, projectRow) : new Uint8Array();
const paymentsXlsx = formats.includes('xlsx') ? await xlsxOf(PAYMENT_HEADER, paymentRow) : new Uint8Array();
const mb = (b: Uint8Array) => `${(b.length / 1024 / 1024).toFixed(1)} MB`;
console.log(`  CSV ${mb(projectsCsv)} + ${mb(paymentsCsv)}, XLSX ${mb(projectsXlsx)} + ${mb(paymentsXlsx)}`);

const results: Array<{ name: string; ms: number; rawMs: number; rawRows: number; heapPerMb: number }> = [];
let snapshots = 0;
/** Runs one import, then the raw insert of exactly the rows it wrote, starting from the same database. */
async function measured(app: Awaited<ReturnType<typeof freshDatabase>>, kind: 'projects' | 'disbursements', bytes: Uint8Array, name: string) {
  // node:sqlite only ever opens copies: two SQLite libraries on one live file in one process would
  // drop each other's POSIX locks (and the WAL with them).
  const tag = `${name.replace(/\s+/g, '-')}-${++snapshots}`;
  const before = await app.snapshot(`${tag}-before`);
  const marks = rowidMarks(before, await app.tables());
  // Memory: the heap and RSS sampled every 20 ms while the import runs (and once at its end); the
  // growth over the value just before it, per MB of input.
  // A collection first (npm run bench:import passes --expose-gc), so the baseline is live data only.
  (globalThis as { gc?: () => void }).gc?.();
  const heap0 = process.memoryUsage();
  let heapPeak = heap0.heapUsed;
  let rssPeak = heap0.rss;
  const sample = () => {
    const m = process.memoryUsage();
    heapPeak = Math.max(heapPeak, m.heapUsed);
    rssPeak = Math.max(rssPeak, m.rss);
  };
  const sampler = setInterval(sample, 20);
  const ms = await app.upload(kind, bytes, name);
  sample();
  clearInterval(sampler);
  const mb = bytes.length / 1e6;
  console.log(`  memory: heap +${((heapPeak - heap0.heapUsed) / 1e6).toFixed(0)} MB, RSS +${((rssPeak - heap0.rss) / 1e6).toFixed(0)} MB for ${mb.toFixed(1)} MB of input (${((heapPeak - heap0.heapUsed) / 1e6 / mb).toFixed(0)} MB of heap per MB)`);
  const written = readWritten(await app.snapshot(`${tag}-after`), marks);
  const raw = rawInsert(before, written, tag);
  console.log(`  raw insert of the same ${raw.rows.toLocaleString()} rows (${written.map((w) => `${w.table} ${w.rows.length.toLocaleString()}`).join(', ')}): ${(raw.ms / 1000).toFixed(2)} s`);
  results.push({ name, ms, rawMs: raw.ms, rawRows: raw.rows, heapPerMb: (heapPeak - heap0.heapUsed) / 1e6 / mb });
}
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
for (let run = 1; run <= RUNS; run++) {
  if (RUNS > 1) console.log(`run ${run} of ${RUNS}`);
  for (const format of formats) {
    const app = await freshDatabase(`${format}-${run}`);
    await measured(app, 'projects', format === 'csv' ? projectsCsv : projectsXlsx, `${format.toUpperCase()} projects`);
    await app.approveAll();
    await measured(app, 'disbursements', format === 'csv' ? paymentsCsv : paymentsXlsx, `${format.toUpperCase()} payments`);
    app.close();
  }
}

// Medians over the runs: a single import, and above all a single raw insert (its commit's fsync),
// varies by tens of percent on a shared machine.
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const summary = [...new Set(results.map((r) => r.name))].map((name) => {
  const mine = results.filter((r) => r.name === name);
  return { name, ms: median(mine.map((r) => r.ms)), rawMs: median(mine.map((r) => r.rawMs)), rawRows: mine[0]!.rawRows, heapPerMb: median(mine.map((r) => r.heapPerMb)), all: mine.map((r) => (r.ms / 1000).toFixed(2)).join(' / ') };
});
const rate = (ms: number) => Math.round(N / (ms / 1000));
console.log(`\n| import | time (median of ${RUNS}) | rows/s | raw insert of the same rows (median) | vs raw | heap per MB of input | every run |`);
console.log(`| --- | ---: | ---: | ---: | ---: | ---: | --- |`);
for (const r of summary) {
  console.log(`| ${r.name} | ${(r.ms / 1000).toFixed(2)} s | ${rate(r.ms).toLocaleString()} | ${(r.rawMs / 1000).toFixed(2)} s (${r.rawRows.toLocaleString()} rows) | ${((r.rawMs / r.ms) * 100).toFixed(1)} % | ${r.heapPerMb.toFixed(0)} MB | ${r.all} s |`);
}
const slow = summary.filter((r) => r.ms > 10_000).map((r) => r.name);
const belowShare = summary.filter((r) => r.rawMs / r.ms < 0.25).map((r) => r.name);
console.log(`\ntarget ≤ 10 s each: ${slow.length === 0 ? 'met' : `NOT met (${slow.join(', ')})`}`);
console.log(`target ≥ 25 % of raw speed: ${belowShare.length === 0 ? 'met' : `NOT met (${belowShare.join(', ')})`}`);
rmSync(dir, { recursive: true, force: true });
if (slow.length > 0 || belowShare.length > 0) process.exitCode = 1;
