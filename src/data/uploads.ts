/**
 * Committing an upload: in ONE write transaction, look for an earlier identical upload by the same
 * user (content hash or Idempotency-Key), load the context, run the checks, and either write
 * nothing (any error, or a dry run) or write every row, the workflow steps, the upload record and
 * the audit entry. Checks run inside the transaction, so two uploads sent at once are checked one
 * after the other against what the first wrote: no update is lost, no budget overrun slips in.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import * as t from '../../db/schema.ts';
import { actorUnit, type Actor, type UploadKind } from '../domain/access/access.ts';
import type { FundSource } from '../domain/ledger/ledger.ts';
import type { UploadFormat } from '../domain/upload/upload-file.ts';
import { checkReferences, checkUpload, referencesOf } from '../domain/upload/upload-check.ts';
import type { CheckResult, HouseholdPaymentWrite, PersonWrite, ProjectWrite, RosterPlan, UploadContext, UploadProblem, WritePlan } from '../domain/upload/upload-plan.ts';
import { idNumberProblem, storedIdentity } from '../domain/villager/roster-key.ts';
import { maskIdNumber } from '../domain/villager/masking.ts';
import type { ReadRows } from '../domain/upload/upload-table.ts';
import { appendAudit } from './audit.ts';
import { bulkInsert, insertFromJson } from './bulk-insert.ts';
import { countyOfCode } from './county-settings.ts';
import { loadUploadContext } from './upload-context.ts';
import { writeTransaction, type WriteTx } from './write-lock.ts';

export interface UploadReport {
  status: 'committed' | 'dry_run' | 'replayed' | 'rejected';
  uploadId: number | null;
  kind: UploadKind;
  format: UploadFormat;
  encoding: string | null;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  errors: UploadProblem[];
  warnings: UploadProblem[];
  /** When replayed: when the identical upload was first committed. */
  firstCommittedAt?: string;
}

export interface UploadRequest {
  actor: Actor;
  kind: UploadKind;
  format: UploadFormat;
  encoding: string | null;
  read: ReadRows;
  contentHash: string;
  idempotencyKey: string | null;
  dryRun: boolean;
  requestId: string | null;
  /** Now, ISO timestamp, and today in Asia/Shanghai. */
  at: string;
  today: string;
  /** The county's issuing unit, named as actor of county steps. */
  countyUnit: string;
  /** The roster key (ROSTER_KEY, or the sample's); null while unset, when a roster upload is refused. */
  rosterKey?: string | null;
  /** Told how far the write has got (rows written of rows to write), e.g. for a CLI progress bar. */
  onProgress?: (done: number, total: number) => void;
  /** Told when each stage starts: loading what the checks compare against, checking, writing. */
  onStage?: (stage: 'loading' | 'checking' | 'writing') => void;
}

export class IdempotencyConflictError extends Error {
  override name = 'IdempotencyConflictError';
}

const CHUNK = 400;
/** Bulk writes go in parts this big, so progress can be told between them. */
const PART = 5_000;
const chunked = <T>(rows: readonly T[], size = CHUNK): T[][] => Array.from({ length: Math.ceil(rows.length / size) }, (_, i) => rows.slice(i * size, (i + 1) * size));

