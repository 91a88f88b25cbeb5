/** Runs the checks of an upload kind over its rows: all problems at once, or the plan of writes. */
import type { UploadKind } from './access.ts';
import { checkAllocations, checkTrainings } from './upload-check-county.ts';
import { checkDisbursements, checkDirectSubsidies } from './upload-check-payments.ts';
import { checkMilestones } from './upload-check-progress.ts';
import { checkProjects } from './upload-check-projects.ts';
import type { CheckResult, ParsedRow, UploadContext } from './upload-plan.ts';

const CHECKS: Record<UploadKind, (rows: readonly ParsedRow[], ctx: UploadContext) => CheckResult> = {
  projects: checkProjects,
  disbursements: checkDisbursements,
  milestones: checkMilestones,
  'direct-subsidies': checkDirectSubsidies,
  trainings: checkTrainings,
  allocations: checkAllocations,
};

export function checkUpload(kind: UploadKind, rows: readonly ParsedRow[], ctx: UploadContext): CheckResult {
  return CHECKS[kind](rows, ctx);
}

/** The project codes, village codes and voucher numbers an upload refers to (what to load). */
export function referencesOf(kind: UploadKind, rows: readonly ParsedRow[]): { projectCodes: string[]; voucherNumbers: string[] } {
  const codes = new Set<string>();
  const vouchers = new Set<string>();
  for (const { values } of rows) {
    const code = kind === 'projects' ? values.code : values.projectCode;
    if (typeof code === 'string') codes.add(code);
    if (typeof values.voucherNumber === 'string') vouchers.add(values.voucherNumber);
  }
  return { projectCodes: [...codes], voucherNumbers: [...vouchers] };
}
