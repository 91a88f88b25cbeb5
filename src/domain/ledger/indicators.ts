/**
 * The performance indicators of one year (绩效指标), computed from the ledger exactly as the
 * county's self-evaluation table (部门整体支出绩效自评表) defines them. Pure: the year and the
 * "as of" day are passed in, never read from a clock.
 *
 * Every indicator is described once, in INDICATOR_DEFINITIONS: its Chinese name, a plain
 * definition for villagers, which records it is computed over, how each record counts, and which
 * records are "behind" it (the ones a reader should see when following the figure). The numbers
 * in YearIndicators are computed from those same definitions, so the page that explains an
 * indicator can never disagree with the figure it explains.
 */
import {
  FUND_SOURCE_ORDER,
  type DirectSubsidyRecord,
  type FundSource,
  type IndicatorGroup,
  type Ledger,
  type ProjectRecord,
  type TrainingRecord,
} from './ledger.ts';
import { sumFen, type Fen } from '../shared/money.ts';
import { hasReached, isOnOrBefore } from './project-status.ts';

/** 600 元 per person per year (国发〔2006〕17号), in fen. */
export const DEFAULT_SUBSIDY_STANDARD_FEN: Fen = 60_000;

/** A ratio kept with its parts, so a page can show "247 / 260" beside "95%". */
export interface Rate {
  numerator: number;
  denominator: number;
  /** numerator / denominator, or null when the denominator is 0 (nothing to measure). */
  ratio: number | null;
}

/** Builds a Rate; the ratio is null when the denominator is 0. */
export function rate(numerator: number, denominator: number): Rate {
  return { numerator, denominator, ratio: denominator === 0 ? null : numerator / denominator };
}

/**
 * Formats a rate as a percentage: a whole number when exact, otherwise one decimal rounded half
 * up, and "无数据" when there is nothing to measure. A rate that is not exactly 100% (or 0%) is
 * never shown as "100.0%" (or "0.0%"): a target of 100% is either met or it is not.
 *
 * @example formatPercent(rate(247, 260)) // "95%"
 * @example formatPercent(rate(1, 3))     // "33.3%"
 * @example formatPercent(rate(0, 0))     // "无数据"
 */
export function formatPercent(r: Rate): string {
  if (r.ratio === null || r.denominator === 0) return '无数据';
  const { numerator: n, denominator: d } = r;
  if (!Number.isSafeInteger(n) || !Number.isSafeInteger(d) || n < 0 || d < 0) {
    return `${(Math.round(r.ratio * 1000) / 10).toFixed(1)}%`;
  }
  const bn = BigInt(n);
  const bd = BigInt(d);
  if ((bn * 100n) % bd === 0n) return `${(bn * 100n) / bd}%`;
  let tenths = (bn * 2000n + bd) / (2n * bd);
  if (tenths === 1000n) tenths = bn < bd ? 999n : 1001n;
  if (tenths === 0n) tenths = 1n;
  return `${tenths / 10n}.${tenths % 10n}%`;
}

/** What computeIndicators is asked for. */
export interface IndicatorOptions {
  /** The programme year (资金年度) whose projects, subsidies and trainings are measured. */
  year: number;
  /** The cut-off day, ISO `YYYY-MM-DD`: milestones, payments and disbursements after it are ignored. */
  asOf: string;
  /** The direct-subsidy standard per person per year, default 60000 fen (600 元). */
  subsidyStandardFen?: Fen;
}

/** IndicatorOptions with defaults filled in; what every definition's predicates receive. */
export interface IndicatorContext {
  year: number;
  asOf: string;
  subsidyStandardFen: Fen;
}

export function indicatorContext(options: IndicatorOptions): IndicatorContext {
  return {
    year: options.year,
    asOf: options.asOf,
    subsidyStandardFen: options.subsidyStandardFen ?? DEFAULT_SUBSIDY_STANDARD_FEN,
  };
}

/** Sum of a project's approved budget lines. */
export function projectBudgetFen(project: ProjectRecord): Fen {
  return sumFen(project.budget.map((b) => b.amountFen));
}

