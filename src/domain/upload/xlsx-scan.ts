/**
 * One pass over a worksheet's XML, for a sheet the plain reader (xlsx-sheet.ts, which checks the
 * same bounds as it reads) leaves: before read-excel-file builds rows from it, and to name the
 * place of what is refused. What a reader allocates stays bounded by the cells that hold values,
 * never by where a cell claims to be:
 *
 * - the used range (the last row and column holding a value) must lie within SHEET_LIMITS; a
 *   2.5 KB file with one value at XFD1048576 would otherwise become 1,048,576 × 16,384 cells;
 * - hidden rows and columns that hold values are refused (a clerk who hid a row to leave it out
 *   would otherwise publish it), and so are merged cells (only their first cell has a value);
 *
 * each with the row and column it is about. Empty cells, however far out (formatting often
 * reaches the sheet's edge), do not count. Nothing here allocates per cell.
 */
import type { UploadProblem } from './upload-plan.ts';

export interface SheetLimits {
  /** Last row that may hold a value (a header, 100,000 data rows and a few title rows). */
  maxRow: number;
  /** Last column that may hold a value (the templates have at most 24). */
  maxColumn: number;
  /** Rows × columns of the used range (what a reader pads out to). */
  maxCells: number;
}

export const SHEET_LIMITS: SheetLimits = { maxRow: 100_100, maxColumn: 64, maxCells: 3_000_000 };

/** A sheet problem with where it is, in the upload checks' shape. */
export type SheetProblem = Omit<UploadProblem, 'code'>;

export type SheetScanResult =
  | {
      ok: true;
      /** The used range: last row and column holding a value. */
      lastRow: number;
      lastColumn: number;
      /**
       * Whether every row and cell element, empty or not, lies within the limits: only then may a
       * reader that builds rows by position (read-excel-file pads up to the last element) be used.
       */
      declaredWithinLimits: boolean;
    }
  | { ok: false; kind: 'OUT_OF_RANGE' | 'HIDDEN' | 'MERGED_CELLS'; message: string; details: SheetProblem[] };

/** Column letters for a 1-based column number: 1 → A, 27 → AA. */
export function columnLetters(n: number): string {
  let s = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(65 + ((k - 1) % 26)) + s;
  return s;
}

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

/**
 * The value of attribute `name` in the tag data[from, to), or null. Looks only inside the tag,
 * without copying it (a search of the whole text for an absent attribute would make the scan
 * quadratic; a copy per cell would make it slow).
 */
function attribute(data: string, from: number, to: number, name: string): string | null {
  const open = `${name}="`;
  for (let i = from; i + open.length <= to; i++) {
    if (data.charCodeAt(i) !== open.charCodeAt(0) || !data.startsWith(open, i) || (i > from && !isSpace(data.charCodeAt(i - 1)))) continue;
    const start = i + open.length;
    let end = start;
    while (end < to && data.charCodeAt(end) !== 34) end++;
    return end >= to ? null : data.slice(start, end);
  }
  return null;
}

const isTrue = (v: string | null) => v === '1' || v === 'true';

/** A cell reference's column (1-based) and row; [0, 0] when it is not one. */
function parseRef(ref: string): [number, number] {
  let col = 0;
  let i = 0;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c >= 65 && c <= 90) col = col * 26 + (c - 64);
    else if (c >= 97 && c <= 122) col = col * 26 + (c - 96);
    else break;
    if (col > 1_000_000) return [0, 0];
  }
  const row = Number(ref.slice(i));
  return i === 0 || !Number.isSafeInteger(row) || row < 1 ? [0, 0] : [col, row];
}

/** Whether a cell's inner XML holds a value a reader would give: a non-empty `<v>` or an inline string. */
function holdsValue(data: string, from: number, to: number): boolean {
  for (let i = data.indexOf('<', from); i >= 0 && i < to; i = data.indexOf('<', i + 1)) {
    const c = data.charCodeAt(i + 1);
    if (c === 118 /* v */ && data.charCodeAt(i + 2) === 62) {
      const close = data.indexOf('</v>', i + 3);
      return close > i + 3 && close <= to;
    }
    if (c === 105 /* i */ && data.startsWith('<is', i)) return true;
  }
  return false;
}

