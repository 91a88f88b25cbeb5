/** Loads what the upload checks need to know (src/domain/upload/upload-plan.ts UploadContext). */
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import * as t from '../../db/schema.ts';
import { codeStartsWith } from './code-prefix.ts';
import { countyOfCode } from './county-settings.ts';
import type { Actor, UploadKind } from '../domain/access/access.ts';
import { CHINA_EXTENT_RING, extentRing, type LonLat } from '../domain/geo/geo.ts';
import type { FundSource, MilestoneKind } from '../domain/ledger/ledger.ts';
import type {
  ExistingDisbursement,
  ExistingHousehold,
  ExistingHouseholdPayment,
  ExistingPerson,
  ExistingProject,
  ExistingProjectDetails,
  ExistingRegistry,
  UploadContext,
  VillageInfo,
} from '../domain/upload/upload-plan.ts';
import type { Database } from '../../db/database.ts';
import type { WriteTx } from './write-lock.ts';

type Reader = WriteTx | Database;

/**
 * From this many rows naming a project on, every stored project is read by scanning the four
 * tables once each rather than looking each named project up: for an upload that names most of the
 * county's projects (a year's payments, say) the scan is several times faster, for a small one the
 * lookups are.
 */
export const SCAN_FROM = 5_000;

/** Codes per query: one bound parameter (a JSON array), so no limit on variables applies. */
const CHUNK = 10_000;
function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

export async function loadUploadContext(
  db: Reader,
  input: {
    actor: Pick<Actor, 'role' | 'scopeCode'>;
    kind: UploadKind;
    today: string;
    /** The project codes the rows name, in any order, repeats allowed (referencesOf). */
    projectCodes: readonly string[];
    /** The voucher numbers the rows name, repeats allowed. */
    voucherNumbers: readonly string[];
    /** From how many project codes every project is read by scanning the tables (default SCAN_FROM); for tests. */
    scanFrom?: number;
  },
): Promise<UploadContext> {
  const { kind } = input;
  // Documents, trainings, the outline and the subsidy standard are the actor's county's own.
  const countyCode = countyOfCode(input.actor.scopeCode);
  const divisionRows = await db
    .select({ code: t.divisions.code, name: t.divisions.name, level: t.divisions.level, parentCode: t.divisions.parentCode, retiredOn: t.divisions.retiredOn, successorCode: t.divisions.successorCode })
    .from(t.divisions);
  const villages = new Map<string, VillageInfo>();
  const townships = new Map<string, string>();
  const names = new Map(divisionRows.map((d) => [d.code, d.name]));
  for (const d of divisionRows) {
    if (d.level === 'village') {
      const retired = d.retiredOn ? { retired: { on: d.retiredOn, successorCode: d.successorCode, successorName: d.successorCode ? (names.get(d.successorCode) ?? null) : null } } : {};
      villages.set(d.code, { code: d.code, name: d.name, townshipCode: d.parentCode ?? '', ...retired });
    } else if (d.level === 'township') townships.set(d.code, d.name);
  }
  const projectTypes = new Map<string, string>();
  if (kind === 'projects') {
    for (const pt of await db.select().from(t.projectTypes)) {
      projectTypes.set(pt.code, pt.code);
      projectTypes.set(pt.name, pt.code);
    }
  }
  const projects = new Map<string, ExistingProject>();
  const projectDetails = new Map<string, ExistingProjectDetails>();
  if (kind === 'projects' || kind === 'disbursements' || kind === 'milestones' || kind === 'allocations') {
    // A payment is checked against the 县级审批 date only; every other upload may need them all.
    const milestoneKinds = kind === 'disbursements' ? (['county_approved'] as const) : null;
    const scan = input.projectCodes.length >= (input.scanFrom ?? SCAN_FROM);
    // Scanning reads every stored project: the checks only ever look projects up by code, and
    // leaving out the ones not named would take a set of the named codes, which costs as much.
    if (scan) await loadAllProjects(db, milestoneKinds, projects);
    const named = !scan || kind === 'projects' ? [...new Set(input.projectCodes)] : [];
    for (const codes of chunks(named)) {
      if (!scan) await loadProjects(db, codes, milestoneKinds, projects);
      if (kind === 'projects') await loadDetails(db, codes, projectDetails);
    }
  }
  const disbursements = new Map<string, ExistingDisbursement>();
  if (kind === 'disbursements') {
    // Repeats are harmless in `in (…)`; a set of every voucher number of a big upload is not free.
    for (const vouchers of chunks(input.voucherNumbers)) {
      const rows = await db
        .select({ voucherNumber: t.disbursements.voucherNumber, projectId: t.disbursements.projectId, date: t.disbursements.date, amountFen: t.disbursements.amountFen, fundSource: t.disbursements.fundSource, payee: t.disbursements.payee, payeeIsPerson: t.disbursements.payeeIsPerson })
        .from(t.disbursements)
        .where(sql`${t.disbursements.voucherNumber} in (select value from json_each(${JSON.stringify(vouchers)}))`);
      for (const { voucherNumber, ...r } of rows) disbursements.set(voucherNumber, r);
    }
  }
  const directSubsidies = new Map<string, UploadContext['directSubsidies'] extends ReadonlyMap<string, infer V> ? V : never>();
  if (kind === 'direct-subsidies' || kind === 'villages') {
    for (const r of await db.select().from(t.directSubsidies)) directSubsidies.set(`${r.villageCode}:${r.year}`, r);
  }
  const trainings = new Map<string, UploadContext['trainings'] extends ReadonlyMap<string, infer V> ? V : never>();
  if (kind === 'trainings') {
    for (const r of await db.select().from(t.trainings).where(eq(t.trainings.countyCode, countyCode))) trainings.set(`${r.year}:${r.course}:${r.startDate}:${r.townshipCode ?? ''}`, r);
  }
  const documents = new Map<string, UploadContext['documents'] extends ReadonlyMap<string, infer V> ? V : never>();
  if (kind === 'allocations') {
    const rows = await db
      .select({
        id: t.allocationDocuments.id,
        docNumber: t.allocationDocuments.docNumber,
        issuer: t.allocationDocuments.issuer,
        title: t.allocationDocuments.title,
        year: t.allocationDocuments.year,
        batch: t.allocationDocuments.batch,
        dateReceived: t.allocationDocuments.dateReceived,
        amountFen: t.allocationDocuments.amountFen,
        fundSource: t.allocationDocuments.fundSource,
      })
      .from(t.allocationDocuments)
      .where(eq(t.allocationDocuments.countyCode, countyCode));
    for (const { docNumber, ...r } of rows) documents.set(docNumber, r);
  }
  return {
    actor: input.actor,
    today: input.today,
    // Only project and village locations are checked; other kinds need no outline.
    ...(kind === 'projects' || kind === 'villages' ? await loadOutline(db, countyCode) : { outline: [], outlineSource: 'none' as const }),
    villages,
    townships,
    projectTypes,
    projects,
    projectDetails,
    disbursements,
    directSubsidies,
    trainings,
    documents,
    ...(await loadRoster(db, kind, countyCode)),
  };
}

