/**
 * The deterministic sample county (示例数据): 常宁市 (430482) with its real division codes and
 * made-up resettlement figures, projects, money, trainings and a FAKE migrant roster for the
 * years 2018–2024. The same seed always gives the same rows.
 *
 * Its 2022 figures reproduce the county's published self-evaluation (SAMPLE_SELF_EVALUATION_2022)
 * exactly through computeIndicators(loadLedger(db), { year: 2022, asOf: '2023-08-31' }).
 *
 * Invariants (the tests check them):
 * - every allocation document's amount is the sum of its allocations; every project's allocations
 *   add up to its budget and every village's direct-subsidy allocations to its direct subsidy;
 * - no project is ever paid more than its budget, nor more than a budget line per fund source;
 * - a village's direct subsidy = its registered persons × 600 元, and its household payments add
 *   up to it (persons and fen) in every year, whatever their status: a household whose first
 *   payment failed before 2024 was paid again later that year (status `paid`, the reason kept in
 *   `failure_reason`); in 2024 a few are still `failed`, awaiting re-payment;
 * - every coordinate lies inside the county outline; every ID number has a valid check character.
 */
import { getTableColumns, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { readFileSync } from 'node:fs';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { FundSource, MilestoneKind } from '../../src/domain/ledger/ledger.ts';
import { SAMPLE_ROSTER_KEY, storedIdentity } from '../../src/domain/villager/roster-key.ts';
import type { Database } from '../database.ts';
import * as t from '../schema.ts';
import { addDays, laterOf, randomDate } from './calendar.ts';
import { isInsideRing, loadCountyOutline, randomPointInside, type CountyOutline, type LonLat } from './geo.ts';
import { fakeContractors, fakeCooperative } from './names.ts';
import {
  BUDGET_RANGE_UNITS,
  describeProject,
  SAMPLE_PROJECT_TYPES,
  type ProjectText,
  type SampleTypeCode,
} from './project-catalog.ts';
import { apportion, Random } from './random.ts';
import { buildVillageRoster, type RosterHousehold } from './roster.ts';

export const SAMPLE_COUNTY_CODE = '430482';
export const SAMPLE_YEARS = [2018, 2019, 2020, 2021, 2022, 2023, 2024] as const;
/** The notional day the sample data were extracted: nothing in them happens later. */
export const SAMPLE_DATA_AS_OF = '2024-11-30';
export const SAMPLE_DEFAULT_SEED = 430482;
/** The county's resettlement agency, the unit that approves, accepts and publishes. */
export const SAMPLE_RESETTLEMENT_AGENCY = '常宁市库区移民事务中心';
/** 600 元 per person per year. */
export const SAMPLE_SUBSIDY_STANDARD_FEN = 60_000;

/**
 * The county's published 2022 self-evaluation figures (figures only), which the sample data
 * reproduce exactly. Keys match the indicator keys of src/domain/ledger/indicators.ts.
 */
export const SAMPLE_SELF_EVALUATION_2022 = {
  source: '常宁市库区移民事务中心 2022年度部门整体支出绩效自评',
  year: 2022,
  asOf: '2023-08-31',
  /** 2022 project spending of the department: 3,256.82 万元. */
  spendingFen: 3_256_820_000,
  /** Direct subsidy: 14,452 人 × 600 元 = 867.12 万元. */
  directSubsidyFen: 867_120_000,
  counts: {
    directSubsidyBeneficiaries: 14_452,
    beautifulHomeProjects: 77,
    productionInfrastructureProjects: 171,
    traineeCount: 450,
  },
  /** Whole percents as published. */
  percents: {
    acceptancePassRate: 100,
    trainingPassRate: 100,
    onTimeSubsidyRate: 100,
    implementationRate: 95,
    disbursementRate: 60,
    subsidyStandardRate: 100,
    budgetControlRate: 100,
  },
} as const;

/** Row counts of what seedSampleCounty wrote. */
export interface SampleSummary {
  seed: number;
  divisions: number;
  townships: number;
  villages: number;
  resettlementVillages: number;
  keyVillages: number;
  registeredMigrants: number;
  households: number;
  persons: number;
  projectTypes: number;
  allocationDocuments: number;
  allocations: number;
  projects: number;
  projectBudgets: number;
  milestones: number;
  disbursements: number;
  directSubsidies: number;
  householdPayments: number;
  trainings: number;
  years: readonly number[];
}

/** The sample county can only be written into an empty database. */
export class SampleSeedError extends Error {
  override name = 'SampleSeedError';
}

type Insert<T extends SQLiteTable> = T['$inferInsert'];

/** Every row of the sample county, before it is written. */
export interface SampleCountyRows {
  divisions: Insert<typeof t.divisions>[];
  resettlementVillages: Insert<typeof t.resettlementVillages>[];
  projectTypes: Insert<typeof t.projectTypes>[];
  allocationDocuments: Insert<typeof t.allocationDocuments>[];
  projects: Insert<typeof t.projects>[];
  allocations: Insert<typeof t.allocations>[];
  projectBudgets: Insert<typeof t.projectBudgets>[];
  projectMilestones: Insert<typeof t.projectMilestones>[];
  disbursements: Insert<typeof t.disbursements>[];
  directSubsidies: Insert<typeof t.directSubsidies>[];
  households: Insert<typeof t.households>[];
  /** With the invented ID number in clear; seedSampleCounty stores only its hashes and masked form. */
  persons: Array<Omit<Insert<typeof t.persons>, 'idHash' | 'idMasked' | 'idTailHash'> & { idNumber: string }>;
  householdPayments: Insert<typeof t.householdPayments>[];
  trainings: Insert<typeof t.trainings>[];
  summary: SampleSummary;
}

// ---------------------------------------------------------------- divisions and places

interface DivisionRow {
  code: string;
  name: string;
  level: 'county' | 'township' | 'village';
  parentCode: string;
}

/** Reads the official divisions of 常宁市 shipped in db/seed/ (see PROVENANCE.md). */
export function readSampleDivisions(): DivisionRow[] {
  const text = readFileSync(new URL('./changning-divisions.csv', import.meta.url), 'utf8');
  const [header, ...lines] = text.trim().split(/\r?\n/);
  if (header !== 'code,name,level,parent_code') throw new Error(`changning-divisions.csv: unexpected header ${header}`);
  return lines.map((line) => {
    const [code, name, level, parentCode] = line.split(',');
    if (!code || !name || !parentCode || (level !== 'county' && level !== 'township' && level !== 'village')) {
      throw new Error(`changning-divisions.csv: bad row ${line}`);
    }
    return { code, name, level, parentCode };
  });
}

interface Village {
  code: string;
  name: string;
  /** 禄福村 for 禄福村委会, 杨家湾 for 杨家湾居委会; 城东社区 stays. */
  shortName: string;
  townshipCode: string;
  townshipName: string;
  point: LonLat;
  isKey: boolean;
  population: number;
  households: RosterHousehold[];
  /** 禄福村村民委员会 / 城东社区居民委员会 / 杨家湾居民委员会 */
  committee: string;
  /** 禄福村理财小组 */
  financeGroup: string;
  /** 柏坊镇人民政府 / 宜阳街道办事处 */
  townshipGovernment: string;
}

const isStreet = (townshipCode: string): boolean => townshipCode.charAt(6) === '0';
const townshipGovernment = (name: string): string => (name.endsWith('街道') ? `${name}办事处` : `${name}人民政府`);
/** 禄福村委会 → 禄福村, 杨家湾居委会 → 杨家湾; 城东社区 stays. */
const shortVillageName = (name: string): string => name.replace(/村委会$/, '村').replace(/居委会$/, '');
/** 禄福村村民委员会, 城东社区居民委员会, 杨家湾居民委员会. */
const villageCommittee = (name: string, shortName: string): string =>
  name.endsWith('村委会') ? `${shortName}村民委员会` : `${shortName}居民委员会`;
const distance = (a: LonLat, b: LonLat): number => Math.hypot(a[0] - b[0], a[1] - b[1]);

/** Townships spread over the county: 街道 around the city centre, towns by best-candidate sampling. */
function placeTownships(rng: Random, outline: CountyOutline, codes: readonly string[]): Map<string, LonLat> {
  const placed = new Map<string, LonLat>();
  for (const code of codes.filter(isStreet)) {
    placed.set(code, randomPointInside(rng, outline, { centre: outline.centre, radiusDeg: 0.045 }));
  }
  for (const code of codes.filter((c) => !isStreet(c))) {
    let best: LonLat | null = null;
    let bestScore = -1;
    for (let i = 0; i < 24; i++) {
      const p = randomPointInside(rng, outline);
      const score = Math.min(distance(p, outline.centre), ...[...placed.values()].map((q) => distance(p, q)));
      if (score > bestScore) {
        best = p;
        bestScore = score;
      }
    }
    placed.set(code, best ?? outline.centre);
  }
  return placed;
}

// ---------------------------------------------------------------- yearly plans

interface YearPlan {
  counts: Record<SampleTypeCode, number>;
  /** Total budget of the year's projects in 1,000 元 units, when it is fixed (2022). */
  budgetUnits?: number;
  /** Central batch-1 amount, when fixed (2022). */
  centralBatch1Fen?: number;
  /** Scale applied to drawn budgets in the other years. */
  budgetScale: number;
  /** Villages paid their direct subsidy after the due date. */
  lateSubsidyVillages: number;
  /** Training courses, trainees per course, and whether all must pass. */
  courses: number;
  traineesPerCourse: readonly [number, number];
  allPass: boolean;
  /** Projects whose acceptance failed. */
  failedAcceptances: number;
}

const YEAR_PLANS: Readonly<Record<(typeof SAMPLE_YEARS)[number], YearPlan>> = {
  2018: { counts: { beautiful_home: 38, production: 52, infrastructure: 41, hazard_relief: 4, other: 6 }, budgetScale: 0.7, lateSubsidyVillages: 0, courses: 6, traineesPerCourse: [40, 55], allPass: false, failedAcceptances: 0 },
  2019: { counts: { beautiful_home: 45, production: 60, infrastructure: 48, hazard_relief: 3, other: 5 }, budgetScale: 0.72, lateSubsidyVillages: 3, courses: 7, traineesPerCourse: [40, 55], allPass: false, failedAcceptances: 0 },
  2020: { counts: { beautiful_home: 52, production: 66, infrastructure: 55, hazard_relief: 6, other: 4 }, budgetScale: 0.72, lateSubsidyVillages: 9, courses: 4, traineesPerCourse: [40, 55], allPass: false, failedAcceptances: 1 },
  2021: { counts: { beautiful_home: 64, production: 80, infrastructure: 66, hazard_relief: 4, other: 6 }, budgetScale: 0.74, lateSubsidyVillages: 2, courses: 8, traineesPerCourse: [45, 55], allPass: false, failedAcceptances: 0 },
  // Fixed by the published self-evaluation: 77 + (98 + 73 = 171) + 12 others = 260 projects,
  // 3,256.82 万元 in two central batches, of which 867.12 万元 direct subsidy.
  2022: { counts: { beautiful_home: 77, production: 98, infrastructure: 73, hazard_relief: 5, other: 7 }, budgetUnits: 23_897, centralBatch1Fen: 2_160_000_000, budgetScale: 1, lateSubsidyVillages: 0, courses: 9, traineesPerCourse: [50, 50], allPass: true, failedAcceptances: 0 },
  2023: { counts: { beautiful_home: 70, production: 88, infrastructure: 70, hazard_relief: 3, other: 6 }, budgetScale: 0.78, lateSubsidyVillages: 0, courses: 9, traineesPerCourse: [45, 58], allPass: false, failedAcceptances: 1 },
  2024: { counts: { beautiful_home: 58, production: 74, infrastructure: 57, hazard_relief: 2, other: 5 }, budgetScale: 0.8, lateSubsidyVillages: 0, courses: 8, traineesPerCourse: [45, 55], allPass: false, failedAcceptances: 0 },
};

const EVAL = SAMPLE_SELF_EVALUATION_2022;
/** 2022 projects not started by the evaluation day: 260 − 247 = 13 (项目实施率 95%). */
const LATE_STARTS_2022 = 13;
const UNIT_FEN = 100_000; // 1,000 元
const YUAN = 100;

const TYPE_ORDER: readonly SampleTypeCode[] = ['beautiful_home', 'production', 'infrastructure', 'hazard_relief', 'other'];

interface Payment {
  date: string;
  amountFen: number;
}

interface ProjectDraft {
  id: number;
  code: string;
  year: number;
  village: Village;
  type: SampleTypeCode;
  groupName: string | null;
  units: number;
  lines: { fundSource: FundSource; amountFen: number }[];
  text: ProjectText;
  implementingUnit: string;
  payee: string;
  point: LonLat;
  precision: 'exact' | 'village_centre';
  coordSystem: 'CGCS2000' | 'GCJ02';
  beneficiaries: number;
  beneficiaryHouseholds: number;
  milestones: Map<MilestoneKind, { date: string; actorUnit: string; note: string | null }>;
  acceptanceResult: 'pass' | 'fail' | null;
  payments: Payment[];
  fundingDate: string;
}

const budgetFen = (p: ProjectDraft): number => p.lines.reduce((s, l) => s + l.amountFen, 0);

// ---------------------------------------------------------------- the build

/** Builds every row of the sample county in memory (pure apart from reading db/seed/ files). */
export function buildSampleCounty(seed: number = SAMPLE_DEFAULT_SEED): SampleCountyRows {
  const root = new Random(seed);
  const outline = loadCountyOutline();
  const divisionRows = readSampleDivisions();
  const townships = divisionRows.filter((d) => d.level === 'township');
  const townshipName = new Map(townships.map((d) => [d.code, d.name]));
  const townshipPoints = placeTownships(root.fork('townships'), outline, townships.map((d) => d.code));

  const villages = chooseResettlementVillages(root.fork('villages'), outline, divisionRows, townshipName, townshipPoints);

  const divisions: SampleCountyRows['divisions'] = divisionRows.map((d) => {
    const point =
      d.level === 'county'
        ? outline.centre
        : d.level === 'township'
          ? townshipPoints.get(d.code)
          : villages.find((v) => v.code === d.code)?.point;
    return {
      code: d.code,
      name: d.name,
      level: d.level,
      parentCode: d.parentCode,
      lon: point?.[0] ?? null,
      lat: point?.[1] ?? null,
      coordSource: point ? (d.level === 'county' ? 'outline' : 'sample') : null,
    };
  });

  const resettlementVillages = villages.map((v) => ({
    villageCode: v.code,
    migrantPopulation: v.population,
    migrantHouseholds: v.households.length,
    isKeyVillage: v.isKey,
    supervisionPhone: `0734-7${root.pick(['2', '3', '4'])}${root.digits(5)}`,
  }));

  // Roster.
  const households: SampleCountyRows['households'] = [];
  const persons: SampleCountyRows['persons'] = [];
  const householdIds = new Map<RosterHousehold, number>();
  for (const v of villages) {
    for (const h of v.households) {
      const id = households.length + 1;
      householdIds.set(h, id);
      households.push({ id, villageCode: v.code, householdNumber: h.householdNumber, headName: h.headName, accountNumber: h.accountNumber });
      for (const p of h.persons) {
        persons.push({ householdId: id, name: p.name, idNumber: p.idNumber, relation: p.relation, registered: p.registered });
      }
    }
  }

  const contractors = fakeContractors(root.fork('contractors'), 36);
  const rows: Omit<SampleCountyRows, 'divisions' | 'resettlementVillages' | 'households' | 'persons' | 'summary'> = {
    projectTypes: SAMPLE_PROJECT_TYPES.map((p) => ({ ...p })),
    allocationDocuments: [],
    projects: [],
    allocations: [],
    projectBudgets: [],
    projectMilestones: [],
    disbursements: [],
    directSubsidies: [],
    householdPayments: [],
    trainings: [],
  };
  const allDrafts: ProjectDraft[] = [];
  const ids = { project: 0, document: 0, training: 0 };

  for (const year of SAMPLE_YEARS) {
    const rng = root.fork(`year-${year}`);
    const plan = YEAR_PLANS[year];
    const drafts = draftProjects(rng, year, plan, villages, contractors, outline, ids);
    const { documents, allocations } = allocate(rng, year, plan, drafts, villages, ids);
    rows.allocationDocuments.push(...documents);
    rows.allocations.push(...allocations);
    for (const p of drafts) planMilestones(rng, p);
    if (year === 2022) delayStarts2022(rng, drafts);
    settleAcceptance(rng, drafts, plan.failedAcceptances);
    for (const p of drafts) planPayments(rng, p);
    if (year === 2022) adjustPayments2022(rng, drafts);
    allDrafts.push(...drafts);

    const subsidyRows = directSubsidies(rng, year, plan, villages);
    rows.directSubsidies.push(...subsidyRows);
    rows.householdPayments.push(...householdPayments(rng, year, villages, subsidyRows, householdIds));
    rows.trainings.push(...trainingCourses(rng, year, plan, villages, ids));
  }

  // Project rows, budget lines, milestones, disbursements (vouchers numbered per month in date order).
  const disbursementDrafts: (Insert<typeof t.disbursements> & { sortKey: string })[] = [];
  for (const p of allDrafts) {
    const applied = p.milestones.get('applied')?.date ?? `${p.year}-01-01`;
    rows.projects.push({
      id: p.id,
      code: p.code,
      year: p.year,
      villageCode: p.village.code,
      groupName: p.groupName,
      typeCode: p.type,
      name: p.text.name,
      contentScale: p.text.contentScale,
      implementingUnit: p.implementingUnit,
      lon: p.point[0],
      lat: p.point[1],
      locationPrecision: p.precision,
      sourceCoordSystem: p.coordSystem,
      workflowState: 'county_approved',
      acceptanceResult: p.acceptanceResult,
      beneficiaries: p.beneficiaries,
      beneficiaryHouseholds: p.beneficiaryHouseholds,
      createdAt: `${applied}T01:30:00.000Z`,
      updatedAt: `${applied}T01:30:00.000Z`,
    });
    for (const l of p.lines) rows.projectBudgets.push({ projectId: p.id, fundSource: l.fundSource, amountFen: l.amountFen });
    for (const [kind, m] of p.milestones) {
      rows.projectMilestones.push({ projectId: p.id, kind, date: m.date, actorUnit: m.actorUnit, note: m.note });
    }
    // Each payment draws on the budget lines in order, so no fund source is overspent.
    const left = p.lines.map((l) => ({ ...l }));
    p.payments.forEach((pay, i) => {
      let amount = pay.amountFen;
      for (const line of left) {
        if (amount === 0) break;
        const take = Math.min(amount, line.amountFen);
        if (take === 0) continue;
        line.amountFen -= take;
        amount -= take;
        disbursementDrafts.push({
          sortKey: `${pay.date}|${p.code}|${i}|${line.fundSource}`,
          projectId: p.id,
          date: pay.date,
          amountFen: take,
          fundSource: line.fundSource,
          voucherNumber: '',
          payee: p.payee,
          payeeIsPerson: false,
          createdAt: `${pay.date}T02:00:00.000Z`,
        });
      }
      if (amount !== 0) throw new Error(`sample county: payment beyond budget for ${p.code}`);
    });
  }
  disbursementDrafts.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
  const perMonth = new Map<string, number>();
  for (const { sortKey: _sortKey, ...d } of disbursementDrafts) {
    const month = d.date.slice(0, 7).replace('-', '');
    const n = (perMonth.get(month) ?? 0) + 1;
    perMonth.set(month, n);
    rows.disbursements.push({ ...d, id: rows.disbursements.length + 1, voucherNumber: `记-${month}-${String(n).padStart(4, '0')}` });
  }

  const summary: SampleSummary = {
    seed,
    divisions: divisions.length,
    townships: townships.length,
    villages: divisionRows.filter((d) => d.level === 'village').length,
    resettlementVillages: villages.length,
    keyVillages: villages.filter((v) => v.isKey).length,
    registeredMigrants: villages.reduce((s, v) => s + v.population, 0),
    households: households.length,
    persons: persons.length,
    projectTypes: rows.projectTypes.length,
    allocationDocuments: rows.allocationDocuments.length,
    allocations: rows.allocations.length,
    projects: rows.projects.length,
    projectBudgets: rows.projectBudgets.length,
    milestones: rows.projectMilestones.length,
    disbursements: rows.disbursements.length,
    directSubsidies: rows.directSubsidies.length,
    householdPayments: rows.householdPayments.length,
    trainings: rows.trainings.length,
    years: SAMPLE_YEARS,
  };
  return { divisions, resettlementVillages, households, persons, ...rows, summary };
}

/** Picks the resettlement villages, their size, rank, place and roster. */
function chooseResettlementVillages(
  rng: Random,
  outline: CountyOutline,
  divisionRows: readonly DivisionRow[],
  townshipName: ReadonlyMap<string, string>,
  townshipPoints: ReadonlyMap<string, LonLat>,
): Village[] {
  const candidates = divisionRows.filter((d) => d.level === 'village');
  const count = rng.int(150, 172);
  // Weighted sampling without replacement (A-Res): rural villages far more often than urban 社区.
  const keyed = candidates.map((d) => {
    const w = isStreet(d.parentCode) ? 0.12 : d.name.endsWith('社区') ? 0.3 : 1;
    return { d, key: Math.pow(rng.next(), 1 / w) };
  });
  keyed.sort((a, b) => b.key - a.key || (a.d.code < b.d.code ? -1 : 1));
  const chosen = keyed
    .slice(0, count)
    .map((k) => k.d)
    .sort((a, b) => (a.code < b.code ? -1 : 1));

  const isKey = chosen.map(() => rng.chance(0.13));
  const weights = chosen.map((_, i) => (isKey[i] ? rng.float(3, 6) : rng.float(0.5, 2.2)));
  const populations = apportion(EVAL.counts.directSubsidyBeneficiaries, weights, 12);
  const usedIds = new Set<string>();
  const rosterRng = rng.fork('roster');

  return chosen.map((d, i) => {
    const tName = townshipName.get(d.parentCode) ?? '';
    const shortName = shortVillageName(d.name);
    const centre = townshipPoints.get(d.parentCode) ?? outline.centre;
    const population = populations[i] ?? 0;
    return {
      code: d.code,
      name: d.name,
      shortName,
      townshipCode: d.parentCode,
      townshipName: tName,
      point: randomPointInside(rng, outline, { centre, radiusDeg: isStreet(d.parentCode) ? 0.03 : 0.055 }),
      isKey: isKey[i] ?? false,
      population,
      households: buildVillageRoster(rosterRng, d.code, population, usedIds),
      committee: villageCommittee(d.name, shortName),
      financeGroup: `${shortName}理财小组`,
      townshipGovernment: townshipGovernment(tName),
    };
  });
}

/** The year's projects: type counts from the plan, villages weighted by size, budgets, texts. */
function draftProjects(
  rng: Random,
  year: number,
  plan: YearPlan,
  villages: readonly Village[],
  contractors: readonly string[],
  outline: CountyOutline,
  ids: { project: number },
): ProjectDraft[] {
  const villageWeights = villages.map((v) => [v, Math.pow(v.population, 0.7) * (v.isKey ? 2 : 1)] as const);
  const slots: { type: SampleTypeCode; village: Village }[] = [];
  for (const type of TYPE_ORDER) {
    const n = plan.counts[type];
    if (type === 'beautiful_home') {
      // At most one 美丽家园 project per village and year.
      const keyed = villageWeights.map(([v, w]) => ({ v, key: Math.pow(rng.next(), 1 / w) })).sort((a, b) => b.key - a.key);
      for (const { v } of keyed.slice(0, n)) slots.push({ type, village: v });
    } else {
      for (let i = 0; i < n; i++) slots.push({ type, village: rng.weighted(villageWeights) });
    }
  }

  const drawn = slots.map(({ type }) => {
    const [lo, hi] = BUDGET_RANGE_UNITS[type];
    return rng.float(lo, hi);
  });
  const units =
    plan.budgetUnits !== undefined
      ? apportion(plan.budgetUnits, drawn, 20)
      : drawn.map((x) => Math.max(20, Math.round(x * plan.budgetScale)));

  const usedNames = new Set<string>();
  const drafts = slots.map(({ type, village }, i): Omit<ProjectDraft, 'id' | 'code'> => {
    const u = units[i] ?? 20;
    const groupName = rng.chance(0.5) ? `${rng.int(1, 14)}组` : null;
    const place = `${village.shortName}${groupName ?? ''}`;
    // A village's projects of one year never share a name.
    let text = describeProject(rng, type, place, u);
    for (let tries = 0; usedNames.has(text.name) && tries < 8; tries++) text = describeProject(rng, type, place, u);
    if (usedNames.has(text.name)) text = { ...text, name: `${text.name}（二期）` };
    usedNames.add(text.name);
    const exact = rng.chance(0.65);
    const payee =
      text.payeeKind === 'contractor'
        ? rng.pick(contractors)
        : text.payeeKind === 'cooperative'
          ? fakeCooperative(rng, village.shortName)
          : text.payeeKind === 'township'
            ? village.townshipGovernment
            : village.committee;
    const beneficiaries = rng.int(Math.max(8, Math.round(village.population * 0.5)), Math.round(village.population * 1.3) + 20);
    return {
      year,
      village,
      type,
      groupName,
      units: u,
      lines: fundLines(rng, year, u),
      text,
      implementingUnit:
        type === 'hazard_relief' || (type === 'production' && rng.chance(0.2))
          ? village.townshipGovernment
          : village.committee,
      payee,
      point: exact ? randomPointInside(rng, outline, { centre: village.point, radiusDeg: 0.012 }) : village.point,
      precision: exact ? 'exact' : 'village_centre',
      coordSystem: exact && rng.chance(0.3) ? 'GCJ02' : 'CGCS2000',
      beneficiaries,
      beneficiaryHouseholds: Math.max(1, Math.round(beneficiaries / rng.float(3.2, 3.9))),
      milestones: new Map(),
      acceptanceResult: null,
      payments: [],
      fundingDate: '9999-12-31',
    };
  });

  const typeRank = new Map(TYPE_ORDER.map((c, i) => [c, i]));
  drafts.sort(
    (a, b) =>
      (a.village.code < b.village.code ? -1 : a.village.code > b.village.code ? 1 : 0) ||
      (typeRank.get(a.type) ?? 0) - (typeRank.get(b.type) ?? 0),
  );
  return drafts.map((d, i) => ({ ...d, id: ++ids.project, code: `CN${year}-${String(i + 1).padStart(4, '0')}` }));
}

/** Budget lines: 2022 is all central; other years mix in provincial, county and municipal money. */
function fundLines(rng: Random, year: number, units: number): ProjectDraft['lines'] {
  const total = units * UNIT_FEN;
  if (year === 2022) return [{ fundSource: 'central', amountFen: total }];
  const r = rng.next();
  const [source, lo, hi]: [FundSource | null, number, number] =
    r < 0.62 ? [null, 0, 0] : r < 0.82 ? ['provincial', 0.2, 0.4] : r < 0.94 ? ['county', 0.05, 0.15] : [year >= 2023 ? 'other' : 'provincial', 0.1, 0.2];
  if (source === null || units < 4) return [{ fundSource: 'central', amountFen: total }];
  const share = Math.min(units - 1, Math.max(1, Math.round(units * rng.float(lo, hi)))) * UNIT_FEN;
  return [
    { fundSource: 'central', amountFen: total - share },
    { fundSource: source, amountFen: share },
  ];
}

type DocInsert = Insert<typeof t.allocationDocuments>;
type AllocationInsert = Insert<typeof t.allocations>;

/**
 * The year's allocation documents and how each is split. Central money comes in two batches
 * (提前下达 in December of the year before, then a second batch); direct subsidies are paid from
 * batch 1; the documents are filled in a shuffled project order, splitting a project across two
 * documents where one runs out.
 */
function allocate(
  rng: Random,
  year: number,
  plan: YearPlan,
  drafts: ProjectDraft[],
  villages: readonly Village[],
  ids: { document: number },
): { documents: DocInsert[]; allocations: AllocationInsert[] } {
  const documents: DocInsert[] = [];
  const allocations: AllocationInsert[] = [];
  const subsidyTotal = villages.reduce((s, v) => s + v.population * SAMPLE_SUBSIDY_STANDARD_FEN, 0);
  const order = rng.shuffle(drafts);

  const doc = (fundSource: FundSource, batch: number, amountFen: number): DocInsert => {
    const spec = documentSpec(rng, year, fundSource, batch);
    return {
      id: ++ids.document,
      countyCode: SAMPLE_COUNTY_CODE,
      issuer: spec.issuer,
      docNumber: spec.docNumber,
      title: spec.title,
      year,
      batch,
      dateReceived: spec.date,
      amountFen,
      fundSource,
      createdAt: `${spec.date}T01:00:00.000Z`,
    };
  };

  const fill = (docs: DocInsert[], needs: { amountFen: number; project?: ProjectDraft; villageCode?: string }[]) => {
    let i = 0;
    let left = docs[0]?.amountFen ?? 0;
    for (const need of needs) {
      let amount = need.amountFen;
      while (amount > 0) {
        const d = docs[i];
        if (!d) throw new Error(`sample county ${year}: allocation documents run out`);
        const take = Math.min(amount, left);
        if (take > 0) {
          allocations.push({
            documentId: d.id as number,
            target: need.project ? 'project' : 'direct_subsidy',
            projectId: need.project?.id ?? null,
            villageCode: need.villageCode ?? null,
            year,
            amountFen: take,
          });
          if (need.project && d.dateReceived < need.project.fundingDate) need.project.fundingDate = d.dateReceived;
        }
        amount -= take;
        left -= take;
        if (left === 0) {
          i++;
          left = docs[i]?.amountFen ?? 0;
        }
      }
    }
    if (i !== docs.length || left !== 0) throw new Error(`sample county ${year}: allocations do not use every document exactly`);
  };

  // Central: direct subsidies first, then projects.
  const centralNeeds = [
    ...villages.map((v) => ({ amountFen: v.population * SAMPLE_SUBSIDY_STANDARD_FEN, villageCode: v.code })),
    ...order.map((p) => ({ amountFen: lineOf(p, 'central'), project: p })).filter((n) => n.amountFen > 0),
  ];
  const centralTotal = centralNeeds.reduce((s, n) => s + n.amountFen, 0);
  const step = 10_000_000; // 10 万元
  const batch1 =
    plan.centralBatch1Fen ??
    Math.min(centralTotal - step, Math.max(subsidyTotal + step, Math.round((centralTotal * rng.float(0.58, 0.68)) / step) * step));
  const central = [doc('central', 1, batch1), doc('central', 2, centralTotal - batch1)];
  documents.push(...central);
  fill(central, centralNeeds);

  for (const source of ['provincial', 'county', 'other'] as const) {
    const needs = order.map((p) => ({ amountFen: lineOf(p, source), project: p })).filter((n) => n.amountFen > 0);
    if (needs.length === 0) continue;
    const d = doc(source, 1, needs.reduce((s, n) => s + n.amountFen, 0));
    documents.push(d);
    fill([d], needs);
  }
  return { documents, allocations };
}

/** Who issues each kind of allocation document, its number, title and the day it arrived. */
function documentSpec(
  rng: Random,
  year: number,
  fundSource: FundSource,
  batch: number,
): { issuer: string; docNumber: string; title: string; date: string } {
  switch (fundSource) {
    case 'central':
      return batch === 1
        ? {
            issuer: '湖南省财政厅',
            docNumber: `湘财农指〔${year - 1}〕${rng.int(140, 220)}号`,
            title: `关于提前下达${year}年中央水库移民扶持基金预算的通知`,
            date: randomDate(rng, `${year - 1}-12-03`, `${year - 1}-12-28`),
          }
        : {
            issuer: '湖南省财政厅',
            docNumber: `湘财农指〔${year}〕${rng.int(30, 120)}号`,
            title: `关于下达${year}年第二批中央水库移民扶持基金预算的通知`,
            date: randomDate(rng, `${year}-05-10`, `${year}-07-10`),
          };
    case 'provincial':
      return {
        issuer: '湖南省水库移民事务中心',
        docNumber: `湘移〔${year}〕${rng.int(10, 60)}号`,
        title: `关于下达${year}年省级大中型水库库区基金的通知`,
        date: randomDate(rng, `${year}-04-01`, `${year}-06-20`),
      };
    case 'county':
      return {
        issuer: '常宁市财政局',
        docNumber: `常财农指〔${year}〕${rng.int(3, 40)}号`,
        title: `关于安排${year}年市本级水库移民后期扶持配套资金的通知`,
        date: randomDate(rng, `${year}-03-01`, `${year}-04-30`),
      };
    case 'other':
      return {
        issuer: '衡阳市财政局',
        docNumber: `衡财农指〔${year}〕${rng.int(15, 90)}号`,
        title: `关于下达${year}年市级水库移民后期扶持补助资金的通知`,
        date: randomDate(rng, `${year}-06-01`, `${year}-08-15`),
      };
  }
}

const lineOf = (p: ProjectDraft, source: FundSource): number => p.lines.find((l) => l.fundSource === source)?.amountFen ?? 0;

/** Dated steps from application (autumn of the year before) to settlement, cut at SAMPLE_DATA_AS_OF. */
function planMilestones(rng: Random, p: ProjectDraft): void {
  const v = p.village;
  const y = p.year;
  const applied = randomDate(rng, `${y - 1}-08-20`, `${y - 1}-11-30`);
  const villageReviewed = addDays(applied, rng.int(3, 15));
  const townshipReviewed = addDays(villageReviewed, rng.int(5, 20));
  const approved = laterOf(addDays(townshipReviewed, rng.int(7, 20)), addDays(p.fundingDate, rng.int(10, 40)));
  const started = addDays(approved, rng.chance(0.1) ? rng.int(120, 240) : rng.int(20, 110));
  setFrom(rng, p, started, { applied, villageReviewed, townshipReviewed, approved });
  for (const [kind, actorUnit] of [
    ['applied', v.committee],
    ['village_reviewed', v.financeGroup],
    ['township_reviewed', v.townshipGovernment],
    ['county_approved', SAMPLE_RESETTLEMENT_AGENCY],
  ] as const) {
    const m = p.milestones.get(kind);
    if (m) m.actorUnit = actorUnit;
  }
}

/** (Re)sets the milestones from `started` on (null: not started by the data day). */
function setFrom(
  rng: Random,
  p: ProjectDraft,
  started: string | null,
  before?: { applied: string; villageReviewed: string; townshipReviewed: string; approved: string },
): void {
  if (before) {
    p.milestones.set('applied', { date: before.applied, actorUnit: '', note: null });
    p.milestones.set('village_reviewed', { date: before.villageReviewed, actorUnit: '', note: null });
    p.milestones.set('township_reviewed', { date: before.townshipReviewed, actorUnit: '', note: null });
    p.milestones.set('county_approved', { date: before.approved, actorUnit: '', note: null });
  }
  for (const k of ['started', 'completed', 'accepted', 'settled'] as const) p.milestones.delete(k);
  if (started === null) return;
  const completed = addDays(started, 60 + Math.round(p.units * 0.8) + rng.int(0, 240));
  const accepted = addDays(completed, rng.int(30, 200));
  const settled = addDays(accepted, rng.int(90, 400));
  const steps: [MilestoneKind, string, string][] = [
    ['started', started, p.implementingUnit],
    ['completed', completed, p.implementingUnit],
    ['accepted', accepted, SAMPLE_RESETTLEMENT_AGENCY],
    ['settled', settled, SAMPLE_RESETTLEMENT_AGENCY],
  ];
  for (const [kind, date, actorUnit] of steps) {
    if (date > SAMPLE_DATA_AS_OF) break;
    p.milestones.set(kind, { date, actorUnit, note: null });
  }
}

/**
 * 2022: exactly 13 of 260 projects start after 2023-08-31 (10 later, 3 not at all by the data
 * day); all the others have started by then.
 */
function delayStarts2022(rng: Random, drafts: ProjectDraft[]): void {
  const late = new Set(rng.shuffle(drafts).slice(0, LATE_STARTS_2022));
  let n = 0;
  for (const p of drafts) {
    const approved = p.milestones.get('county_approved')?.date ?? `${p.year}-06-30`;
    if (late.has(p)) {
      const started = n++ < 10 ? randomDate(rng, '2023-09-05', '2024-05-31') : null;
      setFrom(rng, p, started);
      const note = started ? '因选址调整推迟开工' : '因选址调整暂缓实施';
      const m = p.milestones.get('county_approved');
      if (m) m.note = note;
    } else {
      const started = p.milestones.get('started')?.date;
      if (!started || started > '2023-08-20') setFrom(rng, p, randomDate(rng, addDays(approved, 10), '2023-08-20'));
    }
  }
}

/** Acceptance results: pass, except `failures` projects (never in 2022), which are not settled. */
function settleAcceptance(rng: Random, drafts: ProjectDraft[], failures: number): void {
  const accepted = drafts.filter((p) => p.milestones.has('accepted'));
  const failed = new Set(rng.shuffle(accepted).slice(0, failures));
  for (const p of accepted) {
    const m = p.milestones.get('accepted');
    if (!m) continue;
    if (failed.has(p)) {
      p.acceptanceResult = 'fail';
      m.note = '验收不合格，责令限期整改';
      p.milestones.delete('settled');
    } else {
      p.acceptanceResult = 'pass';
      m.note = '验收合格';
    }
  }
}

/**
 * Payments in tranches: 30% after the start, up to 60% after completion, 85% after a passed
 * acceptance, 100% after settlement; each paid 7–35 days after its milestone, none after the
 * data day. Amounts are whole 元.
 */
function planPayments(rng: Random, p: ProjectDraft): void {
  const budget = budgetFen(p);
  const tranches: [MilestoneKind, number][] = [
    ['started', 0.3],
    ['completed', 0.6],
    ['accepted', 0.85],
    ['settled', 1],
  ];
  let paid = 0;
  for (const [kind, share] of tranches) {
    const m = p.milestones.get(kind);
    if (!m || (kind === 'accepted' && p.acceptanceResult !== 'pass')) continue;
    const date = addDays(m.date, rng.int(7, 35));
    if (date > SAMPLE_DATA_AS_OF) continue;
    const target = Math.round((budget * share) / YUAN) * YUAN;
    if (target > paid) {
      p.payments.push({ date, amountFen: target - paid });
      paid = target;
    }
  }
  p.payments.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/**
 * 2022: moves money between payments before and after 2023-08-31 (never changing a project's
 * total beyond its budget) until exactly 60% of the 2022 budget was paid by that day.
 */
function adjustPayments2022(rng: Random, drafts: ProjectDraft[]): void {
  const asOf = EVAL.asOf;
  const budget = drafts.reduce((s, p) => s + budgetFen(p), 0);
  const target = (budget * EVAL.percents.disbursementRate) / 100;
  if (!Number.isInteger(target / YUAN)) throw new Error('sample county 2022: the 60% target is not whole 元');
  const before = (p: ProjectDraft) => p.payments.filter((x) => x.date <= asOf);
  const after = (p: ProjectDraft) => p.payments.filter((x) => x.date > asOf);
  const sum = (xs: Payment[]) => xs.reduce((s, x) => s + x.amountFen, 0);
  let gap = target - drafts.reduce((s, p) => s + sum(before(p)), 0);

  // Two passes: the first moves at most 40% of a budget per project, the second whatever it takes.
  for (const capShare of [0.4, 1]) {
    for (const p of rng.shuffle(drafts)) {
      if (gap === 0) break;
      const budgetP = budgetFen(p);
      const cap = Math.round((budgetP * capShare) / YUAN) * YUAN;
      const pre = before(p);
      const last = pre[pre.length - 1];
      if (!last) continue;
      if (gap > 0) {
        // Pay more before the day: pull it forward from later payments, or from unpaid budget.
        const x = Math.min(gap, cap, budgetP - sum(pre));
        if (x <= 0) continue;
        last.amountFen += x;
        let pull = x;
        for (const later of after(p).reverse()) {
          const take = Math.min(pull, later.amountFen);
          later.amountFen -= take;
          pull -= take;
        }
        gap -= x;
      } else {
        // Pay less before the day (keeping a first payment of at least 10%): the rest follows after it.
        const floor = Math.round((budgetP * 0.1) / YUAN) * YUAN;
        let x = Math.min(-gap, cap, sum(pre) - floor);
        if (x <= 0) continue;
        gap += x;
        const next = after(p)[0];
        if (next) next.amountFen += x;
        else p.payments.push({ date: randomDate(rng, addDays(asOf, 10), addDays(asOf, 120)), amountFen: x });
        for (const q of [...pre].reverse()) {
          const keep = q === pre[0] ? floor : 0;
          const take = Math.min(x, q.amountFen - keep);
          q.amountFen -= take;
          x -= take;
        }
      }
      p.payments = p.payments.filter((q) => q.amountFen > 0).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    }
  }
  if (gap !== 0) throw new Error(`sample county 2022: could not reach the 60% disbursement rate (gap ${gap} fen)`);
}

/** One direct subsidy per village: paid per township in one batch, before 30 June unless late. */
function directSubsidies(rng: Random, year: number, plan: YearPlan, villages: readonly Village[]): Insert<typeof t.directSubsidies>[] {
  const dueDate = `${year}-06-30`;
  const batchDate = new Map<string, string>();
  const late = new Set(rng.shuffle(villages).slice(0, plan.lateSubsidyVillages));
  return villages.map((v) => {
    let date = batchDate.get(v.townshipCode);
    if (!date) {
      date = randomDate(rng, `${year}-05-08`, `${year}-06-26`);
      batchDate.set(v.townshipCode, date);
    }
    return {
      villageCode: v.code,
      year,
      beneficiaries: v.population,
      standardFenPerPerson: SAMPLE_SUBSIDY_STANDARD_FEN,
      amountFen: v.population * SAMPLE_SUBSIDY_STANDARD_FEN,
      dueDate,
      paymentDate: late.has(v) ? randomDate(rng, `${year}-07-05`, `${year}-08-20`) : date,
      channel: '一卡通',
    };
  });
}

const FAILURE_REASONS = ['账户冻结', '户名与身份证不符', '账户已销户', '账号错误'] as const;

/** Each household's share of its village's direct subsidy; see the module comment for failures. */
function householdPayments(
  rng: Random,
  year: number,
  villages: readonly Village[],
  subsidies: readonly Insert<typeof t.directSubsidies>[],
  householdIds: ReadonlyMap<RosterHousehold, number>,
): Insert<typeof t.householdPayments>[] {
  const out: Insert<typeof t.householdPayments>[] = [];
  villages.forEach((v, i) => {
    const villageDate = subsidies[i]?.paymentDate ?? null;
    for (const h of v.households) {
      const failed = villageDate !== null && rng.chance(0.004);
      const reason = failed ? rng.pick(FAILURE_REASONS) : null;
      const stillFailed = failed && year === SAMPLE_YEARS[SAMPLE_YEARS.length - 1];
      out.push({
        householdId: householdIds.get(h) as number,
        year,
        persons: h.registeredCount,
        amountFen: h.registeredCount * SAMPLE_SUBSIDY_STANDARD_FEN,
        paymentDate: stillFailed || villageDate === null ? null : failed ? addDays(villageDate, rng.int(15, 45)) : villageDate,
        status: stillFailed ? 'failed' : 'paid',
        failureReason: reason === null ? null : stillFailed ? reason : `${reason}（核实后已补发）`,
      });
    }
  });
  return out;
}

const COURSES = [
  '水稻机械化种植技术',
  '油茶栽培与管护',
  '家政服务',
  '电工',
  '农村电子商务',
  '生猪养殖技术',
  '中式面点',
  '挖掘机操作',
  '果树栽培技术',
  '养老护理',
  '焊工',
  '乡村旅游服务',
] as const;

/** The year's training courses for migrant labour. */
function trainingCourses(
  rng: Random,
  year: number,
  plan: YearPlan,
  villages: readonly Village[],
  ids: { training: number },
): Insert<typeof t.trainings>[] {
  const courses = rng.shuffle(COURSES).slice(0, plan.courses);
  return courses.map((course) => {
    const startDate = randomDate(rng, `${year}-03-01`, `${year}-11-10`);
    const trainees = rng.int(plan.traineesPerCourse[0], plan.traineesPerCourse[1]);
    const passed = plan.allPass ? trainees : trainees - (rng.chance(0.6) ? rng.int(1, 4) : 0);
    return {
      id: ++ids.training,
      countyCode: SAMPLE_COUNTY_CODE,
      year,
      course,
      organizer: rng.chance(0.75) ? SAMPLE_RESETTLEMENT_AGENCY : '常宁市人力资源和社会保障局',
      startDate,
      endDate: addDays(startDate, rng.int(4, 14)),
      townshipCode: rng.chance(0.5) ? rng.pick(villages).townshipCode : null,
      trainees,
      passed,
    };
  });
}

// ---------------------------------------------------------------- writing

/** Keeps each statement well under SQLite's bound-parameter limit. */
const MAX_PARAMS = 3_000;

function inserts<T extends SQLiteTable>(db: Database, table: T, rows: Insert<T>[]): BatchItem<'sqlite'>[] {
  const perRow = Object.keys(getTableColumns(table)).length;
  const size = Math.max(1, Math.floor(MAX_PARAMS / perRow));
  const out: BatchItem<'sqlite'>[] = [];
  for (let i = 0; i < rows.length; i += size) out.push(db.insert(table).values(rows.slice(i, i + size)) as BatchItem<'sqlite'>);
  return out;
}

/**
 * Writes the sample county into an empty, migrated database in one batch (one transaction), and
 * returns what it wrote. Refuses a database that already holds divisions or projects.
 *
 * @example
 * const { db } = await openDatabase({ url: 'file:data/portal.db' });
 * await migrateDatabase(db);
 * await seedSampleCounty(db); // { resettlementVillages: 16x, projects: 1,39x, ... }
 */
export async function seedSampleCounty(db: Database, options: { seed?: number } = {}): Promise<SampleSummary> {
  const [divisionCount] = await db.select({ n: sql<number>`count(*)` }).from(t.divisions);
  const [projectCount] = await db.select({ n: sql<number>`count(*)` }).from(t.projects);
  if ((divisionCount?.n ?? 0) > 0 || (projectCount?.n ?? 0) > 0) {
    throw new SampleSeedError(
      `the sample county can only be written into an empty database; this one already has ${divisionCount?.n ?? 0} divisions and ${projectCount?.n ?? 0} projects`,
    );
  }
  const data = buildSampleCounty(options.seed ?? SAMPLE_DEFAULT_SEED);
  const persons = await Promise.all(data.persons.map(async ({ idNumber, ...p }) => ({ ...p, ...(await storedIdentity(SAMPLE_ROSTER_KEY, idNumber)) })));
  const county = data.divisions.find((d) => d.level === 'county')!;
  const settings: Insert<typeof t.countySettings> = {
    countyCode: county.code,
    isSample: true,
    issuingUnit: SAMPLE_RESETTLEMENT_AGENCY,
    supervisionPhones: '0734-7212345',
    supervisionAddress: '常宁市库区移民事务中心（常宁市宜阳街道）',
    disclosurePeriodDays: 10,
    subsidyStandardFen: SAMPLE_SUBSIDY_STANDARD_FEN,
    outlineJson: JSON.stringify(loadCountyOutline().ring),
    updatedAt: `${SAMPLE_DATA_AS_OF}T00:00:00.000Z`,
  };
  // The registry keeps each year's figures; the sample's do not change from year to year.
  const registry = SAMPLE_YEARS.flatMap((year) =>
    data.resettlementVillages.map((v) => ({ villageCode: v.villageCode, year, migrantPopulation: v.migrantPopulation, migrantHouseholds: v.migrantHouseholds, isKeyVillage: v.isKeyVillage })),
  );
  const statements = [
    ...inserts(db, t.divisions, data.divisions),
    ...inserts(db, t.countySettings, [settings]),
    ...inserts(db, t.resettlementVillages, data.resettlementVillages),
    ...inserts(db, t.villageRegistry, registry),
    ...inserts(db, t.projectTypes, data.projectTypes),
    ...inserts(db, t.allocationDocuments, data.allocationDocuments),
    ...inserts(db, t.projects, data.projects),
    ...inserts(db, t.allocations, data.allocations),
    ...inserts(db, t.projectBudgets, data.projectBudgets),
    ...inserts(db, t.projectMilestones, data.projectMilestones),
    ...inserts(db, t.disbursements, data.disbursements),
    ...inserts(db, t.directSubsidies, data.directSubsidies),
    ...inserts(db, t.households, data.households),
    ...inserts(db, t.persons, persons),
    ...inserts(db, t.householdPayments, data.householdPayments),
    ...inserts(db, t.trainings, data.trainings),
  ];
  statements.push(...inserts(db, t.selfEvaluationTargets, [sampleSelfEvaluationTargets()]));
  statements.push(...inserts(db, t.satisfactionPaperResults, samplePaperSatisfaction(data.resettlementVillages.map((v) => v.villageCode), options.seed ?? SAMPLE_DEFAULT_SEED)));
  const [first, ...rest] = statements;
  if (first) await db.batch([first, ...rest]);
  return data.summary;
}

/**
 * The sample's 2022 targets (年度指标值) and 效益 lines for its 绩效自评表: invented for the
 * sample (示例数据), in the spirit of such tables; the office of a real county enters its own on
 * the staff page. The counts' targets are the report's planned figures.
 */
function sampleSelfEvaluationTargets(): Insert<typeof t.selfEvaluationTargets> {
  const { counts } = SAMPLE_SELF_EVALUATION_2022;
  const ge = (value: number) => ({ op: '>=' as const, value });
  const measured: Array<[string, { op: '>=' | '<=' | '='; value: number }, number]> = [
    ['directSubsidyBeneficiaries', ge(counts.directSubsidyBeneficiaries), 5],
    ['beautifulHomeProjects', ge(counts.beautifulHomeProjects), 5],
    ['productionInfrastructureProjects', ge(counts.productionInfrastructureProjects), 5],
    ['traineeCount', ge(counts.traineeCount), 5],
    ['acceptancePassRate', { op: '=', value: 100 }, 5],
    ['trainingPassRate', ge(95), 5],
    ['onTimeSubsidyRate', { op: '=', value: 100 }, 4],
    ['implementationRate', ge(90), 4],
    ['disbursementRate', ge(90), 4],
    ['subsidyStandardRate', { op: '=', value: 100 }, 4],
    ['budgetControlRate', { op: '=', value: 100 }, 4],
    ['satisfaction', ge(90), 10],
  ];
  const lines = [
    ...measured.map(([key, target, weight]) => ({ key, target, weight, note: '' })),
    { key: 'budgetExecution', target: null, weight: 10, note: '' },
    { key: 'benefit-1', category: '社会效益指标', name: '库区和移民安置区生产生活条件', targetText: '明显改善', actualText: '明显改善', score: 15, weight: 15, note: '' },
    { key: 'benefit-2', category: '可持续影响指标', name: '后期扶持项目长期发挥作用', targetText: '长期', actualText: '已建项目均由村管护', score: 15, weight: 15, note: '' },
  ];
  return { countyCode: SAMPLE_COUNTY_CODE, year: SAMPLE_SELF_EVALUATION_2022.year, linesJson: JSON.stringify(lines), updatedAt: `${SAMPLE_DATA_AS_OF}T00:00:00.000Z`, updatedBy: '示例数据' };
}

/** Paper questionnaire results of 2022 for every resettlement village (示例数据). */
function samplePaperSatisfaction(villageCodes: readonly string[], seed: number): Insert<typeof t.satisfactionPaperResults>[] {
  const random = new Random(seed + 2022);
  return villageCodes.map((villageCode) => {
    const respondents = random.int(15, 40);
    return { year: 2022, villageCode, respondents, satisfied: respondents - random.int(0, 3), updatedAt: `${SAMPLE_DATA_AS_OF}T00:00:00.000Z`, updatedBy: '示例数据' };
  });
}

/** Whether a point lies inside the county outline shipped with the sample data. */
export function isInsideSampleCounty(point: LonLat, outline: CountyOutline = loadCountyOutline()): boolean {
  return isInsideRing(point, outline.ring);
}