/** Sum of a project's disbursements dated on or before `asOf` (all when omitted). */
export function projectDisbursedFen(project: ProjectRecord, asOf?: string): Fen {
  return sumFen(
    project.disbursements.filter((d) => asOf === undefined || isOnOrBefore(d.date, asOf)).map((d) => d.amountFen),
  );
}

/** Whether a direct subsidy was paid by its due date and by `asOf`. */
export function isSubsidyPaidOnTime(s: DirectSubsidyRecord, asOf: string): boolean {
  return s.paymentDate !== null && isOnOrBefore(s.paymentDate, s.dueDate) && isOnOrBefore(s.paymentDate, asOf);
}

/** Whether a direct subsidy uses the standard and its amount is exactly beneficiaries × standard. */
export function isSubsidyAtStandard(s: DirectSubsidyRecord, standardFen: Fen): boolean {
  return s.standardFenPerPerson === standardFen && s.amountFen === s.beneficiaries * standardFen;
}

type Subject = 'project' | 'direct_subsidy' | 'training';
interface SubjectRecord {
  project: ProjectRecord;
  direct_subsidy: DirectSubsidyRecord;
  training: TrainingRecord;
}

/** How the self-evaluation table files an indicator. */
export type IndicatorCategory = '数量指标' | '质量指标' | '时效指标' | '成本指标';

interface DefinitionBase<K extends string, S extends Subject> {
  key: K;
  /** The name used in the county's self-evaluation table, e.g. 项目实施率. */
  name: string;
  category: IndicatorCategory;
  /** Plain-language definition for villagers. */
  definition: string;
  subject: S;
  /** Whether a record is one the figure is computed over (its year, and any further scope). */
  includes(record: SubjectRecord[S], ctx: IndicatorContext): boolean;
  /**
   * Whether a record is "behind" the figure: for a rate, an included record that keeps it below
   * 100% (e.g. a project not started by the as-of day); for a count, an included record.
   */
  behind(record: SubjectRecord[S], ctx: IndicatorContext): boolean;
}

/** A ratio indicator: the sum of each included record's part over the sum of its whole. */
export interface RateDefinition<K extends string = string, S extends Subject = Subject> extends DefinitionBase<K, S> {
  kind: 'rate';
  /** What is counted above the line, in Chinese, e.g. 截至统计日已开工的项目个数. */
  numerator: string;
  /** What is counted below the line. */
  denominator: string;
  measure(record: SubjectRecord[S], ctx: IndicatorContext): { numerator: number; denominator: number };
}

/** A count indicator: the sum of each included record's contribution. */
export interface CountDefinition<K extends string = string, S extends Subject = Subject> extends DefinitionBase<K, S> {
  kind: 'count';
  /** Unit printed after the number: 个, 人, 人次. */
  unit: string;
  measure(record: SubjectRecord[S], ctx: IndicatorContext): number;
}

const ofYear = (r: { year: number }, ctx: IndicatorContext): boolean => r.year === ctx.year;
const counted = { numerator: 1, denominator: 1 };
const notCounted = { numerator: 0, denominator: 1 };
const one = (ok: boolean) => (ok ? counted : notCounted);

const isAccepted = (p: ProjectRecord, ctx: IndicatorContext): boolean =>
  ofYear(p, ctx) && hasReached(p, 'accepted', ctx.asOf) && p.acceptanceResult !== null;
const withinBudget = (p: ProjectRecord, ctx: IndicatorContext): boolean =>
  projectDisbursedFen(p, ctx.asOf) <= projectBudgetFen(p);

/** 项目实施率: started projects of the year / all projects of the year. */
const implementationRate: RateDefinition<'implementationRate', 'project'> = {
  key: 'implementationRate',
  kind: 'rate',
  name: '项目实施率',
  category: '时效指标',
  definition: '当年安排的项目中，到统计日已经开工的项目占多少。已完工、已验收、已决算的项目都算已开工。',
  numerator: '截至统计日已开工的项目个数',
  denominator: '当年安排的全部项目个数',
  subject: 'project',
  includes: ofYear,
  measure: (p, ctx) => one(hasReached(p, 'started', ctx.asOf)),
  behind: (p, ctx) => ofYear(p, ctx) && !hasReached(p, 'started', ctx.asOf),
};

