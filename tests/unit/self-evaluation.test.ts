/**
 * The 绩效自评表: scoring against targets, the checks of the office's entries, and the sample
 * county's 2022 table as of 2023-08-31, whose actual values must be the figures of the county's
 * published self-evaluation report (SAMPLE_SELF_EVALUATION_2022), in the XLSX and in the PDF.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSheet } from 'read-excel-file/universal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_COUNTY_CODE, SAMPLE_SELF_EVALUATION_2022, seedSampleCounty } from '../../db/seed/sample-county.ts';
import { loadSelfEvaluation, loadSelfEvaluationLines, saveSelfEvaluationLines, type SelfEvaluationReport } from '../../src/data/self-evaluation.ts';
import { selfEvaluationDocument, selfEvaluationXlsx } from '../../src/data/self-evaluation-files.ts';
import { computeIndicators, formatPercent, rate, type YearIndicators } from '../../src/domain/ledger/indicators.ts';
import {
  buildSelfEvaluation,
  checkSelfEvaluationLines,
  defaultSelfEvaluationLines,
  scoreAgainstTarget,
  type SelfEvaluationLineInput,
} from '../../src/domain/ledger/self-evaluation.ts';
import { renderReportPdf } from '../../src/posters/report-pdf.ts';
import { createTempDatabase, type TempDatabase } from '../support/temp-database.ts';

/** read-excel-file takes a Blob or an ArrayBuffer, not a Uint8Array. */
const sheet = (bytes: Uint8Array, n: number) => readSheet(new Blob([bytes as Uint8Array<ArrayBuffer>]), n);
const noAnswers = { respondents: 0, satisfied: 0, online: 0, paper: 0 };

describe('scoreAgainstTarget', () => {
  it('gives the full weight when a "≥" target is reached and the share of it when not', () => {
    expect(scoreAgainstTarget({ op: '>=', value: 90 }, 95, 4)).toBe(4);
    expect(scoreAgainstTarget({ op: '>=', value: 90 }, 60, 4)).toBe(2.67);
  });
  it('scales a "≤" target by target / actual above it', () => {
    expect(scoreAgainstTarget({ op: '<=', value: 100 }, 80, 4)).toBe(4);
    expect(scoreAgainstTarget({ op: '<=', value: 100 }, 200, 4)).toBe(2);
  });
  it('scores "=" by the nearer ratio, and nothing without a target or a value', () => {
    expect(scoreAgainstTarget({ op: '=', value: 100 }, 100, 5)).toBe(5);
    expect(scoreAgainstTarget({ op: '=', value: 100 }, 50, 5)).toBe(2.5);
    expect(scoreAgainstTarget(null, 95, 4)).toBeNull();
    expect(scoreAgainstTarget({ op: '>=', value: 90 }, null, 4)).toBeNull();
  });
});

describe('checkSelfEvaluationLines', () => {
  it('accepts the defaults', () => {
    expect(checkSelfEvaluationLines(defaultSelfEvaluationLines())).toEqual([]);
  });
  it('names the line and the field of each problem, in Chinese', () => {
    const lines: SelfEvaluationLineInput[] = [
      { key: 'implementationRate', target: { op: '>=', value: 120 }, weight: 4, note: '' },
      { key: 'traineeCount', target: { op: '>=', value: 10.5 }, weight: -1, note: '' },
      { key: 'implementationRate', target: null, weight: 4, note: '' },
      { key: 'benefit-1', category: '社会效益指标', name: '', targetText: '', actualText: '', score: 20, weight: 15, note: '' },
      { key: 'nonsense' as never, target: null, weight: 1, note: '' },
    ];
    const problems = checkSelfEvaluationLines(lines);
    expect(problems).toContainEqual({ line: '项目实施率', field: '年度指标值', problem: '收到“120”，应为 0 到 100 的百分数' });
    expect(problems).toContainEqual({ line: '培训移民劳动力', field: '分值', problem: '收到“-1”，应为 0 到 100 的数' });
    expect(problems).toContainEqual({ line: '培训移民劳动力', field: '年度指标值', problem: '收到“10.5”，个数、人数应为整数' });
    expect(problems).toContainEqual({ line: '项目实施率', field: '指标', problem: '重复了：每个指标只能填一次（implementationRate）' });
    expect(problems).toContainEqual({ line: '效益指标「benefit-1」', field: '指标名称', problem: '没有填写' });
    expect(problems).toContainEqual({ line: '效益指标「benefit-1」', field: '得分', problem: '收到“20”，应在 0 到分值 15 之间' });
    expect(problems).toContainEqual({ line: 'nonsense', field: '指标', problem: '没有这个指标“nonsense”' });
  });
});

