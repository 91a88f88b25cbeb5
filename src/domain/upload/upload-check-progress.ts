/** Checks of a progress upload (开工、完工、验收、决算): approved project, order of dates, scope. */
import type { MilestoneKind } from '../ledger/ledger.ts';
import { MILESTONE_LABELS } from '../ledger/project-status.ts';
import { STATE_LABELS } from '../ledger/workflow.ts';
import type { CheckResult, ParsedRow, UploadContext, UploadProblem, WritePlan } from './upload-plan.ts';
import { scopeProblem } from './upload-scope.ts';

const ORDER: readonly MilestoneKind[] = ['county_approved', 'started', 'completed', 'accepted', 'settled'];

export function checkMilestones(rows: readonly ParsedRow[], ctx: UploadContext): CheckResult {
  const errors: UploadProblem[] = [];
  const upsert: Extract<WritePlan, { kind: 'milestones' }>['upsert'] = [];
  const dates = new Map<string, Partial<Record<MilestoneKind, { date: string; row: number | null }>>>();
  const seen = new Map<string, number>();
  let unchanged = 0;
  const touched: Array<{ code: string; row: number; kind: MilestoneKind }> = [];

  for (const { row, values: v } of rows) {
    const err = (column: string, problem: string, extra: Partial<UploadProblem> = {}) => errors.push({ row, column, problem, ...extra });
    const code = v.projectCode as string;
    const kind = v.kind as MilestoneKind;
    const date = v.date as string;
    const project = ctx.projects.get(code);
    if (!project) {
      err('项目编号', '找不到这个项目', { received: code, expected: '已录入系统的项目编号' });
      continue;
    }
    const scope = scopeProblem(ctx, project.villageCode);
    if (scope) {
      err('项目编号', scope.problem, scope);
      continue;
    }
    if (project.workflowState !== 'county_approved') {
      err('项目编号', `项目尚未县级审批（当前：${STATE_LABELS[project.workflowState]}），不能登记${MILESTONE_LABELS[kind]}`, { received: code });
      continue;
    }
    const key = `${code}:${kind}`;
    if (seen.has(key)) {
      err('进度', `同一项目的“${MILESTONE_LABELS[kind]}”重复：与第 ${seen.get(key)} 行相同`, { received: MILESTONE_LABELS[kind] });
      continue;
    }
    seen.set(key, row);
    if (date > ctx.today) err('日期', '日期在今天之后', { received: date, expected: `不晚于 ${ctx.today}` });
    const result = (v.acceptanceResult as 'pass' | 'fail' | null) ?? null;
    if (kind === 'accepted' && result === null) err('验收结果', '“验收”行必须填写验收结果', { expected: '合格 或 不合格' });
    if (kind !== 'accepted' && result !== null) err('验收结果', `只有“验收”行填写验收结果，这一行是“${MILESTONE_LABELS[kind]}”`, { received: String(v.acceptanceResult) });
    let known = dates.get(code);
    if (!known) {
      known = {};
      for (const k of ORDER) {
        const d = project.milestones[k];
        if (d) known[k] = { date: d, row: null };
      }
      dates.set(code, known);
    }
    if (project.milestones[kind] === date && (kind !== 'accepted' || project.acceptanceResult === result)) {
      unchanged++;
      continue;
    }
    known[kind] = { date, row };
    touched.push({ code, row, kind });
    upsert.push({ projectId: project.id, kind, date, note: (v.note as string | null) ?? null, acceptanceResult: result });
  }

  // Order is checked once every row is in, so a file may list 完工 before 开工.
  for (const { code, row, kind } of touched) {
    const known = dates.get(code)!;
    const own = known[kind]!;
    const i = ORDER.indexOf(kind);
    for (const earlier of ORDER.slice(0, i)) {
      const e = known[earlier];
      if (e && e.date > own.date) {
        errors.push({
          row,
          column: '日期',
          problem: `${MILESTONE_LABELS[kind]}日期早于${MILESTONE_LABELS[earlier]}日期`,
          received: own.date,
          expected: `不早于${MILESTONE_LABELS[earlier]}日期 ${e.date}${e.row ? `（第 ${e.row} 行）` : '（系统已有记录）'}`,
        });
      }
    }
    if (kind !== 'started') {
      const previous = ORDER[i - 1]!;
      if (previous !== 'county_approved' && !known[previous]) {
        errors.push({ row, column: '进度', problem: `还没有“${MILESTONE_LABELS[previous]}”记录，不能登记“${MILESTONE_LABELS[kind]}”`, expected: `先登记${MILESTONE_LABELS[previous]}` });
      }
    }
  }
  errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  return { kind: 'milestones', errors, warnings: [], plan: { kind: 'milestones', upsert }, unchanged };
}
