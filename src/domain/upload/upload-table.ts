/**
 * From a table (header row + data rows, as read from CSV or XLSX) or from JSON rows to checked
 * rows: headers are matched to the kind's columns, every cell is read by the kind's column readers
 * (the same ones the zod row schema runs), and every problem is collected with its row number and
 * column header. A row with any problem is read again by the zod schema, so its problems are
 * exactly those zod reports.
 */
import type { UploadKind } from '../access/access.ts';
import { rowSchema, uploadColumns, type CellIssueParams, type ColumnSpec, type RowSchema } from './upload-columns.ts';
import { NO_EXAMPLES, type UploadExamples } from './upload-examples.ts';
import { isBlank, showReceived } from './upload-cells.ts';
import { readRowFast } from './upload-row.ts';
import type { ParsedRow, UploadProblem } from './upload-plan.ts';

export interface ReadRows {
  rows: ParsedRow[];
  /**
   * The rows that could not be read, with the cells that could (keyed by JSON key): the checks
   * skip these rows, but their village and project codes are still checked, so one answer names
   * every problem of the row.
   */
  partial: ParsedRow[];
  errors: UploadProblem[];
  warnings: UploadProblem[];
  /** Rows in the file (example and blank rows excluded). */
  dataRows: number;
}

/** `预算（元）`, `预算 (元)` and `预算(元)` are the same header. */
export function normalizeHeader(text: unknown): string {
  return String(text ?? '')
    .replace(/[（]/g, '(')
    .replace(/[）]/g, ')')
    .replace(/\s+/g, '')
    .replace(/^\*/, '')
    .trim();
}

/** The template's example rows start with 示例 in their first cell; they are skipped, with a warning. */
const isExampleRow = (cells: readonly unknown[]) => typeof cells[0] === 'string' && cells[0].trim().startsWith('示例');

/**
 * Reads a table whose first non-empty row is the header. `examples`: the county's own codes, which
 * a code cell's problem gives as an example of what it expects.
 */
export function readTable(kind: UploadKind, table: readonly (readonly unknown[])[], examples: UploadExamples = NO_EXAMPLES): ReadRows {
  const columns = uploadColumns(examples)[kind];
  const errors: UploadProblem[] = [];
  const warnings: UploadProblem[] = [];
  const headerIndex = table.findIndex((r) => r.some((c) => !isBlank(c)));
  if (headerIndex < 0) {
    return { rows: [], partial: [], errors: [{ problem: '文件是空的：没有表头，也没有数据', expected: `第一行为表头：${columns.map((c) => c.header).join('、')}` }], warnings, dataRows: 0 };
  }
  const header = table[headerIndex]!.map(normalizeHeader);
  const byHeader = new Map<string, ColumnSpec>();
  for (const c of columns) {
    byHeader.set(normalizeHeader(c.header), c);
    byHeader.set(c.key.toLowerCase(), c);
  }
  const positions = new Map<string, number>();
  header.forEach((h, i) => {
    const spec = byHeader.get(h) ?? byHeader.get(h.toLowerCase());
    if (spec && !positions.has(spec.key)) positions.set(spec.key, i);
    else if (h !== '') warnings.push({ row: headerIndex + 1, column: h, problem: '不认识这一列，已忽略' });
  });
  const missing = columns.filter((c) => c.required && !positions.has(c.key));
  if (missing.length > 0) {
    // One problem per missing column, each naming it, so every refusal says where.
    const received = header.filter(Boolean).join('、') || '（空）';
    for (const c of missing) {
      errors.push({
        row: headerIndex + 1,
        column: c.header,
        problem: `表头缺少必填列“${c.header}”`,
        received: received.length > 120 ? `${received.slice(0, 120)}…` : received,
        expected: columns.map((x) => x.header).join('、'),
        hint: '请下载最新模板，把数据粘贴到模板里再上传；不要修改表头文字。',
      });
    }
    return { rows: [], partial: [], errors, warnings, dataRows: 0 };
  }

  // Where each column's cell is in a row, looked up once rather than per cell.
  const at = columns.map((c) => positions.get(c.key) ?? -1);
  const parsed = new RowParser(kind, examples);
  let dataRows = 0;
  for (let i = headerIndex + 1; i < table.length; i++) {
    const cells = table[i]!;
    if (cells.every(isBlank)) continue;
    if (isExampleRow(cells)) {
      warnings.push({ row: i + 1, problem: '这是模板的示例行，已跳过' });
      continue;
    }
    dataRows++;
    // Only a row the fast path cannot read is turned into an object for zod.
    if (!parsed.fast(i + 1, cells, at)) {
      const values: Record<string, unknown> = {};
      columns.forEach((c, j) => (values[c.key] = at[j]! < 0 ? null : (cells[at[j]!] ?? null)));
      parsed.slow(i + 1, values);
    }
  }
  if (dataRows === 0) {
    errors.push({ row: headerIndex + 2, problem: '表格里没有数据行（示例行和空行不算）', expected: '至少一行数据' });
    return { rows: [], partial: [], errors, warnings, dataRows: 0 };
  }
  return { rows: parsed.rows, partial: parsed.partial, errors: [...errors, ...parsed.errors], warnings, dataRows };
}

