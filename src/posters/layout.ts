/**
 * The poster's layout: pure, from a {@link PosterModel} and a `measure` function to positioned
 * pages of text, rules, boxes and a QR code. No fonts, no I/O: render.ts draws these pages as PDF
 * (real text) and as PNG (glyph outlines), so both show exactly the same layout, and tests run the
 * layout with a fake `measure`.
 *
 * Units are PDF points on A4 portrait (595.28 × 841.89), origin top left, y downwards; a text node's
 * `y` is its baseline. A3 is the same layout scaled by √2 at render time (A4 body text of 12 pt
 * prints at 17 pt on A3).
 */
import type { PosterModel, PosterRow } from './model.ts';
import { wrapText, type FontWeight, type Measure } from './wrap.ts';

export type { FontWeight, Measure } from './wrap.ts';

export type PaperSize = 'A4' | 'A3';
export const PAPER: Readonly<Record<PaperSize, { width: number; height: number }>> = {
  A4: { width: 595.28, height: 841.89 },
  A3: { width: 841.89, height: 1190.55 },
};

export interface TextNode {
  kind: 'text';
  x: number;
  /** Baseline. */
  y: number;
  size: number;
  weight: FontWeight;
  text: string;
  /** Grey level 0 (black) … 1 (white). */
  grey: number;
  /** Degrees, counter-clockwise, about (x, y). */
  rotate?: number;
  /** Decoration (the watermark): drawn as outlines in the PDF so text extraction skips it. */
  decorative?: boolean;
}

export interface RectNode {
  kind: 'rect';
  x: number;
  y: number;
  width: number;
  height: number;
  /** Grey level of the fill, or null for none. */
  fill: number | null;
  /** Stroke width in points, 0 for none (stroke is black). */
  stroke: number;
}

export interface LineNode {
  kind: 'line';
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  width: number;
}

/** A QR code as horizontal runs of dark modules. */
export interface QrNode {
  kind: 'qr';
  x: number;
  y: number;
  moduleSize: number;
  count: number;
  runs: Array<{ row: number; col: number; length: number }>;
}

export type PosterNode = TextNode | RectNode | LineNode | QrNode;

export interface PosterPage {
  width: number;
  height: number;
  nodes: PosterNode[];
}

/** Blank room above the 落款 for the seal, and the least it may shrink to so the 落款 stays on the page. */
const SEAL_ROOM = 22;
const SEAL_ROOM_TIGHT = 6;

/** Sizes on A4, in points. Body text stays ≥ 11 pt so a poster is readable on a notice board. */
export const STYLE = {
  margin: { left: 45, right: 45, top: 40, bottom: 30 },
  title: { size: 20, lineHeight: 30 },
  subtitle: { size: 11, lineHeight: 18 },
  body: { size: 12, lineHeight: 19, indent: 24 },
  heading: { size: 13, lineHeight: 24 },
  table: { size: 11, lineHeight: 15, padX: 4, padY: 5 },
  footer: { height: 98, qr: 78, size: 11, lineHeight: 15 },
  watermark: { size: 100, grey: 0.9, angle: 30 },
} as const;

/** Labels the layout prints itself (besides the model's strings). */
export const LABELS = {
  columns: ['序号', '项目名称', '建设内容及规模', '资金来源', '批复金额（元）', '已拨付（元）', '完成状态'],
  total: '合计',
  noProjects: '本年度本村没有后期扶持项目。',
  continued: '（续表）',
  scan: '扫码看网上公示',
  page: (n: number, m: number) => `第 ${n} 页 共 ${m} 页`,
} as const;

/** Column widths on A4; they add up to the text width (595.28 − 90). */
const COLUMNS = [32, 96, 109.28, 64, 76, 76, 52] as const;
const NUMERIC = new Set([4, 5]);

/** Every character a poster for `model` can print, so fonts can be subset before layout. */
export function posterCharacters(model: PosterModel): string {
  const strings = [
    model.title,
    model.subtitle,
    ...model.intro,
    model.projectsHeading,
    ...model.rows.flatMap((r) => Object.values(r)),
    model.totals?.budget ?? '',
    model.totals?.disbursed ?? '',
    model.subsidyHeading,
    model.subsidyText,
    model.supervisionHeading,
    ...model.supervisionLines,
    model.previousOutcome?.heading ?? '',
    model.previousOutcome?.text ?? '',
    model.issuer,
    model.issueDate,
    ...model.verifyLines,
    model.watermark ?? '',
    model.notice ?? '',
    ...LABELS.columns,
    LABELS.total,
    LABELS.noProjects,
    LABELS.continued,
    LABELS.scan,
    LABELS.page(0, 0),
    '0123456789',
  ];
  return [...new Set([...strings.join('')])].join('');
}

