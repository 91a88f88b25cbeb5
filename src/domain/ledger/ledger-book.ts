/**
 * The ledger as the county office keeps it (台账), as a workbook of three sheets:
 *
 * - 项目台账: one row per project of the year — 立项 (申请, 复核, 审核), 批复 (县级审批), 实施
 *   (开工, 完工), 验收, 批复资金 by fund source and 已拨付. The 合计 row counts the projects
 *   approved by the county (`county_approved`) only, exactly as the portal's indicators do
 *   (budgetTotalFen, disbursedTotalFen of computeIndicators); projects still in the approval
 *   workflow follow it under their own heading with a separate 小计 of the amounts applied for.
 * - 资金台账: one row per 指标文 of the year received by the as-of day (the documents the county
 *   disclosure lists), grouped by fund source: what it brought, what of it was arranged to projects
 *   and to direct subsidies, what was paid out of it, what is left.
 * - 直补台账: one row per village's direct subsidy of the year.
 *
 * Pure: the as-of day and the export time are passed in. Cells are typed (text, amount in fen,
 * count); the writer (functions/routes/ledger-books.ts) turns them into XLSX cells and makes every
 * text cell formula-safe. Nothing here carries a person: no names, ID numbers, accounts or payees.
 */
import { sumFen, type Fen } from '../shared/money.ts';
import { formatPercent, isSubsidyAtStandard, projectBudgetFen, projectDisbursedFen, rate } from './indicators.ts';
import { FUND_SOURCE_ORDER, type DirectSubsidyRecord, type FundSource, type ProjectRecord } from './ledger.ts';
import { isOnOrBefore, milestoneDate, projectStatusAsOf, statusLabel } from './project-status.ts';
import { STATE_LABELS, type WorkflowState } from './workflow.ts';

/** A project of the year with its place in the approval workflow. */
export interface BookProject extends ProjectRecord {
  workflowState: WorkflowState;
}

/** 指标文: a document that allocated money to the county. */
export interface FundingDocument {
  id: number;
  docNumber: string;
  issuer: string;
  title: string;
  year: number;
  batch: number;
  dateReceived: string;
  amountFen: Fen;
  fundSource: FundSource;
}

/** How much of a document went to one project, or to one village's direct subsidy of a year. */
export interface FundingAllocation {
  documentId: number;
  target: 'project' | 'direct_subsidy';
  /** The project's code (target `project`), else null. */
  projectCode: string | null;
  /** The village: the project's village, or the village whose direct subsidy it pays. */
  villageCode: string;
  year: number;
  amountFen: Fen;
}

/** A project payment, as far as the money ledger needs it (no voucher, no payee). */
export interface BookPayment {
  date: string;
  amountFen: Fen;
  fundSource: FundSource;
}

/** A village's direct subsidy of a year, as far as the money ledger needs it. */
export interface SubsidyPayment {
  villageCode: string;
  year: number;
  amountFen: Fen;
  paymentDate: string | null;
}

/** Everything the workbook is built from (the whole county; the scope is chosen in the options). */
export interface LedgerBookSource {
  countyCode: string;
  countyName: string;
  issuingUnit: string;
  isSample: boolean;
  /** 直补标准, fen per person per year: the 按标准足额计算 column checks against it. */
  subsidyStandardFen: Fen;
  year: number;
  /** Township and village names by code. */
  names: ReadonlyMap<string, string>;
  /** The township of each village. */
  townshipOf: ReadonlyMap<string, string>;
  /** The year's projects in every workflow state. */
  projects: readonly BookProject[];
  /** The year's direct subsidies. */
  directSubsidies: readonly DirectSubsidyRecord[];
  /** Every document the allocations name (the year's, and earlier ones that fund the same projects or villages). */
  documents: readonly FundingDocument[];
  allocations: readonly FundingAllocation[];
  /** Payments of projects of other years that the allocations fund (the year's are on `projects`). */
  otherProjectPayments: ReadonlyMap<string, readonly BookPayment[]>;
  /** Direct subsidies of every year that the allocations fund. */
  subsidyPayments: readonly SubsidyPayment[];
}

