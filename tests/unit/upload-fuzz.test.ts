/**
 * The project's own fuzz suite for uploads: fast-check generates malformed CSV, XLSX and JSON for
 * every upload kind, and each file is sent to the API as a county user would. Whatever comes in:
 *
 * - never a 5xx, and the process goes on (an uncaught error or a stack overflow would end this run);
 * - a refusal of rows names the row and the column of each problem it places in a row;
 * - nothing is written when the file is refused (row counts of every ledger table unchanged);
 * - the heap stays under HEAP_BOUND_MB while the whole suite runs.
 *
 * Replay a failure with the FC_SEED and FC_PATH it prints (tests/support/fast-check-setup.ts).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UPLOAD_KINDS, type UploadKind } from '../../src/domain/access/access.ts';
import { UPLOAD_COLUMNS } from '../../src/domain/upload/upload-columns.ts';
import { ledgerCounts, mintAll, postBytes, projectRow, seedCounty, VILLAGE_A1, type Tokens } from '../api/fixtures.ts';
import { createNodeTarget, type ApiTarget } from '../support/api-target.ts';
import { InjectedClock } from '../support/test-clock.ts';
import { columnName, xlsxFromParts, zipStored } from '../support/xlsx-parts.ts';

/** The bound on heap growth over the whole suite (MB). */
const HEAP_BOUND_MB = 512;
const RUNS = 40;

/** Cell text that breaks things: quotes, separators, line ends, NUL and control characters, formulas, markup, huge and odd numbers, full-width and RTL text. */
const nastyText = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom('"', '""', '"a,b"', 'a"b', ',', '\r\n', '\n', '\r', '\u0000', '\u0007', '=1+1', '+1', '@SUM(A1)', '-0', '<script>', '１２３', '‮abc', '1e308', '-1', '0', '0.001', 'NaN', '9'.repeat(40), '2025-02-30', '45726', '是', '否', '中央', '项目', '開工'),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
);
const nastyCell = fc.oneof(nastyText, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));

const headersOf = (kind: UploadKind) => UPLOAD_COLUMNS[kind].map((c) => c.header);
const keysOf = (kind: UploadKind) => UPLOAD_COLUMNS[kind].map((c) => c.key);

/** A header row: the kind's headers, some dropped, shuffled, repeated or replaced. */
const headerRow = (kind: UploadKind) =>
  fc.oneof(
    fc.constant(headersOf(kind)),
    fc.shuffledSubarray(headersOf(kind)),
    fc.array(fc.oneof(fc.constantFrom(...headersOf(kind)), nastyText), { maxLength: 30 }),
  );

/** A CSV field, quoted as Excel does (`needed`), never (so quotes and separators break it) or always. */
const csvField = (v: unknown, quote: 'needed' | 'never' | 'always') => {
  const s = v === null ? '' : String(v);
  const quoted = quote === 'always' || (quote === 'needed' && /[",\r\n]/.test(s));
  return quoted ? `"${s.replaceAll('"', '""')}"` : s;
};

/** A CSV: a header and rows of nasty cells, joined with a random line end, sometimes broken quoting. */
const csvFile = (kind: UploadKind) =>
  fc
    .record({
      header: headerRow(kind),
      rows: fc.array(fc.array(nastyCell, { maxLength: 30 }), { maxLength: 30 }),
      eol: fc.constantFrom('\r\n', '\n', '\r'),
      bom: fc.boolean(),
      quote: fc.constantFrom('needed', 'needed', 'never', 'always') as fc.Arbitrary<'needed' | 'never' | 'always'>,
    })
    .map(({ header, rows, eol, bom, quote }) => `${bom ? '\uFEFF' : ''}${[header, ...rows].map((r) => r.map((v) => csvField(v, quote)).join(',')).join(eol)}`);

/** JSON: rows of objects with the kind's keys (and others) holding anything, or not rows at all. */
const jsonFile = (kind: UploadKind) =>
  fc.oneof(
    fc.array(fc.dictionary(fc.oneof(fc.constantFrom(...keysOf(kind)), fc.string({ maxLength: 8 })), fc.oneof(nastyCell, fc.jsonValue({ maxDepth: 3 })), { maxKeys: 20 }), { maxLength: 20 }).map((rows) => JSON.stringify({ rows })),
    fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)),
    fc.integer({ min: 1, max: 50_000 }).map((depth) => `{"rows":[{"code":${'['.repeat(depth)}${']'.repeat(depth)}}]}`),
    fc.string({ maxLength: 60 }).map((s) => `{"rows":[${s}`),
  );

