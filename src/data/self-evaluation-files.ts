/**
 * The 绩效自评表 as files: an XLSX workbook (write-excel-file, in Node and in a Worker) and the
 * document the PDF is drawn from (src/posters/report-layout.ts, Node only). Both come from one
 * {@link SelfEvaluationReport}, so the two downloads always show the same figures.
 *
 * Every text cell is written as text and neutralised (a leading = + - @ gets an apostrophe), so
 * nothing typed into a note becomes a formula, even after the sheet is saved again as CSV.
 */
import writeXlsxFile from 'write-excel-file/universal';
import { formatPercent, INDICATOR_DEFINITIONS } from '../domain/ledger/indicators.ts';
import { neutraliseCell } from '../domain/shared/csv-safety.ts';
import { formatChineseDate } from '../domain/shared/dates.ts';
import { formatYuan } from '../domain/shared/money.ts';
import type { ReportDocument } from '../posters/report-layout.ts';
import type { SelfEvaluationReport } from './self-evaluation.ts';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface SelfEvaluationFileContext {
  /** The public site's address, for the links to the records behind each figure. */
  siteUrl: string;
  /** When the file was made (ISO instant), printed on it. */
  exportedAt: string;
}

const SOURCE_LABELS = { ledger: '台账计算', questionnaire: '问卷结果', entered: '县里填写' } as const;
const fmtScore = (n: number | null) => (n === null ? '不计分' : String(n));
const fmtWeight = (n: number) => String(n);

/** The title printed on the table. */
export function selfEvaluationTitle(report: SelfEvaluationReport): string {
  return `${report.countyName}${report.evaluation.year}年度水库移民后期扶持资金绩效自评表`;
}

function subtitle(report: SelfEvaluationReport, context: SelfEvaluationFileContext): string[] {
  const lines = [
    `填报单位：${report.issuingUnit}`,
    `数据截至：${formatChineseDate(report.evaluation.asOf)}（实际完成值按县级已审批的台账计算，截至这一天）；导出时间：${context.exportedAt.slice(0, 10)}`,
  ];
  if (report.updatedAt) lines.push(`年度指标值和分值最后修改：${report.updatedAt.slice(0, 10)}，${report.updatedBy ?? ''}`);
  else lines.push('本年还没有填写年度指标值，各项不计分，请在工作人员页面“绩效自评”里填写。');
  if (report.isSample) lines.push('示例数据：本表由示例县的虚构台账生成，不是真实数据。');
  return lines;
}

function totalsLine(report: SelfEvaluationReport): string {
  const e = report.evaluation;
  const scaled = e.scaledScore === null ? '没有可计分的指标' : `折合百分制 ${e.scaledScore} 分，等级：${e.grade}`;
  return `合计：分值 ${e.weightTotal}，计分的分值 ${e.scoredWeight}，得分 ${e.scoreTotal}；${scaled}。`;
}

const NOTES = [
  '计分方法：定量指标达到年度指标值的得满分；“≥”指标未达到的，得分 = 实际完成值 ÷ 年度指标值 × 分值；“≤”指标超出的，得分 = 年度指标值 ÷ 实际完成值 × 分值。预算执行率得分 = 执行数 ÷ 预算数 × 分值。没有年度指标值或没有数据的指标不计分，总分按计分指标的分值折合为百分制（财预〔2020〕10号）。等级：90 分及以上为优，80 分及以上为良，60 分及以上为中，60 分以下为差。',
];

/** The document the PDF prints. */
export function selfEvaluationDocument(report: SelfEvaluationReport, context: SelfEvaluationFileContext): ReportDocument {
  const e = report.evaluation;
  const fundRows = e.funds.map((f) => [f.label, formatYuan(f.budgetFen, { unit: false }), formatYuan(f.disbursedFen, { unit: false }), formatPercent(f.rate)]);
  const indicatorRows = e.rows.map((r) => [r.level1, r.level2, r.name, r.targetText, r.actualText, fmtWeight(r.weight), fmtScore(r.score), r.note || (r.unscoredReason ?? '')]);
  indicatorRows.push(['合计', '', '', '', '', fmtWeight(e.weightTotal), String(e.scoreTotal), e.scaledScore === null ? '' : `折合 ${e.scaledScore} 分（${e.grade}）`]);
  const site = context.siteUrl.replace(/\/$/, '');
  return {
    title: selfEvaluationTitle(report),
    subtitle: subtitle(report, context),
    tables: [
      {
        heading: '一、资金情况（元）',
        columns: [
          { label: '资金来源', width: 175.28 },
          { label: '年度预算数（元）', width: 120, align: 'right' },
          { label: '执行数（元）', width: 120, align: 'right' },
          { label: '执行率', width: 90, align: 'right' },
        ],
        rows: fundRows,
        boldRows: [fundRows.length - 1],
      },
      {
        heading: '二、绩效指标',
        columns: [
          { label: '一级指标', width: 42 },
          { label: '二级指标', width: 52 },
          { label: '三级指标', width: 98 },
          { label: '年度指标值', width: 58 },
          { label: '实际完成值', width: 80 },
          { label: '分值', width: 30, align: 'right' },
          { label: '得分', width: 34, align: 'right' },
          { label: '偏差原因分析及改进措施', width: 111.28 },
        ],
        rows: indicatorRows,
        boldRows: [indicatorRows.length - 1],
      },
    ],
    notes: [
      totalsLine(report),
      ...NOTES,
      `每个实际完成值背后的项目、直补和培训记录，见本表的 Excel 版“依据”表，和网上公示的年度指标说明：${site}/years/${e.year}/`,
    ],
    watermark: report.isSample ? '示例数据' : null,
  };
}

