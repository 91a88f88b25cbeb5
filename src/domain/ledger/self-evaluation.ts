/**
 * The year's 绩效自评表 (performance self-evaluation table) of the county office: for every line
 * the 年度指标值 (the target the office set for the year), the 实际完成值 (from the ledger, the
 * satisfaction questionnaires, or, for the 效益 lines the ledger cannot measure, what the office
 * entered), the 分值 (weight), the 得分 (score) and the 偏差原因 note; plus 资金情况.
 *
 * Scoring follows the usual rule of the national project-spending evaluation method
 * (财政部《项目支出绩效评价管理办法》财预〔2020〕10号 and its self-evaluation table):
 * - 预算执行率 10 分, 产出指标 50 分, 效益指标 30 分, 满意度指标 10 分 (the default weights here);
 * - a quantitative line with a target "≥ t" scores its full weight when the actual value reaches t,
 *   otherwise weight × actual / t; with "≤ t", weight × t / actual above t;
 * - 预算执行率 scores weight × (执行数 / 预算数);
 * - a line that cannot be measured (no target set, or no data) is not scored, and the total is
 *   scaled to 100 over the weights that were scored, as the method says for lines that do not apply.
 *
 * Pure: figures in, table out. The office's entries come in as {@link SelfEvaluationLineInput}s,
 * checked by {@link checkSelfEvaluationLines}.
 */
import { formatPercent, INDICATOR_DEFINITIONS, rate, type IndicatorKey, type Rate, type YearIndicators } from './indicators.ts';
import { FUND_SOURCE_ORDER, type FundSource } from './ledger.ts';
import { FUND_SOURCE_LABELS } from './labels.ts';
import type { Fen } from '../shared/money.ts';

export type TargetOp = '>=' | '<=' | '=';
export const TARGET_OPS: readonly TargetOp[] = ['>=', '<=', '='];
const OP_SIGN: Record<TargetOp, string> = { '>=': '≥', '<=': '≤', '=': '=' };

export const BENEFIT_CATEGORIES = ['经济效益指标', '社会效益指标', '生态效益指标', '可持续影响指标'] as const;
export type BenefitCategory = (typeof BENEFIT_CATEGORIES)[number];

/** At most this many 效益 lines a year. */
export const MAX_BENEFIT_LINES = 8;

/** What the office enters for a measured line (an indicator, 满意度, 预算执行率). */
export interface MeasuredLineInput {
  key: IndicatorKey | 'satisfaction' | 'budgetExecution';
  /** The 年度指标值: a percent (0–100) for rates, a number in the indicator's unit for counts; null when not set. */
  target: { op: TargetOp; value: number } | null;
  weight: number;
  note: string;
}

/** A 效益 line, which the ledger cannot measure: everything but the weight is the office's text. */
export interface BenefitLineInput {
  key: `benefit-${number}`;
  category: BenefitCategory;
  name: string;
  targetText: string;
  actualText: string;
  /** The office's score, 0 … weight; null when not yet assessed. */
  score: number | null;
  weight: number;
  note: string;
}

export type SelfEvaluationLineInput = MeasuredLineInput | BenefitLineInput;

export const isBenefitLine = (line: SelfEvaluationLineInput): line is BenefitLineInput => line.key.startsWith('benefit-');

/**
 * The default weights: 产出指标 50 over the eleven ledger indicators (数量 4 × 5, 质量 2 × 5,
 * 时效 3 × 4, 成本 2 × 4), 满意度 10, 预算执行率 10; the 效益 lines' 30 are the office's.
 */
export const DEFAULT_WEIGHTS: Readonly<Record<MeasuredLineInput['key'], number>> = {
  directSubsidyBeneficiaries: 5,
  beautifulHomeProjects: 5,
  productionInfrastructureProjects: 5,
  traineeCount: 5,
  acceptancePassRate: 5,
  trainingPassRate: 5,
  onTimeSubsidyRate: 4,
  implementationRate: 4,
  disbursementRate: 4,
  subsidyStandardRate: 4,
  budgetControlRate: 4,
  satisfaction: 10,
  budgetExecution: 10,
};

/** The lines of a year nobody has filled in yet: default weights, no targets, no 效益 lines. */
export function defaultSelfEvaluationLines(): SelfEvaluationLineInput[] {
  return (Object.keys(DEFAULT_WEIGHTS) as MeasuredLineInput['key'][]).map((key) => ({ key, target: null, weight: DEFAULT_WEIGHTS[key], note: '' }));
}

/** Satisfaction answers of a year: respondents and how many said 满意 or 基本满意. */
export interface SatisfactionTotals {
  respondents: number;
  satisfied: number;
  /** Of which from the village pages' questionnaire and from uploaded paper forms. */
  online: number;
  paper: number;
}

