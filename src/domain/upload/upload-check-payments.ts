/** Checks of disbursement (拨付) and direct-subsidy (直补) uploads: scope, budget, units, dates. */
import type { FundSource } from '../ledger/ledger.ts';
import { FUND_SOURCE_LABELS } from '../ledger/labels.ts';
import { formatYuan, type Fen } from '../shared/money.ts';
import { STATE_LABELS } from '../ledger/workflow.ts';
import { sumBudget, type CheckResult, type ParsedRow, type UploadContext, type UploadProblem, type WritePlan } from './upload-plan.ts';
import { scopeProblem } from './upload-scope.ts';

/**
 * Whether an amount looks typed in 万元 where 元 was asked: ×10,000 it lands between 1% and 100%
 * of the budget, which no real payment on such a project is.
 */
export function looksLikeWanYuan(amountFen: Fen, budgetFen: Fen): boolean {
  return amountFen * 10_000 <= budgetFen && amountFen * 10_000 * 100 >= budgetFen;
}

export function checkDisbursements(rows: readonly ParsedRow[], ctx: UploadContext): CheckResult {
  const errors: UploadProblem[] = [];
  const create: Extract<WritePlan, { kind: 'disbursements' }>['create'] = [];
  /** The row that took each voucher number so far in this file. */
  const vouchers = new Map<string, number>();
  // What the file has paid so far plus what was paid before, by project id (a dense array: a big
  // upload pays tens of thousands of projects, and string-keyed maps were most of the check's time).
  const paidSoFar: Array<Partial<Record<FundSource, Fen>>> = [];
  let unchanged = 0;

  for (const { row, values: v } of rows) {
    const err = (column: string, problem: string, extra: Partial<UploadProblem> = {}) => errors.push({ row, column, problem, ...extra });
    const code = v.projectCode as string;
    const voucher = v.voucherNumber as string;
    const amount = v.amount as Fen;
    const date = v.date as string;
    const fundSource = (v.fundSource as FundSource | null) ?? 'central';
    const project = ctx.projects.get(code);
    if (!project) {
      err('项目编号', '找不到这个项目', { received: code, expected: '已录入系统的项目编号', hint: '请先上传项目申报表，待县级审批后再录入拨付。' });
      continue;
    }
    const scope = scopeProblem(ctx, project.villageCode);
    if (scope) {
      err('项目编号', scope.problem, scope);
      continue;
    }
    const firstRow = vouchers.get(voucher);
    if (firstRow !== undefined) {
      err('凭证号', `凭证号重复：与第 ${firstRow} 行相同`, { received: voucher, expected: '每笔拨付一个凭证号' });
      continue;
    }
    vouchers.set(voucher, row);
    const existing = ctx.disbursements.get(voucher);
    if (existing) {
      const same = existing.projectId === project.id && existing.amountFen === amount && existing.date === date && existing.fundSource === fundSource;
      if (same) unchanged++;
      else err('凭证号', '这个凭证号已记过另一笔拨付', { received: voucher, expected: '未使用过的凭证号', hint: '同一凭证重复上传不会重复记账；若是更正，请联系县移民事务中心。' });
      continue;
    }
    if (project.workflowState !== 'county_approved') {
      err('项目编号', `项目尚未县级审批（当前：${STATE_LABELS[project.workflowState]}），不能拨付`, { received: code });
      continue;
    }
    const approved = project.milestones.county_approved;
    if (approved && date < approved) err('拨付日期', '拨付日期早于县级审批日期', { received: date, expected: `不早于 ${approved}` });
    if (date > ctx.today) err('拨付日期', '日期在今天之后', { received: date, expected: `不晚于 ${ctx.today}` });

    const total = sumBudget(project.budget);
    const line = project.budget[fundSource] ?? 0;
    if (looksLikeWanYuan(amount, total)) {
      err('金额(元)', `金额只有 ${formatYuan(amount)}，而项目预算 ${formatYuan(total)}，疑似按“万元”填写`, {
        received: formatYuan(amount),
        expected: '以“元”为单位的金额',
        hint: `若拨付 ${amount / 100} 万元，请填 ${(amount / 100) * 10_000}。`,
      });
      continue;
    }
    const paid = paidSoFar[project.id] ?? { ...project.paid };
    const paidLine = (paid[fundSource] ?? 0) + amount;
    const paidTotal = sumBudget(paid) + amount;
    if (line === 0) {
      err('资金来源', `项目没有“${FUND_SOURCE_LABELS[fundSource]}”的预算`, { received: FUND_SOURCE_LABELS[fundSource], expected: budgetSources(project.budget) });
      continue;
    }
    if (paidTotal > total || paidLine > line) {
      const over = paidTotal > total ? paidTotal - total : paidLine - line;
      const ratio = amount / Math.max(1, line);
      err('金额(元)', `累计拨付将超过预算 ${formatYuan(over)}`, {
        received: formatYuan(amount),
        expected: `本项目${FUND_SOURCE_LABELS[fundSource]}预算 ${formatYuan(line)}，已拨付 ${formatYuan(paid[fundSource] ?? 0)}`,
        ...(ratio >= 1000 ? { hint: `金额约为预算的 ${Math.round(ratio)} 倍：是否多填了零，或把“分”当成了“元”？` } : {}),
      });
      continue;
    }
    paid[fundSource] = paidLine;
    paidSoFar[project.id] = paid;
    create.push({ projectId: project.id, date, amountFen: amount, fundSource, voucherNumber: voucher, payee: v.payee as string, payeeIsPerson: v.payeeIsPerson === 'yes' });
  }
  return { kind: 'disbursements', errors, warnings: [], plan: { kind: 'disbursements', create }, unchanged };
}

