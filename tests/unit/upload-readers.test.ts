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
import { parseCsvText } from '../../src/domain/csv-text.ts';
import { xlsxRows } from '../../src/domain/upload-file.ts';
import { readPlainFirstSheet } from '../../src/domain/xlsx-sheet.ts';
import { inflateEntry, listZipEntries } from '../../src/domain/zip-guard.ts';

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