/** 项目验收合格率: passed / inspected, among projects of the year accepted by asOf. */
const acceptancePassRate: RateDefinition<'acceptancePassRate', 'project'> = {
  key: 'acceptancePassRate',
  kind: 'rate',
  name: '项目验收合格率',
  category: '质量指标',
  definition: '当年安排的项目中，到统计日已经组织验收的，验收合格的占多少。还没验收的项目不计算在内。',
  numerator: '截至统计日验收合格的项目个数',
  denominator: '截至统计日已验收并有验收结论的项目个数',
  subject: 'project',
  includes: isAccepted,
  measure: (p) => one(p.acceptanceResult === 'pass'),
  behind: (p, ctx) => isAccepted(p, ctx) && p.acceptanceResult !== 'pass',
};

/** 资金拨付率: fen disbursed by asOf / fen budgeted, over the year's projects. */
const disbursementRate: RateDefinition<'disbursementRate', 'project'> = {
  key: 'disbursementRate',
  kind: 'rate',
  name: '资金拨付率',
  category: '时效指标',
  definition: '当年项目批复的预算资金，到统计日已经拨付出去多少（按金额计算）。',
  numerator: '截至统计日当年项目已拨付资金（分）',
  denominator: '当年项目批复预算资金合计（分）',
  subject: 'project',
  includes: ofYear,
  measure: (p, ctx) => ({ numerator: projectDisbursedFen(p, ctx.asOf), denominator: projectBudgetFen(p) }),
  behind: (p, ctx) => ofYear(p, ctx) && projectDisbursedFen(p, ctx.asOf) < projectBudgetFen(p),
};

/** 项目支出控制在批复预算范围内的比例: projects disbursed within budget / all projects of the year. */
const budgetControlRate: RateDefinition<'budgetControlRate', 'project'> = {
  key: 'budgetControlRate',
  kind: 'rate',
  name: '项目支出控制在批复预算范围内的比例',
  category: '成本指标',
  definition: '当年安排的项目中，到统计日拨付的钱没有超过批复预算的项目占多少。',
  numerator: '截至统计日拨付金额不超过批复预算的项目个数',
  denominator: '当年安排的全部项目个数',
  subject: 'project',
  includes: ofYear,
  measure: (p, ctx) => one(withinBudget(p, ctx)),
  behind: (p, ctx) => ofYear(p, ctx) && !withinBudget(p, ctx),
};

/** 直补资金按时发放率: subsidies paid by their due date and by asOf / all subsidies of the year. */
const onTimeSubsidyRate: RateDefinition<'onTimeSubsidyRate', 'direct_subsidy'> = {
  key: 'onTimeSubsidyRate',
  kind: 'rate',
  name: '直补资金按时发放率',
  category: '时效指标',
  definition: '当年各村的移民直补资金，在规定期限内（并且到统计日为止）已经发放到位的村占多少。',
  numerator: '按期发放到位的村（直补发放记录）个数',
  denominator: '当年全部直补发放记录个数',
  subject: 'direct_subsidy',
  includes: ofYear,
  measure: (s, ctx) => one(isSubsidyPaidOnTime(s, ctx.asOf)),
  behind: (s, ctx) => ofYear(s, ctx) && !isSubsidyPaidOnTime(s, ctx.asOf),
};

/** 直补资金标准符合率: subsidies at the standard with amount = beneficiaries × standard / all. */
const subsidyStandardRate: RateDefinition<'subsidyStandardRate', 'direct_subsidy'> = {
  key: 'subsidyStandardRate',
  kind: 'rate',
  name: '直补资金标准符合率',
  category: '成本指标',
  definition: '当年各村的直补资金，是否按每人每年600元的标准、按人数足额计算。符合的村占多少。',
  numerator: '按标准足额计算的直补发放记录个数',
  denominator: '当年全部直补发放记录个数',
  subject: 'direct_subsidy',
  includes: ofYear,
  measure: (s, ctx) => one(isSubsidyAtStandard(s, ctx.subsidyStandardFen)),
  behind: (s, ctx) => ofYear(s, ctx) && !isSubsidyAtStandard(s, ctx.subsidyStandardFen),
};

