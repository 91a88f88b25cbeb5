/** Checks of a projects upload (项目申报) against the database and the uploader's scope. */
import { checkLocation, type CoordSystem } from '../geo/geo.ts';
import type { FundSource } from '../ledger/ledger.ts';
import { formatYuan, type Fen } from '../shared/money.ts';
import { STATE_LABELS } from '../ledger/workflow.ts';
import { sumBudget, type BudgetBySource, type CheckResult, type ParsedRow, type ProjectWrite, type UploadContext, type UploadProblem, type WritePlan } from './upload-plan.ts';
import { scopeProblem } from './upload-scope.ts';

/** Below this total a project budget was almost certainly typed in 万元 (1,000 元). */
export const SMALLEST_PLAUSIBLE_BUDGET_FEN = 100_000;

const EDITABLE = new Set(['draft', 'applied', 'returned']);

/** Said after a location hint, so staff know what "本县范围" was checked against. */
const OUTLINE_NOTE: Record<UploadContext['outlineSource'], string> = {
  outline: '',
  village_extent: '（县里没有上传县界，按各村村部位置的范围外扩约 5 公里检查。）',
  none: '（县里还没有县界和村部位置，只检查了在国内。）',
};

export function checkProjects(rows: readonly ParsedRow[], ctx: UploadContext): CheckResult {
  const errors: UploadProblem[] = [];
  const warnings: UploadProblem[] = [];
  const create: ProjectWrite[] = [];
  const update: Array<ProjectWrite & { id: number; from: ProjectWrite['workflowState'] }> = [];
  const seen = new Map<string, number>();
  let unchanged = 0;

  for (const { row, values: v } of rows) {
    const err = (column: string | undefined, problem: string, extra: Partial<UploadProblem> = {}) => errors.push({ row, ...(column ? { column } : {}), problem, ...extra });
    const code = v.code as string;
    const first = seen.get(code);
    if (first !== undefined) {
      err('项目编号', `项目编号重复：与第 ${first} 行相同`, { received: code, expected: '每个项目一个编号，每个编号只出现一次' });
      continue;
    }
    seen.set(code, row);
    const villageCode = v.villageCode as string;
    const village = ctx.villages.get(villageCode);
    if (!village) {
      err('村代码', '找不到这个村', { received: villageCode, expected: '本县 12 位村级统计区划代码', hint: '请对照县里下发的区划代码表；乡镇代码是 9 位，村代码是 12 位。' });
      continue;
    }
    const scope = scopeProblem(ctx, villageCode, village.name);
    if (scope) {
      err('村代码', scope.problem, scope);
      continue;
    }
    const typeText = v.type as string;
    const typeCode = ctx.projectTypes.get(typeText);
    if (!typeCode) err('项目类型', '没有这个项目类型', { received: typeText, expected: [...new Set(ctx.projectTypes.values())].join('、') || '县里设定的项目类型' });

    const budget: BudgetBySource = {};
    const budgetColumns: Array<[FundSource, string, string]> = [
      ['central', 'budgetCentral', '中央资金(元)'],
      ['provincial', 'budgetProvincial', '省级资金(元)'],
      ['county', 'budgetCounty', '县级资金(元)'],
      ['other', 'budgetOther', '其他资金(元)'],
    ];
    for (const [source, key] of budgetColumns) {
      const amount = v[key] as Fen | null;
      if (amount !== null && amount > 0) budget[source] = amount;
    }
    const total = sumBudget(budget);
    if (total === 0) {
      err('中央资金(元)', '四类资金都为空或为 0', { expected: '至少一类资金的预算金额（元）' });
    } else if (total < SMALLEST_PLAUSIBLE_BUDGET_FEN) {
      err('中央资金(元)', `预算合计只有 ${formatYuan(total)}，疑似按“万元”填写`, {
        received: formatYuan(total),
        expected: '以“元”为单位的金额',
        hint: `若预算是 ${total / 100} 万元，请填 ${(total / 100) * 10000}。`,
      });
    }

    let lon: number | null = null;
    let lat: number | null = null;
    const system = (v.coordSystem as CoordSystem | null) ?? 'CGCS2000';
    if ((v.lon === null) !== (v.lat === null)) {
      err(v.lon === null ? '经度' : '纬度', '经度和纬度只填了一个', { expected: '经度和纬度都填，或都不填' });
    } else if (v.lon !== null) {
      const check = checkLocation([v.lon as number, v.lat as number], system, ctx.outline);
      if (check.ok) [lon, lat] = check.point;
      else err('经度', check.problem, { received: `${v.lon}, ${v.lat}（${system}）`, expected: '本县范围内的经纬度', hint: [check.hint, OUTLINE_NOTE[ctx.outlineSource]].filter(Boolean).join('') });
    }

    const appliedDate = v.appliedDate as string;
    const reviewedDate = v.villageReviewedDate as string | null;
    if (appliedDate > ctx.today) err('申请日期', '日期在今天之后', { received: appliedDate, expected: `不晚于 ${ctx.today}` });
    if (reviewedDate !== null && reviewedDate < appliedDate) {
      err('村理财小组复核日期', '复核日期早于申请日期', { received: reviewedDate, expected: `不早于申请日期 ${appliedDate}` });
    }
    if (reviewedDate !== null && reviewedDate > ctx.today) err('村理财小组复核日期', '日期在今天之后', { received: reviewedDate, expected: `不晚于 ${ctx.today}` });
    const year = v.year as number;
    if (Math.abs(Number(appliedDate.slice(0, 4)) - year) > 1) {
      warnings.push({ row, column: '申请日期', problem: `申请日期 ${appliedDate} 与年度 ${year} 相差一年以上，请确认` });
    }
    if (!typeCode) continue;

    const write: ProjectWrite = {
      code,
      year,
      villageCode,
      groupName: (v.groupName as string | null) ?? null,
      typeCode,
      name: v.name as string,
      contentScale: v.contentScale as string,
      implementingUnit: v.implementingUnit as string,
      lon,
      lat,
      locationPrecision: lon === null ? 'village_centre' : 'exact',
      sourceCoordSystem: system,
      beneficiaries: (v.beneficiaries as number | null) ?? 0,
      beneficiaryHouseholds: (v.beneficiaryHouseholds as number | null) ?? 0,
      budget,
      appliedDate,
      villageReviewedDate: reviewedDate,
      workflowState: reviewedDate ? 'village_reviewed' : 'applied',
    };

    const existing = ctx.projects.get(code);
    if (!existing) {
      create.push(write);
      continue;
    }
    if (existing.villageCode !== villageCode) {
      err('项目编号', '这个编号已被另一个村的项目使用', { received: code, expected: '未被使用的项目编号' });
      continue;
    }
    const stored = ctx.projectDetails.get(code);
    const same =
      stored !== undefined &&
      stored.year === write.year &&
      stored.typeCode === write.typeCode &&
      stored.name === write.name &&
      stored.contentScale === write.contentScale &&
      stored.implementingUnit === write.implementingUnit &&
      stored.groupName === write.groupName &&
      stored.lon === write.lon &&
      stored.lat === write.lat &&
      stored.beneficiaries === write.beneficiaries &&
      stored.beneficiaryHouseholds === write.beneficiaryHouseholds &&
      sameBudget(existing.budget, write.budget);
    if (same) {
      unchanged++;
      continue;
    }
    if (!EDITABLE.has(existing.workflowState)) {
      err('项目编号', `项目已进入审核流程（${STATE_LABELS[existing.workflowState]}），不能通过上传修改`, {
        received: code,
        hint: '如需修改，请审核人先把项目“退回修改”，再重新上传。',
      });
      continue;
    }
    const paid = sumBudget(existing.paid);
    if (paid > total) err('中央资金(元)', `新预算 ${formatYuan(total)} 少于已拨付的 ${formatYuan(paid)}`, { expected: `不少于 ${formatYuan(paid)}` });
    update.push({ ...write, id: existing.id, from: existing.workflowState });
  }
  const plan: WritePlan = { kind: 'projects', create, update };
  return { kind: 'projects', errors, warnings, plan, unchanged };
}

function sameBudget(a: BudgetBySource, b: BudgetBySource): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as FundSource[]);
  return [...keys].every((k) => (a[k] ?? 0) === (b[k] ?? 0));
}
