/** Checks of the county-level uploads: trainings (技能培训) and allocation documents (指标文). */
import type { FundSource } from '../ledger/ledger.ts';
import { formatYuan, type Fen } from '../shared/money.ts';
import { sumBudget, type CheckResult, type ParsedRow, type UploadContext, type UploadProblem, type WritePlan } from './upload-plan.ts';
import { scopeProblem } from './upload-scope.ts';

export function checkTrainings(rows: readonly ParsedRow[], ctx: UploadContext): CheckResult {
  const errors: UploadProblem[] = [];
  const plan: Extract<WritePlan, { kind: 'trainings' }> = { kind: 'trainings', create: [], update: [] };
  const seen = new Map<string, number>();
  let unchanged = 0;
  for (const { row, values: v } of rows) {
    const err = (column: string, problem: string, extra: Partial<UploadProblem> = {}) => errors.push({ row, column, problem, ...extra });
    const townshipCode = (v.townshipCode as string | null) ?? null;
    if (townshipCode === null && ctx.actor.role !== 'county') {
      err('乡镇代码', '面向全县的培训只能由县级上传', { expected: `本乡镇代码 ${ctx.actor.scopeCode}` });
      continue;
    }
    if (townshipCode !== null) {
      const name = ctx.townships.get(townshipCode);
      if (!name) {
        err('乡镇代码', '找不到这个乡镇', { received: townshipCode, expected: '本县 9 位乡镇统计区划代码' });
        continue;
      }
      const scope = scopeProblem(ctx, townshipCode, name);
      if (scope) {
        err('乡镇代码', scope.problem, scope);
        continue;
      }
    }
    const start = v.startDate as string;
    const end = v.endDate as string;
    const trainees = v.trainees as number;
    const passed = v.passed as number;
    if (end < start) err('结束日期', '结束日期早于开始日期', { received: end, expected: `不早于 ${start}` });
    if (end > ctx.today) err('结束日期', '日期在今天之后', { received: end, expected: `不晚于 ${ctx.today}` });
    if (passed > trainees) err('合格人数', '合格人数多于培训人数', { received: String(passed), expected: `不超过 ${trainees}` });
    const key = `${v.year}:${v.course}:${start}:${townshipCode ?? ''}`;
    if (seen.has(key)) {
      err('培训项目', `重复：与第 ${seen.get(key)} 行是同一期培训`, { received: String(v.course) });
      continue;
    }
    seen.set(key, row);
    const write = { organizer: v.organizer as string, endDate: end, trainees, passed };
    const existing = ctx.trainings.get(key);
    if (!existing) plan.create.push({ year: v.year as number, course: v.course as string, startDate: start, townshipCode, ...write });
    else if (existing.organizer === write.organizer && existing.endDate === end && existing.trainees === trainees && existing.passed === passed) unchanged++;
    else plan.update.push({ id: existing.id, ...write });
  }
  return { kind: 'trainings', errors, warnings: [], plan, unchanged };
}

export function checkAllocations(rows: readonly ParsedRow[], ctx: UploadContext): CheckResult {
  const errors: UploadProblem[] = [];
  const docs = new Map<string, Extract<WritePlan, { kind: 'allocations' }>['documents'][number] & { firstRow: number }>();
  const toProject = new Map<number, Fen>();
  const unchanged = 0;
  for (const { row, values: v } of rows) {
    const err = (column: string, problem: string, extra: Partial<UploadProblem> = {}) => errors.push({ row, column, problem, ...extra });
    const docNumber = v.docNumber as string;
    const head = {
      issuer: v.issuer as string,
      title: v.title as string,
      year: v.year as number,
      batch: v.batch as number,
      dateReceived: v.dateReceived as string,
      amountFen: v.docAmount as Fen,
      fundSource: v.fundSource as FundSource,
    };
    if (head.dateReceived > ctx.today) err('收文日期', '日期在今天之后', { received: head.dateReceived, expected: `不晚于 ${ctx.today}` });
    let doc = docs.get(docNumber);
    if (!doc) {
      if (ctx.documents.has(docNumber)) {
        err('文号', '这个文号已经录入过', { received: docNumber, hint: '同一文件重复上传不会重复记账；如需补充或更正分配，请联系县移民事务中心。' });
        continue;
      }
      doc = { existingId: null, docNumber, ...head, allocations: [], firstRow: row };
      docs.set(docNumber, doc);
    } else if (doc.amountFen !== head.amountFen || doc.fundSource !== head.fundSource || doc.year !== head.year || doc.dateReceived !== head.dateReceived) {
      err('文号', `同一文号的文件信息与第 ${doc.firstRow} 行不一致`, { received: docNumber, expected: '同一文号各行的年度、收文日期、金额、资金来源相同' });
      continue;
    }
    const target = v.target as 'project' | 'direct_subsidy';
    const amount = v.amount as Fen;
    if (target === 'project') {
      const code = v.projectCode as string | null;
      const project = code ? ctx.projects.get(code) : undefined;
      if (!code || !project) {
        err('项目编号', code ? '找不到这个项目' : '分配对象为“项目”时必须填项目编号', { received: code ?? '（空）', expected: '已录入系统的项目编号' });
        continue;
      }
      // Another county's project is stored here too when counties share a database: never the actor's to fund.
      const projectScope = scopeProblem(ctx, project.villageCode);
      if (projectScope) {
        err('项目编号', `项目 ${code} 所在的${projectScope.problem}`, { ...projectScope, received: code });
        continue;
      }
      const budget = sumBudget(project.budget);
      const allocated = (toProject.get(project.id) ?? 0) + amount;
      if (allocated > budget) err('分配金额(元)', '分配给该项目的金额超过其预算', { received: formatYuan(amount), expected: `不超过项目预算 ${formatYuan(budget)}` });
      toProject.set(project.id, allocated);
      doc.allocations.push({ target, projectId: project.id, villageCode: null, year: head.year, amountFen: amount });
    } else {
      const villageCode = v.villageCode as string | null;
      const village = villageCode ? ctx.villages.get(villageCode) : undefined;
      if (!villageCode || !village) {
        err('村代码', villageCode ? '找不到这个村' : '分配对象为“直补”时必须填村代码', { received: villageCode ?? '（空）', expected: '本县 12 位村级统计区划代码' });
        continue;
      }
      const scope = scopeProblem(ctx, villageCode, village.name);
      if (scope) {
        err('村代码', scope.problem, scope);
        continue;
      }
      doc.allocations.push({ target, projectId: null, villageCode, year: head.year, amountFen: amount });
    }
  }
  for (const doc of docs.values()) {
    const allocated = doc.allocations.reduce((s, a) => s + a.amountFen, 0);
    if (allocated > doc.amountFen) {
      errors.push({ row: doc.firstRow, column: '分配金额(元)', problem: `文号 ${doc.docNumber} 的分配合计 ${formatYuan(allocated)} 超过指标文金额`, expected: `不超过 ${formatYuan(doc.amountFen)}` });
    }
  }
  const documents = [...docs.values()].map(({ firstRow: _firstRow, ...d }) => d);
  return { kind: 'allocations', errors, warnings: [], plan: { kind: 'allocations', documents }, unchanged };
}
