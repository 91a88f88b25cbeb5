/**
 * `npm run bench:serve`: requests per second and p99 latency, on loopback with wrk, of
 *   - a village page (`/villages/<code>/`),
 *   - a village's JSON (`/data/villages/<code>/village.json`, the open-data file),
 *   - the health check (`/api/v1/health`: the Hono app plus one database query),
 *   - and a tiny static file (`/favicon.svg`) as the floor: what the same server does with no work,
 * in Node mode (functions/node-server.ts over the file database, as `npm start` serves it: the
 * village's page and JSON rendered on demand and kept) and in workerd (`wrangler dev` running the
 * Worker `npm run build` made, functions/worker-pages.ts, over the libSQL HTTP dev server: the
 * village's page and JSON rendered at every request). Also the Worker's bundle size and how long
 * `wrangler dev` takes to answer. Serves the last build (`npm run build` first; it builds if there
 * is none) and a Node build of the same database made here, over DATABASE_URL (default the
 * embedded file). Bounded: BENCH_SECONDS per run
 * (default 8), one connection count (BENCH_CONNECTIONS, default 32). Results also go to
 * bench-results/serve.json. wrk (/usr/bin/wrk) and the server share the machine's cores.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { eq } from 'drizzle-orm';
import { openDatabase } from '../../db/client.ts';
import { disclosures } from '../../db/schema.ts';
import { startNodeServer } from '../../functions/node-server.ts';
import { createMemoryLogger } from '../../functions/logger.ts';
import { loadConfig } from '../../src/config.ts';
import { spawnLibsqlHttpServer } from '../../src/cli/libsql-http-server.ts';
import { buildSite, PROJECT_ROOT } from '../../src/cli/site-build.ts';
import { builtWorkerConfig, startWranglerDev } from '../../src/cli/wrangler-dev.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const siteDir = resolve(PROJECT_ROOT, 'dist/client');
const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', SITE_DIR: siteDir, LOG_LEVEL: 'error' });

if (!existsSync(join(siteDir, 'index.html'))) {
  console.log('no build found: running npm run build');
  const built = spawnSync('npm', ['run', 'build'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  if (built.status !== 0) process.exit(1);
}
if (!existsSync(builtWorkerConfig())) {
  console.error('the last build is not the Worker\'s (no dist/server/wrangler.json): run npm run build');
  process.exit(1);
}
// As `npm start` builds for the Node server: the same pages, those of a village rendered on demand.
const nodeOut = resolve(PROJECT_ROOT, 'tests/.output/bench-serve');
await buildSite({ env: { DATABASE_URL: config.DATABASE_URL, DATABASE_AUTH_TOKEN: config.DATABASE_AUTH_TOKEN }, outDir: nodeOut, verbose: false, posters: false, precompress: true, target: 'node' });
const nodeSiteDir = join(nodeOut, 'client');
const village = await (async () => {
  const opened = await openDatabase({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN });
  try {
    const [row] = await opened.db.select({ code: disclosures.scopeCode }).from(disclosures).where(eq(disclosures.scopeType, 'village')).orderBy(disclosures.scopeCode).limit(1);
    return row?.code;
  } finally {
    opened.close();
  }
})();
const targets: Array<[string, string]> = [
  ['static file (floor)', '/favicon.svg'],
  ...(village ? ([['village page', `/villages/${village}/`], ['village JSON', `/data/villages/${village}/village.json`]] as Array<[string, string]>) : []),
  ['health API (1 DB query)', '/api/v1/health'],
];
if (!village) console.warn('nothing published in this database: measuring the floor and the health API only');

interface Result {
  mode: string;
  target: string;
  path: string;
  requestsPerSecond: number;
  p99Ms: number;
  non2xx: number;
}

/** Runs wrk without blocking this process: the Node server under test lives in it. */
async function wrk(url: string, duration: number): Promise<{ rps: number; p99: number; non2xx: number }> {
  const child = spawn('wrk', ['-t2', `-c${connections}`, `-d${duration}s`, '--latency', url]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [status] = (await once(child, 'close')) as [number | null];
  if (status !== 0) throw new Error(`wrk failed: ${stderr}`);
  const out = { stdout };
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out.stdout)?.[1] ?? NaN);
  const p99 = /\s99%\s+([\d.]+)(us|ms|s)\b/.exec(out.stdout);
  const scale = { us: 0.001, ms: 1, s: 1000 } as const;
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out.stdout)?.[1] ?? 0);
  return { rps, p99: p99 ? Number(p99[1]) * scale[p99[2] as keyof typeof scale] : NaN, non2xx };
}

