import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase, type OpenDatabase } from '../../db/client.ts';
import {
  buildSampleCounty,
  SAMPLE_COUNTY_CODE,
  SAMPLE_SELF_EVALUATION_2022,
  SampleSeedError,
  seedSampleCounty,
  type SampleSummary,
} from '../../db/seed/sample-county.ts';
import { loadLedger } from '../../src/data/ledger.ts';
import { computeIndicators, formatPercent, type YearIndicators } from '../../src/domain/ledger/indicators.ts';

const dir = mkdtempSync(join(tmpdir(), 'sample-county-'));
const opened: OpenDatabase[] = [];

async function freshDatabase(name: string): Promise<OpenDatabase> {
  const handle = await openDatabase({ url: `file:${join(dir, name)}` });
  opened.push(handle);
  await migrateDatabase(handle.db);
  return handle;
}

async function rows<T = Record<string, unknown>>(client: Client, sql: string): Promise<T[]> {
  return (await client.execute(sql)).rows as unknown as T[];
}

/** A digest of every row of every table (the migrations journal aside, which records wall-clock times). */
async function contentHash(client: Client): Promise<string> {
  const hash = createHash('sha256');
  const tables = await rows<{ name: string }>(
    client,
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' ORDER BY name",
  );
  for (const { name } of tables) {
    const result = await client.execute(`SELECT * FROM "${name}" ORDER BY rowid`);
    hash.update(name);
    hash.update(JSON.stringify(result.rows.map((r) => result.columns.map((c) => r[c]))));
  }
  return hash.digest('hex');
}

// An independent implementation of the GB 11643 check character, so the test does not trust the seed's.
function hasValidCheckCharacter(id: string): boolean {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((s, w, i) => s + w * Number(id[i]), 0);
  return '10X98765432'[sum % 11] === id[17];
}

// An independent point-in-polygon test against the outline file.
const outline = JSON.parse(readFileSync(new URL('../../db/seed/changning-outline.geojson', import.meta.url), 'utf8')) as {
  features: { geometry: { coordinates: number[][][] } }[];
};
const ring = outline.features[0]!.geometry.coordinates[0]!;
function insideOutline(lon: number, lat: number): boolean {
  let winding = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x1, y1] = ring[i]!;
    const [x2, y2] = ring[(i + 1) % ring.length]!;
    const cross = (x2! - x1!) * (lat - y1!) - (lon - x1!) * (y2! - y1!);
    if (y1! <= lat && y2! > lat && cross > 0) winding++;
    else if (y1! > lat && y2! <= lat && cross < 0) winding--;
  }
  return winding !== 0;
}

let main: OpenDatabase;
let summary: SampleSummary;
let indicators2022: YearIndicators;

beforeAll(async () => {
  main = await freshDatabase('main.db');
  summary = await seedSampleCounty(main.db);
  indicators2022 = computeIndicators(await loadLedger(main.db, { year: 2022 }), {
    year: SAMPLE_SELF_EVALUATION_2022.year,
    asOf: SAMPLE_SELF_EVALUATION_2022.asOf,
  });
});

afterAll(() => {
  for (const h of opened) h.close();
  rmSync(dir, { recursive: true, force: true });
});

