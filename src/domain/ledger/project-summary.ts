/**
 * What the portal shows about one project's money and progress, computed from a published
 * ProjectRecord: budget against payments per fund source, and the dates of the key steps.
 * Pure: the cut-off day is passed in.
 */
import { FUND_SOURCE_ORDER, MILESTONE_ORDER, type FundSource, type MilestoneKind, type ProjectRecord } from './ledger.ts';
import { sumFen, type Fen } from '../shared/money.ts';
import { isOnOrBefore } from './project-status.ts';

export interface FundSourceLine {
  fundSource: FundSource;
  budgetFen: Fen;
  disbursedFen: Fen;
}

export interface ProjectMoney {
  budgetFen: Fen;
  disbursedFen: Fen;
  /** Budget minus payments, never below 0 (an overpayment shows as 0 here and in `overBudget`). */
  remainingFen: Fen;
  overBudget: boolean;
  /** Only the sources with a budget or a payment, in FUND_SOURCE_ORDER. */
  bySource: FundSourceLine[];
}

/**
 * Budget and payments of a project as of `asOf`, per fund source.
 * @example projectMoney(p, '2023-08-31').bySource // [{ fundSource: 'central', budgetFen: 8300000, disbursedFen: 3780000 }]
 */
export function projectMoney(project: ProjectRecord, asOf: string): ProjectMoney {
  const paid = project.disbursements.filter((d) => isOnOrBefore(d.date, asOf));
  const bySource = FUND_SOURCE_ORDER.map((fundSource) => ({
    fundSource,
    budgetFen: sumFen(project.budget.filter((b) => b.fundSource === fundSource).map((b) => b.amountFen)),
    disbursedFen: sumFen(paid.filter((d) => d.fundSource === fundSource).map((d) => d.amountFen)),
  })).filter((l) => l.budgetFen > 0 || l.disbursedFen > 0);
  const budgetFen = sumFen(bySource.map((l) => l.budgetFen));
  const disbursedFen = sumFen(bySource.map((l) => l.disbursedFen));
  return { budgetFen, disbursedFen, remainingFen: Math.max(0, budgetFen - disbursedFen), overBudget: disbursedFen > budgetFen, bySource };
}

/** The steps a villager looks for first: approval, start, completion, acceptance. */
export const KEY_MILESTONES: readonly MilestoneKind[] = ['county_approved', 'started', 'completed', 'accepted'];

export interface TimelineStep {
  kind: MilestoneKind;
  date: string | null;
  actorUnit: string | null;
}

/** Every lifecycle step in order, with its date and unit when reached by `asOf`. */
export function projectTimeline(project: ProjectRecord, asOf: string): TimelineStep[] {
  return MILESTONE_ORDER.map((kind) => {
    const m = project.milestones.find((x) => x.kind === kind && isOnOrBefore(x.date, asOf));
    return { kind, date: m?.date ?? null, actorUnit: m?.actorUnit ?? null };
  });
}

/** Whole days from `today` to the last day of a period (0 on the last day), or null once it is over. */
export function daysLeftInPeriod(periodEnd: string, today: string): number | null {
  const ms = Date.parse(`${periodEnd.slice(0, 10)}T00:00:00Z`) - Date.parse(`${today.slice(0, 10)}T00:00:00Z`);
  const days = Math.round(ms / 86_400_000);
  return days < 0 ? null : days;
}
