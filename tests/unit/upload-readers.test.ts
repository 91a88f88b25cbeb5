/**
 * The fast upload readers against the libraries they stand in for: the CSV parser against
 * csv-parse (relax_column_count, bom), the plain XLSX sheet reader against read-excel-file's
 * readSheet, on generated inputs. Any disagreement is a bug in the fast reader.
 */
import { parse } from 'csv-parse/browser/esm/sync';
import fc from 'fast-check';
import { readSheet } from 'read-excel-file/universal';
import { describe, expect, it } from 'vitest';
import writeXlsxFile from 'write-excel-file/universal';
import { parseCsvText } from '../../src/domain/upload/csv-text.ts';
import { FileProblemError, xlsxRows } from '../../src/domain/upload/upload-file.ts';
import { sharedRows, xlsxFromParts } from '../support/xlsx-parts.ts';
import { readPlainFirstSheet } from '../../src/domain/upload/xlsx-sheet.ts';
import { inflateEntry, listZipEntries } from '../../src/domain/upload/zip-guard.ts';

const outcome = (f: () => unknown) => {
  try {
    return { rows: f() };
  } catch {
    return { error: true };
  }
};

describe('CSV parser', () => {
  it('reads any text as csv-parse does, errors included', () => {
    const piece = fc.constantFrom('a', 'b', ',', '"', '\r', '\n', '\r\n', '中', ' ', '\uFEFF');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const text = pieces.join('');
        const expected = outcome(() => parse(text, { relax_column_count: true, skip_empty_lines: false, bom: true }));
        expect(outcome(() => parseCsvText(text))).toEqual(expected);
      }),
      { numRuns: 5_000 },
    );
  });

  it('keeps quoted commas, quotes and line breaks as data', () => {
    expect(parseCsvText('\uFEFFa,"b,1","c ""x""\r\nd"\r\n\r\ne,\r\n')).toEqual([['a', 'b,1', 'c "x"\r\nd'], [''], ['e', '']]);
  });
});

async function workbook(rows: unknown[][]): Promise<Uint8Array> {
  const cells = rows.map((r) => r.map((v) => (v === null ? null : { value: v, type: typeof v === 'number' ? Number : typeof v === 'boolean' ? Boolean : String })));
  return new Uint8Array(await (await writeXlsxFile(cells as never).toBlob()).arrayBuffer());
}

describe('plain XLSX sheet reader', () => {
  it('reads generated sheets exactly as read-excel-file does', async () => {
    const cell = fc.constantFrom<unknown>('a', ' 中 ', '', '  ', 'x&y<z>"\'', 0, 1.5, -3, 112.3956, true, false, null, '示例');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(cell, { maxLength: 6 }), { minLength: 1, maxLength: 6 }), async (rows) => {
        const bytes = await workbook(rows);
        const parts = new Map<string, string>();
        for (const entry of listZipEntries(bytes)) parts.set(entry.name, new TextDecoder().decode(await inflateEntry(bytes, entry)));
        const plain = readPlainFirstSheet(parts);
        expect(plain).not.toBeNull();
        expect(plain).toEqual(await readSheet(bytes.slice().buffer, 1));
      }),
      { numRuns: 60 },
    );
  });

  it('leaves date-formatted cells to read-excel-file', async () => {
    const cells = [[{ value: '日期', type: String }], [{ value: new Date('2025-03-10T00:00:00Z'), type: Date, format: 'yyyy-mm-dd' }]];
    const bytes = new Uint8Array(await (await writeXlsxFile(cells as never).toBlob()).arrayBuffer());
    expect(await xlsxRows(bytes)).toEqual([['日期'], [new Date('2025-03-10T00:00:00Z')]]);
  });
});