const ASCENT = 0.88;
const baseline = (top: number, lineHeight: number, size: number) => top + (lineHeight - size) / 2 + size * ASCENT;

/**
 * Lays out a village poster on as many A4 pages as it needs: the table continues on further pages
 * with its header repeated, every page carries the QR code, verification code and 第 n 页 共 m 页,
 * and the sign-off (落款) with room for the seal ends the last page.
 */
export function layoutPoster(model: PosterModel, measure: Measure): PosterPage[] {
  const { width: pageWidth, height: pageHeight } = PAPER.A4;
  const { margin } = STYLE;
  const left: number = margin.left;
  const right: number = pageWidth - margin.right;
  const textWidth = right - left;
  const footerTop = pageHeight - margin.bottom - STYLE.footer.height;
  const contentBottom = footerTop - 10;

  const pages: PosterPage[] = [];
  let nodes: PosterNode[] = [];
  let y = 0;

  const text = (value: string, x: number, top: number, size: number, lineHeight: number, weight: FontWeight = 'regular') =>
    nodes.push({ kind: 'text', x, y: baseline(top, lineHeight, size), size, weight, text: value, grey: 0 });
  const centred = (value: string, top: number, size: number, lineHeight: number, weight: FontWeight, x0 = left, w = textWidth) =>
    text(value, x0 + (w - measure(value, size, weight)) / 2, top, size, lineHeight, weight);
  const rightAligned = (value: string, xRight: number, top: number, size: number, lineHeight: number, weight: FontWeight = 'regular') =>
    text(value, xRight - measure(value, size, weight), top, size, lineHeight, weight);

  const newPage = () => {
    nodes = [];
    pages.push({ width: pageWidth, height: pageHeight, nodes });
    y = margin.top;
    if (model.watermark) {
      const { grey, angle } = STYLE.watermark;
      const rad = (angle * Math.PI) / 180;
      // A long watermark (样张（地址未设置，勿张贴）) is made smaller to stay on the page along its slant.
      const room = 0.85 * Math.min(pageWidth / Math.cos(rad), pageHeight / Math.sin(rad));
      const size = Math.min(STYLE.watermark.size, (STYLE.watermark.size * room) / measure(model.watermark, STYLE.watermark.size, 'bold'));
      const w = measure(model.watermark, size, 'bold');
      // Centre the rotated word on the page: start half its length back along the slant, and drop
      // the baseline by about a third of the size so the glyphs' middle sits on the centre.
      const cx = pageWidth / 2 + Math.sin(rad) * size * 0.38;
      const cy = pageHeight / 2 + Math.cos(rad) * size * 0.38;
      nodes.push({ kind: 'text', x: cx - (Math.cos(rad) * w) / 2, y: cy + (Math.sin(rad) * w) / 2, size, weight: 'bold', text: model.watermark, grey, rotate: angle, decorative: true });
    }
  };
  const fits = (height: number) => y + height <= contentBottom;
  const ensure = (height: number) => {
    if (!fits(height)) newPage();
  };

  const paragraph = (value: string, indent: boolean) => {
    const { size, lineHeight } = STYLE.body;
    const indentWidth = indent ? STYLE.body.indent : 0;
    wrapText(value, textWidth, size, 'regular', measure, indentWidth).forEach((line, i) => {
      ensure(lineHeight);
      text(line, left + (i === 0 ? indentWidth : 0), y, size, lineHeight);
      y += lineHeight;
    });
  };
  const heading = (value: string, keepWith: number) => {
    const { size, lineHeight } = STYLE.heading;
    y += 2;
    ensure(lineHeight + keepWith);
    text(value, left, y, size, lineHeight, 'bold');
    y += lineHeight;
  };

  // --- table ---
  const { size: cellSize, lineHeight: cellLine, padX, padY } = STYLE.table;
  const colX = COLUMNS.map((_, i) => left + COLUMNS.slice(0, i).reduce((a, b) => a + b, 0));
  const wrapCell = (value: string, col: number, weight: FontWeight = 'regular') =>
    wrapText(value, COLUMNS[col]! - 2 * padX, cellSize, weight, measure);
  const headerCells = LABELS.columns.map((label, i) => wrapCell(label, i, 'bold'));
  const headerHeight = Math.max(...headerCells.map((c) => c.length)) * cellLine + 2 * padY;

  /** Draws one table row of cells (each a list of lines); merged cells span columns. */
  const drawRow = (cells: Array<{ lines: string[]; from: number; to: number; align: 'left' | 'right' | 'centre' }>, height: number, weight: FontWeight, fill: number | null) => {
    nodes.push({ kind: 'rect', x: left, y, width: textWidth, height, fill, stroke: 0.75 });
    for (const cell of cells) {
      const x0 = colX[cell.from]!;
      const x1 = cell.to + 1 < colX.length ? colX[cell.to + 1]! : right;
      if (cell.to + 1 < colX.length) nodes.push({ kind: 'line', x1, y1: y, x2: x1, y2: y + height, width: 0.5 });
      const blockTop = y + (height - cell.lines.length * cellLine) / 2;
      cell.lines.forEach((line, i) => {
        const top = blockTop + i * cellLine;
        if (cell.align === 'right') rightAligned(line, x1 - padX, top, cellSize, cellLine, weight);
        else if (cell.align === 'centre') centred(line, top, cellSize, cellLine, weight, x0, x1 - x0);
        else text(line, x0 + padX, top, cellSize, cellLine, weight);
      });
    }
    y += height;
  };
  const drawHeader = () =>
    drawRow(
      headerCells.map((lines, i) => ({ lines, from: i, to: i, align: 'centre' as const })),
      headerHeight,
      'bold',
      0.9,
    );
  const rowCells = (row: PosterRow) => {
    const values = [row.index, row.name, row.contentScale, row.fundSources, row.budget, row.disbursed, row.status];
    return values.map((v, i) => ({
      lines: wrapCell(v, i),
      from: i,
      to: i,
      align: NUMERIC.has(i) ? ('right' as const) : i === 0 || i === 6 ? ('centre' as const) : ('left' as const),
    }));
  };
  const heightOf = (cells: Array<{ lines: string[] }>) => Math.max(...cells.map((c) => c.lines.length)) * cellLine + 2 * padY;

  newPage();
  for (const line of balancedLines(model.title, textWidth, STYLE.title.size, 'bold', measure)) {
    centred(line, y, STYLE.title.size, STYLE.title.lineHeight, 'bold');
    y += STYLE.title.lineHeight;
  }
  for (const line of wrapText(model.subtitle, textWidth, STYLE.subtitle.size, 'regular', measure)) {
    centred(line, y, STYLE.subtitle.size, STYLE.subtitle.lineHeight, 'regular');
    y += STYLE.subtitle.lineHeight;
  }
  y += 8;
  for (const p of model.intro) paragraph(p, true);

  const bodyRows = model.rows.map(rowCells);
  const firstRowHeight = bodyRows[0] ? heightOf(bodyRows[0]) : cellLine + 2 * padY;
  heading(model.projectsHeading, headerHeight + firstRowHeight);
  drawHeader();
  if (bodyRows.length === 0) {
    drawRow([{ lines: wrapText(LABELS.noProjects, textWidth - 2 * padX, cellSize, 'regular', measure), from: 0, to: 6, align: 'centre' }], cellLine + 2 * padY, 'regular', null);
  }
  bodyRows.forEach((cells, i) => {
    const height = heightOf(cells);
    // The last row keeps the totals row with it.
    const totalsHeight = i === bodyRows.length - 1 ? cellLine + 2 * padY : 0;
    if (!fits(height + totalsHeight)) {
      newPage();
      text(`${model.projectsHeading}${LABELS.continued}`, left, y, STYLE.heading.size, STYLE.heading.lineHeight, 'bold');
      y += STYLE.heading.lineHeight;
      drawHeader();
    }
    drawRow(cells, height, 'regular', null);
  });
  if (model.totals) {
    drawRow(
      [
        { lines: [LABELS.total], from: 0, to: 3, align: 'centre' },
        { lines: wrapCell(model.totals.budget, 4, 'bold'), from: 4, to: 4, align: 'right' },
        { lines: wrapCell(model.totals.disbursed, 5, 'bold'), from: 5, to: 5, align: 'right' },
        { lines: [''], from: 6, to: 6, align: 'centre' },
      ],
      cellLine + 2 * padY,
      'bold',
      null,
    );
  }

  y += 6;
  heading(model.subsidyHeading, STYLE.body.lineHeight);
  paragraph(model.subsidyText, true);

  // The 落款 never stands alone on a page: when 三 (and 四) and the 落款 do not fit below 二, the
  // room left for the seal shrinks (the seal is stamped over the 落款 anyway); if that is not
  // enough, 三 starts the next page and the 落款 follows it there.
  const paragraphHeight = (value: string) => wrapText(value, textWidth, STYLE.body.size, 'regular', measure, STYLE.body.indent).length * STYLE.body.lineHeight;
  const headingHeight = 2 + STYLE.heading.lineHeight;
  const closingHeight =
    headingHeight + model.supervisionLines.reduce((h, line) => h + paragraphHeight(line), 0) + (model.previousOutcome ? headingHeight + paragraphHeight(model.previousOutcome.text) : 0);
  const signOffHeight = (room: number) => room + 2 * STYLE.body.lineHeight;
  let sealRoom: number = SEAL_ROOM;
  if (!fits(closingHeight + signOffHeight(SEAL_ROOM))) {
    if (fits(closingHeight + signOffHeight(SEAL_ROOM_TIGHT))) sealRoom = SEAL_ROOM_TIGHT;
    else newPage();
  }
  heading(model.supervisionHeading, STYLE.body.lineHeight);
  for (const line of model.supervisionLines) paragraph(line, true);
  if (model.previousOutcome) {
    heading(model.previousOutcome.heading, STYLE.body.lineHeight);
    paragraph(model.previousOutcome.text, true);
  }

  // 落款: issuing unit over the date, right of centre, with blank room above and around for the seal.
  ensure(signOffHeight(sealRoom));
  y += sealRoom;
  const blockWidth = Math.max(measure(model.issuer, STYLE.body.size, 'regular'), measure(model.issueDate, STYLE.body.size, 'regular'));
  const blockLeft = right - 24 - blockWidth;
  centred(model.issuer, y, STYLE.body.size, STYLE.body.lineHeight, 'regular', blockLeft, blockWidth);
  y += STYLE.body.lineHeight;
  centred(model.issueDate, y, STYLE.body.size, STYLE.body.lineHeight, 'regular', blockLeft, blockWidth);
  y += STYLE.body.lineHeight;

  // Every page: rule, QR code with what it leads to, and the page count.
  const { qr: qrSize, size: footSize, lineHeight: footLine } = STYLE.footer;
  const count = model.qr.length;
  const runs = qrRuns(model.qr);
  pages.forEach((page, i) => {
    nodes = page.nodes;
    nodes.push({ kind: 'line', x1: left, y1: footerTop, x2: right, y2: footerTop, width: 0.75 });
    const qrTop = footerTop + 11;
    nodes.push({ kind: 'qr', x: left, y: qrTop, moduleSize: qrSize / count, count, runs });
    const textLeft = left + qrSize + 14;
    let top = qrTop + 2;
    text(LABELS.scan, textLeft, top, 13, 18, 'bold');
    top += 19;
    for (const line of model.verifyLines) {
      text(line, textLeft, top, footSize, footLine);
      top += footLine;
    }
    rightAligned(LABELS.page(i + 1, pages.length), right, qrTop + qrSize - footLine, footSize, footLine);
    if (model.notice) {
      const w = measure(model.notice, footSize, 'bold') + 16;
      nodes.push({ kind: 'rect', x: right - w, y: qrTop, width: w, height: 22, fill: null, stroke: 1 });
      text(model.notice, right - w + 8, qrTop, footSize, 22, 'bold');
    }
  });
  return pages;
}

