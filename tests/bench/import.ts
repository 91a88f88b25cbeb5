/**
 * `npm run bench:import`: imports 100,000 projects and then 100,000 payments (拨付) from CSV and from
 * XLSX through the upload API into the file database, and compares each with a raw SQLite bulk
 * insert of the same rows (node:sqlite, prepared statements, one transaction) in the same run.
 * Targets: ≤ 10 s per import, and ≥ 25 % of the raw insert speed. Set BENCH_ROWS to change the size.
 */
import { mkdtempSync, rmSync } from 'node:fs';
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
const projectRow = (i: number) => [`B${String(i).padStart(7, '0')}`, 2024, villages[i % villages.length]!, '美丽家园建设', `村组道路硬化${i}`, '硬化道路1.2公里，宽3.5米', '村民委员会', 250000 + (i % 1000), 112.3956, 26.4186, '2024-03-10', '2024-03-12'];
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
    process.stdout.write(`  ${label}: reading ${(bytes.length / 1024 / 1024).toFixed(1)} MB…`);
    const { format, encoding, read } = await readUpload(kind, bytes);
    process.stdout.write(` ${read.dataRows.toLocaleString()} rows read in ${((performance.now() - started) / 1000).toFixed(1)} s, checking…\n`);
    const report = await processUpload(opened.db, {
      actor, kind, format, encoding, read, contentHash: `${label}-${N}`, idempotencyKey: null, dryRun: false, requestId: null,
      at: '2025-06-30T02:00:00.000Z', today: '2025-06-30', countyUnit: '常宁市库区移民事务中心', onProgress: bar(`${label} writing`),
    });
    const ms = performance.now() - started;
    if (report.status !== 'committed' || report.created !== N) throw new Error(`${label}: ${report.status} ${JSON.stringify(report.errors.slice(0, 3))}`);
    return ms;
  };
  const approveAll = () => opened.client.executeMultiple(`update projects set workflow_state = 'county_approved';
    insert into project_milestones (project_id, kind, date) select id, 'county_approved', '2024-04-01' from projects;`);
  return { upload, approveAll, close: opened.close };
}

function rawInsert(): number {
  const db = new DatabaseSync(join(dir, 'raw.db'));
  db.exec('PRAGMA journal_mode = WAL');
  db.exec(`create table projects (id integer primary key, code text unique, year int, village_code text, type_code text, name text, content_scale text, implementing_unit text, lon real, lat real, workflow_state text);
    create table project_budgets (project_id int, fund_source text, amount_fen int, primary key (project_id, fund_source));
    create table project_milestones (project_id int, kind text, date text, primary key (project_id, kind));
    create table disbursements (id integer primary key, project_id int, date text, amount_fen int, fund_source text, voucher_number text unique, payee text);`);
  const started = performance.now();
  db.exec('begin');
  const p = db.prepare('insert into projects (id, code, year, village_code, type_code, name, content_scale, implementing_unit, lon, lat, workflow_state) values (?,?,?,?,?,?,?,?,?,?,?)');
  const b = db.prepare('insert into project_budgets values (?,?,?)');
  const m = db.prepare('insert into project_milestones values (?,?,?)');
  const d = db.prepare('insert into disbursements (project_id, date, amount_fen, fund_source, voucher_number, payee) values (?,?,?,?,?,?)');
  for (let i = 0; i < N; i++) {
    const r = projectRow(i);
    p.run(i + 1, r[0] as string, 2024, r[2] as string, 'beautiful_home', r[4] as string, r[5] as string, r[6] as string, 112.3956, 26.4186, 'village_reviewed');
    b.run(i + 1, 'central', (r[7] as number) * 100);
    m.run(i + 1, 'applied', '2024-03-10');
    m.run(i + 1, 'village_reviewed', '2024-03-12');
    const q = paymentRow(i);
    d.run(i + 1, '2024-06-20', (q[2] as number) * 100, 'central', q[4] as string, q[5] as string);
  }
  db.exec('commit');
  const ms = performance.now() - started;
  db.close();
  return ms;
}

console.log(`import benchmark: ${N.toLocaleString()} projects + ${N.toLocaleString()} payments, ${villages.length} villages, file database in ${dir}`);
console.log('generating files…');
const projectsCsv = csvOf(PROJECT_HEADER, projectRow);
const paymentsCsv = csvOf(PAYMENT_HEADER, paymentRow);
const projectsXlsx = await xlsxOf(PROJECT_HEADER, projectRow);
const paymentsXlsx = await xlsxOf(PAYMENT_HEADER, paymentRow);
const mb = (b: Uint8Array) => `${(b.length / 1024 / 1024).toFixed(1)} MB`;
console.log(`  CSV ${mb(projectsCsv)} + ${mb(paymentsCsv)}, XLSX ${mb(projectsXlsx)} + ${mb(paymentsXlsx)}`);

const results: Array<{ name: string; ms: number }> = [];
for (const format of ['csv', 'xlsx'] as const) {
  const app = await freshDatabase(format);
  const projectsMs = await app.upload('projects', format === 'csv' ? projectsCsv : projectsXlsx, `${format} projects`);
  await app.approveAll();
  const paymentsMs = await app.upload('disbursements', format === 'csv' ? paymentsCsv : paymentsXlsx, `${format} payments`);
  app.close();
  results.push({ name: `${format.toUpperCase()} projects`, ms: projectsMs }, { name: `${format.toUpperCase()} payments`, ms: paymentsMs });
}
console.log('raw SQLite bulk insert of the same rows (node:sqlite, one transaction)…');
const rawMs = rawInsert();

const rate = (ms: number) => Math.round(N / (ms / 1000));
console.log(`\n| import | time | rows/s | vs raw |`);
console.log(`| --- | ---: | ---: | ---: |`);
const rawPerKind = rawMs / 2;
for (const r of results) {
  const share = rawPerKind / r.ms;
  console.log(`| ${r.name} | ${(r.ms / 1000).toFixed(2)} s | ${rate(r.ms).toLocaleString()} | ${(share * 100).toFixed(1)} % |`);
}
console.log(`| raw insert, projects + payments | ${(rawMs / 1000).toFixed(2)} s | ${rate(rawPerKind).toLocaleString()} per kind | 100 % |`);
const slow = results.filter((r) => r.ms > 10_000).map((r) => r.name);
const belowShare = results.filter((r) => rawPerKind / r.ms < 0.25).map((r) => r.name);
console.log(`\ntarget ≤ 10 s each: ${slow.length === 0 ? 'met' : `NOT met (${slow.join(', ')})`}`);
console.log(`target ≥ 25 % of raw speed: ${belowShare.length === 0 ? 'met' : `NOT met (${belowShare.join(', ')})`}`);
rmSync(dir, { recursive: true, force: true });
if (slow.length > 0 || belowShare.length > 0) process.exitCode = 1;
