/**
 * `npm run bench:upload-stall`: does a large upload hold up the public site? Starts the Node entry
 * (startNodeServer, as `npm start` does) on a fresh file database with the sample divisions and a
 * small built page, then, in one run:
 *
 * 1. idle: GET / sequentially for a few seconds → median and p95 latency;
 * 2. while a 100,000-row project XLSX is uploaded and checked (POST /api/v1/uploads/projects, by
 *    default ?dryRun=true: read and checked, nothing written), GET / sequentially until it answers;
 * 3. the same with the upload on the request's thread (uploadThread: false), for comparison.
 *
 * Target: the median during the upload within 2× the idle median (with the upload thread).
 * BENCH_ROWS changes the size; BENCH_COMMIT=1 commits instead of a dry run. Prints each figure and
 * the ratio, and the server process's peak RSS and the thread's heap limit.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import writeXlsxFile from 'write-excel-file/node';
import { migrateDatabase, openDatabase } from '../../db/client.ts';
import * as schema from '../../db/schema.ts';
import { readSampleDivisions } from '../../db/seed/sample-county.ts';
import { createMemoryLogger } from '../../functions/logger.ts';
import { startNodeServer } from '../../functions/node-server.ts';
import { loadConfig } from '../../src/config.ts';
import { mintToken } from '../../src/data/users.ts';

const N = Number(process.env.BENCH_ROWS ?? 100_000);
const COMMIT = process.env.BENCH_COMMIT === '1';
const dir = mkdtempSync(join(tmpdir(), 'bench-stall-'));
const villages = readSampleDivisions().filter((d) => d.level === 'village').map((d) => d.code);

// The template's required columns (100,000 rows of them fit in the 5 MiB upload limit).
const HEADER = ['项目编号', '年度', '村代码', '项目类型', '项目名称', '建设内容及规模', '实施单位', '中央资金(元)', '申请日期'];
const row = (i: number) => [`S${String(i).padStart(7, '0')}`, 2024, villages[i % villages.length]!, '美丽家园建设', `村组道路硬化${i}`, '硬化道路1.2公里', '村民委员会', 250000 + (i % 1000), '2024-03-10'];

async function workbook(): Promise<Uint8Array> {
  const data = [HEADER.map((h) => ({ value: h, type: String }))];
  for (let i = 0; i < N; i++) data.push(row(i).map((v) => (typeof v === 'number' ? { value: v, type: Number } : { value: v, type: String })) as never);
  return new Uint8Array(await writeXlsxFile(data).toBuffer());
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const p95 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))]!;
};

/** GET / latencies measured by a separate process (upload-stall-client.ts), for `ms` or until `stop()`. */
function reader(base: string, ms?: number): { stop(): void; latencies: Promise<number[]> } {
  const child = spawn(process.execPath, [new URL('./upload-stall-client.ts', import.meta.url).pathname, base, ...(ms ? [String(ms)] : [])], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const latencies = new Promise<number[]>((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as number[]) : reject(new Error(`reader exited ${code}`)))));
  return { stop: () => child.stdin.end('stop\n'), latencies };
}

async function scenario(label: string, uploadThread: boolean, bytes: Uint8Array) {
  const url = `file:${join(dir, `${label}.db`)}`;
  const opened = await openDatabase({ url });
  await migrateDatabase(opened.db);
  await opened.db.insert(schema.divisions).values(readSampleDivisions());
  await opened.db.insert(schema.projectTypes).values({ code: 'beautiful_home', name: '美丽家园建设', indicatorGroup: 'beautiful_home', sortOrder: 1 });
  const { token } = await mintToken(opened.db, { role: 'county', scopeCode: '430482', name: 'bench', at: new Date().toISOString() });
  const siteDir = join(dir, 'site');
  mkdirSync(siteDir, { recursive: true });
  writeFileSync(join(siteDir, 'index.html'), `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>首页</title></head><body>${'<p>常宁市水库移民后期扶持项目公示</p>'.repeat(200)}</body></html>`);
  const config = loadConfig({ DATABASE_URL: url, PORT: '0', HOST: '127.0.0.1', SITE_DIR: siteDir, LOG_LEVEL: 'error' });
  const server = await startNodeServer({ db: opened.db, config, logger: createMemoryLogger(), siteDir: () => siteDir, uploadThread });
  const base = `http://127.0.0.1:${server.port}`;
  try {
    await reader(base, 500).latencies; // warm-up
    const idle = await reader(base, 3000).latencies;

    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 100);
    const during = reader(base);
    const started = performance.now();
    const upload = fetch(`${base}/api/v1/uploads/projects${COMMIT ? '' : '?dryRun=true'}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: bytes as Uint8Array<ArrayBuffer> }).then(async (res) => {
      const body = (await res.json()) as { status?: string; code?: string; rows?: number };
      return { status: res.status, body, ms: performance.now() - started };
    });
    const answered0 = await upload;
    during.stop();
    clearInterval(sampler);
    const busy = await during.latencies;
    const answered = answered0;
    if (answered.status !== 200) throw new Error(`upload answered ${answered.status}: ${JSON.stringify(answered.body)}`);
    return {
      label,
      idleMedian: median(idle),
      idleP95: p95(idle),
      idleN: idle.length,
      busyMedian: busy.length ? median(busy) : NaN,
      busyP95: busy.length ? p95(busy) : NaN,
      busyMax: busy.length ? Math.max(...busy) : NaN,
      busyN: busy.length,
      uploadMs: answered.ms,
      uploadStatus: answered.body.status,
      rssBeforeMb: Math.round(rssBefore / 1e6),
      rssPeakMb: Math.round(rssPeak / 1e6),
    };
  } finally {
    await server.close();
    opened.close();
  }
}

console.log(`Building a ${N.toLocaleString()}-row project workbook…`);
const bytes = await workbook();
console.log(`  ${(bytes.length / 1e6).toFixed(1)} MB; upload ${COMMIT ? 'committed' : 'checked only (?dryRun=true)'}`);
const results = [];
for (const [label, thread] of [
  ['upload thread (default)', true],
  ['on the request thread', false],
] as const) {
  const r = await scenario(label.replace(/\W+/g, '-'), thread, bytes);
  results.push({ ...r, label });
  const f = (n: number) => n.toFixed(2);
  console.log(`\n${label}`);
  console.log(`  GET / idle:          median ${f(r.idleMedian)} ms, p95 ${f(r.idleP95)} ms (${r.idleN} requests)`);
  console.log(`  GET / during upload: median ${f(r.busyMedian)} ms, p95 ${f(r.busyP95)} ms, max ${f(r.busyMax)} ms (${r.busyN} requests)`);
  console.log(`  ratio (median during / idle): ${(r.busyMedian / r.idleMedian).toFixed(2)}×; upload ${r.uploadStatus} in ${(r.uploadMs / 1000).toFixed(1)} s`);
  console.log(`  server RSS ${r.rssBeforeMb} MB before, ${r.rssPeakMb} MB at peak: ${((r.rssPeakMb - r.rssBeforeMb) / (bytes.length / 1e6)).toFixed(0)} MB per MB of input`);
}
rmSync(dir, { recursive: true, force: true });
const main = results[0]!;
const ok = main.busyMedian <= 2 * main.idleMedian;
console.log(`\nTarget (median during ≤ 2× idle, upload thread): ${ok ? 'met' : 'NOT met'}`);