async function measure(mode: string, base: string): Promise<Result[]> {
  const results: Result[] = [];
  for (const [target, path] of targets) {
    const check = await fetch(base + path);
    await check.arrayBuffer();
    if (check.status !== 200) throw new Error(`${mode} ${path} answered ${check.status}`);
    await wrk(base + path, 1); // warm-up
    const { rps, p99, non2xx } = await wrk(base + path, seconds);
    results.push({ mode, target, path, requestsPerSecond: Math.round(rps), p99Ms: Number(p99.toFixed(2)), non2xx });
    console.log(`${mode.padEnd(8)} ${target.padEnd(24)} ${String(Math.round(rps)).padStart(7)} req/s   p99 ${p99.toFixed(2)} ms${non2xx ? `   (${non2xx} non-2xx!)` : ''}`);
  }
  return results;
}

function workerBundle(): { kib: number; gzipKib: number } {
  const dir = mkdtempSync(join(tmpdir(), 'bench-bundle-'));
  try {
    const out = spawnSync(process.execPath, [resolve(PROJECT_ROOT, 'node_modules/wrangler/bin/wrangler.js'), 'deploy', '--dry-run', '--outdir', dir, '--config', builtWorkerConfig()], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' },
    });
    if (out.status !== 0) throw new Error(out.stderr);
    // The build's modules, uploaded as they are (the entry and its chunks).
    const bundle = Buffer.concat(readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.mjs')).map((e) => readFileSync(join(e.parentPath, e.name))));
    return { kib: Math.round(bundle.length / 1024), gzipKib: Math.round(gzipSync(bundle, { level: 9 }).length / 1024) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`bench:serve — ${cpus().length} cores, wrk -t2 -c${connections} -d${seconds}s, village ${village ?? '(none)'}\n`);
const results: Result[] = [];

{
  const opened = await openDatabase({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN });
  const server = await startNodeServer({ db: opened.db, config, logger: createMemoryLogger(), siteDir: () => nodeSiteDir });
  try {
    results.push(...(await measure('node', `http://127.0.0.1:${server.port}`)));
  } finally {
    await server.close();
    opened.close();
  }
}

const bundle = workerBundle();
let readyMs: number;
{
  const database = config.DATABASE_URL.startsWith('file:') ? await spawnLibsqlHttpServer({ path: config.DATABASE_URL }) : undefined;
  const started = performance.now();
  const worker = await startWranglerDev({
    config: builtWorkerConfig(),
    vars: { DATABASE_URL: database?.url ?? config.DATABASE_URL, DATABASE_AUTH_TOKEN: database ? undefined : config.DATABASE_AUTH_TOKEN, LOG_LEVEL: 'error' },
  });
  readyMs = performance.now() - started;
  try {
    results.push(...(await measure('workerd', worker.url)));
  } finally {
    await worker.close();
    await database?.close();
  }
}

console.log(`\nWorker bundle ${bundle.kib} KiB, gzipped ${bundle.gzipKib} KiB; wrangler dev answered ${Math.round(readyMs)} ms after start`);
console.log('\n| target | Node req/s | Node p99 | workerd req/s | workerd p99 |\n| --- | ---: | ---: | ---: | ---: |');
for (const [target] of targets) {
  const n = results.find((r) => r.mode === 'node' && r.target === target);
  const w = results.find((r) => r.mode === 'workerd' && r.target === target);
  console.log(`| ${target} | ${n?.requestsPerSecond} | ${n?.p99Ms} ms | ${w?.requestsPerSecond} | ${w?.p99Ms} ms |`);
}
mkdirSync(resolve(PROJECT_ROOT, 'bench-results'), { recursive: true });
writeFileSync(
  resolve(PROJECT_ROOT, 'bench-results/serve.json'),
  JSON.stringify({ at: new Date().toISOString(), cores: cpus().length, seconds, connections, village, bundle, wranglerReadyMs: Math.round(readyMs), results }, null, 2),
);