// The generator steers its data to the 2022 report's figures (14,452 apportioned, 13 late starts,
// payments set to 60 %), so these cases show that it hit its targets through the real ledger and
// indicator code, not that the indicators are right: tests/unit/indicators.test.ts and
// tests/unit/indicators-small-county.test.ts check those on ledgers made by hand.
describe('the sample generator hits the 2022 self-evaluation figures it is steered to', () => {
  const { counts, percents } = SAMPLE_SELF_EVALUATION_2022;

  it('has 14,452 direct-subsidy beneficiaries', () => {
    expect(indicators2022.directSubsidyBeneficiaries).toBe(counts.directSubsidyBeneficiaries);
  });

  it('has 77 beautiful-home projects and 171 production and infrastructure projects, 260 in all', () => {
    expect(indicators2022.projectCountsByGroup.beautiful_home).toBe(counts.beautifulHomeProjects);
    expect(indicators2022.projectCountsByGroup.production_infrastructure).toBe(counts.productionInfrastructureProjects);
    expect(indicators2022.projectCountsByGroup.total).toBe(260);
  });

  it('trained 450 migrant workers', () => {
    expect(indicators2022.traineeCount).toBe(counts.traineeCount);
  });

  describe.each(Object.entries(percents))('%s', (key, percent) => {
    it(`is exactly ${percent}% as of ${SAMPLE_SELF_EVALUATION_2022.asOf}`, () => {
      const r = indicators2022[key as keyof typeof percents];
      expect(r.denominator).toBeGreaterThan(0);
      expect(r.numerator * 100).toBe(percent * r.denominator);
      expect(formatPercent(r)).toBe(`${percent}%`);
    });
  });

  it('started 247 of 260 projects by the evaluation day', () => {
    expect(indicators2022.implementationRate).toMatchObject({ numerator: 247, denominator: 260 });
  });

  it('spent 3,256.82 万元: the direct subsidy plus project budgets, all central money', () => {
    expect(indicators2022.directSubsidyAmountFen).toBe(SAMPLE_SELF_EVALUATION_2022.directSubsidyFen);
    expect(indicators2022.directSubsidyAmountFen + indicators2022.budgetTotalFen).toBe(SAMPLE_SELF_EVALUATION_2022.spendingFen);
    expect(indicators2022.budgetByFundSource).toEqual({
      central: SAMPLE_SELF_EVALUATION_2022.spendingFen - SAMPLE_SELF_EVALUATION_2022.directSubsidyFen,
      provincial: 0,
      county: 0,
      other: 0,
    });
  });

  it('received that money in exactly two batches of central funds', async () => {
    const docs = await rows<{ batch: number; fund_source: string; amount_fen: number }>(
      main.client,
      'SELECT batch, fund_source, amount_fen FROM allocation_documents WHERE year = 2022 ORDER BY batch',
    );
    expect(docs.map((d) => [d.batch, d.fund_source])).toEqual([
      [1, 'central'],
      [2, 'central'],
    ]);
    expect(docs.reduce((s, d) => s + d.amount_fen, 0)).toBe(SAMPLE_SELF_EVALUATION_2022.spendingFen);
  });

  it('disbursed more of the 2022 money after the evaluation day', async () => {
    const later = computeIndicators(await loadLedger(main.db, { year: 2022 }), { year: 2022, asOf: '2024-11-30' });
    expect(later.disbursedTotalFen).toBeGreaterThan(indicators2022.disbursedTotalFen);
    expect(later.budgetControlRate.ratio).toBe(1);
  });
});