export interface LedgerBookOptions {
  /** 数据截至, `YYYY-MM-DD`: milestones, payments and documents after it are left out. */
  asOf: string;
  /** 导出时间, an ISO instant. */
  exportedAt: string;
  /** One township, or null for the whole county. */
  township: { code: string; name: string } | null;
}

export type BookCell =
  | { kind: 'text'; value: string; bold?: boolean }
  | { kind: 'yuan'; fen: Fen; bold?: boolean }
  | { kind: 'count'; value: number; bold?: boolean }
  | null;

export interface BookSheet {
  name: string;
  /** Column widths in characters. */
  widths: number[];
  /** Every row, the header block first; `headerRows` rows stay in view when scrolling. */
  rows: BookCell[][];
  headerRows: number;
}

export interface LedgerBook {
  sheets: BookSheet[];
  /** The file name staff see, e.g. 常宁市2025年度台账-全县-截至2025-06-30.xlsx. */
  fileName: string;
  /** An ASCII file name for clients that do not read the UTF-8 one. */
  asciiFileName: string;
}

const text = (value: string, bold = false): BookCell => (bold ? { kind: 'text', value, bold } : { kind: 'text', value });
const yuan = (fen: Fen, bold = false): BookCell => (bold ? { kind: 'yuan', fen, bold } : { kind: 'yuan', fen });
const count = (value: number, bold = false): BookCell => (bold ? { kind: 'count', value, bold } : { kind: 'count', value });
const orBlank = (value: string | null | undefined): BookCell => (value ? text(value) : null);

/** Short fund-source names, as the upload templates' column headers use them. */
export const FUND_SOURCE_SHORT: Readonly<Record<FundSource, string>> = {
  central: '中央资金',
  provincial: '省级资金',
  county: '县级资金',
  other: '其他资金',
};