function budgetSources(budget: Partial<Record<FundSource, Fen>>): string {
  const lines = (Object.keys(budget) as FundSource[]).filter((k) => (budget[k] ?? 0) > 0);
  return lines.length === 0 ? '项目没有任何预算' : `有预算的来源：${lines.map((k) => FUND_SOURCE_LABELS[k]).join('、')}`;
}

export function checkDirectSubsidies(rows: readonly ParsedRow[], ctx: UploadContext): CheckResult {
  const errors: UploadProblem[] = [];
  const plan: Extract<WritePlan, { kind: 'direct-subsidies' }> = { kind: 'direct-subsidies', create: [], update: [] };
  const seen = new Map<string, number>();
  let unchanged = 0;
  for (const { row, values: v } of rows) {
    const err = (column: string, problem: string, extra: Partial<UploadProblem> = {}) => errors.push({ row, column, problem, ...extra });
    const villageCode = v.villageCode as string;
    const year = v.year as number;
    const village = ctx.villages.get(villageCode);
    if (!village) {
      err('村代码', '找不到这个村', { received: villageCode, expected: '本县 12 位村级统计区划代码' });
      continue;
    }
    const scope = scopeProblem(ctx, villageCode, village.name);
    if (scope) {
      err('村代码', scope.problem, scope);
      continue;
    }
    const key = `${villageCode}:${year}`;
    if (seen.has(key)) {
      err('村代码', `同一村同一年度重复：与第 ${seen.get(key)} 行相同`, { received: `${villageCode} ${year}` });
      continue;
    }
    seen.set(key, row);
    const beneficiaries = v.beneficiaries as number;
    const standard = (v.standard as Fen | null) ?? 60_000;
    const amount = v.amount as Fen;
    const dueDate = v.dueDate as string;
    const paymentDate = (v.paymentDate as string | null) ?? null;
    const expected = beneficiaries * standard;
    if (amount !== expected) {
      const hint = amount * 10_000 === expected ? '金额疑似按“万元”填写。' : standard === 600 || standard === 6 ? '标准疑似按“元/人/月”或“万元”填写：默认 600 元/人/年。' : undefined;
      err('金额(元)', '金额不等于 享受人数 × 标准', { received: formatYuan(amount), expected: `${beneficiaries} 人 × ${formatYuan(standard)} = ${formatYuan(expected)}`, ...(hint ? { hint } : {}) });
    }
    if (paymentDate !== null && paymentDate > ctx.today) err('发放日期', '日期在今天之后', { received: paymentDate, expected: `不晚于 ${ctx.today}` });
    if (paymentDate !== null && Number(paymentDate.slice(0, 4)) < year) err('发放日期', '发放日期早于该年度', { received: paymentDate, expected: `${year} 年或之后` });
    const write = { beneficiaries, standardFenPerPerson: standard, amountFen: amount, dueDate, paymentDate, channel: (v.channel as string | null) ?? '一卡通' };
    const existing = ctx.directSubsidies.get(key);
    if (!existing) plan.create.push({ villageCode, year, ...write });
    else if (
      existing.beneficiaries === write.beneficiaries &&
      existing.standardFenPerPerson === write.standardFenPerPerson &&
      existing.amountFen === write.amountFen &&
      existing.dueDate === write.dueDate &&
      existing.paymentDate === write.paymentDate &&
      existing.channel === write.channel
    )
      unchanged++;
    else plan.update.push({ id: existing.id, ...write });
  }
  return { kind: 'direct-subsidies', errors, warnings: [], plan, unchanged };
}