describe('the sample county', () => {
  it('has the official divisions: the county, 23 townships and 410 villages', async () => {
    const levels = await rows<{ level: string; n: number }>(
      main.client,
      'SELECT level, count(*) AS n FROM divisions GROUP BY level ORDER BY level',
    );
    expect(Object.fromEntries(levels.map((l) => [l.level, l.n]))).toEqual({ county: 1, township: 23, village: 410 });
    const [county] = await rows<{ code: string }>(main.client, "SELECT code FROM divisions WHERE level = 'county'");
    expect(county?.code).toBe(SAMPLE_COUNTY_CODE);
  });

  it('has between 120 and 200 villages with migrants, some of them key villages', async () => {
    const [r] = await rows<{ n: number; keys: number; people: number; empty: number }>(
      main.client,
      'SELECT count(*) AS n, sum(is_key_village) AS keys, sum(migrant_population) AS people, sum(migrant_population <= 0 OR migrant_households <= 0) AS empty FROM resettlement_villages',
    );
    expect(r?.n).toBeGreaterThanOrEqual(120);
    expect(r?.n).toBeLessThanOrEqual(200);
    expect(r?.keys).toBeGreaterThan(0);
    expect(r?.empty).toBe(0);
    expect(r?.people).toBe(SAMPLE_SELF_EVALUATION_2022.counts.directSubsidyBeneficiaries);
    expect(summary.resettlementVillages).toBe(r?.n);
  });

  it('gives every village an office landline for supervision, never a mobile number', async () => {
    const phones = await rows<{ supervision_phone: string }>(main.client, 'SELECT supervision_phone FROM resettlement_villages');
    for (const { supervision_phone } of phones) expect(supervision_phone).toMatch(/^0734-7\d{6}$/);
  });

  it('places every township, resettlement village and project inside the county outline', async () => {
    const points = await rows<{ lon: number; lat: number }>(
      main.client,
      'SELECT lon, lat FROM divisions WHERE lon IS NOT NULL UNION ALL SELECT lon, lat FROM projects',
    );
    const outside = points.filter((p) => !insideOutline(p.lon, p.lat));
    expect(points.length).toBeGreaterThan(summary.projects);
    expect(outside).toEqual([]);
    const [missing] = await rows<{ n: number }>(
      main.client,
      "SELECT count(*) AS n FROM divisions d LEFT JOIN resettlement_villages r ON r.village_code = d.code WHERE (d.level = 'township' OR r.village_code IS NOT NULL) AND (d.lon IS NULL OR d.coord_source <> 'sample')",
    );
    expect(missing?.n).toBe(0);
  });

  it('gives every person in the roster a well-formed ID number with a valid check character', () => {
    const people = buildSampleCounty().persons;
    expect(people.length).toBe(summary.persons);
    const bad = people.filter((p) => !/^430482\d{11}[\dX]$/.test(p.idNumber) || !hasValidCheckCharacter(p.idNumber));
    expect(bad).toEqual([]);
    // Registered migrants were all born by the 2006-06-30 cut-off.
    const lateBorn = people.filter((p) => p.registered !== false && p.idNumber.slice(6, 14) > '20060630');
    expect(lateBorn).toEqual([]);
  });

  it('stores no ID number in clear: only the masked form and keyed hashes', async () => {
    const people = await rows<Record<string, unknown>>(main.client, 'SELECT * FROM persons');
    expect(people.length).toBe(summary.persons);
    const numbers = buildSampleCounty().persons.map((p) => p.idNumber);
    const stored = people.flatMap((p) => Object.values(p).filter((v): v is string => typeof v === 'string')).join('\n');
    // Every run of 18+ ID characters in what is stored, tested against the generated numbers.
    const runs = stored.split(/[^0-9X]/).filter((r) => r.length >= 18);
    const set = new Set(numbers);
    const clear = runs.filter((r) => Array.from({ length: r.length - 17 }, (_, i) => r.slice(i, i + 18)).some((w) => set.has(w)));
    expect(numbers.length).toBeGreaterThan(1000);
    expect(clear).toEqual([]);
    expect(people.filter((p) => !/^430\*{4}[\dX]{2}$/.test(String(p.id_masked)))).toEqual([]);
    expect(new Set(people.map((p) => p.id_hash)).size).toBe(people.length);
  });

  it('counts exactly the registered persons of each village as its direct-subsidy beneficiaries', async () => {
    const mismatches = await rows(
      main.client,
      `SELECT s.village_code, s.year FROM direct_subsidies s
       JOIN (SELECT h.village_code, count(*) AS n FROM persons p JOIN households h ON h.id = p.household_id
             WHERE p.registered = 1 GROUP BY h.village_code) r ON r.village_code = s.village_code
       WHERE r.n <> s.beneficiaries`,
    );
    expect(mismatches).toEqual([]);
  });

  it('adds household payments up to each village direct subsidy, in persons and fen', async () => {
    const mismatches = await rows(
      main.client,
      `SELECT s.village_code, s.year FROM direct_subsidies s
       LEFT JOIN (SELECT h.village_code, p.year, sum(p.persons) AS persons, sum(p.amount_fen) AS amount
                  FROM household_payments p JOIN households h ON h.id = p.household_id GROUP BY h.village_code, p.year) x
         ON x.village_code = s.village_code AND x.year = s.year
       WHERE x.persons IS NOT s.beneficiaries OR x.amount IS NOT s.amount_fen`,
    );
    expect(mismatches).toEqual([]);
    const failures = await rows<{ status: string; failure_reason: string | null }>(
      main.client,
      "SELECT status, failure_reason FROM household_payments WHERE failure_reason IS NOT NULL OR status <> 'paid'",
    );
    expect(failures.length).toBeGreaterThan(0);
    for (const f of failures) expect(f.failure_reason).toBeTruthy();
  });

  it('splits every allocation document exactly over its allocations', async () => {
    const mismatches = await rows(
      main.client,
      `SELECT d.doc_number FROM allocation_documents d
       LEFT JOIN (SELECT document_id, sum(amount_fen) AS total FROM allocations GROUP BY document_id) a ON a.document_id = d.id
       WHERE a.total IS NOT d.amount_fen`,
    );
    expect(mismatches).toEqual([]);
  });

  it('allocates each project exactly its budget and each village exactly its direct subsidy', async () => {
    const projects = await rows(
      main.client,
      `SELECT p.code FROM projects p
       LEFT JOIN (SELECT project_id, sum(amount_fen) AS total FROM project_budgets GROUP BY project_id) b ON b.project_id = p.id
       LEFT JOIN (SELECT project_id, sum(amount_fen) AS total FROM allocations WHERE target = 'project' GROUP BY project_id) a ON a.project_id = p.id
       WHERE a.total IS NOT b.total`,
    );
    expect(projects).toEqual([]);
    const subsidies = await rows(
      main.client,
      `SELECT s.village_code, s.year FROM direct_subsidies s
       LEFT JOIN (SELECT village_code, year, sum(amount_fen) AS total FROM allocations WHERE target = 'direct_subsidy' GROUP BY village_code, year) a
         ON a.village_code = s.village_code AND a.year = s.year
       WHERE a.total IS NOT s.amount_fen`,
    );
    expect(subsidies).toEqual([]);
  });

  it('never pays a project more than its budget line for any fund source', async () => {
    const over = await rows(
      main.client,
      `SELECT d.project_id, d.fund_source FROM disbursements d
       LEFT JOIN project_budgets b ON b.project_id = d.project_id AND b.fund_source = d.fund_source
       GROUP BY d.project_id, d.fund_source HAVING sum(d.amount_fen) > coalesce(max(b.amount_fen), 0)`,
    );
    expect(over).toEqual([]);
  });

  it('never pays a project before it started', async () => {
    const early = await rows(
      main.client,
      `SELECT d.voucher_number FROM disbursements d
       LEFT JOIN project_milestones m ON m.project_id = d.project_id AND m.kind = 'started'
       WHERE m.date IS NULL OR d.date < m.date`,
    );
    expect(early).toEqual([]);
  });

  it('dates every project milestone in lifecycle order', async () => {
    const ms = await rows<{ project_id: number; kind: string; date: string }>(
      main.client,
      'SELECT project_id, kind, date FROM project_milestones',
    );
    const order = ['applied', 'village_reviewed', 'township_reviewed', 'county_approved', 'started', 'completed', 'accepted', 'settled'];
    const byProject = new Map<number, { kind: string; date: string }[]>();
    for (const m of ms) byProject.set(m.project_id, [...(byProject.get(m.project_id) ?? []), m]);
    const disordered = [...byProject].filter(([, list]) => {
      const sorted = [...list].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
      const kindsArePrefix = sorted.every((m, i) => m.kind === order[i]);
      return !kindsArePrefix || sorted.some((m, i) => i > 0 && m.date < sorted[i - 1]!.date);
    });
    expect(disordered).toEqual([]);
  });

  it('has projects still in progress in 2024', async () => {
    const [r] = await rows<{ n: number }>(
      main.client,
      "SELECT count(*) AS n FROM projects p WHERE p.year = 2024 AND NOT EXISTS (SELECT 1 FROM project_milestones m WHERE m.project_id = p.id AND m.kind = 'completed')",
    );
    expect(r?.n).toBeGreaterThan(0);
  });

  it('refuses to write into a database that is not empty', async () => {
    await expect(seedSampleCounty(main.db)).rejects.toBeInstanceOf(SampleSeedError);
  });
});

describe('seeding', () => {
  let again: OpenDatabase;
  let other: OpenDatabase;
  beforeAll(async () => {
    again = await freshDatabase('again.db');
    await seedSampleCounty(again.db);
    other = await freshDatabase('other.db');
    await seedSampleCounty(other.db, { seed: 7 });
  });

  it('writes identical rows for the same seed', async () => {
    expect(await contentHash(again.client)).toBe(await contentHash(main.client));
  });

  it('writes different rows for another seed', async () => {
    expect(await contentHash(other.client)).not.toBe(await contentHash(main.client));
  });

  it('steers to the published 2022 figures whatever the seed', async () => {
    const ind = computeIndicators(await loadLedger(other.db, { year: 2022 }), { year: 2022, asOf: '2023-08-31' });
    expect(ind.implementationRate).toMatchObject({ numerator: 247, denominator: 260 });
    expect(formatPercent(ind.disbursementRate)).toBe('60%');
    expect(ind.directSubsidyBeneficiaries).toBe(14_452);
    expect(ind.projectCountsByGroup).toMatchObject({ beautiful_home: 77, production_infrastructure: 171, total: 260 });
  });
});