/** An ISO instant as the Beijing time it was, `YYYY-MM-DD HH:mm`. */
export function beijingTime(iso: string): string {
  const shifted = new Date(Date.parse(iso) + 8 * 3600_000).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 16)}`;
}

/**
 * How much of each allocation was paid out by `asOf`, first come first used: the payments of a
 * project in one fund source are set against that project's allocations of the same source in the
 * order the documents were received (收文日期, then batch, then document), and a village's direct
 * subsidy paid by `asOf` against its allocations of that year the same way. Returns the paid part
 * of each allocation (same order as `allocations`) and, per project code and source, what was paid
 * beyond everything allocated (payments no document covers).
 */
export function applyPayments(
  source: Pick<LedgerBookSource, 'documents' | 'allocations' | 'projects' | 'otherProjectPayments' | 'subsidyPayments'>,
  asOf: string,
): { paid: Fen[]; uncovered: Map<string, Record<FundSource, Fen>> } {
  const docs = new Map(source.documents.map((d) => [d.id, d]));
  const received = (i: number) => docs.get(source.allocations[i]!.documentId);
  // Only documents received by asOf count: a document that had not arrived funded nothing yet.
  const usable = source.allocations.map((_a, i) => i).filter((i) => {
    const d = received(i);
    return d !== undefined && isOnOrBefore(d.dateReceived, asOf);
  });
  const order = [...usable].sort((i, j) => {
    const a = received(i)!;
    const b = received(j)!;
    return a.dateReceived.localeCompare(b.dateReceived) || a.batch - b.batch || a.id - b.id || i - j;
  });

  const payments = new Map<string, readonly BookPayment[]>(source.otherProjectPayments);
  for (const p of source.projects) payments.set(p.code, p.disbursements);
  const left = new Map<string, Fen>();
  const keyOf = (i: number): string => {
    const a = source.allocations[i]!;
    return a.target === 'project' ? `p|${a.projectCode}|${received(i)!.fundSource}` : `s|${a.villageCode}|${a.year}`;
  };
  for (const [code, list] of payments) {
    for (const s of FUND_SOURCE_ORDER) {
      const fen = sumFen(list.filter((d) => d.fundSource === s && isOnOrBefore(d.date, asOf)).map((d) => d.amountFen));
      if (fen > 0) left.set(`p|${code}|${s}`, fen);
    }
  }
  for (const s of source.subsidyPayments) {
    if (s.paymentDate !== null && isOnOrBefore(s.paymentDate, asOf)) left.set(`s|${s.villageCode}|${s.year}`, s.amountFen);
  }

  const paid: Fen[] = source.allocations.map(() => 0);
  for (const i of order) {
    const key = keyOf(i);
    const take = Math.min(left.get(key) ?? 0, source.allocations[i]!.amountFen);
    paid[i] = take;
    if (take > 0) left.set(key, (left.get(key) ?? 0) - take);
  }
  const uncovered = new Map<string, Record<FundSource, Fen>>();
  for (const [key, fen] of left) {
    const [kind, code, s] = key.split('|') as [string, string, FundSource];
    if (kind !== 'p' || fen <= 0) continue;
    const row = uncovered.get(code) ?? { central: 0, provincial: 0, county: 0, other: 0 };
    row[s] += fen;
    uncovered.set(code, row);
  }
  return { paid, uncovered };
}

/** The header block every sheet starts with: title, scope, 数据截至, 导出时间, unit, notes; then a blank row. */
function headerBlock(source: LedgerBookSource, options: LedgerBookOptions, title: string, notes: readonly string[]): BookCell[][] {
  const scope = options.township ? `${options.township.name}（${options.township.code}）` : `全县（${source.countyName}）`;
  return [
    [text(`${source.countyName}${source.year}年度大中型水库移民后期扶持${title}${source.isSample ? '（示例数据）' : ''}`, true)],
    [text(`范围：${scope}`)],
    [text(`数据截至：${options.asOf}`)],
    [text(`导出时间：${beijingTime(options.exportedAt)}（北京时间）`)],
    [text(`编制单位：${source.issuingUnit}`)],
    [text('金额单位：元')],
    ...notes.map((n) => [text(n)]),
    [],
  ];
}

const PROJECT_COLUMNS: ReadonlyArray<[string, number]> = [
  ['序号', 6],
  ['项目编号', 14],
  ['乡镇', 10],
  ['村', 14],
  ['项目名称', 24],
  ['项目类型', 12],
  ['建设内容及规模', 28],
  ['实施单位', 18],
  ['申请日期', 11],
  ['村理财小组复核', 11],
  ['乡镇审核', 11],
  ['县级审批（批复）', 11],
  ['资金指标文号', 26],
  ['开工日期', 11],
  ['完工日期', 11],
  ['验收日期', 11],
  ['验收结论', 8],
  ...FUND_SOURCE_ORDER.map((s): [string, number] => [`${FUND_SOURCE_SHORT[s]}（元）`, 14]),
  ['批复资金合计（元）', 15],
  ['已拨付（元）', 15],
  ['拨付率', 8],
  ['状态', 22],
];
/** Column of the project sheet where the amounts start (0-based): 中央资金. */
export const PROJECT_AMOUNT_COLUMN = PROJECT_COLUMNS.findIndex(([h]) => h === '中央资金（元）');

function projectSheet(source: LedgerBookSource, options: LedgerBookOptions, inScope: (p: BookProject) => boolean, docNumbers: Map<string, string[]>): BookSheet {
  const { asOf } = options;
  const projects = source.projects
    .filter(inScope)
    .sort((a, b) => a.townshipCode.localeCompare(b.townshipCode) || a.villageCode.localeCompare(b.villageCode) || a.code.localeCompare(b.code));
  const approved = projects.filter((p) => p.workflowState === 'county_approved');
  const pending = projects.filter((p) => p.workflowState !== 'county_approved');
  const name = (code: string) => source.names.get(code) ?? code;
  const acceptance = (p: BookProject) => (milestoneDate(p, 'accepted', asOf) === null ? null : p.acceptanceResult === 'pass' ? '合格' : p.acceptanceResult === 'fail' ? '不合格' : null);
  const status = (p: BookProject) => (p.workflowState === 'county_approved' ? statusLabel(projectStatusAsOf(p, asOf)) : `审批中：${STATE_LABELS[p.workflowState]}`);
  const bySource = (p: BookProject, s: FundSource) => sumFen(p.budget.filter((b) => b.fundSource === s).map((b) => b.amountFen));

  const row = (p: BookProject, i: number): BookCell[] => {
    const budget = projectBudgetFen(p);
    const disbursed = projectDisbursedFen(p, asOf);
    return [
      count(i + 1),
      text(p.code),
      text(name(p.townshipCode)),
      text(p.groupName ? `${name(p.villageCode)}（${p.groupName}）` : name(p.villageCode)),
      text(p.name),
      text(p.typeName),
      orBlank(p.contentScale),
      orBlank(p.implementingUnit),
      orBlank(milestoneDate(p, 'applied', asOf)),
      orBlank(milestoneDate(p, 'village_reviewed', asOf)),
      orBlank(milestoneDate(p, 'township_reviewed', asOf)),
      orBlank(milestoneDate(p, 'county_approved', asOf)),
      orBlank((docNumbers.get(p.code) ?? []).join('、')),
      orBlank(milestoneDate(p, 'started', asOf)),
      orBlank(milestoneDate(p, 'completed', asOf)),
      orBlank(milestoneDate(p, 'accepted', asOf)),
      orBlank(acceptance(p)),
      ...FUND_SOURCE_ORDER.map((s) => yuan(bySource(p, s))),
      yuan(budget),
      yuan(disbursed),
      text(formatPercent(rate(disbursed, budget))),
      text(status(p)),
    ];
  };
  const totalRow = (label: string, what: string, list: readonly BookProject[]): BookCell[] => {
    const budget = sumFen(list.map(projectBudgetFen));
    const disbursed = sumFen(list.map((p) => projectDisbursedFen(p, asOf)));
    const cells: BookCell[] = PROJECT_COLUMNS.map(() => null);
    cells[1] = text(label, true);
    cells[4] = text(what, true);
    FUND_SOURCE_ORDER.forEach((s, k) => (cells[PROJECT_AMOUNT_COLUMN + k] = yuan(sumFen(list.map((p) => bySource(p, s))), true)));
    cells[PROJECT_AMOUNT_COLUMN + 4] = yuan(budget, true);
    cells[PROJECT_AMOUNT_COLUMN + 5] = yuan(disbursed, true);
    cells[PROJECT_AMOUNT_COLUMN + 6] = text(formatPercent(rate(disbursed, budget)), true);
    return cells;
  };

  const head = headerBlock(source, options, '项目台账', [
    '合计只含县级已审批的项目，与公示网站的口径相同（批复资金合计、已拨付合计、拨付率）。',
    '还在审批中的项目（草稿、待复核、待审核、待审批、已退回）列在合计之后，金额是申报数，另有小计，不计入合计。',
    '日期、已拨付、状态按数据截至日统计，截至日以后的不计；批复资金是导出时的数。台账没有单独记批复文号，“资金指标文号”列出给该项目安排资金的指标文。',
  ]);
  const rows: BookCell[][] = [
    ...head,
    PROJECT_COLUMNS.map(([h]) => text(h, true)),
    ...approved.map(row),
    totalRow('合计', `县级已审批 ${approved.length} 个项目`, approved),
    [],
    [text(`审批中的项目（不计入合计，金额为申报数）：${pending.length === 0 ? '无' : `${pending.length} 个`}`, true)],
  ];
  if (pending.length > 0) rows.push(...pending.map(row), totalRow('小计', `审批中 ${pending.length} 个项目（申报数）`, pending));
  return { name: '项目台账', widths: PROJECT_COLUMNS.map(([, w]) => w), rows, headerRows: head.length + 1 };
}

const MONEY_COLUMNS: ReadonlyArray<[string, number]> = [
  ['序号', 6],
  ['文号', 24],
  ['发文单位', 20],
  ['文件标题', 36],
  ['批次', 6],
  ['下达日期（收文）', 12],
  ['资金来源', 18],
  ['下达金额（元）', 16],
  ['安排到项目（元）', 16],
  ['安排到直补（元）', 16],
  ['未安排（元）', 14],
  ['项目已拨付（元）', 16],
  ['直补已发放（元）', 16],
  ['结余（元）', 16],
];
/** Column of the money sheet where the amounts start (0-based): 下达金额. */
export const MONEY_AMOUNT_COLUMN = MONEY_COLUMNS.findIndex(([h]) => h === '下达金额（元）');

interface MoneyFigures {
  amount: Fen;
  toProjects: Fen;
  toSubsidies: Fen;
  unallocated: Fen;
  projectsPaid: Fen;
  subsidiesPaid: Fen;
  balance: Fen;
}

function moneySheet(
  source: LedgerBookSource,
  options: LedgerBookOptions,
  inScope: (villageCode: string) => boolean,
  paid: readonly Fen[],
  uncoveredOfYear: Fen,
  projectsPaidOfYear: Fen,
): BookSheet {
  const county = options.township === null;
  const documents = source.documents
    .filter((d) => d.year === source.year && isOnOrBefore(d.dateReceived, options.asOf))
    .sort((a, b) => a.dateReceived.localeCompare(b.dateReceived) || a.batch - b.batch || a.docNumber.localeCompare(b.docNumber));
  const figures = new Map<number, MoneyFigures>();
  for (const d of documents) {
    const f: MoneyFigures = { amount: d.amountFen, toProjects: 0, toSubsidies: 0, unallocated: 0, projectsPaid: 0, subsidiesPaid: 0, balance: 0 };
    let allocatedAll = 0;
    source.allocations.forEach((a, i) => {
      if (a.documentId !== d.id) return;
      allocatedAll += a.amountFen;
      if (!inScope(a.villageCode)) return;
      if (a.target === 'project') {
        f.toProjects += a.amountFen;
        f.projectsPaid += paid[i]!;
      } else {
        f.toSubsidies += a.amountFen;
        f.subsidiesPaid += paid[i]!;
      }
    });
    f.unallocated = d.amountFen - allocatedAll;
    f.balance = county ? d.amountFen - f.projectsPaid - f.subsidiesPaid : f.toProjects + f.toSubsidies - f.projectsPaid - f.subsidiesPaid;
    // A township sees the documents that arranged money to it.
    if (county || f.toProjects + f.toSubsidies > 0) figures.set(d.id, f);
  }
  const shown = documents.filter((d) => figures.has(d.id));

  const amounts = (f: MoneyFigures, bold = false): BookCell[] => [
    county || !bold ? yuan(f.amount, bold) : null,
    yuan(f.toProjects, bold),
    yuan(f.toSubsidies, bold),
    county ? yuan(f.unallocated, bold) : null,
    yuan(f.projectsPaid, bold),
    yuan(f.subsidiesPaid, bold),
    yuan(f.balance, bold),
  ];
  const add = (list: readonly MoneyFigures[]): MoneyFigures => ({
    amount: sumFen(list.map((f) => f.amount)),
    toProjects: sumFen(list.map((f) => f.toProjects)),
    toSubsidies: sumFen(list.map((f) => f.toSubsidies)),
    unallocated: sumFen(list.map((f) => f.unallocated)),
    projectsPaid: sumFen(list.map((f) => f.projectsPaid)),
    subsidiesPaid: sumFen(list.map((f) => f.subsidiesPaid)),
    balance: sumFen(list.map((f) => f.balance)),
  });

  const head = headerBlock(source, options, '资金台账（按指标文）', [
    '列出收文日期在数据截至日以前的本年度指标文（与公示网站的“资金下达”相同），按资金来源分组，每组有小计。',
    '已拨付、已发放按“先到先用”对应到指标文：同一项目同一资金来源的拨付，按指标文收文日期的先后冲抵安排给它的金额；直补按各村在截至日以前已发放的金额冲抵。',
    county
      ? '结余 = 下达金额 − 项目已拨付 − 直补已发放；未安排 = 下达金额 − 安排到项目 − 安排到直补。'
      : '乡镇范围：只列给本乡镇安排了资金的指标文；下达金额是整份指标文的全县数，不计入小计和合计；安排、拨付、发放只算本乡镇；结余 = 安排到本乡镇 − 项目已拨付 − 直补已发放。',
  ]);
  const rows: BookCell[][] = [...head, MONEY_COLUMNS.map(([h]) => text(h, true))];
  let serial = 0;
  for (const s of FUND_SOURCE_ORDER) {
    const group = shown.filter((d) => d.fundSource === s);
    if (group.length === 0) continue;
    for (const d of group) {
      rows.push([count(++serial), text(d.docNumber), text(d.issuer), text(d.title), count(d.batch), text(d.dateReceived), text(FUND_SOURCE_SHORT[s]), ...amounts(figures.get(d.id)!)]);
    }
    rows.push([null, text(`${FUND_SOURCE_SHORT[s]}小计`, true), null, text(`${group.length} 份指标文`, true), null, null, text(FUND_SOURCE_SHORT[s], true), ...amounts(add(group.map((d) => figures.get(d.id)!)), true)]);
  }
  rows.push([null, text('合计', true), null, text(`${shown.length} 份指标文`, true), null, null, null, ...amounts(add(shown.map((d) => figures.get(d.id)!)), true)]);
  rows.push([]);
  rows.push([
    text(
      uncoveredOfYear > 0
        ? `核对：项目台账的已拨付合计（含审批中项目）为 ${yuanText(projectsPaidOfYear)} 元，其中 ${yuanText(uncoveredOfYear)} 元没有对应的指标文分配，请补录“指标文及资金分配”。`
        : `核对：项目台账的已拨付合计（含审批中项目）为 ${yuanText(projectsPaidOfYear)} 元，都有对应的指标文分配。`,
    ),
  ]);
  return { name: '资金台账', widths: MONEY_COLUMNS.map(([, w]) => w), rows, headerRows: head.length + 1 };
}

/** Fen as 元 with two decimals and thousands separators, for a sentence. */
function yuanText(fen: Fen): string {
  const abs = Math.abs(fen);
  const whole = String(Math.trunc(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${fen < 0 ? '-' : ''}${whole}.${String(abs % 100).padStart(2, '0')}`;
}

