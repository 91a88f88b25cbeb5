/**
 * A small county for API contract cases, written through the database handle (so the same cases
 * run against any ApiTarget), and helpers to mint tokens, send uploads and check times (every
 * target runs on the real clock: the Worker takes no other).
 */
import { loadCountyOutline } from '../../db/seed/geo.ts';
import { expect } from 'vitest';
import type { Database } from '../../db/database.ts';
import * as schema from '../../db/schema.ts';
import type { Role } from '../../src/domain/access/access.ts';
import { mintToken } from '../../src/data/users.ts';
import type { ApiTarget } from '../support/api-target.ts';

export const COUNTY = '430482';
export const TOWNSHIP_A = '430482105';
export const TOWNSHIP_B = '430482106';
export const VILLAGE_A1 = '430482105003';
export const VILLAGE_A2 = '430482105004';
export const VILLAGE_B1 = '430482106001';
/** A point inside the county (CGCS2000). */
export const INSIDE: readonly [number, number] = [112.3956, 26.4186];

export async function seedCounty(db: Database): Promise<void> {
  await db.insert(schema.divisions).values([
    { code: COUNTY, name: '常宁市', level: 'county', parentCode: '430400' },
    { code: TOWNSHIP_A, name: '柏坊镇', level: 'township', parentCode: COUNTY },
    { code: TOWNSHIP_B, name: '烟洲镇', level: 'township', parentCode: COUNTY },
    { code: VILLAGE_A1, name: '禄福村委会', level: 'village', parentCode: TOWNSHIP_A },
    { code: VILLAGE_A2, name: '杨家湾居委会', level: 'village', parentCode: TOWNSHIP_A },
    { code: VILLAGE_B1, name: '新塘村委会', level: 'village', parentCode: TOWNSHIP_B },
  ]);
  // A county set up as an office would (not the sample): its uploaded outline checks locations.
  await db.insert(schema.countySettings).values({ countyCode: COUNTY, isSample: false, issuingUnit: '常宁市库区移民事务中心', supervisionPhones: '0734-7212345', outlineJson: JSON.stringify(loadCountyOutline().ring) });
  await db.insert(schema.projectTypes).values([
    { code: 'beautiful_home', name: '美丽家园建设', indicatorGroup: 'beautiful_home', sortOrder: 1 },
    { code: 'production', name: '生产开发', indicatorGroup: 'production_infrastructure', sortOrder: 2 },
  ]);
}

/** A second county beside the first one in the same database (a city hosting its counties in one portal). */
export const COUNTY_2 = '430421';
export const TOWNSHIP_2 = '430421101';
export const VILLAGE_2 = '430421101201';

/** Adds 衡阳县 beside the county of seedCounty, with its own settings (and no outline). */
export async function seedSecondCounty(db: Database): Promise<void> {
  await db.insert(schema.divisions).values([
    { code: COUNTY_2, name: '衡阳县', level: 'county', parentCode: '430400' },
    { code: TOWNSHIP_2, name: '西渡镇', level: 'township', parentCode: COUNTY_2 },
    { code: VILLAGE_2, name: '梅花村委会', level: 'village', parentCode: TOWNSHIP_2 },
  ]);
  await db.insert(schema.countySettings).values({ countyCode: COUNTY_2, isSample: false, issuingUnit: '衡阳县水库移民事务中心', supervisionPhones: '0734-6812345' });
}

export interface Tokens {
  county: string;
  townshipA: string;
  townshipB: string;
  villageA1: string;
  villageA2: string;
  villageB1: string;
  inspector: string;
}

let serial = 0;
export async function mint(db: Database, role: Role, scopeCode: string): Promise<string> {
  const minted = await mintToken(db, { role, scopeCode, name: `${role}-${scopeCode}-${++serial}`, at: '2025-01-01T00:00:00.000Z' });
  return minted.token;
}