/** 培训合格率: trainees passed / trainees (人次), over the year's courses. */
const trainingPassRate: RateDefinition<'trainingPassRate', 'training'> = {
  key: 'trainingPassRate',
  kind: 'rate',
  name: '培训合格率',
  category: '质量指标',
  definition: '当年参加技能培训的移民中，考核合格的占多少（按人次计算）。',
  numerator: '考核合格人次',
  denominator: '参加培训人次',
  subject: 'training',
  includes: ofYear,
  measure: (t) => ({ numerator: t.passed, denominator: t.trainees }),
  behind: (t, ctx) => ofYear(t, ctx) && t.passed < t.trainees,
};

/** 直补资金受益移民: sum of beneficiaries of the year's direct subsidies. */
const directSubsidyBeneficiaries: CountDefinition<'directSubsidyBeneficiaries', 'direct_subsidy'> = {
  key: 'directSubsidyBeneficiaries',
  kind: 'count',
  name: '直补资金受益移民',
  unit: '人',
  category: '数量指标',
  definition: '当年领取后期扶持直补资金的移民人数，各村相加。',
  subject: 'direct_subsidy',
  includes: ofYear,
  measure: (s) => s.beneficiaries,
  behind: ofYear,
};

const groupCount = <K extends string>(
  key: K,
  name: string,
  groups: readonly IndicatorGroup[],
  definition: string,
): CountDefinition<K, 'project'> => {
  const inGroup = (p: ProjectRecord, ctx: IndicatorContext) => ofYear(p, ctx) && groups.includes(p.indicatorGroup);
  return {
    key,
    kind: 'count',
    name,
    unit: '个',
    category: '数量指标',
    definition,
    subject: 'project',
    includes: inGroup,
    measure: () => 1,
    behind: inGroup,
  };
};

/** 移民美丽家园建设项目: the year's projects of the beautiful_home group. */
const beautifulHomeProjects = groupCount(
  'beautifulHomeProjects',
  '移民美丽家园建设项目',
  ['beautiful_home'],
  '当年安排的移民美丽家园建设项目个数（如村庄道路、人居环境整治、文化活动场所）。',
);

/** 生产开发及配套设施项目: the year's projects of the production_infrastructure group. */
const productionInfrastructureProjects = groupCount(
  'productionInfrastructureProjects',
  '生产开发及配套设施项目',
  ['production_infrastructure'],
  '当年安排的生产开发项目和配套基础设施项目个数（如产业基地、机耕道、灌溉渠道、山塘）。',
);

/** 培训移民劳动力: trainees (人次) of the year's courses. */
const traineeCount: CountDefinition<'traineeCount', 'training'> = {
  key: 'traineeCount',
  kind: 'count',
  name: '培训移民劳动力',
  unit: '人次',
  category: '数量指标',
  definition: '当年组织移民劳动力参加技能培训的人次，一人参加两期算两人次。',
  subject: 'training',
  includes: ofYear,
  measure: (t) => t.trainees,
  behind: ofYear,
};

/** Every indicator, in the order of the county's self-evaluation table. */
export const INDICATOR_DEFINITIONS = [
  directSubsidyBeneficiaries,
  beautifulHomeProjects,
  productionInfrastructureProjects,
  traineeCount,
  acceptancePassRate,
  trainingPassRate,
  onTimeSubsidyRate,
  implementationRate,
  disbursementRate,
  subsidyStandardRate,
  budgetControlRate,
] as const;

export type IndicatorDefinition = (typeof INDICATOR_DEFINITIONS)[number];
export type IndicatorKey = IndicatorDefinition['key'];

