/**
 * How a typed date in a spreadsheet becomes a calendar day. Excel, WPS and LibreOffice all save a
 * date typed into a cell as a serial number (days since 1899-12-30) with a date number format: the
 * built-in format 14 (Excel's short date), or a custom one such as `yyyy"年"m"月"d"日"` (WPS in
 * Chinese) or `YYYY-MM-DD` (LibreOffice). Each must reach the upload as the same day, by the whole
 * path a file takes: the ZIP, the sheet reader, the table reader and the row's schema.
 */
import writeXlsxFile from 'write-excel-file/node';
import { describe, expect, it } from 'vitest';
import { ROW_SCHEMAS } from '../../src/domain/upload/upload-columns.ts';
import { xlsxRows } from '../../src/domain/upload/upload-file.ts';
import { readTable } from '../../src/domain/upload/upload-table.ts';
import { cellXml, rowXml, xlsxFromParts } from '../support/xlsx-parts.ts';

/** 2023-05-01 as a spreadsheet serial: 45,047 days after 1899-12-30. */
const MAY_DAY_2023 = 45047;
const HEADER = ['项目编号', '拨付日期', '金额(元)', '凭证号', '收款单位'];

/** A payment sheet whose 拨付日期 cell is the serial with the given style. */
function paymentSheet(numFmts: string, dateFormatId: number): Uint8Array {
  return xlsxFromParts({
    numFmts,
    cellXfs: `<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="${dateFormatId}" applyNumberFormat="1"/></cellXfs>`,
    sheetData: rowXml(1, HEADER) + `<row r="2">${cellXml('A2', 'CN2023-0101')}${cellXml('B2', MAY_DAY_2023, 1)}${cellXml('C2', 1000)}${cellXml('D2', '记-2023-0501')}${cellXml('E2', '某建筑公司')}</row>`,
  });
}

async function dateOfFirstRow(bytes: Uint8Array): Promise<unknown> {
  const read = readTable('disbursements', await xlsxRows(bytes));
  expect(read.errors).toEqual([]);
  expect(read.rows).toHaveLength(1);
  return read.rows[0]!.values.date;
}

describe('Excel date cells', () => {
  it('reads a date-formatted cell (a Date object from the XLSX reader) in a complete row as that calendar day', () => {
    const row = { projectCode: 'CN2023-0101', date: new Date(Date.UTC(2023, 4, 1)), amount: 1000, voucherNumber: '记-2023-0501', payee: '某建筑公司' };
    const result = ROW_SCHEMAS.disbursements.safeParse(row);
    expect(result.error?.issues).toBeUndefined();
    expect(result.data?.date).toBe('2023-05-01');
  });

  it.each([
    ['Excel (built-in short date, format 14)', '', 14],
    ['WPS in Chinese (yyyy"年"m"月"d"日")', '<numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts>', 176],
    ['LibreOffice (YYYY-MM-DD)', '<numFmts count="1"><numFmt numFmtId="164" formatCode="YYYY\\-MM\\-DD"/></numFmts>', 164],
  ])('reads a serial-number date saved by %s as 2023-05-01', async (_label, numFmts, id) => {
    expect(await dateOfFirstRow(paymentSheet(numFmts, id))).toBe('2023-05-01');
  });

  it('reads a date cell written by write-excel-file (as a county office exports one) as that day', async () => {
    const text = (value: string) => ({ value, type: String });
    const cells = [
      HEADER.map(text),
      [text('CN2023-0101'), { value: new Date(Date.UTC(2023, 4, 1)), type: Date, format: 'yyyy/mm/dd' }, { value: 1000, type: Number }, text('记-2023-0501'), text('某建筑公司')],
    ];
    const bytes = new Uint8Array(await (await writeXlsxFile(cells as never).toBuffer()));
    expect(await dateOfFirstRow(bytes)).toBe('2023-05-01');
  });

  it('refuses a bare serial number in a General cell, naming what it got', async () => {
    const read = readTable('disbursements', await xlsxRows(paymentSheet('', 0)));
    expect(read.rows).toHaveLength(0);
    expect(read.errors).toEqual([expect.objectContaining({ row: 2, column: '拨付日期', received: '45047' })]);
  });

  it('still refuses an invalid date object with the Chinese message, not a type error', () => {
    const result = ROW_SCHEMAS.disbursements.safeParse({ date: new Date('nonsense') });
    expect(result.success).toBe(false);
    const dateIssue = result.error?.issues.find((i) => i.path[0] === 'date');
    expect(dateIssue?.message).toBe('不是有效日期');
  });
});