/**
 * One query per chunk of codes, answered as ONE JSON value: per project its state with its budget,
 * payments and milestones folded in by SQLite (payments as [source, fen] pairs, summed here: a
 * GROUP BY per project would build a temporary b-tree for each). A row per project, or per budget line, payment and
 * milestone, would cost far more through the driver than SQLite's JSON.
 */
async function loadProjects(db: Reader, codes: string[], milestoneKinds: readonly MilestoneKind[] | null, into: Map<string, ExistingProject>): Promise<void> {
  if (codes.length === 0) return;
  const [row] = await db.all<{ j: string }>(sql`
    select json_group_array(json_array(p.id, p.code, p.village_code, p.workflow_state, p.acceptance_result,
        (select json_group_object(b.fund_source, b.amount_fen) from project_budgets b where b.project_id = p.id),
        (select json_group_array(json_array(d.fund_source, d.amount_fen)) from disbursements d where d.project_id = p.id),
        (select json_group_object(m.kind, m.date) from project_milestones m where m.project_id = p.id ${kindFilter(milestoneKinds)}))) as j
    from projects p where p.code in (select value from json_each(${JSON.stringify(codes)}))`);
  const found = JSON.parse(row?.j ?? '[]') as Array<[number, string, string, ExistingProject['workflowState'], ExistingProject['acceptanceResult'], JsonObject, Array<[FundSource, number]> | string, JsonObject]>;
  for (const [id, code, villageCode, workflowState, acceptanceResult, budget, paid, milestones] of found) {
    into.set(code, {
      id,
      code,
      villageCode,
      workflowState,
      budget: object(budget) as Partial<Record<FundSource, number>>,
      paid: paidBySource(paid),
      milestones: object(milestones) as Partial<Record<MilestoneKind, string>>,
      acceptanceResult,
    });
  }
}

/**
 * `and kind in (…)` for the milestone kinds asked for (one bound parameter each: a list of
 * parameters is cheaper per row than a subquery over JSON); nothing when all are.
 */