/** Scans a worksheet (its whole XML text) against the limits. */
export function scanSheet(xml: string, limits: SheetLimits = SHEET_LIMITS): SheetScanResult {
  const dataStart = xml.indexOf('<sheetData');
  const dataEnd = dataStart < 0 ? -1 : xml.indexOf('</sheetData>', dataStart);
  const stop = dataEnd < 0 ? xml.length : dataEnd;

  // Hidden columns: <col min="3" max="4" hidden="1"/> before the data.
  const hiddenColumnRanges: Array<[number, number]> = [];
  const colsEnd = dataStart < 0 ? xml.length : dataStart;
  for (let i = xml.indexOf('<col ', 0); i >= 0 && i < colsEnd; i = xml.indexOf('<col ', i + 1)) {
    const gt = xml.indexOf('>', i);
    if (gt < 0) break;
    if (!isTrue(attribute(xml, i, gt, 'hidden'))) continue;
    const min = Number(attribute(xml, i, gt, 'min'));
    const max = Number(attribute(xml, i, gt, 'max'));
    if (Number.isSafeInteger(min) && Number.isSafeInteger(max) && min >= 1 && max >= min) hiddenColumnRanges.push([min, max]);
  }
  const isHiddenColumn = (col: number) => hiddenColumnRanges.some(([a, b]) => col >= a && col <= b);

  let lastRow = 0;
  let lastColumn = 0;
  let declaredRow = 0;
  let declaredColumn = 0;
  let row = 0;
  let rowHidden = false;
  const farCells: string[] = [];
  const hiddenRows: number[] = [];
  const hiddenColumns = new Set<number>();
  let farCount = 0;

  for (let lt = dataStart < 0 ? -1 : xml.indexOf('<', dataStart + 1); lt >= 0 && lt < stop; lt = xml.indexOf('<', lt + 1)) {
    const c1 = xml.charCodeAt(lt + 1);
    if (c1 === 114 /* r */ && xml.startsWith('<row', lt) && (isSpace(xml.charCodeAt(lt + 4)) || xml.charCodeAt(lt + 4) === 62 || xml.charCodeAt(lt + 4) === 47)) {
      const gt = xml.indexOf('>', lt);
      if (gt < 0) break;
      let r = 0;
      let after = lt + 4;
      if (xml.startsWith(' r="', lt + 4)) {
        // The usual `<row r="12"`: the number in place.
        let i = lt + 8;
        for (let c = xml.charCodeAt(i); c >= 48 && c <= 57 && r <= 1e12; c = xml.charCodeAt(++i)) r = r * 10 + (c - 48);
        if (xml.charCodeAt(i) === 34) after = i + 1;
        else r = 0;
      } else {
        r = Number(attribute(xml, lt, gt, 'r'));
      }
      row = Number.isSafeInteger(r) && r >= 1 ? r : row + 1;
      if (row > declaredRow) declaredRow = row;
      rowHidden = after < gt - 8 && isTrue(attribute(xml, after, gt, 'hidden'));
      lt = gt;
      continue;
    }
    if (c1 !== 99 /* c */ || !(isSpace(xml.charCodeAt(lt + 2)) || xml.charCodeAt(lt + 2) === 62 || xml.charCodeAt(lt + 2) === 47)) continue;
    const gt = xml.indexOf('>', lt);
    if (gt < 0) break;
    // The usual cell starts `<c r="B7"`: its reference is read in place; any other form by name.
    let col = 0;
    let r = 0;
    if (xml.charCodeAt(lt + 2) === 32 && xml.charCodeAt(lt + 3) === 114 && xml.charCodeAt(lt + 4) === 61 && xml.charCodeAt(lt + 5) === 34) {
      let i = lt + 6;
      for (let c = xml.charCodeAt(i); c >= 65 && c <= 90 && col <= 1_000_000; c = xml.charCodeAt(++i)) col = col * 26 + (c - 64);
      for (let c = xml.charCodeAt(i); c >= 48 && c <= 57 && r <= 1e12; c = xml.charCodeAt(++i)) r = r * 10 + (c - 48);
      if (xml.charCodeAt(i) !== 34 || col === 0 || r === 0) col = r = 0;
    } else {
      const ref = attribute(xml, lt, gt, 'r');
      if (ref) [col, r] = parseRef(ref);
    }
    const cellRow = r || row;
    const cellCol = col || declaredColumn + 1;
    if (cellRow > declaredRow) declaredRow = cellRow;
    if (cellCol > declaredColumn) declaredColumn = cellCol;
    if (xml.charCodeAt(gt - 1) === 47) {
      lt = gt;
      continue; // <c …/>: empty
    }
    // The usual content, `<v>text</v></c>`, without searching; any other content by its `</c>`.
    let end: number;
    let has: boolean;
    const vEnd = xml.startsWith('<v>', gt + 1) ? xml.indexOf('<', gt + 4) : -1;
    if (vEnd >= 0 && vEnd < stop && xml.startsWith('</v></c>', vEnd)) {
      has = vEnd > gt + 4;
      end = vEnd + 7;
    } else {
      const close = xml.indexOf('</c>', gt);
      end = close < 0 || close > stop ? stop : close;
      has = holdsValue(xml, gt + 1, end);
    }
    if (has) {
      if (cellRow > limits.maxRow || cellCol > limits.maxColumn) {
        farCount++;
        if (farCells.length < 5) farCells.push(`${columnLetters(Math.min(cellCol, 16_384))}${cellRow}`);
      } else {
        if (cellRow > lastRow) lastRow = cellRow;
        if (cellCol > lastColumn) lastColumn = cellCol;
        if (rowHidden && hiddenRows.at(-1) !== cellRow && hiddenRows.length < 1000) hiddenRows.push(cellRow);
        if (hiddenColumnRanges.length > 0 && isHiddenColumn(cellCol)) hiddenColumns.add(cellCol);
      }
    }
    lt = end;
  }

  const range = `最多 ${limits.maxRow.toLocaleString('en-US')} 行、${limits.maxColumn} 列（到 ${columnLetters(limits.maxColumn)} 列）`;
  if (farCount > 0) {
    return {
      ok: false,
      kind: 'OUT_OF_RANGE',
      message: `表格在很远的位置还有内容（${farCells.join('、')}${farCount > farCells.length ? ` 等 ${farCount} 格` : ''}），超出了上传的范围：${range}。请删除这些单元格（或只把要上传的数据复制到新表格）后重新上传。`,
      details: farCells.map((ref) => {
        const [col, r] = parseRef(ref);
        return { row: r, column: columnLetters(col), problem: '这里有内容，超出了上传的范围', received: ref, expected: range };
      }),
    };
  }
  if (lastRow * lastColumn > limits.maxCells) {
    return {
      ok: false,
      kind: 'OUT_OF_RANGE',
      message: `表格太大：用到了 ${lastRow.toLocaleString('en-US')} 行 × ${lastColumn} 列。请把数据分成几个文件分别上传。`,
      details: [{ row: lastRow, column: columnLetters(lastColumn), problem: '表格用到的范围太大', received: `${lastRow} 行 × ${lastColumn} 列`, expected: `行数 × 列数 不超过 ${limits.maxCells.toLocaleString('en-US')}` }],
    };
  }
  if (hiddenRows.length > 0 || hiddenColumns.size > 0) {
    const cols = [...hiddenColumns].sort((a, b) => a - b).map(columnLetters);
    const parts = [
      ...(hiddenRows.length > 0 ? [`第 ${hiddenRows.slice(0, 10).join('、')}${hiddenRows.length > 10 ? ' 等' : ''} 行是隐藏的`] : []),
      ...(cols.length > 0 ? [`${cols.slice(0, 10).join('、')} 列是隐藏的`] : []),
    ];
    return {
      ok: false,
      kind: 'HIDDEN',
      message: `${parts.join('，')}。隐藏的行和列也会被上传。不上传的行请删除；要上传的请取消隐藏，核对后再上传。`,
      details: [
        ...hiddenRows.map((r) => ({ row: r, problem: '这一行是隐藏的，隐藏的行也会被上传', expected: '删除这一行，或取消隐藏' })),
        ...cols.map((c) => ({ column: c, problem: '这一列是隐藏的，隐藏的列也会被上传', expected: '删除这一列，或取消隐藏' })),
      ],
    };
  }

  // Merged cells: only the first cell of each range has the value.
  const merged: string[] = [];
  // After the sheet data: a plain search finds where they start (a pattern over the whole text would cost as much as the scan).
  const mergeStart = xml.indexOf('<mergeCell', dataEnd < 0 ? 0 : dataEnd);
  for (const m of mergeStart < 0 ? [] : xml.slice(mergeStart).matchAll(/<mergeCell\s+ref="([A-Za-z]+\d+):([A-Za-z]+\d+)"/g)) {
    merged.push(`${m[1]}:${m[2]}`);
    if (merged.length >= 200) break;
  }
  if (merged.length > 0) {
    return {
      ok: false,
      kind: 'MERGED_CELLS',
      message: `表格里有合并单元格（${merged.slice(0, 5).join('、')}${merged.length > 5 ? ' 等' : ''}）。合并后只有第一格有值，其余行会被当作空白。请取消合并，并在每一行填写完整后重新上传。`,
      details: merged.map((range) => {
        const [col, r] = parseRef(range.split(':')[0]!);
        return { row: r, column: columnLetters(col), problem: '合并单元格', received: range, expected: '取消合并，每一格都填写' };
      }),
    };
  }
  const declaredWithinLimits = declaredRow <= limits.maxRow && declaredColumn <= limits.maxColumn && declaredRow * declaredColumn <= limits.maxCells;
  return { ok: true, lastRow, lastColumn, declaredWithinLimits };
}
