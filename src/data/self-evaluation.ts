/**
 * The 绩效自评表 of a county and year from the database: the county-approved ledger's indicators as
 * of a day, the office's targets and notes (`self_evaluation_targets`), and the satisfaction answers
 * (village pages' questionnaire and uploaded paper results), all of that county only. Also the
 * records behind each ledger figure, so the exported table can show what every number is made of.
 */
import { and, eq } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { divisions, satisfactionPaperResults, satisfactionResponses, selfEvaluationTargets } from '../../db/schema.ts';
import { computeIndicators, INDICATOR_DEFINITIONS, projectBudgetFen, projectDisbursedFen, recordsBehind, type IndicatorKey } from '../domain/ledger/indicators.ts';
import { projectStatusAsOf, statusLabel } from '../domain/ledger/project-status.ts';
import {
  buildSelfEvaluation,
  defaultSelfEvaluationLines,
  type SatisfactionTotals,
  type SelfEvaluation,
  type SelfEvaluationLineInput,
} from '../domain/ledger/self-evaluation.ts';
import { isSatisfiedAnswer } from '../domain/villager/satisfaction.ts';
import { appendAudit } from './audit.ts';
import { codeStartsWith } from './code-prefix.ts';
import { loadCountySettings } from './county-settings.ts';
import { loadLedger } from './ledger.ts';
import { writeTransaction } from './write-lock.ts';

export interface StoredLines {
  lines: SelfEvaluationLineInput[];
  /** Null when the year was never saved (the lines are the defaults). */
  updatedAt: string | null;
  updatedBy: string | null;
}

/** The county office's lines of a year, or the defaults when it never saved any. */
export async function loadSelfEvaluationLines(db: Database, countyCode: string, year: number): Promise<StoredLines> {
  const [row] = await db
    .select()
    .from(selfEvaluationTargets)
    .where(and(eq(selfEvaluationTargets.countyCode, countyCode), eq(selfEvaluationTargets.year, year)));
  if (!row) return { lines: defaultSelfEvaluationLines(), updatedAt: null, updatedBy: null };
  return { lines: JSON.parse(row.linesJson) as SelfEvaluationLineInput[], updatedAt: row.updatedAt, updatedBy: row.updatedBy };
}

/** Saves a county's lines of a year (already checked) and records the change in the audit log, in one transaction. */
export async function saveSelfEvaluationLines(
  db: Database,
  input: { countyCode: string; year: number; lines: readonly SelfEvaluationLineInput[]; actorId: number | null; actorLabel: string; at: string; requestId: string | null },
): Promise<void> {
  const linesJson = JSON.stringify(input.lines);
  await writeTransaction(db, async (tx) => {
    await tx
      .insert(selfEvaluationTargets)
      .values({ countyCode: input.countyCode, year: input.year, linesJson, updatedAt: input.at, updatedBy: input.actorLabel })
      .onConflictDoUpdate({ target: [selfEvaluationTargets.countyCode, selfEvaluationTargets.year], set: { linesJson, updatedAt: input.at, updatedBy: input.actorLabel } });
    await appendAudit(tx, {
      at: input.at,
      actorId: input.actorId,
      actorLabel: input.actorLabel,
      action: 'self_evaluation.save',
      subjectType: 'self_evaluation',
      subjectId: String(input.year),
      detail: { countyCode: input.countyCode, year: input.year, lines: input.lines.length },
      requestId: input.requestId,
    });
  });
}

export interface VillageSatisfaction {
  villageCode: string;
  villageName: string;
  online: number;
  onlineSatisfied: number;
  paper: number;
  paperSatisfied: number;
}

/** Satisfaction answers of a year per village (online and paper) within `scopeCode` (a county, township or village), and the totals. */
export async function loadSatisfaction(db: Database, year: number, scopeCode: string): Promise<{ totals: SatisfactionTotals; villages: VillageSatisfaction[] }> {
  const [online, paper] = await db.batch([
    db
      .select({ villageCode: satisfactionResponses.villageCode, villageName: divisions.name, answersJson: satisfactionResponses.answersJson })
      .from(satisfactionResponses)
      .innerJoin(divisions, eq(divisions.code, satisfactionResponses.villageCode))
      .where(and(eq(satisfactionResponses.year, year), codeStartsWith(satisfactionResponses.villageCode, scopeCode))),
    db
      .select({ villageCode: satisfactionPaperResults.villageCode, villageName: divisions.name, respondents: satisfactionPaperResults.respondents, satisfied: satisfactionPaperResults.satisfied })
      .from(satisfactionPaperResults)
      .innerJoin(divisions, eq(divisions.code, satisfactionPaperResults.villageCode))
      .where(and(eq(satisfactionPaperResults.year, year), codeStartsWith(satisfactionPaperResults.villageCode, scopeCode))),
  ]);
  const byVillage = new Map<string, VillageSatisfaction>();
  const village = (code: string, name: string) => {
    let v = byVillage.get(code);
    if (!v) byVillage.set(code, (v = { villageCode: code, villageName: name, online: 0, onlineSatisfied: 0, paper: 0, paperSatisfied: 0 }));
    return v;
  };
  for (const r of online) {
    const v = village(r.villageCode, r.villageName);
    v.online += 1;
    if (isSatisfiedAnswer(JSON.parse(r.answersJson) as Record<string, string>)) v.onlineSatisfied += 1;
  }
  for (const r of paper) {
    const v = village(r.villageCode, r.villageName);
    v.paper += r.respondents;
    v.paperSatisfied += r.satisfied;
  }
  const villages = [...byVillage.values()].sort((a, b) => a.villageCode.localeCompare(b.villageCode));
  const sum = (f: (v: VillageSatisfaction) => number) => villages.reduce((s, v) => s + f(v), 0);
  const totals: SatisfactionTotals = {
    online: sum((v) => v.online),
    paper: sum((v) => v.paper),
    respondents: sum((v) => v.online + v.paper),
    satisfied: sum((v) => v.onlineSatisfied + v.paperSatisfied),
  };
  return { totals, villages };
}