describe('buildSelfEvaluation', () => {
  const indicators: YearIndicators = computeIndicators({ projects: [], directSubsidies: [], trainings: [] }, { year: 2024, asOf: '2024-12-31' });
  it('scores nothing a year whose targets were never entered, and says why', () => {
    const e = buildSelfEvaluation({ indicators, lines: defaultSelfEvaluationLines(), satisfaction: noAnswers });
    expect(e.weightTotal).toBe(70);
    expect(e.scoredWeight).toBe(0);
    expect(e.scaledScore).toBeNull();
    expect(e.rows.find((r) => r.key === 'implementationRate')?.unscoredReason).toBe('没有填写年度指标值，不计分');
    expect(e.rows.find((r) => r.key === 'satisfaction')?.actualText).toBe('无数据');
    expect(e.rows.find((r) => r.key === 'budgetExecution')?.unscoredReason).toBe('本年没有批复预算，不计分');
  });
  it('counts satisfaction from the questionnaires and scales the total over the scored weights', () => {
    const lines = defaultSelfEvaluationLines().map((l) => (l.key === 'satisfaction' ? { ...l, target: { op: '>=' as const, value: 90 } } : l));
    const e = buildSelfEvaluation({ indicators, lines, satisfaction: { respondents: 40, satisfied: 30, online: 10, paper: 30 } });
    const row = e.rows.find((r) => r.key === 'satisfaction')!;
    expect(row.actualText).toBe('75%（40 份问卷，满意和基本满意 30 份）');
    expect(row.score).toBe(8.33);
    expect(e.scoredWeight).toBe(10);
    expect(e.scaledScore).toBe(83.3);
    expect(e.grade).toBe('良');
  });
});

