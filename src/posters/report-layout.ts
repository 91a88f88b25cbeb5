/**
 * The layout of an office report printed in the posters' house style (the 绩效自评表): a title,
 * a few lines under it, then tables whose cells wrap, split over as many A4 pages as needed with
 * the header row repeated, and a page number on every page. Pure, like layout.ts: text in, positioned
 * nodes out, with the `measure` of the run's fonts (or a fake one in tests); render.ts draws it.
 */
import { PAPER, STYLE, type PosterNode, type PosterPage, type TextNode } from './layout.ts';
import { wrapText, type Measure } from './wrap.ts';

export interface ReportColumn {
  label: string;
  /** Width in points; the columns of a table add up to the text width (595.28 − 90). */
  width: number;
  align?: 'left' | 'right';
}

export interface ReportTable {
  heading: string;
  columns: readonly ReportColumn[];
  rows: ReadonlyArray<readonly string[]>;
  /** Indexes of rows printed bold (合计). */
  boldRows?: readonly number[];
}

export interface ReportDocument {
  title: string;
  /** Lines under the title (填报单位, 数据截至…). */
  subtitle: readonly string[];
  tables: readonly ReportTable[];
  /** Paragraphs after the tables (how the scores are computed, where the records are). */
  notes: readonly string[];
  /** Printed large and pale across every page, e.g. 示例数据; null for none. */
  watermark: string | null;
}

const REPORT = {
  cell: { size: 9, lineHeight: 12, padX: 3, padY: 4 },
  heading: { size: 12, lineHeight: 22 },
  note: { size: 9.5, lineHeight: 14 },
} as const;

export const REPORT_TEXT_WIDTH = PAPER.A4.width - STYLE.margin.left - STYLE.margin.right;

/** Every character the document prints, so fonts can be subset before layout. */
export function reportCharacters(doc: ReportDocument): string {
  return [
    doc.title,
    ...doc.subtitle,
    ...doc.tables.flatMap((t) => [t.heading, ...t.columns.map((c) => c.label), ...t.rows.flat()]),
    ...doc.notes,
    doc.watermark ?? '',
    '第页共（续表）',
  ].join('');
}

/** Lays the document out on A4 portrait pages. */
export function layoutReport(doc: ReportDocument, measure: Measure): PosterPage[] {
  const { width: pageWidth, height: pageHeight } = PAPER.A4;
  const { left, top, bottom } = STYLE.margin;
  const bottomLimit = pageHeight - bottom - 20;
  const pages: PosterNode[][] = [];
  let nodes: PosterNode[] = [];
  let y = top;
  const text = (x: number, baseline: number, s: string, size: number, bold = false): TextNode => ({ kind: 'text', x, y: baseline, size, weight: bold ? 'bold' : 'regular', text: s, grey: 0 });
  const newPage = () => {
    pages.push(nodes);
    nodes = [];
    y = top;
  };

  // Title, centred, and the lines under it.
  for (const line of wrapText(doc.title, REPORT_TEXT_WIDTH, STYLE.title.size, 'bold', measure)) {
    y += STYLE.title.lineHeight;
    nodes.push(text((pageWidth - measure(line, STYLE.title.size, 'bold')) / 2, y - 8, line, STYLE.title.size, true));
  }
  for (const s of doc.subtitle) {
    for (const line of wrapText(s, REPORT_TEXT_WIDTH, STYLE.subtitle.size, 'regular', measure)) {
      y += STYLE.subtitle.lineHeight;
      nodes.push(text(left, y - 4, line, STYLE.subtitle.size));
    }
  }

  const { size, lineHeight, padX, padY } = REPORT.cell;
  const cellLines = (columns: readonly ReportColumn[], row: readonly string[], bold: boolean) =>
    columns.map((c, i) => wrapText(row[i] ?? '', c.width - 2 * padX, size, bold ? 'bold' : 'regular', measure));
  const rowHeight = (lines: string[][]) => Math.max(...lines.map((l) => l.length)) * lineHeight + 2 * padY;
  const drawRow = (columns: readonly ReportColumn[], lines: string[][], height: number, bold: boolean, shade: boolean) => {
    let x = left;
    if (shade) nodes.push({ kind: 'rect', x: left, y, width: REPORT_TEXT_WIDTH, height, fill: 0.92, stroke: 0 });
    columns.forEach((c, i) => {
      nodes.push({ kind: 'rect', x, y, width: c.width, height, fill: null, stroke: 0.5 });
      (lines[i] ?? []).forEach((line, j) => {
        const w = measure(line, size, bold ? 'bold' : 'regular');
        const tx = c.align === 'right' ? x + c.width - padX - w : x + padX;
        nodes.push(text(tx, y + padY + (j + 1) * lineHeight - 3, line, size, bold));
      });
      x += c.width;
    });
    y += height;
  };

  for (const table of doc.tables) {
    const header = cellLines(table.columns, table.columns.map((c) => c.label), true);
    const headerHeight = rowHeight(header);
    const firstRow = table.rows[0] ? rowHeight(cellLines(table.columns, table.rows[0], false)) : 0;
    // Keep the heading with the header row and at least the first data row.
    if (y + REPORT.heading.lineHeight + headerHeight + firstRow > bottomLimit) newPage();
    y += REPORT.heading.lineHeight;
    nodes.push(text(left, y - 6, table.heading, REPORT.heading.size, true));
    drawRow(table.columns, header, headerHeight, true, true);
    table.rows.forEach((row, index) => {
      const bold = table.boldRows?.includes(index) ?? false;
      const lines = cellLines(table.columns, row, bold);
      const height = rowHeight(lines);
      if (y + height > bottomLimit) {
        newPage();
        y += REPORT.heading.lineHeight;
        nodes.push(text(left, y - 6, `${table.heading}（续表）`, REPORT.heading.size, true));
        drawRow(table.columns, header, headerHeight, true, true);
      }
      drawRow(table.columns, lines, height, bold, false);
    });
  }

  y += 8;
  for (const note of doc.notes) {
    const lines = wrapText(note, REPORT_TEXT_WIDTH, REPORT.note.size, 'regular', measure);
    if (y + lines.length * REPORT.note.lineHeight > bottomLimit) newPage();
    for (const line of lines) {
      y += REPORT.note.lineHeight;
      nodes.push(text(left, y - 3, line, REPORT.note.size));
    }
  }
  pages.push(nodes);

  return pages.map((pageNodes, i) => {
    const label = `第 ${i + 1} 页 共 ${pages.length} 页`;
    const footer = text((pageWidth - measure(label, 9, 'regular')) / 2, pageHeight - bottom, label, 9);
    const watermark: TextNode[] = doc.watermark
      ? [{ kind: 'text', x: 120, y: pageHeight / 2 + 120, size: STYLE.watermark.size, weight: 'bold', text: doc.watermark, grey: STYLE.watermark.grey, rotate: STYLE.watermark.angle, decorative: true }]
      : [];
    return { width: pageWidth, height: pageHeight, nodes: [...watermark, ...pageNodes, footer] };
  });
}
