/** Loads what the upload checks need to know (src/domain/upload-plan.ts UploadContext). */
import { sql } from 'drizzle-orm';
import * as t from '../../db/schema.ts';
import type { Actor, UploadKind } from '../domain/access.ts';
import { COUNTY_OUTLINE_RING } from '../domain/county-outline.ts';
import type { FundSource, MilestoneKind } from '../domain/ledger.ts';
import type { ExistingDisbursement, ExistingProject, ExistingProjectDetails, UploadContext, VillageInfo } from '../domain/upload-plan.ts';
import type { Database } from '../../db/database.ts';
import type { WriteTx } from './write-lock.ts';

type Reader = WriteTx | Database;

/**
 * From this many codes on, stored projects are read by scanning the four tables once each rather
 * than looking every project up: for an upload that names most of the county's projects (a year's
 * payments, say) the scan is several times faster, for a small one the lookups are.
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
    projectCodes: readonly string[];
    voucherNumbers: readonly string[];
    /** From how many project codes the projects are read by scanning the tables (default SCAN_FROM); for tests. */
    scanFrom?: number;
  },
): Promise<UploadContext> {
  const { kind } = input;
  const divisionRows = await db.select({ code: t.divisions.code, name: t.divisions.name, level: t.divisions.level, parentCode: t.divisions.parentCode }).from(t.divisions);
  const villages = new Map<string, VillageInfo>();
  const townships = new Map<string, string>();
  for (const d of divisionRows) {
    if (d.level === 'village') villages.set(d.code, { code: d.code, name: d.name, townshipCode: d.parentCode ?? '' });
    else if (d.level === 'township') townships.set(d.code, d.name);
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
    if (input.projectCodes.length >= (input.scanFrom ?? SCAN_FROM)) await loadAllProjects(db, new Set(input.projectCodes), milestoneKinds, projects);
    for (const codes of chunks(input.projectCodes)) {
      if (input.projectCodes.length < (input.scanFrom ?? SCAN_FROM)) await loadProjects(db, codes, milestoneKinds, projects);
      if (kind === 'projects') await loadDetails(db, codes, projectDetails);
    }
  }
  const disbursements = new Map<string, ExistingDisbursement>();
  if (kind === 'disbursements') {
    for (const vouchers of chunks(input.voucherNumbers)) {
      const rows = await db
        .select({ voucherNumber: t.disbursements.voucherNumber, projectId: t.disbursements.projectId, date: t.disbursements.date, amountFen: t.disbursements.amountFen, fundSource: t.disbursements.fundSource, payee: t.disbursements.payee, payeeIsPerson: t.disbursements.payeeIsPerson })
        .from(t.disbursements)
        .where(sql`${t.disbursements.voucherNumber} in (select value from json_each(${JSON.stringify(vouchers)}))`);
      for (const { voucherNumber, ...r } of rows) disbursements.set(voucherNumber, r);
    }
  }
  const directSubsidies = new Map<string, UploadContext['directSubsidies'] extends ReadonlyMap<string, infer V> ? V : never>();
  if (kind === 'direct-subsidies') {
    for (const r of await db.select().from(t.directSubsidies)) directSubsidies.set(`${r.villageCode}:${r.year}`, r);
  }
  const trainings = new Map<string, UploadContext['trainings'] extends ReadonlyMap<string, infer V> ? V : never>();
  if (kind === 'trainings') {
    for (const r of await db.select().from(t.trainings)) trainings.set(`${r.year}:${r.course}:${r.startDate}:${r.townshipCode ?? ''}`, r);
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
        allocatedFen: sql<number>`coalesce((select sum(${t.allocations.amountFen}) from ${t.allocations} where ${t.allocations.documentId} = ${t.allocationDocuments.id}), 0)`,
      })
      .from(t.allocationDocuments);
    for (const { docNumber, ...r } of rows) documents.set(docNumber, r);
  }
  return { actor: input.actor, today: input.today, outline: COUNTY_OUTLINE_RING, villages, townships, projectTypes, projects, projectDetails, disbursements, directSubsidies, trainings, documents };
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

/** `and kind in (…)` for the milestone kinds asked for; nothing when all are. */
const kindFilter = (kinds: readonly MilestoneKind[] | null) => (kinds ? sql`and kind in (select value from json_each(${JSON.stringify(kinds)}))` : sql``);

/**
 * Every stored project whose code is in `codes`, read by scanning projects, budget lines, payments
 * and milestones once each (one JSON value per table) and joining them here by project id.
 */
async function loadAllProjects(db: Reader, codes: ReadonlySet<string>, milestoneKinds: readonly MilestoneKind[] | null, into: Map<string, ExistingProject>): Promise<void> {
  const table = async <T>(query: ReturnType<typeof sql>): Promise<T[]> => {
    const [row] = await db.all<{ j: string | null }>(query);
    return JSON.parse(row?.j ?? '[]') as T[];
  };
  const byId = new Map<number, ExistingProject>();
  for (const [id, code, villageCode, workflowState, acceptanceResult] of await table<[number, string, string, ExistingProject['workflowState'], ExistingProject['acceptanceResult']]>(
    sql`select json_group_array(json_array(id, code, village_code, workflow_state, acceptance_result)) as j from projects`,
  )) {
    if (!codes.has(code)) continue;
    const project: ExistingProject = { id, code, villageCode, workflowState, budget: {}, paid: {}, milestones: {}, acceptanceResult };
    byId.set(id, project);
    into.set(code, project);
  }
  for (const [id, source, fen] of await table<[number, FundSource, number]>(sql`select json_group_array(json_array(project_id, fund_source, amount_fen)) as j from project_budgets`)) {
    const project = byId.get(id);
    if (project) project.budget[source] = fen;
  }
  for (const [id, source, fen] of await table<[number, FundSource, number]>(sql`select json_group_array(json_array(project_id, fund_source, amount_fen)) as j from disbursements`)) {
    const project = byId.get(id);
    if (project) project.paid[source] = (project.paid[source] ?? 0) + fen;
  }
  for (const [id, kind, date] of await table<[number, MilestoneKind, string]>(sql`select json_group_array(json_array(project_id, kind, date)) as j from project_milestones where true ${kindFilter(milestoneKinds)}`)) {
    const project = byId.get(id);
    if (project) project.milestones[kind] = date;
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
