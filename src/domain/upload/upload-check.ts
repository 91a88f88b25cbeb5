/** Runs the checks of an upload kind over its rows: all problems at once, or the plan of writes. */
import type { UploadKind } from '../access/access.ts';
import { checkAllocations, checkTrainings } from './upload-check-county.ts';
import { checkDisbursements, checkDirectSubsidies } from './upload-check-payments.ts';
import { checkMilestones } from './upload-check-progress.ts';
import { checkProjects } from './upload-check-projects.ts';
import { checkHouseholdPayments, checkHouseholds, checkVillages } from './upload-check-registry.ts';
import type { CheckResult, ParsedRow, UploadContext, UploadProblem } from './upload-plan.ts';
import { scopeProblem } from './upload-scope.ts';

const CHECKS: Record<UploadKind, (rows: readonly ParsedRow[], ctx: UploadContext) => CheckResult> = {
  projects: checkProjects,
  disbursements: checkDisbursements,
  milestones: checkMilestones,
  'direct-subsidies': checkDirectSubsidies,
  trainings: checkTrainings,
  allocations: checkAllocations,
  villages: checkVillages,
  households: checkHouseholds,
  'household-payments': (rows, ctx) => checkHouseholdPayments(rows, ctx, ctx.subsidyStandardFen ?? 60_000),
};

export function checkUpload(kind: UploadKind, rows: readonly ParsedRow[], ctx: UploadContext): CheckResult {
  const result = CHECKS[kind](rows, ctx);
  const retired = retiredVillageProblems(rows, ctx);
  return retired.length === 0 ? result : { ...result, errors: [...retired, ...result.errors].sort((a, b) => (a.row ?? 0) - (b.row ?? 0)) };
}

/**
 * Rows that name a village merged away (村撤并) for its year of retirement or later (or with no
 * year, e.g. a 花名册 row): the successor takes its place. Earlier years stay the old village's.
 */
export function retiredVillageProblems(rows: readonly ParsedRow[], ctx: UploadContext): UploadProblem[] {
  const problems: UploadProblem[] = [];
  for (const { row, values } of rows) {
    const code = values.villageCode;
    if (typeof code !== 'string') continue;
    const retired = ctx.villages.get(code)?.retired;
    if (!retired) continue;
    const year = typeof values.year === 'number' ? values.year : null;
    if (year !== null && year < Number(retired.on.slice(0, 4))) continue;
    const successor = retired.successorCode ? `${retired.successorName ?? ''}（${retired.successorCode}）` : '新的村';
    problems.push({
      row,
      column: '村代码',
      problem: `这个村已于 ${retired.on} 撤并`,
      received: `${ctx.villages.get(code)!.name}（${code}）`,
      expected: retired.successorCode ?? '现有的村代码',
      hint: `${year !== null ? `${retired.on.slice(0, 4)} 年起` : '现在'}请写并入后的${successor}；撤并前年度的数据仍用原代码。`,
    });
  }
  return problems;
}

/**
 * The project codes and voucher numbers an upload refers to (what to load), in row order, one per
 * row that has one: a code may repeat. Not made unique here, because a large upload is read by
 * scanning the tables and needs no list at all, and hashing 100,000 codes into a set cost more
 * than the scan (loadUploadContext makes the list unique when it looks codes up).
 */
export function referencesOf(kind: UploadKind, rows: readonly ParsedRow[]): { projectCodes: string[]; voucherNumbers: string[] } {
  const codes: string[] = [];
  const vouchers: string[] = [];
  for (const { values } of rows) {
    const code = kind === 'projects' ? values.code : values.projectCode;
    if (typeof code === 'string') codes.push(code);
    if (typeof values.voucherNumber === 'string') vouchers.push(values.voucherNumber);
  }
  return { projectCodes: codes, voucherNumbers: vouchers };
}

/**
 * The village and project codes of rows that could not be read in full (`ReadRows.partial`):
 * an unknown code or one outside the uploader's scope is reported too, so a row with a bad
 * amount and a wrong village gets both problems in one answer.
 */
export function checkReferences(kind: UploadKind, rows: readonly ParsedRow[], ctx: UploadContext): UploadProblem[] {
  const problems: UploadProblem[] = [];
  for (const { row, values } of rows) {
    const villageCode = values.villageCode;
    if (typeof villageCode === 'string') {
      const village = ctx.villages.get(villageCode);
      const scope = village ? scopeProblem(ctx, villageCode, village.name) : null;
      if (!village) problems.push({ row, column: '村代码', problem: '找不到这个村', received: villageCode, expected: '本县 12 位村级统计区划代码', hint: '请对照县里下发的区划代码表；乡镇代码是 9 位，村代码是 12 位。' });
      else if (scope) problems.push({ row, column: '村代码', ...scope });
    }
    const projectCode = kind === 'projects' ? undefined : values.projectCode;
    if (typeof projectCode === 'string') {
      const project = ctx.projects.get(projectCode);
      const scope = project ? scopeProblem(ctx, project.villageCode) : null;
      if (!project) problems.push({ row, column: '项目编号', problem: '找不到这个项目', received: projectCode, expected: '已录入系统的项目编号' });
      else if (scope) problems.push({ row, column: '项目编号', ...scope });
    }
  }
  return problems;
}