/** One record behind a ledger figure, as a row a person can look up. */
export interface BehindRecord {
  /** 项目编号, the village code of a direct subsidy, or the course name of a training. */
  ref: string;
  name: string;
  village: string;
  detail: string;
}

export interface SelfEvaluationReport {
  evaluation: SelfEvaluation;
  countyName: string;
  issuingUnit: string;
  isSample: boolean;
  updatedAt: string | null;
  updatedBy: string | null;
  /** The records behind each ledger indicator (for a rate, those keeping it below 100%). */
  behind: Record<IndicatorKey, BehindRecord[]>;
  satisfactionByVillage: VillageSatisfaction[];
}

/**
 * Everything the 绩效自评表 of county `countyCode` for `year` as of `asOf` shows: the county-approved
 * ledger of the year (what the office's plan holds, as the public indicators use), the office's
 * lines and the satisfaction answers, each of that county only, with its stored settings.
 */
export async function loadSelfEvaluation(db: Database, input: { countyCode: string; year: number; asOf: string }): Promise<SelfEvaluationReport> {
  const { countyCode } = input;
  const [settings, ledger, stored, satisfaction, villageRows] = await Promise.all([
    loadCountySettings(db, {}, countyCode),
    loadLedger(db, { year: input.year, scopeCode: countyCode }),
    loadSelfEvaluationLines(db, countyCode, input.year),
    loadSatisfaction(db, input.year, countyCode),
    db.select({ code: divisions.code, name: divisions.name }).from(divisions).where(and(eq(divisions.level, 'village'), codeStartsWith(divisions.code, countyCode))),
  ]);
  const villageNames = new Map(villageRows.map((v) => [v.code, v.name]));
  const options = { year: input.year, asOf: input.asOf, subsidyStandardFen: settings.subsidyStandardFen };
  const indicators = computeIndicators(ledger, options);
  const evaluation = buildSelfEvaluation({ indicators, lines: stored.lines, satisfaction: satisfaction.totals });
  const behind = {} as Record<IndicatorKey, BehindRecord[]>;
  for (const def of INDICATOR_DEFINITIONS) {
    const found = recordsBehind(def.key, ledger, options);
    const village = (code: string) => villageNames.get(code) ?? code;
    behind[def.key] =
      found.subject === 'project'
        ? found.records.map((p) => ({
            ref: p.code,
            name: p.name,
            village: village(p.villageCode),
            detail: `${statusLabel(projectStatusAsOf(p, input.asOf))}；批复 ${(projectBudgetFen(p) / 100).toFixed(2)} 元，已拨付 ${(projectDisbursedFen(p, input.asOf) / 100).toFixed(2)} 元`,
          }))
        : found.subject === 'direct_subsidy'
          ? found.records.map((s) => ({
              ref: s.villageCode,
              name: '直补资金',
              village: village(s.villageCode),
              detail: `${s.beneficiaries} 人，${(s.amountFen / 100).toFixed(2)} 元，应发 ${s.dueDate}，${s.paymentDate ? `${s.paymentDate} 发放` : '未发放'}`,
            }))
          : found.records.map((t) => ({
              ref: t.course,
              name: t.course,
              village: t.organizer,
              detail: `${t.startDate} 至 ${t.endDate}，参训 ${t.trainees} 人次，合格 ${t.passed} 人次`,
            }));
  }
  return {
    evaluation,
    countyName: settings.countyName,
    issuingUnit: settings.issuingUnit,
    isSample: settings.isSample,
    updatedAt: stored.updatedAt,
    updatedBy: stored.updatedBy,
    behind,
    satisfactionByVillage: satisfaction.villages,
  };
}