export async function mintAll(db: Database): Promise<Tokens> {
  return {
    county: await mint(db, 'county', COUNTY),
    townshipA: await mint(db, 'township', TOWNSHIP_A),
    townshipB: await mint(db, 'township', TOWNSHIP_B),
    villageA1: await mint(db, 'village', VILLAGE_A1),
    villageA2: await mint(db, 'village', VILLAGE_A2),
    villageB1: await mint(db, 'village', VILLAGE_B1),
    inspector: await mint(db, 'inspector', COUNTY),
  };
}

export const auth = (token: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, ...extra });

export function postJson(target: ApiTarget, path: string, token: string | null, body: unknown, headers: Record<string, string> = {}) {
  return target.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? auth(token) : {}), ...headers },
    body: JSON.stringify(body),
  });
}

export function postBytes(target: ApiTarget, path: string, token: string, body: Uint8Array | string, headers: Record<string, string> = {}) {
  return target.request(path, { method: 'POST', headers: { ...auth(token), ...headers }, body: body as BodyInit });
}

/** A valid project row for JSON uploads. */
export function projectRow(code: string, villageCode: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    code,
    year: 2025,
    villageCode,
    type: '美丽家园建设',
    name: '村组道路硬化',
    contentScale: '硬化道路1.2公里',
    implementingUnit: '村民委员会',
    budgetCentral: 250000,
    lon: INSIDE[0],
    lat: INSIDE[1],
    appliedDate: '2025-03-10',
    villageReviewedDate: '2025-03-15',
    ...overrides,
  };
}

/** Row counts of every table an upload may write (to assert that nothing was written). */
export async function ledgerCounts(db: Database): Promise<Record<string, number>> {
  const tables = {
    projects: schema.projects,
    budgets: schema.projectBudgets,
    milestones: schema.projectMilestones,
    disbursements: schema.disbursements,
    subsidies: schema.directSubsidies,
    trainings: schema.trainings,
    documents: schema.allocationDocuments,
    allocations: schema.allocations,
    steps: schema.workflowSteps,
    uploads: schema.uploads,
    audit: schema.auditLog,
  };
  const out: Record<string, number> = {};
  for (const [name, table] of Object.entries(tables)) out[name] = (await db.select().from(table)).length;
  return out;
}

/** Approves projects through the workflow: township A reviews, county approves. */
export async function approve(target: ApiTarget, tokens: Pick<Tokens, 'county'> & { township: string }, codes: readonly string[]): Promise<void> {
  for (const code of codes) {
    const r1 = await postJson(target, `/api/v1/projects/${code}/transitions`, tokens.township, { action: 'township_review', comment: '同意' });
    if (r1.status !== 200) throw new Error(`township_review ${code}: ${r1.status} ${await r1.text()}`);
    const r2 = await postJson(target, `/api/v1/projects/${code}/transitions`, tokens.county, { action: 'county_approve' });
    if (r2.status !== 200) throw new Error(`county_approve ${code}: ${r2.status} ${await r2.text()}`);
  }
}

/**
 * Sends a request and notes the app's clock just before it was sent and just after it was
 * answered, widened by how well this process knows that clock (see test-clock.ts).
 */
export async function timed(target: Pick<ApiTarget, 'clock'>, send: () => Promise<Response>): Promise<{ res: Response; before: Date; after: Date }> {
  const slack = target.clock.uncertaintyMs;
  const before = new Date(target.clock.now().getTime() - slack);
  const res = await send();
  return { res, before, after: new Date(target.clock.now().getTime() + slack) };
}

/** Asserts that a stored timestamp is an ISO instant taken while the request was under way. */
export function expectWithin(iso: string | null | undefined, window: { before: Date; after: Date }): void {
  expect(iso).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  const at = Date.parse(iso!);
  expect(at, `${iso} should lie in [${window.before.toISOString()}, ${window.after.toISOString()}]`).toBeGreaterThanOrEqual(window.before.getTime());
  expect(at, `${iso} should lie in [${window.before.toISOString()}, ${window.after.toISOString()}]`).toBeLessThanOrEqual(window.after.getTime());
}