export async function processUpload(db: Database, req: UploadRequest): Promise<UploadReport> {
  const base = { kind: req.kind, format: req.format, encoding: req.encoding, rows: req.read.dataRows, warnings: req.read.warnings };
  const rejected = (errors: UploadProblem[]): UploadReport => ({ ...base, status: 'rejected', uploadId: null, created: 0, updated: 0, unchanged: 0, errors });

  const refs = referencesOf(req.kind, [...req.read.rows, ...req.read.partial]);
  // A roster's ID numbers are replaced by what is stored of them before anything else sees the rows.
  const idProblems = req.kind === 'households' ? await replaceIdNumbers(req) : [];
  if (idProblems === null) {
    return rejected([{ problem: '服务器还没有设置 ROSTER_KEY（花名册的加密钥匙），不能上传花名册。', expected: '管理员先设置 ROSTER_KEY（见 docs/set-up-a-county.md）' }]);
  }
  const run = async (tx: WriteTx | Database): Promise<UploadReport> => {
    const replay = await findEarlier(tx, req);
    if (replay) return replay;
    req.onStage?.('loading');
    const ctx = await loadUploadContext(tx, { actor: req.actor, kind: req.kind, today: req.today, ...refs });
    // Rows whose cells could not be read are left out of the checks (only their village and
    // project codes are checked); every other row is checked in full, so one answer lists every
    // problem of the file.
    req.onStage?.('checking');
    const result = checkUpload(req.kind, req.read.rows, ctx);
    const counts = countOf(result);
    const warnings = [...req.read.warnings, ...result.warnings];
    const errors = [...req.read.errors, ...idProblems, ...checkReferences(req.kind, req.read.partial, ctx), ...result.errors].sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
    if (errors.length > 0) return { ...rejected(errors), warnings };
    if (req.dryRun) return { ...base, warnings, status: 'dry_run', uploadId: null, ...counts, errors: [] };
    req.onStage?.('writing');
    await applyPlan(tx as WriteTx, result.plan, req, ctx);
    const report: UploadReport = { ...base, warnings, status: 'committed', uploadId: null, ...counts, errors: [] };
    const [upload] = await tx
      .insert(t.uploads)
      .values({ kind: req.kind, contentHash: req.contentHash, idempotencyKey: req.idempotencyKey, userId: req.actor.userId, rows: req.read.dataRows, resultJson: JSON.stringify(report), createdAt: req.at })
      .returning({ id: t.uploads.id });
    report.uploadId = upload!.id;
    await appendAudit(tx, {
      at: req.at,
      actorId: req.actor.userId,
      actorLabel: req.actor.name,
      action: `upload.${req.kind}`,
      subjectType: 'upload',
      subjectId: String(upload!.id),
      detail: { kind: req.kind, format: req.format, contentHash: req.contentHash, rows: req.read.dataRows, created: counts.created, updated: counts.updated, unchanged: counts.unchanged },
      requestId: req.requestId,
    });
    return report;
  };
  // A dry run writes nothing, so it needs no write lock.
  return req.dryRun ? run(db) : writeTransaction(db, run);
}

async function findEarlier(tx: WriteTx | Database, req: UploadRequest): Promise<UploadReport | null> {
  const rows = await tx
    .select()
    .from(t.uploads)
    .where(and(eq(t.uploads.userId, req.actor.userId), req.idempotencyKey ? eq(t.uploads.idempotencyKey, req.idempotencyKey) : and(eq(t.uploads.kind, req.kind), eq(t.uploads.contentHash, req.contentHash))))
    .limit(1);
  let row = rows[0];
  if (!row && req.idempotencyKey) {
    [row] = await tx.select().from(t.uploads).where(and(eq(t.uploads.userId, req.actor.userId), eq(t.uploads.kind, req.kind), eq(t.uploads.contentHash, req.contentHash))).limit(1);
  }
  if (!row) return null;
  if (row.kind !== req.kind || row.contentHash !== req.contentHash) {
    throw new IdempotencyConflictError(`Idempotency-Key ${req.idempotencyKey} was used for a different upload`);
  }
  const stored = JSON.parse(row.resultJson) as UploadReport;
  return { ...stored, status: 'replayed', uploadId: row.id, firstCommittedAt: row.createdAt };
}

/**
 * Replaces each row's `idNumber` by `identity` (keyed hashes and the masked form) and returns the
 * problems of malformed numbers, shown masked; null when no roster key is configured.
 */
async function replaceIdNumbers(req: UploadRequest): Promise<UploadProblem[] | null> {
  if (!req.rosterKey) return null;
  const problems: UploadProblem[] = [];
  for (const list of [req.read.rows, req.read.partial]) {
    for (const r of list) {
      const raw = r.values.idNumber;
      delete r.values.idNumber;
      if (typeof raw !== 'string') continue;
      // Already NFKC-normalised, trimmed and upper-cased by the cell reader (readCode).
      const id = raw;
      const problem = idNumberProblem(id);
      if (problem) problems.push({ row: r.row, column: '身份证号', problem, received: maskIdNumber(id), expected: '18 位身份证号码，最后一位可能是 X' });
      else r.values.identity = await storedIdentity(req.rosterKey, id);
    }
  }
  return problems;
}

function countOf(result: CheckResult): { created: number; updated: number; unchanged: number } {
  const p = result.plan;
  switch (p.kind) {
    case 'villages':
      return { created: p.upsert.length, updated: 0, unchanged: result.unchanged };
    case 'households':
      return { created: p.createPersons.length, updated: p.updatePersons.length, unchanged: result.unchanged };
    case 'household-payments':
      return { created: p.create.length, updated: p.update.length, unchanged: result.unchanged };
    case 'projects':
    case 'direct-subsidies':
    case 'trainings':
      return { created: p.create.length, updated: p.update.length, unchanged: result.unchanged };
    case 'disbursements':
      return { created: p.create.length, updated: 0, unchanged: result.unchanged };
    case 'milestones':
      return { created: p.upsert.length, updated: 0, unchanged: result.unchanged };
    case 'allocations':
      return { created: p.documents.reduce((s, d) => s + d.allocations.length, 0), updated: 0, unchanged: 0 };
  }
}

