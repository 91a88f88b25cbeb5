/**
 * 数据缺漏和滞后: the kinds of missing or late things the county office looks for each year, and
 * the pure rules that find them in the ledger. Each finding names one record (a project, a village,
 * a payment, a disclosure, an objection) so a count on the screen opens exactly the records behind
 * it. The rules that need more than the ledger (posting photos, objections, one-card payments) are
 * applied by src/data/gaps.ts with the same {@link GapFinding} shape.
 */
import { projectBudgetFen, projectDisbursedFen } from './indicators.ts';
import type { DirectSubsidyRecord, ProjectRecord } from './ledger.ts';
import { hasReached, milestoneDate } from './project-status.ts';
import { addDays } from '../shared/dates.ts';

export const GAP_KINDS = [
  'noExactLocation',
  'approvedNotStarted',
  'completedNotAccepted',
  'paymentLagging',
  'failedPayments',
  'noPostingPhoto',
  'objectionsOverdue',
  'idleVillages',
  'registryMismatch',
  'missingDocuments',
] as const;
export type GapKind = (typeof GAP_KINDS)[number];

/** The thresholds of the rules, in days; the screen lets the office change them. */
export interface GapOptions {
  /** The day the screen looks from, ISO `YYYY-MM-DD`. */
  asOf: string;
  /** Approved this many days ago and not started: late. */
  startDays: number;
  /** Accepted this many days ago and not fully paid, or started this many days ago with nothing paid: lagging. */
  paymentDays: number;
  /** An objection received this many days ago and not answered: overdue. */
  answerDays: number;
  /** The share of a budget that may still be held back after acceptance (质保金), in percent. */
  retainPercent: number;
  /** The year whose registry and direct subsidies are compared, and whose last three years are checked for projects. */
  year: number;
}

export const DEFAULT_GAP_DAYS = { startDays: 90, paymentDays: 30, answerDays: 15, retainPercent: 15 } as const;

/** The label and the plain rule of each kind, for the screen's headers and the XLSX. */
export function gapLabels(o: Pick<GapOptions, 'startDays' | 'paymentDays' | 'answerDays' | 'retainPercent' | 'year'>): Record<GapKind, { label: string; rule: string }> {
  return {
    noExactLocation: { label: '没有准确位置', rule: '项目只有村部位置，没有项目自己的经纬度' },
    approvedNotStarted: { label: '批复后未开工', rule: `县级批复超过 ${o.startDays} 天，还没有开工` },
    completedNotAccepted: { label: '完工未验收', rule: '已经完工，还没有验收' },
    paymentLagging: { label: '拨付滞后', rule: `验收超过 ${o.paymentDays} 天，拨付还不到批复的 ${100 - o.retainPercent}%（可留 ${o.retainPercent}% 质保金）；或开工超过 ${o.startDays} 天还没拨付一分钱` },
    failedPayments: { label: '一卡通发放失败未补发', rule: '直补发到户失败，还没有补发成功' },
    noPostingPhoto: { label: '公示没有张贴照片', rule: '已发布的村公示（当前版本），公示期已开始，还没有审核通过的张贴照片' },
    objectionsOverdue: { label: '异议逾期未答复', rule: `收到超过 ${o.answerDays} 天还没有答复的异议` },
    idleVillages: { label: '三年没有项目的移民村', rule: `${o.year - 2}–${o.year} 年没有县级批复项目的移民村` },
    registryMismatch: { label: '名册和直补人数不一致', rule: `${o.year} 年移民村名册的移民人数和直补发放人数不同` },
    missingDocuments: { label: '项目档案缺件', rule: '按项目进度应有的档案还没有上传：申报后要有立项申请报告，批复后要有批复文件，开工后要有合同，完工后要有照片，验收后要有验收表，决算后要有结算单' },
  };
}

/** One record found by a rule. */
export interface GapFinding {
  kind: GapKind;
  /** 项目编号, village code, disclosure id, feedback id or payment id: the record the finding opens. */
  ref: string;
  villageCode: string;
  /** What it is, in a few words (project name, village name…). */
  title: string;
  /** Why it was found, with the dates and amounts that decided it. */
  detail: string;
  /** A page or screen that shows the record, when there is one. */
  link: string | null;
}