export interface SelfEvaluationRow {
  key: string;
  level1: '产出指标' | '效益指标' | '满意度指标' | '预算执行';
  level2: string;
  name: string;
  targetText: string;
  actualText: string;
  /** The actual value as a number (a percent for rates), or null when there is none. */
  actualValue: number | null;
  /** How the actual value was obtained. */
  source: 'ledger' | 'questionnaire' | 'entered';
  weight: number;
  /** Two decimals, or null when the line is not scored (see `unscoredReason`). */
  score: number | null;
  unscoredReason: string | null;
  note: string;
  /** The public page that lists the records behind the figure, if any. */
  behindPath: string | null;
}

export interface FundRow {
  source: FundSource | 'total';
  label: string;
  budgetFen: Fen;
  disbursedFen: Fen;
  rate: Rate;
}

export interface SelfEvaluation {
  year: number;
  asOf: string;
  rows: SelfEvaluationRow[];
  funds: FundRow[];
  /** Sum of every line's weight (100 with the default weights and 30 of 效益 lines). */
  weightTotal: number;
  /** Sum of the weights of the lines that were scored. */
  scoredWeight: number;
  /** Sum of the scores, two decimals. */
  scoreTotal: number;
  /** scoreTotal scaled to 100 over scoredWeight, one decimal; null when nothing was scored. */
  scaledScore: number | null;
  /** 优 (≥ 90), 良 (≥ 80), 中 (≥ 60), 差, from scaledScore. */
  grade: '优' | '良' | '中' | '差' | null;
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const groupDigits = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** Formats a target: "≥95%" for a rate, "≥14,452人" for a count. */
export function formatTarget(target: MeasuredLineInput['target'], unit: string): string {
  if (target === null) return '未填写';
  return `${OP_SIGN[target.op]}${unit === '%' ? target.value : groupDigits(target.value)}${unit}`;
}

/**
 * The score of a measured line: full weight when the target is met, otherwise scaled by how far
 * the actual value is from it. Null when there is no target or no actual value.
 *
 * @example scoreAgainstTarget({ op: '>=', value: 90 }, 60, 4) // 2.67
 * @example scoreAgainstTarget({ op: '<=', value: 100 }, 80, 4) // 4
 */
export function scoreAgainstTarget(target: MeasuredLineInput['target'], actual: number | null, weight: number): number | null {
  if (target === null || actual === null) return null;
  const t = target.value;
  let share: number;
  if (target.op === '>=') share = actual >= t ? 1 : t <= 0 ? 1 : actual / t;
  else if (target.op === '<=') share = actual <= t ? 1 : actual <= 0 ? 1 : t / actual;
  else share = actual === t ? 1 : t === 0 || actual === 0 ? 0 : Math.min(actual / t, t / actual);
  return round2(weight * Math.max(0, Math.min(1, share)));
}

const percentOf = (r: Rate): number | null => (r.ratio === null ? null : r.ratio * 100);

const LEDGER_DEFINITIONS = new Map<string, (typeof INDICATOR_DEFINITIONS)[number]>(INDICATOR_DEFINITIONS.map((d) => [d.key, d]));

function indicatorActual(ind: YearIndicators, key: IndicatorKey): { text: string; value: number | null; unit: string } {
  const def = LEDGER_DEFINITIONS.get(key)!;
  if (def.kind === 'rate') {
    const r = ind[key as Exclude<IndicatorKey, 'beautifulHomeProjects' | 'productionInfrastructureProjects' | 'directSubsidyBeneficiaries' | 'traineeCount'>] as Rate;
    return { text: formatPercent(r), value: percentOf(r), unit: '%' };
  }
  const value =
    key === 'beautifulHomeProjects'
      ? ind.projectCountsByGroup.beautiful_home
      : key === 'productionInfrastructureProjects'
        ? ind.projectCountsByGroup.production_infrastructure
        : (ind[key as 'directSubsidyBeneficiaries' | 'traineeCount'] as number);
  return { text: `${groupDigits(value)}${def.unit}`, value, unit: def.unit };
}

/**
 * Builds the table of a year: the ledger indicators in the order of the county's table (产出:
 * 数量, 质量, 时效, 成本), then the 效益 lines, 满意度, and 预算执行率 with 资金情况.
 */
export function buildSelfEvaluation(input: {
  indicators: YearIndicators;
  lines: readonly SelfEvaluationLineInput[];
  satisfaction: SatisfactionTotals;
}): SelfEvaluation {
  const { indicators: ind, satisfaction } = input;
  const byKey = new Map(input.lines.map((l) => [l.key, l]));
  const defaults = new Map(defaultSelfEvaluationLines().map((l) => [l.key, l as MeasuredLineInput]));
  const measured = (key: MeasuredLineInput['key']): MeasuredLineInput => (byKey.get(key) as MeasuredLineInput | undefined) ?? defaults.get(key)!;
  const rows: SelfEvaluationRow[] = [];
  const unscored = (target: MeasuredLineInput['target'], value: number | null, missing: string) =>
    target === null ? '没有填写年度指标值，不计分' : value === null ? missing : null;

  const CATEGORY_ORDER = ['数量指标', '质量指标', '时效指标', '成本指标'] as const;
  for (const category of CATEGORY_ORDER) {
    for (const def of INDICATOR_DEFINITIONS.filter((d) => d.category === category)) {
      const line = measured(def.key);
      const actual = indicatorActual(ind, def.key);
      const score = scoreAgainstTarget(line.target, actual.value, line.weight);
      rows.push({
        key: def.key,
        level1: '产出指标',
        level2: category,
        name: def.name,
        targetText: formatTarget(line.target, actual.unit),
        actualText: actual.text,
        actualValue: actual.value === null ? null : round2(actual.value),
        source: 'ledger',
        weight: line.weight,
        score,
        unscoredReason: score === null ? unscored(line.target, actual.value, '没有可计算的记录，不计分') : null,
        note: line.note,
        behindPath: `/years/${ind.year}/indicators/${def.key}/`,
      });
    }
  }

  for (const line of input.lines.filter(isBenefitLine)) {
    const score = line.score === null ? null : round2(Math.max(0, Math.min(line.weight, line.score)));
    rows.push({
      key: line.key,
      level1: '效益指标',
      level2: line.category,
      name: line.name,
      targetText: line.targetText || '未填写',
      actualText: line.actualText || '未填写',
      actualValue: null,
      source: 'entered',
      weight: line.weight,
      score,
      unscoredReason: score === null ? '还没有评分，不计分' : null,
      note: line.note,
      behindPath: null,
    });
  }

  const sat = measured('satisfaction');
  const satRate = rate(satisfaction.satisfied, satisfaction.respondents);
  const satScore = scoreAgainstTarget(sat.target, percentOf(satRate), sat.weight);
  rows.push({
    key: 'satisfaction',
    level1: '满意度指标',
    level2: '服务对象满意度指标',
    name: '移民群众满意度',
    targetText: formatTarget(sat.target, '%'),
    actualText:
      satisfaction.respondents === 0
        ? '无数据'
        : `${formatPercent(satRate)}（${groupDigits(satisfaction.respondents)} 份问卷，满意和基本满意 ${groupDigits(satisfaction.satisfied)} 份）`,
    actualValue: satRate.ratio === null ? null : round2(satRate.ratio * 100),
    source: 'questionnaire',
    weight: sat.weight,
    score: satScore,
    unscoredReason: satScore === null ? unscored(sat.target, percentOf(satRate), '本年还没有问卷结果，不计分') : null,
    note: sat.note,
    behindPath: null,
  });

  const exec = measured('budgetExecution');
  const execRate = rate(ind.disbursedTotalFen, ind.budgetTotalFen);
  const execScore = execRate.ratio === null ? null : round2(exec.weight * Math.min(1, execRate.ratio));
  rows.push({
    key: 'budgetExecution',
    level1: '预算执行',
    level2: '预算执行率',
    name: '预算执行率（执行数 / 预算数）',
    targetText: '100%',
    actualText: formatPercent(execRate),
    actualValue: percentOf(execRate) === null ? null : round2(percentOf(execRate)!),
    source: 'ledger',
    weight: exec.weight,
    score: execScore,
    unscoredReason: execScore === null ? '本年没有批复预算，不计分' : null,
    note: exec.note,
    behindPath: `/years/${ind.year}/indicators/disbursementRate/`,
  });

  const funds: FundRow[] = FUND_SOURCE_ORDER.filter((s) => ind.budgetByFundSource[s] > 0 || ind.disbursedByFundSource[s] > 0).map((s) => ({
    source: s,
    label: FUND_SOURCE_LABELS[s],
    budgetFen: ind.budgetByFundSource[s],
    disbursedFen: ind.disbursedByFundSource[s],
    rate: rate(ind.disbursedByFundSource[s], ind.budgetByFundSource[s]),
  }));
  funds.push({ source: 'total', label: '合计', budgetFen: ind.budgetTotalFen, disbursedFen: ind.disbursedTotalFen, rate: rate(ind.disbursedTotalFen, ind.budgetTotalFen) });

  const weightTotal = round2(rows.reduce((s, r) => s + r.weight, 0));
  const scored = rows.filter((r) => r.score !== null);
  const scoredWeight = round2(scored.reduce((s, r) => s + r.weight, 0));
  const scoreTotal = round2(scored.reduce((s, r) => s + r.score!, 0));
  const scaledScore = scoredWeight === 0 ? null : Math.round((scoreTotal / scoredWeight) * 1000) / 10;
  const grade = scaledScore === null ? null : scaledScore >= 90 ? '优' : scaledScore >= 80 ? '良' : scaledScore >= 60 ? '中' : '差';
  return { year: ind.year, asOf: ind.asOf, rows, funds, weightTotal, scoredWeight, scoreTotal, scaledScore, grade };
}

/** A problem with the office's entries, in Chinese, naming the line and the field. */
export interface LineProblem {
  line: string;
  field: string;
  problem: string;
}

const MEASURED_KEYS = new Set(Object.keys(DEFAULT_WEIGHTS));
const NOTE_MAX = 300;
const TEXT_MAX = 60;

/** The Chinese name of a line key, for messages. */
export function lineName(key: string): string {
  if (key === 'satisfaction') return '移民群众满意度';
  if (key === 'budgetExecution') return '预算执行率';
  return LEDGER_DEFINITIONS.get(key)?.name ?? key;
}

/**
 * Checks the office's entries for a year: every key known and once, targets and weights in range
 * (a percent target 0–100), texts within length, at most {@link MAX_BENEFIT_LINES} 效益 lines, a
 * benefit score within its weight. Returns the problems, empty when the lines can be saved.
 */
export function checkSelfEvaluationLines(lines: readonly SelfEvaluationLineInput[]): LineProblem[] {
  const problems: LineProblem[] = [];
  const seen = new Set<string>();
  let benefits = 0;
  for (const line of lines) {
    const name = isBenefitLine(line) ? `效益指标「${line.name || line.key}」` : lineName(line.key);
    if (seen.has(line.key)) problems.push({ line: name, field: '指标', problem: `重复了：每个指标只能填一次（${line.key}）` });
    seen.add(line.key);
    if (!Number.isFinite(line.weight) || line.weight < 0 || line.weight > 100) {
      problems.push({ line: name, field: '分值', problem: `收到“${line.weight}”，应为 0 到 100 的数` });
    }
    if (line.note.length > NOTE_MAX) problems.push({ line: name, field: '偏差原因', problem: `有 ${line.note.length} 个字，最多 ${NOTE_MAX} 个字` });
    if (isBenefitLine(line)) {
      benefits += 1;
      if (!/^benefit-\d{1,2}$/.test(line.key)) problems.push({ line: name, field: '指标', problem: `收到“${line.key}”，效益指标应为 benefit-1 到 benefit-${MAX_BENEFIT_LINES}` });
      if (!BENEFIT_CATEGORIES.includes(line.category)) problems.push({ line: name, field: '二级指标', problem: `收到“${line.category}”，应为 ${BENEFIT_CATEGORIES.join('、')} 之一` });
      if (line.name.trim() === '') problems.push({ line: name, field: '指标名称', problem: '没有填写' });
      for (const [field, text] of [['指标名称', line.name], ['年度指标值', line.targetText], ['实际完成值', line.actualText]] as const) {
        if (text.length > TEXT_MAX) problems.push({ line: name, field, problem: `有 ${text.length} 个字，最多 ${TEXT_MAX} 个字` });
      }
      if (line.score !== null && (!Number.isFinite(line.score) || line.score < 0 || line.score > line.weight)) {
        problems.push({ line: name, field: '得分', problem: `收到“${line.score}”，应在 0 到分值 ${line.weight} 之间` });
      }
      continue;
    }
    if (!MEASURED_KEYS.has(line.key)) {
      problems.push({ line: name, field: '指标', problem: `没有这个指标“${line.key}”` });
      continue;
    }
    if (line.target !== null) {
      const isRate = line.key === 'satisfaction' || line.key === 'budgetExecution' || LEDGER_DEFINITIONS.get(line.key)?.kind === 'rate';
      const { op, value } = line.target;
      if (!TARGET_OPS.includes(op)) problems.push({ line: name, field: '年度指标值', problem: `比较方式“${op}”应为 ≥、≤ 或 =` });
      if (!Number.isFinite(value) || value < 0 || (isRate && value > 100)) {
        problems.push({ line: name, field: '年度指标值', problem: `收到“${value}”，${isRate ? '应为 0 到 100 的百分数' : '应为不小于 0 的数'}` });
      }
      if (!isRate && !Number.isInteger(value)) problems.push({ line: name, field: '年度指标值', problem: `收到“${value}”，个数、人数应为整数` });
    }
  }
  if (benefits > MAX_BENEFIT_LINES) problems.push({ line: '效益指标', field: '行数', problem: `有 ${benefits} 行，最多 ${MAX_BENEFIT_LINES} 行` });
  return problems;
}