async function applyPlan(tx: WriteTx, plan: WritePlan | RosterPlan, req: UploadRequest, ctx: UploadContext): Promise<void> {
  switch (plan.kind) {
    case 'villages':
    case 'households':
    case 'household-payments':
      return applyRosterPlan(tx, plan);
    case 'projects':
      return writeProjects(tx, plan.create, plan.update, req, ctx);
    case 'disbursements': {
      let done = 0;
      // Integers and text only, so one JSON value per part: cheaper than binding every value.
      for (const part of chunked(plan.create, PART)) {
        await insertFromJson(
          tx,
          `insert into disbursements (project_id, date, amount_fen, fund_source, voucher_number, payee, payee_is_person, created_at)
            select value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, ?2 from json_each(?1)`,
          part.map((d) => [d.projectId, d.date, d.amountFen, d.fundSource, d.voucherNumber, d.payee, d.payeeIsPerson ? 1 : 0]),
          [req.at],
        );
        req.onProgress?.((done += part.length), plan.create.length);
      }
      return;
    }
    case 'milestones':
      for (const m of plan.upsert) {
        await tx
          .insert(t.projectMilestones)
          .values({ projectId: m.projectId, kind: m.kind, date: m.date, note: m.note, actorUnit: null })
          .onConflictDoUpdate({ target: [t.projectMilestones.projectId, t.projectMilestones.kind], set: { date: m.date, note: m.note } });
        if (m.kind === 'accepted') await tx.update(t.projects).set({ acceptanceResult: m.acceptanceResult, updatedAt: req.at }).where(eq(t.projects.id, m.projectId));
      }
      return;
    case 'direct-subsidies':
      for (const part of chunked(plan.create)) await tx.insert(t.directSubsidies).values(part);
      for (const { id, ...u } of plan.update) await tx.update(t.directSubsidies).set(u).where(eq(t.directSubsidies.id, id));
      return;
    case 'trainings':
      // The actor's county: a township's course is in it (checked), a county-wide one is the county's.
      for (const part of chunked(plan.create)) await tx.insert(t.trainings).values(part.map((r) => ({ ...r, countyCode: countyOfCode(req.actor.scopeCode) })));
      for (const { id, ...u } of plan.update) await tx.update(t.trainings).set(u).where(eq(t.trainings.id, id));
      return;
    case 'allocations':
      for (const { existingId: _existing, allocations, docNumber, ...doc } of plan.documents) {
        const [row] = await tx.insert(t.allocationDocuments).values({ countyCode: countyOfCode(req.actor.scopeCode), docNumber, ...doc, createdAt: req.at }).returning({ id: t.allocationDocuments.id });
        for (const part of chunked(allocations)) await tx.insert(t.allocations).values(part.map((a) => ({ ...a, documentId: row!.id })));
      }
      return;
  }
}

const PROJECT_FIELDS = [
  'code', 'year', 'villageCode', 'groupName', 'typeCode', 'name', 'contentScale', 'implementingUnit', 'lon', 'lat',
  'locationPrecision', 'sourceCoordSystem', 'beneficiaries', 'beneficiaryHouseholds', 'updatedAt', 'workflowState', 'createdAt',
] as const;

function projectColumns(p: ProjectWrite, at: string) {
  return {
    code: p.code,
    year: p.year,
    villageCode: p.villageCode,
    groupName: p.groupName,
    typeCode: p.typeCode,
    name: p.name,
    contentScale: p.contentScale,
    implementingUnit: p.implementingUnit,
    lon: p.lon,
    lat: p.lat,
    locationPrecision: p.locationPrecision,
    sourceCoordSystem: p.sourceCoordSystem,
    beneficiaries: p.beneficiaries,
    beneficiaryHouseholds: p.beneficiaryHouseholds,
    updatedAt: at,
  };
}

/** The ids of projects by code, as one JSON value (far cheaper through the driver than a row each). */
async function projectIds(tx: WriteTx, codes: readonly string[]): Promise<Map<string, number>> {
  const [row] = await tx.all<{ j: string }>(sql`select json_group_array(json_array(code, id)) as j from ${t.projects} where code in (select value from json_each(${JSON.stringify(codes)}))`);
  return new Map(JSON.parse(row?.j ?? '[]') as Array<[string, number]>);
}