const SUBSIDY_COLUMNS: ReadonlyArray<[string, number]> = [
  ['序号', 6],
  ['乡镇', 10],
  ['村', 16],
  ['村代码', 14],
  ['享受人数', 9],
  ['标准（元/人·年）', 12],
  ['应发金额（元）', 16],
  ['应发日期', 11],
  ['实发日期', 11],
  ['已发放金额（元）', 16],
  ['发放渠道', 10],
  ['按标准足额计算', 10],
  ['状态', 12],
];

/** A village's direct subsidy on `asOf`: 按期发放, 逾期发放, 逾期未发放 or 待发放. */
export function subsidyStatus(s: Pick<DirectSubsidyRecord, 'dueDate' | 'paymentDate'>, asOf: string): string {
  const paid = s.paymentDate !== null && isOnOrBefore(s.paymentDate, asOf);
  if (paid) return isOnOrBefore(s.paymentDate!, s.dueDate) ? '按期发放' : '逾期发放';
  return s.dueDate.slice(0, 10) < asOf.slice(0, 10) ? '逾期未发放' : '待发放';
}

function subsidySheet(source: LedgerBookSource, options: LedgerBookOptions, inScope: (villageCode: string) => boolean): BookSheet {
  const { asOf } = options;
  const list = source.directSubsidies
    .filter((s) => s.year === source.year && inScope(s.villageCode))
    .sort((a, b) => a.townshipCode.localeCompare(b.townshipCode) || a.villageCode.localeCompare(b.villageCode));
  const paidOf = (s: DirectSubsidyRecord): Fen => (s.paymentDate !== null && isOnOrBefore(s.paymentDate, asOf) ? s.amountFen : 0);
  const head = headerBlock(source, options, '直补台账（按村）', [
    '每个村一行：享受人数、标准、应发金额与公示网站相同；实发日期和已发放金额按数据截至日统计。',
    '状态：按期发放（不晚于应发日期）、逾期发放、逾期未发放（已过应发日期还没有发放）、待发放。',
  ]);
  const rows: BookCell[][] = [
    ...head,
    SUBSIDY_COLUMNS.map(([h]) => text(h, true)),
    ...list.map((s, i): BookCell[] => [
      count(i + 1),
      text(source.names.get(s.townshipCode) ?? s.townshipCode),
      text(source.names.get(s.villageCode) ?? s.villageCode),
      text(s.villageCode),
      count(s.beneficiaries),
      yuan(s.standardFenPerPerson),
      yuan(s.amountFen),
      text(s.dueDate),
      orBlank(s.paymentDate !== null && isOnOrBefore(s.paymentDate, asOf) ? s.paymentDate : null),
      yuan(paidOf(s)),
      orBlank(s.channel),
      text(isSubsidyAtStandard(s, source.subsidyStandardFen) ? '是' : '否'),
      text(subsidyStatus(s, asOf)),
    ]),
    [
      null,
      text('合计', true),
      text(`${list.length} 个村`, true),
      null,
      count(list.reduce((n, s) => n + s.beneficiaries, 0), true),
      null,
      yuan(sumFen(list.map((s) => s.amountFen)), true),
      null,
      null,
      yuan(sumFen(list.map(paidOf)), true),
      null,
      null,
      null,
    ],
  ];
  return { name: '直补台账', widths: SUBSIDY_COLUMNS.map(([, w]) => w), rows, headerRows: head.length + 1 };
}

