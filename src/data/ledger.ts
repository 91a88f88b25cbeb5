/**
 * Reads the internal ledger tables into the plain Ledger of src/domain/ledger/ledger.ts, which the
 * indicators and disclosure snapshots are computed from. Six queries sent in one batch (one round
 * trip, also over HTTP), whatever the number of projects.
 */
import { and, asc, eq, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { codeStartsWith } from './code-prefix.ts';
import type { Database } from '../../db/database.ts';
import {
  directSubsidies,
  disbursements,
  divisions,
  projectBudgets,
  projectMilestones,
  projects,
  projectTypes,
  trainings,
} from '../../db/schema.ts';
import {
  FUND_SOURCE_ORDER,
  MILESTONE_ORDER,
  type Disbursement,
  type BudgetLine,
  type Ledger,
  type Milestone,
  type ProjectRecord,
} from '../domain/ledger/ledger.ts';

export interface LoadLedgerOptions {
  /** Only this programme year; all years when omitted. */
  year?: number;
  /**
   * Also projects still in the approval workflow (draft, applied, reviewed, returned). By default
   * only projects approved by the county (`county_approved`) are in the ledger: the others are
   * not yet part of any year's plan and must not move its indicators.
   */
  includeUnapproved?: boolean;
  /**
   * Only records within this division (a county, township or village code, matched as a prefix of
   * the village code). Trainings: with a county scope the county's own (county-wide ones included),
   * with a township scope that township's, with a village scope none. All the database's records
   * when omitted; a county's publish passes its county so that it never reads another county's.
   */
  scopeCode?: string;
}

const milestoneRank = new Map(MILESTONE_ORDER.map((k, i) => [k, i]));
const fundSourceRank = new Map(FUND_SOURCE_ORDER.map((k, i) => [k, i]));

/**
 * Loads the ledger: projects (with budget lines, milestones in lifecycle order and disbursements
 * in date order; townshipCode is the parent of the project's village), direct subsidies and
 * trainings, for one year or all.
 *
 * @example
 * const ledger = await loadLedger(db, { year: 2022 });
 * computeIndicators(ledger, { year: 2022, asOf: '2023-08-31' });
 */
export async function loadLedger(db: Database, options: LoadLedgerOptions = {}): Promise<Ledger> {
  const { year, scopeCode } = options;
  // As an index range (src/data/code-prefix.ts): the villages (or trainings' townships) in the scope.
  const within = (column: SQLiteColumn) => (scopeCode === undefined ? undefined : codeStartsWith(column, scopeCode));
  const projectScope: SQL | undefined = and(
    year === undefined ? undefined : eq(projects.year, year),
    options.includeUnapproved ? undefined : eq(projects.workflowState, 'county_approved'),
    within(projects.villageCode),
  );

  const [projectRows, budgetRows, milestoneRows, disbursementRows, subsidyRows, trainingRows] = await db.batch([
    db
      .select({
        id: projects.id,
        code: projects.code,
        year: projects.year,
        villageCode: projects.villageCode,
        townshipCode: divisions.parentCode,
        groupName: projects.groupName,
        typeCode: projects.typeCode,
        typeName: projectTypes.name,
        indicatorGroup: projectTypes.indicatorGroup,
        name: projects.name,
        contentScale: projects.contentScale,
        implementingUnit: projects.implementingUnit,
        lon: projects.lon,
        lat: projects.lat,
        locationPrecision: projects.locationPrecision,
        acceptanceResult: projects.acceptanceResult,
        beneficiaries: projects.beneficiaries,
        beneficiaryHouseholds: projects.beneficiaryHouseholds,
      })
      .from(projects)
      .innerJoin(projectTypes, eq(projectTypes.code, projects.typeCode))
      .innerJoin(divisions, eq(divisions.code, projects.villageCode))
      .where(projectScope)
      .orderBy(asc(projects.code)),
    db
      .select({ projectId: projectBudgets.projectId, fundSource: projectBudgets.fundSource, amountFen: projectBudgets.amountFen })
      .from(projectBudgets)
      .innerJoin(projects, eq(projects.id, projectBudgets.projectId))
      .where(projectScope),
    db
      .select({
        projectId: projectMilestones.projectId,
        kind: projectMilestones.kind,
        date: projectMilestones.date,
        actorUnit: projectMilestones.actorUnit,
      })
      .from(projectMilestones)
      .innerJoin(projects, eq(projects.id, projectMilestones.projectId))
      .where(projectScope),
    db
      .select({
        projectId: disbursements.projectId,
        date: disbursements.date,
        amountFen: disbursements.amountFen,
        fundSource: disbursements.fundSource,
        voucherNumber: disbursements.voucherNumber,
        payee: disbursements.payee,
      })
      .from(disbursements)
      .innerJoin(projects, eq(projects.id, disbursements.projectId))
      .where(projectScope)
      .orderBy(asc(disbursements.date), asc(disbursements.id)),
    db
      .select({
        villageCode: directSubsidies.villageCode,
        townshipCode: divisions.parentCode,
        year: directSubsidies.year,
        beneficiaries: directSubsidies.beneficiaries,
        standardFenPerPerson: directSubsidies.standardFenPerPerson,
        amountFen: directSubsidies.amountFen,
        dueDate: directSubsidies.dueDate,
        paymentDate: directSubsidies.paymentDate,
        channel: directSubsidies.channel,
      })
      .from(directSubsidies)
      .innerJoin(divisions, eq(divisions.code, directSubsidies.villageCode))
      .where(and(year === undefined ? undefined : eq(directSubsidies.year, year), within(directSubsidies.villageCode)))
      .orderBy(asc(directSubsidies.year), asc(directSubsidies.villageCode)),
    db
      .select({
        year: trainings.year,
        course: trainings.course,
        organizer: trainings.organizer,
        startDate: trainings.startDate,
        endDate: trainings.endDate,
        townshipCode: trainings.townshipCode,
        trainees: trainings.trainees,
        passed: trainings.passed,
      })
      .from(trainings)
      .where(
        and(
          year === undefined ? undefined : eq(trainings.year, year),
          scopeCode === undefined ? undefined : scopeCode.length <= 6 ? codeStartsWith(trainings.countyCode, scopeCode) : within(trainings.townshipCode),
        ),
      )
      .orderBy(asc(trainings.year), asc(trainings.startDate), asc(trainings.id)),
  ]);

  const budgets = groupBy(budgetRows, (r): BudgetLine => ({ fundSource: r.fundSource, amountFen: r.amountFen }));
  const milestones = groupBy(milestoneRows, (r): Milestone => ({ kind: r.kind, date: r.date, actorUnit: r.actorUnit }));
  const paid = groupBy(
    disbursementRows,
    (r): Disbursement => ({
      date: r.date,
      amountFen: r.amountFen,
      fundSource: r.fundSource,
      voucherNumber: r.voucherNumber,
      payee: r.payee,
    }),
  );

  const projectRecords = projectRows.map(({ id, townshipCode, ...p }): ProjectRecord => ({
    ...p,
    townshipCode: townshipCode ?? '',
    budget: (budgets.get(id) ?? []).sort(
      (a, b) => (fundSourceRank.get(a.fundSource) ?? 0) - (fundSourceRank.get(b.fundSource) ?? 0),
    ),
    milestones: (milestones.get(id) ?? []).sort(
      (a, b) => (milestoneRank.get(a.kind) ?? 0) - (milestoneRank.get(b.kind) ?? 0),
    ),
    disbursements: paid.get(id) ?? [],
  }));

  return {
    projects: projectRecords,
    directSubsidies: subsidyRows.map((s) => ({ ...s, townshipCode: s.townshipCode ?? '' })),
    trainings: trainingRows,
  };
}

function groupBy<R extends { projectId: number }, T>(rows: readonly R[], map: (row: R) => T): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const r of rows) {
    const list = out.get(r.projectId);
    if (list) list.push(map(r));
    else out.set(r.projectId, [map(r)]);
  }
  return out;
}