function budgetRows(projectId: number, p: ProjectWrite) {
  return (Object.entries(p.budget) as Array<[FundSource, number]>).map(([fundSource, amountFen]) => ({ projectId, fundSource, amountFen }));
}

/**
 * For each new project (`?1` = [[id, applied date, village review date or null, village committee]]):
 * the 申请 milestone, the 村理财小组复核 milestone when the sheet has its date, and the matching
 * workflow steps (draft → applied, applied → village_reviewed) by the uploader (`?2` user id, `?3`
 * unit, `?4` comment, `?5` time; `?6`/`?7` frame the review date in the review step's comment).
 */
const NEW_PROJECT_HISTORY_SQL = [
  `insert into project_milestones (project_id, kind, date, actor_unit)
    select value ->> 0, 'applied', value ->> 1, value ->> 3 from json_each(?1)`,
  `insert into project_milestones (project_id, kind, date, actor_unit)
    select value ->> 0, 'village_reviewed', value ->> 2, value ->> 3 from json_each(?1) where value ->> 2 is not null`,
  `insert into workflow_steps (subject_type, subject_id, from_state, to_state, action, actor_id, actor_unit, comment, at)
    select 'project', value ->> 0, 'draft', 'applied', 'apply', ?2, ?3, ?4, ?5 from json_each(?1)`,
  `insert into workflow_steps (subject_type, subject_id, from_state, to_state, action, actor_id, actor_unit, comment, at)
    select 'project', value ->> 0, 'applied', 'village_reviewed', 'village_review', ?2, ?3, ?6 || (value ->> 2) || ?7, ?5 from json_each(?1) where value ->> 2 is not null`,
];

async function writeProjects(
  tx: WriteTx,
  create: readonly ProjectWrite[],
  update: ReadonlyArray<ProjectWrite & { id: number; from: ProjectWrite['workflowState'] }>,
  req: UploadRequest,
  ctx: UploadContext,
): Promise<void> {
  const { villages } = ctx;
  const uploader = actorUnit(req.actor.role, villages.get(req.actor.scopeCode)?.name ?? ctx.townships.get(req.actor.scopeCode) ?? req.actor.scopeCode, req.countyUnit);
  const committee = (villageCode: string) => actorUnit('village', villages.get(villageCode)?.name ?? villageCode, req.countyUnit);
  const budgets: Array<ReturnType<typeof budgetRows>[number]> = [];
  const milestones: Array<typeof t.projectMilestones.$inferInsert> = [];
  const steps: Array<typeof t.workflowSteps.$inferInsert> = [];
  const step = (subjectId: number, fromState: string, toState: string, action: string, comment: string) =>
    steps.push({ subjectType: 'project', subjectId, fromState, toState, action, actorId: req.actor.userId, actorUnit: uploader, comment, at: req.at });

  let done = 0;
  for (const part of chunked(create, PART)) {
    req.onProgress?.((done += part.length), create.length);
    await bulkInsert(tx, t.projects, PROJECT_FIELDS, part.map((p) => ({ ...projectColumns(p, req.at), workflowState: p.workflowState, createdAt: req.at })));
    const idOf = await projectIds(tx, part.map((p) => p.code));
    // New projects' budget lines, milestones and first workflow steps are written by SQL from one
    // JSON value per part: [id, applied date, village review date or null, village committee].
    const created: Array<[number, string, string | null, string]> = [];
    const lines: Array<[number, string, number]> = [];
    for (const p of part) {
      const id = idOf.get(p.code)!;
      created.push([id, p.appliedDate, p.villageReviewedDate || null, committee(p.villageCode)]);
      for (const b of budgetRows(id, p)) lines.push([b.projectId, b.fundSource, b.amountFen]);
    }
    await insertFromJson(tx, `insert into project_budgets (project_id, fund_source, amount_fen) select value ->> 0, value ->> 1, value ->> 2 from json_each(?1)`, lines);
    await insertFromJson(tx, NEW_PROJECT_HISTORY_SQL, created, [req.actor.userId, uploader, `上传申报（${req.format.toUpperCase()}）`, req.at, '据上传表格：村理财小组已于 ', ' 复核']);
  }
  for (const p of update) {
    await tx.update(t.projects).set({ ...projectColumns(p, req.at), workflowState: p.workflowState }).where(eq(t.projects.id, p.id));
    await tx.delete(t.projectBudgets).where(eq(t.projectBudgets.projectId, p.id));
    budgets.push(...budgetRows(p.id, p));
    await tx.delete(t.projectMilestones).where(and(eq(t.projectMilestones.projectId, p.id), inArray(t.projectMilestones.kind, ['applied', 'village_reviewed'])));
    milestones.push({ projectId: p.id, kind: 'applied', date: p.appliedDate, actorUnit: committee(p.villageCode) });
    if (p.villageReviewedDate) milestones.push({ projectId: p.id, kind: 'village_reviewed', date: p.villageReviewedDate, actorUnit: committee(p.villageCode) });
    if (p.from !== p.workflowState) step(p.id, p.from, p.workflowState, p.from === 'returned' ? 'resubmit' : 'apply', '修改后重新上传');
  }
  await bulkInsert(tx, t.projectBudgets, ['projectId', 'fundSource', 'amountFen'], budgets);
  await bulkInsert(tx, t.projectMilestones, ['projectId', 'kind', 'date', 'actorUnit'], milestones as Array<Record<string, string | number | null>>);
  await bulkInsert(tx, t.workflowSteps, ['subjectType', 'subjectId', 'fromState', 'toState', 'action', 'actorId', 'actorUnit', 'comment', 'at'], steps as Array<Record<string, string | number | null>>);
}

