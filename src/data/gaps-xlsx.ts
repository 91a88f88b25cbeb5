/**
 * The gaps screen as an XLSX workbook: 汇总 (counts per township and village, one column per kind)
 * and 明细 (every record found, with why). Text cells are neutralised so nothing becomes a formula.
 */
import writeXlsxFile from 'write-excel-file/universal';
import { neutraliseCell } from '../domain/shared/csv-safety.ts';
import type { GapReport } from './gaps.ts';

type Cell = { value: string | number; type: typeof String | typeof Number; fontWeight?: 'bold' } | null;
const text = (v: string, bold = false): Cell => ({ value: neutraliseCell(v), type: String, ...(bold ? { fontWeight: 'bold' as const } : {}) });
const count = (n: number): Cell => ({ value: n, type: Number });

export async function gapsXlsx(report: GapReport, siteUrl: string): Promise<Uint8Array> {
  const site = siteUrl.replace(/\/$/, '');
  const header = [text('乡镇', true), text('村', true), ...report.kinds.map((k) => text(k.label, true))];
  const summary: Cell[][] = [[text(`数据缺漏和滞后（截至 ${report.options.asOf}）`, true)], [], header];
  for (const t of report.townships) {
    summary.push([text(t.name, true), text('（全乡镇）'), ...report.kinds.map((k) => count(t.counts[k.key]))]);
    for (const v of t.villages) summary.push([text(t.name), text(v.name), ...report.kinds.map((k) => count(v.counts[k.key]))]);
  }
  summary.push([text('合计', true), null, ...report.kinds.map((k) => count(k.total))]);
  summary.push([], [text('各项怎么算', true)], ...report.kinds.map((k) => [text(k.label), text(k.rule)]));

  const labels = new Map(report.kinds.map((k) => [k.key, k.label]));
  const details: Cell[][] = [['类别', '乡镇', '村', '记录', '名称', '情况', '网址'].map((h) => text(h, true))];
  const townshipNames = new Map(report.townships.map((t) => [t.code, t.name]));
  for (const f of report.findings) {
    details.push([text(labels.get(f.kind) ?? f.kind), text(townshipNames.get(f.townshipCode) ?? f.townshipCode), text(f.villageName), text(f.ref), text(f.title), text(f.detail), text(f.link ? `${site}${f.link}` : '')]);
  }
  const blob = await writeXlsxFile(
    [
      { sheet: '汇总', data: summary as never, columns: [{ width: 14 }, { width: 16 }, ...report.kinds.map(() => ({ width: 12 }))] },
      { sheet: '明细', data: details as never, columns: [{ width: 18 }, { width: 12 }, { width: 14 }, { width: 16 }, { width: 30 }, { width: 60 }, { width: 50 }], stickyRowsCount: 1 },
    ] as never,
  ).toBlob();
  return new Uint8Array(await blob.arrayBuffer());
}