/** Reads JSON rows (objects keyed by the JSON keys); row numbers count from 1. */
export function readJsonRows(kind: UploadKind, rows: readonly unknown[], examples: UploadExamples = NO_EXAMPLES): ReadRows {
  const errors: UploadProblem[] = [];
  const raw: Array<{ row: number; values: Record<string, unknown> }> = [];
  rows.forEach((r, i) => {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) errors.push({ row: i + 1, problem: '这一行不是对象', received: showReceived(r), expected: '{ "字段": 值, … }' });
    else raw.push({ row: i + 1, values: r as Record<string, unknown> });
  });
  if (rows.length === 0) errors.push({ problem: '没有数据行', expected: '"rows" 至少一行' });
  const parsed = new RowParser(kind, examples);
  const specs = uploadColumns(examples)[kind];
  const inOrder = specs.map((_, j) => j);
  for (const { row, values } of raw) if (!parsed.fast(row, specs.map((c) => values[c.key]), inOrder)) parsed.slow(row, values);
  return { rows: parsed.rows, partial: parsed.partial, errors: [...errors, ...parsed.errors], warnings: [], dataRows: rows.length };
}

/**
 * Collects read rows, rows that could not be read and their problems, in row order: `fast` first
 * (the column readers, no zod), and `slow` (the zod schema, which reports the row's problems) for a
 * row `fast` declined.
 */
class RowParser {
  readonly rows: ParsedRow[] = [];
  readonly partial: ParsedRow[] = [];
  readonly errors: UploadProblem[] = [];
  private readonly specs: readonly ColumnSpec[];
  private readonly schema: RowSchema;
  private readonly byKey: ReadonlyMap<string, ColumnSpec>;

  constructor(kind: UploadKind, examples: UploadExamples) {
    this.specs = uploadColumns(examples)[kind];
    this.schema = rowSchema(kind, examples);
    this.byKey = new Map(this.specs.map((c) => [c.key, c]));
  }

  /** Reads the row with the column readers; false (nothing recorded) when zod must read it. */
  fast(row: number, cells: readonly unknown[], at: readonly number[]): boolean {
    const values = readRowFast(this.specs, cells, at);
    if (values) this.rows.push({ row, values });
    return values !== null;
  }

  slow(row: number, values: Record<string, unknown>): void {
    const result = this.schema.safeParse(values);
    if (result.success) {
      this.rows.push({ row, values: result.data });
      return;
    }
    this.partial.push({ row, values: readableCells(this.specs, values) });
    for (const issue of result.error.issues) {
      const key = String(issue.path[0] ?? '');
      const params = (issue as { params?: CellIssueParams }).params;
      const header = params?.header ?? this.byKey.get(key)?.header ?? key;
      const problem: UploadProblem = { row, column: header, problem: params ? issue.message : `格式不对（${issue.message}）` };
      problem.received = params ? showReceived(params.received) : showReceived(values[key]);
      problem.expected = params?.expected ?? '文字、数字或日期';
      if (params?.hint) problem.hint = params.hint;
      this.errors.push(problem);
    }
  }
}

/** The cells of a row that read cleanly, by JSON key (blank optional cells as null). */
function readableCells(specs: readonly ColumnSpec[], values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const spec of specs) {
    const cell = values[spec.key];
    if (isBlank(cell)) {
      if (!spec.required) out[spec.key] = null;
      continue;
    }
    const read = spec.read(cell);
    if (read.ok) out[spec.key] = read.value;
  }
  return out;
}
