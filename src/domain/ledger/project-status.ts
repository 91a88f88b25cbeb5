/**
 * Where a project stands on a given day, derived from its dated milestones. Pure: the "as of"
 * day is always passed in, never read from a clock.
 */
import { MILESTONE_ORDER, type Milestone, type MilestoneKind } from './ledger.ts';

/** Official names of the lifecycle steps, as printed in the ledger and on posters. */
export const MILESTONE_LABELS: Readonly<Record<MilestoneKind, string>> = {
  applied: '申请',
  village_reviewed: '复核',
  township_reviewed: '审核',
  county_approved: '审批',
  started: '开工',
  completed: '完工',
  accepted: '验收',
  settled: '决算',
};

/**
 * Whether an ISO date (or timestamp) falls on or before an ISO "as of" day. Only the
 * `YYYY-MM-DD` part is compared, so `2023-08-31T16:00:00Z` counts as on `2023-08-31`.
 */
export function isOnOrBefore(date: string, asOf: string): boolean {
  return date.slice(0, 10) <= asOf.slice(0, 10);
}

/** The date of a milestone if the project has reached it (by `asOf`, when given), else null. */
export function milestoneDate(
  project: { milestones: readonly Milestone[] },
  kind: MilestoneKind,
  asOf?: string,
): string | null {
  const m = project.milestones.find((x) => x.kind === kind);
  if (!m) return null;
  if (asOf !== undefined && !isOnOrBefore(m.date, asOf)) return null;
  return m.date;
}

/** Whether the project has a `kind` milestone dated on or before `asOf` (any date when omitted). */
export function hasReached(project: { milestones: readonly Milestone[] }, kind: MilestoneKind, asOf?: string): boolean {
  return milestoneDate(project, kind, asOf) !== null;
}

const LATEST_FIRST: readonly MilestoneKind[] = [...MILESTONE_ORDER].reverse();

/**
 * The project's status on `asOf`: the latest milestone, in lifecycle order (MILESTONE_ORDER),
 * whose date is on or before `asOf`. Without `asOf`, every recorded milestone counts. Null when
 * no milestone has been reached.
 *
 * Lifecycle order wins over date order, so a project recorded as `accepted` is accepted even
 * if its acceptance was entered with the same date as its completion.
 *
 * @example projectStatusAsOf(p, '2023-08-31') // 'started' when 开工 was 2023-05-02 and 完工 2023-10-10
 */
export function projectStatusAsOf(
  project: { milestones: readonly Milestone[] },
  asOf?: string,
): MilestoneKind | null {
  for (const kind of LATEST_FIRST) {
    if (hasReached(project, kind, asOf)) return kind;
  }
  return null;
}

/**
 * The status a villager reads on the wall or the site, in plain words:
 * - no milestone: 未申报 (the project has not even been applied for);
 * - applied … county_approved: 未开工 (approved or in approval, work not begun);
 * - started: 在建; completed: 已完工; accepted: 已验收; settled: 已决算.
 */
export function statusLabel(kind: MilestoneKind | null): string {
  switch (kind) {
    case null:
      return '未申报';
    case 'applied':
    case 'village_reviewed':
    case 'township_reviewed':
    case 'county_approved':
      return '未开工';
    case 'started':
      return '在建';
    case 'completed':
      return '已完工';
    case 'accepted':
      return '已验收';
    case 'settled':
      return '已决算';
  }
}