/** Looks an indicator up by key. */
export function indicatorDefinition<K extends IndicatorKey>(key: K): Extract<IndicatorDefinition, { key: K }> {
  const def = INDICATOR_DEFINITIONS.find((d) => d.key === key);
  if (!def) throw new Error(`unknown indicator ${key}`);
  return def as Extract<IndicatorDefinition, { key: K }>;
}

function recordsOf<S extends Subject>(ledger: Ledger, subject: S): readonly SubjectRecord[S][] {
  const bySubject: { [T in Subject]: readonly SubjectRecord[T][] } = {
    project: ledger.projects,
    direct_subsidy: ledger.directSubsidies,
    training: ledger.trainings,
  };
  return bySubject[subject];
}

// The definitions are a union over subjects; this view lets one loop handle any of them.
type AnyDefinition = DefinitionBase<string, Subject> & {
  kind: 'rate' | 'count';
  measure(record: unknown, ctx: IndicatorContext): { numerator: number; denominator: number } | number;
};
const asAny = (def: IndicatorDefinition): AnyDefinition => def as unknown as AnyDefinition;

/**
 * The records behind an indicator, for linking a figure to its evidence: for a rate, the
 * included records that keep it below 100%; for a count, the records counted.
 *
 * @example recordsBehind('implementationRate', ledger, { year: 2022, asOf: '2023-08-31' })
 * // { subject: 'project', records: [the 2022 projects not started by 2023-08-31] }
 */
export function recordsBehind(
  key: IndicatorKey,
  ledger: Ledger,
  options: IndicatorOptions,
):
  | { subject: 'project'; records: ProjectRecord[] }
  | { subject: 'direct_subsidy'; records: DirectSubsidyRecord[] }
  | { subject: 'training'; records: TrainingRecord[] } {
  const def = asAny(indicatorDefinition(key));
  const ctx = indicatorContext(options);
  const records = recordsOf(ledger, def.subject).filter((r) => def.behind(r as never, ctx));
  return { subject: def.subject, records } as ReturnType<typeof recordsBehind>;
}

/** Computes a rate indicator over a ledger. */
function measureRate(def: IndicatorDefinition, ledger: Ledger, ctx: IndicatorContext): Rate {
  const d = asAny(def);
  let numerator = 0;
  let denominator = 0;
  for (const r of recordsOf(ledger, d.subject)) {
    if (!d.includes(r as never, ctx)) continue;
    const m = d.measure(r, ctx) as { numerator: number; denominator: number };
    numerator += m.numerator;
    denominator += m.denominator;
  }
  return rate(numerator, denominator);
}

/** Computes a count indicator over a ledger. */
function measureCount(def: IndicatorDefinition, ledger: Ledger, ctx: IndicatorContext): number {
  const d = asAny(def);
  let total = 0;
  for (const r of recordsOf(ledger, d.subject)) {
    if (d.includes(r as never, ctx)) total += d.measure(r, ctx) as number;
  }
  return total;
}

export type GroupCounts = Record<IndicatorGroup, number> & { total: number };
export type FundSourceTotals = Record<FundSource, Fen>;

/** The figures of one year as of one day. */
export interface YearIndicators {
  year: number;
  asOf: string;
  subsidyStandardFen: Fen;
  /** Number of the year's projects per indicator group, and in all. */
  projectCountsByGroup: GroupCounts;
  /** 直补资金受益移民 (人). */
  directSubsidyBeneficiaries: number;
  /** Number of direct-subsidy records (one per village) of the year. */
  directSubsidyVillages: number;
  /** Direct-subsidy money of the year (fen), whatever its payment state. */
  directSubsidyAmountFen: Fen;
  /** Direct-subsidy money paid by asOf (fen). */
  directSubsidyPaidFen: Fen;
  /** Number of training courses of the year. */
  trainingCourses: number;
  /** 培训移民劳动力 (人次). */
  traineeCount: number;
  trainingPassRate: Rate;
  acceptancePassRate: Rate;
  implementationRate: Rate;
  disbursementRate: Rate;
  onTimeSubsidyRate: Rate;
  subsidyStandardRate: Rate;
  budgetControlRate: Rate;
  /** Approved budget of the year's projects per fund source (fen). */
  budgetByFundSource: FundSourceTotals;
  budgetTotalFen: Fen;
  /** Disbursements dated on or before asOf of the year's projects, per fund source (fen). */
  disbursedByFundSource: FundSourceTotals;
  disbursedTotalFen: Fen;
}