const kindFilter = (kinds: readonly MilestoneKind[] | null) => (kinds ? sql`and kind in (${sql.join(kinds.map((k) => sql`${k}`), sql`, `)})` : sql``);

/**
 * Every stored project, read by scanning projects, budget lines, payments and milestones once each
 * (one JSON value per table) and joined here by project id.
 */
async function loadAllProjects(db: Reader, milestoneKinds: readonly MilestoneKind[] | null, into: Map<string, ExistingProject>): Promise<void> {
  // Each query answers one row of columns, each a JSON array of one column's values (the
  // aggregates see the rows in the same order): far fewer objects to parse than an array per row.
  const columns = async <T extends unknown[]>(query: ReturnType<typeof sql>): Promise<{ [K in keyof T]: T[K][] }> => {
    const [row] = await db.all<Record<string, string | null>>(query);
    return Object.values(row ?? {}).map((j) => JSON.parse(j ?? '[]') as unknown[]) as { [K in keyof T]: T[K][] };
  };
  // By id in a plain (holey) array: ids are small integers, and an array index is far cheaper than a map.
  const byId: ExistingProject[] = [];
  const [ids, projectCodes, villageCodes, states, results] = await columns<[number, string, string, ExistingProject['workflowState'], ExistingProject['acceptanceResult']]>(
    sql`select json_group_array(id) as a, json_group_array(code) as b, json_group_array(village_code) as c, json_group_array(workflow_state) as d, json_group_array(acceptance_result) as e from projects`,
  );
  for (let i = 0; i < ids.length; i++) {
    const code = projectCodes[i]!;
    const project: ExistingProject = { id: ids[i]!, code, villageCode: villageCodes[i]!, workflowState: states[i]!, budget: {}, paid: {}, milestones: {}, acceptanceResult: results[i]! };
    byId[project.id] = project;
    into.set(code, project);
  }
  const [budgetIds, budgetSources, budgetFen] = await columns<[number, FundSource, number]>(
    sql`select json_group_array(project_id) as a, json_group_array(fund_source) as b, json_group_array(amount_fen) as c from project_budgets`,
  );
  for (let i = 0; i < budgetIds.length; i++) {
    const project = byId[budgetIds[i]!];
    if (project) project.budget[budgetSources[i]!] = budgetFen[i]!;
  }
  const [paidIds, paidSources, paidFen] = await columns<[number, FundSource, number]>(
    sql`select json_group_array(project_id) as a, json_group_array(fund_source) as b, json_group_array(amount_fen) as c from disbursements`,
  );
  for (let i = 0; i < paidIds.length; i++) {
    const project = byId[paidIds[i]!];
    if (project) project.paid[paidSources[i]!] = (project.paid[paidSources[i]!] ?? 0) + paidFen[i]!;
  }
  const [milestoneIds, kinds, dates] = await columns<[number, MilestoneKind, string]>(
    sql`select json_group_array(project_id) as a, json_group_array(kind) as b, json_group_array(date) as c from project_milestones where true ${kindFilter(milestoneKinds)}`,
  );
  for (let i = 0; i < milestoneIds.length; i++) {
    const project = byId[milestoneIds[i]!];
    if (project) project.milestones[kinds[i]!] = dates[i]!;
  }
}

/**
 * The other columns of the stored projects among `codes`, as plain rows (a project upload usually
 * re-sends few stored projects). Not through JSON: SQLite writes doubles into JSON (and printf)
 * with at most 15–16 digits, so lon/lat would not compare equal to what was stored.
 */
async function loadDetails(db: Reader, codes: string[], into: Map<string, ExistingProjectDetails>): Promise<void> {
  if (codes.length === 0) return;
  const rows = await db
    .select({
      code: t.projects.code,
      year: t.projects.year,
      typeCode: t.projects.typeCode,
      name: t.projects.name,
      contentScale: t.projects.contentScale,
      implementingUnit: t.projects.implementingUnit,
      groupName: t.projects.groupName,
      lon: t.projects.lon,
      lat: t.projects.lat,
      beneficiaries: t.projects.beneficiaries,
      beneficiaryHouseholds: t.projects.beneficiaryHouseholds,
    })
    .from(t.projects)
    .where(sql`${t.projects.code} in (select value from json_each(${JSON.stringify(codes)}))`);
  for (const { code, ...details } of rows) into.set(code, details);
}