describe('plain XLSX sheet reader on hand-written parts', () => {
  const WORKBOOK = '<workbook><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>';
  const RELS = '<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>';
  const STYLES = '<styleSheet><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>';
  const read = (sheetData: string, strings: string) =>
    readPlainFirstSheet(
      new Map([
        ['xl/workbook.xml', WORKBOOK],
        ['xl/_rels/workbook.xml.rels', RELS],
        ['xl/styles.xml', STYLES],
        ['xl/sharedStrings.xml', `<sst>${strings}</sst>`],
        ['xl/worksheets/sheet1.xml', `<worksheet><sheetData>${sheetData}</sheetData></worksheet>`],
      ]),
    );
  const STRINGS = '<si><t>项目编号</t></si><si><t xml:space="preserve"> 金额 </t></si><si><t/></si><si><t>a&amp;b</t></si>';

  it('reads shared strings, numbers, booleans, empty and self-closing cells and rows, in any attribute order and spacing', () => {
    const sheet =
      '<row r="1"><c r="A1" t="s"><v>0</v></c><c t="s" r="B1"><v>1</v></c></row>' +
      '<row r="2"/>' +
      '<row r="3" spans="1:4"><c r="A3"\ts="0"\nt="n"><v>112.3956</v></c><c r="B3" t="b"><v>1</v></c><c r="C3"/><c r="D3" t="s"><v>3</v></c></row>' +
      '<row r="4"><c r="B4" t="s"><v>2</v></c><c r="C4"><v>-3</v></c></row>';
    expect(read(sheet, STRINGS)).toEqual([
      ['项目编号', '金额', null, null],
      [null, null, null, null],
      [112.3956, true, null, 'a&b'],
      [null, null, -3, null],
    ]);
  });

  it('reads numbers as Number() does: leading zeros, long digit runs, exponents', () => {
    const sheet = '<row r="1"><c r="A1"><v>007</v></c><c r="B1"><v>12345678901234567890</v></c><c r="C1"><v>1E3</v></c><c r="D1"><v>999999999999999</v></c></row>';
    expect(read(sheet, STRINGS)).toEqual([[7, Number('12345678901234567890'), 1000, 999999999999999]]);
  });

  it('reads every cell alike by the one-pass lane for the usual cell and by the general scanner', () => {
    const valueOf = fc.constantFrom('0', '1', '2', '3', '0', '1', '2', '3', '9', '007', '-3', '1.5', '1E3', 'x', '', '12345678901234567890', ' 1', '1&amp;');
    // Mostly well-formed (columns in order, the row's own number), so most sheets are read, not refused.
    const cellOf = (row: number, index: number) =>
      fc
        .record({
          column: fc.constantFrom(...Array<string>(8).fill('ABCD'[index]!), 'A', 'AA'),
          rowRef: fc.constantFrom(...Array<string>(8).fill(String(row)), `0${row}`, String(row + 1), ''),
          type: fc.constantFrom('', '', '', ' t="s"', ' t="s"', ' t="s"', ' t="n"', ' t="b"', ' t="str"', ' t=""'),
          style: fc.constantFrom('', '', '', '', '', ' s="0"', ' s="1"'),
          typeFirst: fc.boolean(),
          gap: fc.constantFrom(' ', ' ', ' ', ' ', '  ', '\t'),
          shape: fc.constantFrom('v', 'v', 'v', 'v', 'v', 'v', 'self', 'emptyV', 'formula'),
          value: valueOf,
        })
        .map(({ column, rowRef, type, style, typeFirst, gap, shape, value }) => {
          const r = `${gap}r="${column}${rowRef}"`;
          const attrs = (typeFirst ? type + r : r + type) + style;
          if (shape === 'self') return `<c${attrs}/>`;
          if (shape === 'emptyV') return `<c${attrs}><v></v></c>`;
          if (shape === 'formula') return `<c${attrs}><f>1</f><v>${value}</v></c>`;
          return `<c${attrs}><v>${value}</v></c>`;
        });
    const sheetOf = fc.integer({ min: 1, max: 4 }).chain((rows) =>
      fc.tuple(
        ...Array.from({ length: rows }, (_, i) =>
          fc.integer({ min: 0, max: 4 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, j) => cellOf(i + 1, j)))).map((cells) => `<row r="${i + 1}">${cells.join('')}</row>`),
        ),
      ),
    );
    let read = 0;
    fc.assert(
      fc.property(sheetOf, (rows) => {
        const parts = (fastCells: boolean) =>
          readPlainFirstSheet(
            new Map([
              ['xl/workbook.xml', WORKBOOK],
              ['xl/_rels/workbook.xml.rels', RELS],
              ['xl/styles.xml', STYLES],
              ['xl/sharedStrings.xml', `<sst>${STRINGS}</sst>`],
              ['xl/worksheets/sheet1.xml', `<worksheet><sheetData>${rows.join('')}</sheetData></worksheet>`],
            ]),
            { fastCells },
          );
        const fast = parts(true);
        expect(fast).toEqual(parts(false));
        if (fast) read++;
      }),
      // A fixed seed: how many of the sheets are read varies with the draw (298 of 3,000 once),
      // and the share below must not depend on the run.
      { numRuns: 3_000, seed: 20261206 },
    );
    // Not only refusals compared: a good share of the sheets is read.
    expect(read).toBeGreaterThan(300);
  });

  it('leaves to read-excel-file what it does not read itself', () => {
    const row = (cell: string) => `<row r="1">${cell}</row>`;
    expect(read(row('<c r="A1"><f>1+1</f><v>2</v></c>'), STRINGS)).toBeNull(); // formula
    expect(read(row('<c r="A1" t="inlineStr"><is><t>x</t></is></c>'), STRINGS)).toBeNull(); // inline string
    expect(read(row('<c r="A1" t="str"><v>x</v></c>'), STRINGS)).toBeNull(); // formula string
    expect(read(row('<c r="A1" s="1"><v>45000</v></c>'), STRINGS)).toBeNull(); // date style
    expect(read(row("<c r='A1' t='s'><v>0</v></c>"), STRINGS)).toBeNull(); // single quotes
    expect(read(row('<c r="A1" t="s"><v>9</v></c>'), STRINGS)).toBeNull(); // no such string
    expect(read(row('<c r="A2" t="s"><v>0</v></c>'), STRINGS)).toBeNull(); // reference of another row
    expect(read(row('<c r="B1"><v>1</v></c><c r="A1"><v>2</v></c>'), STRINGS)).toBeNull(); // columns out of order
    expect(read(row('<c r="A1" t="b"><v>2</v></c>'), STRINGS)).toBeNull(); // not a boolean
    expect(read(row('<c r="A1" t="s"><v>0</v></c>'), '<si><r><t>rich</t></r></si>')).toBeNull(); // rich text
    expect(read(row('<c r="A1"><v>2</v><f>1+1</f></c>'), STRINGS)).toBeNull(); // formula after the value
    expect(read(row('<c r="A1" t="s"><v>0</v></c>'), '<si/>')).toBeNull();
    expect(read(row('<c r="A1" t="s"><v>0</v></c>'), '<si><t>_x000D_</t></si>')).toBeNull();
  });
});