const yuan = (fen: number) => `${(fen / 100).toFixed(2)} 元`;

/** The project rules: location, start, acceptance and payment lags, as of `asOf`. */
export function projectGaps(projects: readonly ProjectRecord[], o: GapOptions): GapFinding[] {
  const found: GapFinding[] = [];
  for (const p of projects) {
    const base = { ref: p.code, villageCode: p.villageCode, title: `${p.year} 年 ${p.name}` };
    const link = `/projects/${encodeURIComponent(p.code)}/`;
    if (p.locationPrecision !== 'exact' || p.lon === null || p.lat === null) {
      found.push({ kind: 'noExactLocation', ...base, detail: '位置只到村部', link });
    }
    const approved = milestoneDate(p, 'county_approved', o.asOf);
    const started = hasReached(p, 'started', o.asOf);
    if (approved && !started && addDays(approved, o.startDays) < o.asOf) {
      found.push({ kind: 'approvedNotStarted', ...base, detail: `${approved} 县级批复，到 ${o.asOf} 还没有开工`, link });
    }
    const completed = milestoneDate(p, 'completed', o.asOf);
    if (completed && !hasReached(p, 'accepted', o.asOf)) {
      found.push({ kind: 'completedNotAccepted', ...base, detail: `${completed} 完工，还没有验收`, link });
    }
    const budget = projectBudgetFen(p);
    const paid = projectDisbursedFen(p, o.asOf);
    const accepted = milestoneDate(p, 'accepted', o.asOf);
    const startedOn = milestoneDate(p, 'started', o.asOf);
    if (accepted && paid * 100 < budget * (100 - o.retainPercent) && addDays(accepted, o.paymentDays) < o.asOf) {
      found.push({ kind: 'paymentLagging', ...base, detail: `${accepted} 验收，批复 ${yuan(budget)}，已拨付 ${yuan(paid)}`, link });
    } else if (startedOn && paid === 0 && budget > 0 && addDays(startedOn, o.startDays) < o.asOf) {
      found.push({ kind: 'paymentLagging', ...base, detail: `${startedOn} 开工，批复 ${yuan(budget)}，还没有拨付`, link });
    }
  }
  return found;
}

/** Resettlement villages with no county-approved project in the year or the two before it. */
export function idleVillageGaps(villages: ReadonlyArray<{ code: string; name: string }>, projects: readonly ProjectRecord[], o: Pick<GapOptions, 'year'>): GapFinding[] {
  const active = new Set(projects.filter((p) => p.year >= o.year - 2 && p.year <= o.year).map((p) => p.villageCode));
  return villages
    .filter((v) => !active.has(v.code))
    .map((v) => ({ kind: 'idleVillages' as const, ref: v.code, villageCode: v.code, title: v.name, detail: `${o.year - 2}–${o.year} 年没有县级批复的项目`, link: `/villages/${v.code}/` }));
}

/** Villages whose registry figure for the year differs from the people paid the direct subsidy. */
export function registryMismatchGaps(
  registry: ReadonlyArray<{ villageCode: string; villageName: string; migrantPopulation: number }>,
  subsidies: readonly DirectSubsidyRecord[],
  o: Pick<GapOptions, 'year'>,
): GapFinding[] {
  const paid = new Map(subsidies.filter((s) => s.year === o.year).map((s) => [s.villageCode, s.beneficiaries]));
  const found: GapFinding[] = [];
  for (const r of registry) {
    const beneficiaries = paid.get(r.villageCode);
    if (beneficiaries === undefined) {
      found.push({ kind: 'registryMismatch', ref: r.villageCode, villageCode: r.villageCode, title: r.villageName, detail: `名册 ${r.migrantPopulation} 人，没有 ${o.year} 年的直补记录`, link: null });
    } else if (beneficiaries !== r.migrantPopulation) {
      found.push({ kind: 'registryMismatch', ref: r.villageCode, villageCode: r.villageCode, title: r.villageName, detail: `名册 ${r.migrantPopulation} 人，直补发放 ${beneficiaries} 人，相差 ${beneficiaries - r.migrantPopulation} 人`, link: null });
    }
  }
  return found;
}