/**
 * Builds the workbook of `source.year` for the whole county or one township, as of `options.asOf`.
 *
 * @example buildLedgerBook(source, { asOf: '2025-06-30', exportedAt: '2025-07-01T02:00:00.000Z', township: null }).sheets.map((s) => s.name)
 * // ['项目台账', '资金台账', '直补台账']
 */
export function buildLedgerBook(source: LedgerBookSource, options: LedgerBookOptions): LedgerBook {
  const township = options.township?.code ?? null;
  const villageInScope = (villageCode: string) => township === null || source.townshipOf.get(villageCode) === township;
  const projectInScope = (p: BookProject) => township === null || p.townshipCode === township;

  const { paid, uncovered } = applyPayments(source, options.asOf);
  // The documents behind each project, in the order they were received (by asOf).
  const docs = new Map(source.documents.map((d) => [d.id, d]));
  const docNumbers = new Map<string, string[]>();
  const funded = source.allocations
    .filter((a) => a.target === 'project' && a.projectCode !== null)
    .map((a) => ({ code: a.projectCode!, doc: docs.get(a.documentId) }))
    .filter((x): x is { code: string; doc: FundingDocument } => x.doc !== undefined && isOnOrBefore(x.doc.dateReceived, options.asOf))
    .sort((a, b) => a.doc.dateReceived.localeCompare(b.doc.dateReceived) || a.doc.batch - b.doc.batch || a.doc.id - b.doc.id);
  for (const { code, doc } of funded) {
    const list = docNumbers.get(code) ?? [];
    if (!list.includes(doc.docNumber)) list.push(doc.docNumber);
    docNumbers.set(code, list);
  }
  const yearProjects = source.projects.filter(projectInScope);
  const uncoveredOfYear = sumFen(yearProjects.map((p) => sumFen(FUND_SOURCE_ORDER.map((s) => uncovered.get(p.code)?.[s] ?? 0))));
  const projectsPaidOfYear = sumFen(yearProjects.map((p) => projectDisbursedFen(p, options.asOf)));

  const scopeName = options.township?.name ?? '全县';
  return {
    sheets: [
      projectSheet(source, options, projectInScope, docNumbers),
      moneySheet(source, options, villageInScope, paid, uncoveredOfYear, projectsPaidOfYear),
      subsidySheet(source, options, villageInScope),
    ],
    fileName: `${source.countyName}${source.year}年度台账-${scopeName}-截至${options.asOf}.xlsx`,
    asciiFileName: `ledger-book-${source.year}-${township ?? source.countyCode}-${options.asOf}.xlsx`,
  };
}