/** A cell of a hand-written sheet: any type attribute, style, reference (some far away or malformed). */
const sheetCell = (rowNumber: number, index: number) =>
  fc
    .record({
      ref: fc.oneof(
        fc.constant(`${columnName(index)}${rowNumber}`),
        fc.constantFrom('XFD1048576', `${columnName(index)}0`, 'A', '1', 'ZZZZ9', `BM${rowNumber}`, ''),
      ),
      type: fc.constantFrom('', ' t="s"', ' t="n"', ' t="b"', ' t="str"', ' t="inlineStr"', ' t="e"', ' t="d"', ' t="x"'),
      style: fc.constantFrom('', ' s="0"', ' s="1"', ' s="9"'),
      value: fc.oneof(nastyText.map((t) => t.replace(/[<&]/g, '')), fc.integer().map(String), fc.constantFrom('45726', '1E3', '-1', '0', '1', '99999999')),
      shape: fc.constantFrom('v', 'v', 'v', 'is', 'self', 'f', 'garbage'),
    })
    .map(({ ref, type, style, value, shape }) => {
      const r = ref ? ` r="${ref}"` : '';
      if (shape === 'self') return `<c${r}${style}/>`;
      if (shape === 'is') return `<c${r} t="inlineStr"${style}><is><t>${value}</t></is></c>`;
      if (shape === 'f') return `<c${r}${type}${style}><f>SUM(A1:A2)</f><v>${value}</v></c>`;
      if (shape === 'garbage') return `<c${r}${type}><v>${value}</c>`;
      return `<c${r}${type}${style}><v>${value}</v></c>`;
    });

/** An XLSX built part by part: a header row, then rows of odd cells, with hidden rows, merges, and a date style. */
const xlsxFile = (kind: UploadKind) =>
  fc
    .record({
      header: headerRow(kind),
      rows: fc.array(fc.tuple(fc.integer({ min: 0, max: 8 }), fc.boolean(), fc.constantFrom(0, 0, 0, 1, 5, 1_048_000)), { maxLength: 12 }),
      merge: fc.boolean(),
      hiddenColumn: fc.boolean(),
    })
    .chain(({ header, rows, merge, hiddenColumn }) => {
      const headerXml = `<row r="1">${header.map((h, i) => `<c r="${columnName(i)}1" t="inlineStr"><is><t>${h.replace(/[<&]/g, '')}</t></is></c>`).join('')}</row>`;
      const rowArbs = rows.map(([cells, hidden, skip], i) => {
        const r = i + 2 + skip;
        return fc.tuple(...Array.from({ length: cells }, (_, j) => sheetCell(r, j))).map((cs) => `<row r="${r}"${hidden ? ' hidden="1"' : ''}>${cs.join('')}</row>`);
      });
      return fc.tuple(...rowArbs).map((rowXml) =>
        xlsxFromParts({
          sheetData: headerXml + rowXml.join(''),
          before: hiddenColumn ? '<cols><col min="2" max="2" hidden="1"/></cols>' : '',
          after: merge ? '<mergeCells count="1"><mergeCell ref="A2:A3"/></mergeCells>' : '',
          cellXfs: '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs>',
        }),
      );
    });