/**
 * Wraps a centred heading into lines of similar length (a title never ends with a lone 公示 on its
 * second line): the narrowest width that still gives as few lines as the full width does.
 */
export function balancedLines(value: string, maxWidth: number, size: number, weight: FontWeight, measure: Measure): string[] {
  const greedy = wrapText(value, maxWidth, size, weight, measure);
  if (greedy.length < 2) return greedy;
  let low = measure(value, size, weight) / greedy.length;
  let high = maxWidth;
  for (let i = 0; i < 12; i++) {
    const mid = (low + high) / 2;
    if (wrapText(value, mid, size, weight, measure).length > greedy.length) low = mid;
    else high = mid;
  }
  return wrapText(value, high, size, weight, measure);
}

/** Horizontal runs of dark modules, so a renderer draws a few hundred boxes instead of every module. */
export function qrRuns(modules: readonly (readonly boolean[])[]): QrNode['runs'] {
  const runs: QrNode['runs'] = [];
  modules.forEach((row, r) => {
    let start = -1;
    for (let c = 0; c <= row.length; c++) {
      const dark = c < row.length && row[c] === true;
      if (dark && start < 0) start = c;
      if (!dark && start >= 0) {
        runs.push({ row: r, col: start, length: c - start });
        start = -1;
      }
    }
  });
  return runs;
}