/** Paid so far per fund source, from [source, fen] pairs. */
function paidBySource(pairs: Array<[FundSource, number]> | string): Partial<Record<FundSource, number>> {
  const paid: Partial<Record<FundSource, number>> = {};
  for (const [source, fen] of typeof pairs === 'string' ? (JSON.parse(pairs) as Array<[FundSource, number]>) : pairs) paid[source] = (paid[source] ?? 0) + fen;
  return paid;
}

type JsonObject = Record<string, unknown> | string;
/** SQLite nests a JSON sub-result as an object; older versions hand it over as text. */
const object = (v: JsonObject): Record<string, unknown> => (typeof v === 'string' ? (JSON.parse(v) as Record<string, unknown>) : v);

/** How far village centres' extent is widened when a county has uploaded no outline (about 5 km). */
export const VILLAGE_EXTENT_MARGIN_DEG = 0.05;

/**
 * The ring locations are checked against: the county's uploaded outline; without one, the
 * extent of its village centres with a margin; without those, mainland China's extent. Of the
 * actor's county only: another county's outline or villages would let a location in the wrong
 * county pass.
 */
async function loadOutline(db: Database | WriteTx, countyCode: string): Promise<Pick<UploadContext, 'outline' | 'outlineSource'>> {
  const [settings] = await db.select({ outlineJson: t.countySettings.outlineJson }).from(t.countySettings).where(eq(t.countySettings.countyCode, countyCode));
  if (settings?.outlineJson) return { outline: JSON.parse(settings.outlineJson) as LonLat[], outlineSource: 'outline' };
  const centres = await db
    .select({ lon: t.divisions.lon, lat: t.divisions.lat })
    .from(t.divisions)
    .where(and(eq(t.divisions.level, 'village'), codeStartsWith(t.divisions.code, countyCode), isNotNull(t.divisions.lon), isNotNull(t.divisions.lat)));
  const ring = extentRing(centres.map((c) => [c.lon!, c.lat!] as LonLat), VILLAGE_EXTENT_MARGIN_DEG);
  return ring ? { outline: ring, outlineSource: 'village_extent' } : { outline: CHINA_EXTENT_RING, outlineSource: 'none' };
}

/** What the registry uploads compare against: the year's figures, the roster and its payments (with the standard of the actor's county). */
async function loadRoster(db: Database | WriteTx, kind: UploadKind, countyCode: string): Promise<Partial<UploadContext>> {
  if (kind === 'villages') {
    const registry = new Map<string, ExistingRegistry>();
    for (const r of await db.select().from(t.villageRegistry)) registry.set(`${r.villageCode}:${r.year}`, r);
    const centres = new Map<string, LonLat>();
    const rows = await db.select({ code: t.divisions.code, lon: t.divisions.lon, lat: t.divisions.lat }).from(t.divisions).where(and(eq(t.divisions.level, 'village'), isNotNull(t.divisions.lon)));
    for (const r of rows) centres.set(r.code, [r.lon!, r.lat!]);
    return { registry, centres };
  }
  if (kind !== 'households' && kind !== 'household-payments') return {};
  const households = new Map<string, ExistingHousehold>();
  const hhRows = await db
    .select({
      id: t.households.id,
      number: t.households.householdNumber,
      villageCode: t.households.villageCode,
      headName: t.households.headName,
      population: t.households.population,
      // Spelled out: drizzle leaves column names unqualified, and inside the subquery `id` would be the person's.
      registeredMembers: sql<number>`(select count(*) from persons p where p.household_id = households.id and p.registered = 1)`,
    })
    .from(t.households);
  const numberOf = new Map<number, string>();
  for (const { number, ...h } of hhRows) {
    households.set(number, h);
    numberOf.set(h.id, number);
  }
  if (kind === 'households') {
    const persons = new Map<string, ExistingPerson>();
    for (const p of await db.select().from(t.persons)) {
      persons.set(p.idHash, { id: p.id, householdNumber: numberOf.get(p.householdId) ?? '', name: p.name, relation: p.relation, registered: p.registered, removedReason: p.removedReason, removedDate: p.removedDate });
    }
    return { households, persons };
  }
  const householdPayments = new Map<string, ExistingHouseholdPayment>();
  for (const p of await db.select().from(t.householdPayments)) {
    householdPayments.set(`${numberOf.get(p.householdId)}:${p.year}`, { id: p.id, amountFen: p.amountFen, paymentDate: p.paymentDate, status: p.status, failureReason: p.failureReason, remedy: p.remedy });
  }
  const [settings] = await db.select({ standard: t.countySettings.subsidyStandardFen }).from(t.countySettings).where(eq(t.countySettings.countyCode, countyCode));
  return { households, householdPayments, subsidyStandardFen: settings?.standard ?? 60_000 };
}