/** A valid small workbook with some of its bytes flipped, cut off, or its parts mixed up. */
const brokenZip = fc
  .record({
    flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
    cut: fc.option(fc.nat(), { nil: undefined }),
    dropSheet: fc.boolean(),
  })
  .map(({ flips, cut, dropSheet }) => {
    const good = dropSheet
      ? zipStored([['xl/workbook.xml', '<workbook><sheets><sheet r:id="rId1"/></sheets></workbook>']])
      : xlsxFromParts({ sheetData: '<row r="1"><c r="A1"><v>1</v></c></row>' });
    const bytes = good.slice();
    for (const [at, value] of flips) bytes[at % bytes.length] = value;
    return cut === undefined ? bytes : bytes.subarray(0, cut % bytes.length);
  });

interface Answer {
  code?: string;
  message?: string;
  status?: string;
  details?: Array<{ row?: number; column?: string; problem: string }>;
}

describe('upload fuzz: malformed CSV, XLSX and JSON for every kind', () => {
  let target: ApiTarget;
  let tokens: Tokens;
  let heapStart = 0;
  let heapPeak = 0;
  const statuses = new Map<number, number>();

  beforeAll(async () => {
    target = await createNodeTarget({ clock: InjectedClock.at('2025-12-01T02:00:00.000Z') });
    await seedCounty(target.db);
    tokens = await mintAll(target.db);
    // A project, so that payments and milestones have something to refer to.
    const res = await target.request('/api/v1/uploads/projects', {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.county}`, 'content-type': 'application/json' },
      body: JSON.stringify({ rows: [projectRow('FZ-1', VILLAGE_A1)] }),
    });
    expect(res.status).toBe(200);
    heapStart = process.memoryUsage().heapUsed;
  });
  afterAll(async () => {
    await target.dispose();
  });

  async function sendAndCheck(kind: UploadKind, body: Uint8Array | string): Promise<void> {
    const before = await ledgerCounts(target.db);
    const res = await postBytes(target, `/api/v1/uploads/${kind}`, tokens.county, body);
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    const answer = (await res.json()) as Answer;
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    expect(res.status, JSON.stringify(answer).slice(0, 400)).toBeLessThan(500);
    if (res.status === 200) return;
    expect(answer.code, JSON.stringify(answer).slice(0, 400)).toMatch(/^[A-Z_]+$/);
    expect(answer.message).toMatch(/[\u4e00-\u9fff]/);
    for (const d of answer.details ?? []) {
      expect(d.problem, JSON.stringify(d)).toMatch(/[\u4e00-\u9fff]/);
      // A problem placed in a row names its column too, unless it is about the whole row.
      if (d.row !== undefined && d.column === undefined) expect(d.problem, JSON.stringify(d)).toMatch(/行|重复|空白|对象/);
    }
    expect(await ledgerCounts(target.db)).toEqual(before);
  }

  it.each(UPLOAD_KINDS)('never answers 5xx and writes nothing when it refuses: CSV for %s', async (kind) => {
    await fc.assert(fc.asyncProperty(csvFile(kind), (file) => sendAndCheck(kind, file)), { numRuns: RUNS });
  });

  it.each(UPLOAD_KINDS)('… JSON for %s', async (kind) => {
    await fc.assert(fc.asyncProperty(jsonFile(kind), (file) => sendAndCheck(kind, file)), { numRuns: RUNS });
  });

  it.each(UPLOAD_KINDS)('… XLSX written part by part for %s', async (kind) => {
    await fc.assert(fc.asyncProperty(xlsxFile(kind), (file) => sendAndCheck(kind, file)), { numRuns: RUNS });
  });

  it('… broken ZIP archives', async () => {
    await fc.assert(fc.asyncProperty(brokenZip, (file) => sendAndCheck('projects', file)), { numRuns: RUNS * 2 });
  });

  it(`kept the heap within ${HEAP_BOUND_MB} MB of where it started, and refused most files`, () => {
    expect((heapPeak - heapStart) / 1e6).toBeLessThan(HEAP_BOUND_MB);
    const refused = [...statuses].filter(([s]) => s >= 400).reduce((n, [, c]) => n + c, 0);
    expect(refused).toBeGreaterThan(UPLOAD_KINDS.length * RUNS);
  });
});