describe('the sample county’s 2022 table as of 2023-08-31', () => {
  let temp: TempDatabase;
  let report: SelfEvaluationReport;
  const { year, asOf, counts, percents } = SAMPLE_SELF_EVALUATION_2022;
  const context = { siteUrl: 'https://yimin.example.cn', exportedAt: '2023-09-01T02:00:00.000Z' };
  beforeAll(async () => {
    temp = await createTempDatabase();
    await seedSampleCounty(temp.db);
    report = await loadSelfEvaluation(temp.db, { countyCode: SAMPLE_COUNTY_CODE, year, asOf });
  });
  afterAll(() => temp?.dispose());

  const actual = (key: string) => report.evaluation.rows.find((r) => r.key === key)!.actualText;
  const grouped = (n: number) => n.toLocaleString('en-US');

  it('reproduces the report’s counts and percentages', () => {
    expect(actual('directSubsidyBeneficiaries')).toBe(`${grouped(counts.directSubsidyBeneficiaries)}人`);
    expect(actual('beautifulHomeProjects')).toBe(`${counts.beautifulHomeProjects}个`);
    expect(actual('productionInfrastructureProjects')).toBe(`${counts.productionInfrastructureProjects}个`);
    expect(actual('traineeCount')).toBe(`${counts.traineeCount}人次`);
    for (const [key, percent] of Object.entries(percents)) expect(actual(key), key).toBe(`${percent}%`);
  });

  it('scores each line from the stored targets, and lists the records behind every figure', () => {
    const rows = new Map(report.evaluation.rows.map((r) => [r.key, r]));
    expect(rows.get('implementationRate')).toMatchObject({ targetText: '≥90%', score: 4 });
    // 60% of a 90% target on a weight of 4.
    expect(rows.get('disbursementRate')).toMatchObject({ targetText: '≥90%', score: 2.67 });
    expect(report.behind.beautifulHomeProjects).toHaveLength(counts.beautifulHomeProjects);
    expect(report.behind.acceptancePassRate).toHaveLength(0);
    const notStarted = report.behind.implementationRate.length;
    expect(notStarted).toBeGreaterThan(0);
    expect(rows.get('implementationRate')!.behindPath).toBe('/years/2022/indicators/implementationRate/');
    const sat = rows.get('satisfaction')!;
    const respondents = report.satisfactionByVillage.reduce((s, v) => s + v.paper, 0);
    expect(respondents).toBeGreaterThan(0);
    expect(sat.actualText).toContain(`${grouped(respondents)} 份问卷`);
    expect(report.evaluation.scaledScore).not.toBeNull();
  });

  it('writes the same figures into the XLSX, every figure with its records in 依据', async () => {
    const bytes = await selfEvaluationXlsx(report, context);
    const [main, behind, satisfaction] = await Promise.all([1, 2, 3].map((n) => sheet(bytes, n)));
    const mainText = main!.map((r) => r.join('\t')).join('\n');
    expect(mainText).toContain('常宁市2022年度水库移民后期扶持资金绩效自评表');
    expect(mainText).toContain('示例数据');
    expect(mainText).toContain(`项目实施率\t≥90%\t${percents.implementationRate}%\t4\t4`);
    expect(mainText).toContain(`资金拨付率\t≥90%\t${percents.disbursementRate}%\t4\t2.67`);
    expect(mainText).toContain(`直补资金受益移民\t≥${grouped(counts.directSubsidyBeneficiaries)}人\t${grouped(counts.directSubsidyBeneficiaries)}人`);
    expect(mainText).toContain('https://yimin.example.cn/years/2022/indicators/implementationRate/');
    const fundTotal = main!.find((r) => r[0] === '合计' && typeof r[1] === 'number')!;
    expect(Math.round((fundTotal[1] as number) * 100)).toBe(report.evaluation.funds.at(-1)!.budgetFen);
    expect(Math.round((fundTotal[2] as number) * 100)).toBe(report.evaluation.funds.at(-1)!.disbursedFen);
    expect(formatPercent(rate(report.evaluation.funds.at(-1)!.disbursedFen, report.evaluation.funds.at(-1)!.budgetFen))).toBe(`${percents.disbursementRate}%`);
    const behindRows = behind!.filter((r) => String(r[0]).startsWith('移民美丽家园建设项目'));
    expect(behindRows).toHaveLength(counts.beautifulHomeProjects);
    expect(behind!.filter((r) => String(r[0]).startsWith('项目实施率'))).toHaveLength(report.behind.implementationRate.length);
    expect(satisfaction!.length - 1).toBe(report.satisfactionByVillage.length);
  });

  it('keeps a note that starts like a formula as text', async () => {
    const stored = await loadSelfEvaluationLines(temp.db, SAMPLE_COUNTY_CODE, year);
    const edited = stored.lines.map((l) => (l.key === 'disbursementRate' ? { ...l, note: '=HYPERLINK("http://x","点我")' } : l));
    await saveSelfEvaluationLines(temp.db, { countyCode: SAMPLE_COUNTY_CODE, year, lines: edited, actorId: null, actorLabel: 'test', at: '2023-09-01T00:00:00.000Z', requestId: null });
    const again = await loadSelfEvaluation(temp.db, { countyCode: SAMPLE_COUNTY_CODE, year, asOf });
    const main = await sheet(await selfEvaluationXlsx(again, context), 1);
    expect(main.flat()).toContain(`'=HYPERLINK("http://x","点我")`);
  });

  it('prints the same figures in the PDF, with real text', async () => {
    const result = await renderReportPdf(selfEvaluationDocument(report, context));
    if (!result.ok) throw new Error(`missing glyphs ${result.characters.join('')}`);
    const dir = mkdtempSync(join(tmpdir(), 'self-eval-'));
    try {
      writeFileSync(join(dir, 'table.pdf'), result.bytes);
      const text = execFileSync('pdftotext', ['-layout', join(dir, 'table.pdf'), '-'], { encoding: 'utf8' });
      expect(text).toContain('常宁市2022年度水库移民后期扶持资金绩效自评表');
      expect(text).toContain(`${grouped(counts.directSubsidyBeneficiaries)}人`);
      expect(text).toMatch(new RegExp(`项目实施率\\s+≥90%\\s+${percents.implementationRate}%`));
      expect(text).toMatch(new RegExp(`资金拨付率\\s+≥90%\\s+${percents.disbursementRate}%`));
      expect(text).toMatch(/第\s*1\s*页\s*共\s*2\s*页/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