type Cell = { value: string | number; type: typeof String | typeof Number; fontWeight?: 'bold'; format?: string; wrap?: boolean; columnSpan?: number } | null;
const textCell = (v: string, bold = false): Cell => ({ value: neutraliseCell(v), type: String, ...(bold ? { fontWeight: 'bold' as const } : {}), wrap: true });
const numberCell = (v: number, format = '#,##0.00'): Cell => ({ value: v, type: Number, format });
const yuan = (fen: number) => numberCell(fen / 100);

/** The workbook: 绩效自评表, then 依据 (the records behind each ledger figure), then 满意度 by village. */
export async function selfEvaluationXlsx(report: SelfEvaluationReport, context: SelfEvaluationFileContext): Promise<Uint8Array> {
  const e = report.evaluation;
  const site = context.siteUrl.replace(/\/$/, '');
  const width = 9;
  const wide = (v: string, bold = false): Cell[] => [{ ...textCell(v, bold)!, columnSpan: width }, ...Array<Cell>(width - 1).fill(null)];
  const main: Cell[][] = [wide(selfEvaluationTitle(report), true), ...subtitle(report, context).map((s) => wide(s)), [], wide('一、资金情况', true)];
  main.push(['资金来源', '年度预算数（元）', '执行数（元）', '执行率'].map((h) => textCell(h, true)));
  for (const f of e.funds) {
    main.push([textCell(f.label, f.source === 'total'), yuan(f.budgetFen), yuan(f.disbursedFen), f.rate.ratio === null ? textCell('无数据') : numberCell(f.rate.ratio, '0.0%')]);
  }
  main.push([], wide('二、绩效指标', true));
  main.push(['一级指标', '二级指标', '三级指标', '年度指标值', '实际完成值', '分值', '得分', '偏差原因分析及改进措施', '数据来源和依据'].map((h) => textCell(h, true)));
  for (const r of e.rows) {
    main.push([
      textCell(r.level1),
      textCell(r.level2),
      textCell(r.name),
      textCell(r.targetText),
      textCell(r.actualText),
      numberCell(r.weight, '0.##'),
      r.score === null ? textCell(r.unscoredReason ?? '不计分') : numberCell(r.score, '0.00'),
      textCell(r.note),
      textCell(r.behindPath ? `${SOURCE_LABELS[r.source]}；明细见“依据”表和 ${site}${r.behindPath}` : SOURCE_LABELS[r.source]),
    ]);
  }
  main.push([textCell('合计', true), null, null, null, null, numberCell(e.weightTotal, '0.##'), numberCell(e.scoreTotal, '0.00'), textCell(e.scaledScore === null ? '' : `折合百分制 ${e.scaledScore} 分（${e.grade}）`, true), null]);
  main.push([], ...NOTES.map((n) => wide(n)));

  const behind: Cell[][] = [['指标', '实际完成值', '编号', '名称', '村或单位', '情况'].map((h) => textCell(h, true))];
  for (const def of INDICATOR_DEFINITIONS) {
    const row = e.rows.find((r) => r.key === def.key);
    const records = report.behind[def.key];
    const label = def.kind === 'rate' ? `${def.name}（未达到的）` : def.name;
    if (records.length === 0) behind.push([textCell(label), textCell(row?.actualText ?? ''), textCell('—'), textCell(def.kind === 'rate' ? '没有未达到的记录' : '没有记录'), null, null]);
    for (const rec of records) behind.push([textCell(label), textCell(row?.actualText ?? ''), textCell(rec.ref), textCell(rec.name), textCell(rec.village), textCell(rec.detail)]);
  }

  const satisfaction: Cell[][] = [['村', '区划代码', '网上问卷（份）', '其中满意和基本满意', '纸质问卷（份）', '其中满意和基本满意', '满意度'].map((h) => textCell(h, true))];
  for (const v of report.satisfactionByVillage) {
    const n = v.online + v.paper;
    const ok = v.onlineSatisfied + v.paperSatisfied;
    satisfaction.push([textCell(v.villageName), textCell(v.villageCode), numberCell(v.online, '0'), numberCell(v.onlineSatisfied, '0'), numberCell(v.paper, '0'), numberCell(v.paperSatisfied, '0'), n === 0 ? textCell('无数据') : numberCell(ok / n, '0.0%')]);
  }

  const blob = await writeXlsxFile(
    [
      { sheet: '绩效自评表', data: main as never, columns: [{ width: 12 }, { width: 14 }, { width: 30 }, { width: 14 }, { width: 22 }, { width: 8 }, { width: 10 }, { width: 36 }, { width: 48 }] },
      { sheet: '依据', data: behind as never, columns: [{ width: 28 }, { width: 16 }, { width: 18 }, { width: 30 }, { width: 16 }, { width: 60 }], stickyRowsCount: 1 },
      { sheet: '满意度', data: satisfaction as never, columns: [{ width: 16 }, { width: 16 }, { width: 14 }, { width: 18 }, { width: 14 }, { width: 18 }, { width: 10 }], stickyRowsCount: 1 },
    ] as never,
  ).toBlob();
  return new Uint8Array(await blob.arrayBuffer());
}