const emptyFundTotals = (): FundSourceTotals => ({ central: 0, provincial: 0, county: 0, other: 0 });

/**
 * Computes the indicators of `year` as of `asOf` from a ledger (which may hold other years too:
 * only records of `year` are measured). Rates whose denominator is 0 have a null ratio.
 *
 * @example computeIndicators(ledger, { year: 2022, asOf: '2023-08-31' }).implementationRate
 * // { numerator: 247, denominator: 260, ratio: 0.95 }
 */
export function computeIndicators(ledger: Ledger, options: IndicatorOptions): YearIndicators {
  const ctx = indicatorContext(options);
  const projects = ledger.projects.filter((p) => ofYear(p, ctx));
  const subsidies = ledger.directSubsidies.filter((s) => ofYear(s, ctx));
  const trainings = ledger.trainings.filter((t) => ofYear(t, ctx));

  const projectCountsByGroup: GroupCounts = {
    beautiful_home: 0,
    production_infrastructure: 0,
    training: 0,
    hazard_relief: 0,
    other: 0,
    total: projects.length,
  };
  const budgetByFundSource = emptyFundTotals();
  const disbursedByFundSource = emptyFundTotals();
  for (const p of projects) {
    projectCountsByGroup[p.indicatorGroup] += 1;
    for (const b of p.budget) budgetByFundSource[b.fundSource] += b.amountFen;
    for (const d of p.disbursements) {
      if (isOnOrBefore(d.date, ctx.asOf)) disbursedByFundSource[d.fundSource] += d.amountFen;
    }
  }
  const total = (t: FundSourceTotals): Fen => sumFen(FUND_SOURCE_ORDER.map((s) => t[s]));

  return {
    year: ctx.year,
    asOf: ctx.asOf,
    subsidyStandardFen: ctx.subsidyStandardFen,
    projectCountsByGroup,
    directSubsidyBeneficiaries: measureCount(directSubsidyBeneficiaries, ledger, ctx),
    directSubsidyVillages: subsidies.length,
    directSubsidyAmountFen: sumFen(subsidies.map((s) => s.amountFen)),
    directSubsidyPaidFen: sumFen(
      subsidies.filter((s) => s.paymentDate !== null && isOnOrBefore(s.paymentDate, ctx.asOf)).map((s) => s.amountFen),
    ),
    trainingCourses: trainings.length,
    traineeCount: measureCount(traineeCount, ledger, ctx),
    trainingPassRate: measureRate(trainingPassRate, ledger, ctx),
    acceptancePassRate: measureRate(acceptancePassRate, ledger, ctx),
    implementationRate: measureRate(implementationRate, ledger, ctx),
    disbursementRate: measureRate(disbursementRate, ledger, ctx),
    onTimeSubsidyRate: measureRate(onTimeSubsidyRate, ledger, ctx),
    subsidyStandardRate: measureRate(subsidyStandardRate, ledger, ctx),
    budgetControlRate: measureRate(budgetControlRate, ledger, ctx),
    budgetByFundSource,
    budgetTotalFen: total(budgetByFundSource),
    disbursedByFundSource,
    disbursedTotalFen: total(disbursedByFundSource),
  };
}

/**
 * The value of an indicator from computed YearIndicators, for rendering any definition the
 * same way: a Rate for rate indicators, a number for counts.
 */
export function indicatorValue(indicators: YearIndicators, key: IndicatorKey): Rate | number {
  switch (key) {
    case 'beautifulHomeProjects':
      return indicators.projectCountsByGroup.beautiful_home;
    case 'productionInfrastructureProjects':
      return indicators.projectCountsByGroup.production_infrastructure;
    default:
      return indicators[key];
  }
}