async function applyRosterPlan(tx: WriteTx, plan: RosterPlan): Promise<void> {
  switch (plan.kind) {
    case 'villages': {
      for (const r of plan.upsert) {
        await tx
          .insert(t.villageRegistry)
          .values(r)
          .onConflictDoUpdate({ target: [t.villageRegistry.villageCode, t.villageRegistry.year], set: { migrantPopulation: r.migrantPopulation, migrantHouseholds: r.migrantHouseholds, isKeyVillage: r.isKeyVillage, note: r.note } });
      }
      for (const c of plan.centres) await tx.update(t.divisions).set({ lon: c.lon, lat: c.lat, coordSource: 'registry' }).where(eq(t.divisions.code, c.villageCode));
      // resettlement_villages holds each village's latest year: the figures pages show now.
      await tx.run(sql`insert into resettlement_villages (village_code, migrant_population, migrant_households, is_key_village)
        select village_code, migrant_population, migrant_households, is_key_village from village_registry r
        where year = (select max(year) from village_registry where village_code = r.village_code)
          and village_code in (select value from json_each(${JSON.stringify([...new Set(plan.upsert.map((r) => r.villageCode))])}))
        on conflict (village_code) do update set migrant_population = excluded.migrant_population,
          migrant_households = excluded.migrant_households, is_key_village = excluded.is_key_village`);
      return;
    }
    case 'households': {
      for (const part of chunked(plan.createHouseholds)) await tx.insert(t.households).values(part);
      for (const h of plan.updateHouseholds) await tx.update(t.households).set({ headName: h.headName, population: h.population }).where(eq(t.households.id, h.id));
      const ids = await householdIds(tx, [...plan.createPersons, ...plan.updatePersons]);
      const columns = ({ householdNumber, ...p }: PersonWrite) => ({ ...p, householdId: ids.get(householdNumber)! });
      for (const part of chunked(plan.createPersons)) await tx.insert(t.persons).values(part.map(columns));
      for (const { id, ...p } of plan.updatePersons) await tx.update(t.persons).set(columns(p)).where(eq(t.persons.id, id));
      return;
    }
    case 'household-payments': {
      const ids = await householdIds(tx, [...plan.create, ...plan.update]);
      const columns = ({ householdNumber, ...p }: HouseholdPaymentWrite) => ({ ...p, householdId: ids.get(householdNumber)! });
      for (const part of chunked(plan.create)) await tx.insert(t.householdPayments).values(part.map(columns));
      for (const { id, ...p } of plan.update) await tx.update(t.householdPayments).set(columns(p)).where(eq(t.householdPayments.id, id));
      return;
    }
  }
}

/** The roster ids of the households the rows name, by 户编号. */
async function householdIds(tx: WriteTx, rows: ReadonlyArray<{ householdNumber: string }>): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const part of chunked([...new Set(rows.map((r) => r.householdNumber))])) {
    for (const r of await tx.select({ id: t.households.id, number: t.households.householdNumber }).from(t.households).where(inArray(t.households.householdNumber, part))) ids.set(r.number, r.id);
  }
  return ids;
}