describe('the sheet reader within its bounds (SHEET_LIMITS)', () => {
  const styles = '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs>';
  it('builds nothing for formatted empty cells at the far corner, and reads the data', async () => {
    const { sheetData, sharedStrings } = sharedRows([['项目编号', '金额'], ['A-1', 1]]);
    const far = '<row r="1048576"><c r="XFD1048576" s="1"/></row>';
    const wide = '<row r="3"><c r="XFD3" s="1"/></row>';
    expect(await xlsxRows(xlsxFromParts({ sheetData: sheetData + wide + far, sharedStrings, cellXfs: styles }))).toEqual([['项目编号', '金额'], ['A-1', 1]]);
  });

  it.each([
    ['a value past the last row', '<row r="100101"><c r="A100101"><v>1</v></c></row>', 'SHEET_OUT_OF_RANGE', { row: 100_101, column: 'A' }],
    ['a value past the last column', '<row r="3"><c r="BM3"><v>1</v></c></row>', 'SHEET_OUT_OF_RANGE', { row: 3, column: 'BM' }],
    ['a hidden row with data', '<row r="3" hidden="1"><c r="A3"><v>1</v></c></row>', 'HIDDEN_ROWS', { row: 3 }],
  ])('refuses %s, naming where', async (_label, extra, code, at) => {
    const { sheetData, sharedStrings } = sharedRows([['项目编号', '金额'], ['A-1', 1]]);
    const refusal = await xlsxRows(xlsxFromParts({ sheetData: sheetData + extra, sharedStrings })).then(
      () => null,
      (e: unknown) => e as FileProblemError,
    );
    expect(refusal).toBeInstanceOf(FileProblemError);
    expect(refusal!.code).toBe(code);
    expect(refusal!.details).toEqual(expect.arrayContaining([expect.objectContaining(at)]));
  });

  it('keeps a hidden row without data out of the way', async () => {
    const { sheetData, sharedStrings } = sharedRows([['项目编号', '金额'], ['A-1', 1]]);
    expect(await xlsxRows(xlsxFromParts({ sheetData: sheetData + '<row r="3" hidden="1"/>', sharedStrings }))).toEqual([['项目编号', '金额'], ['A-1', 1]]);
  });
});
