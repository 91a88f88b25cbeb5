import { describe, expect, it } from 'vitest';
import { csvCell, fenToYuanText, neutraliseCell, toCsv } from '../../src/domain/shared/csv-safety.ts';

describe('CSV exports', () => {
  it.each([
    ['=HYPERLINK("http://x")', `'=HYPERLINK("http://x")`],
    ['+86 1', `'+86 1`],
    ['-1+2', `'-1+2`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['\tcmd', `'\tcmd`],
    ['\rcmd', `'\rcmd`],
    ['记-202005-0011', '记-202005-0011'],
    ['2023-08-31', '2023-08-31'],
  ])('neutralises a cell starting with a formula character: %j', (input, expected) => {
    expect(neutraliseCell(input)).toBe(expected);
  });

  it('quotes cells with commas, quotes and line breaks, and writes booleans in Chinese', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=1,2')).toBe(`"'=1,2"`);
    expect(csvCell(true)).toBe('是');
    expect(csvCell(null)).toBe('');
  });

  it('starts with a BOM and ends every line with CRLF', () => {
    expect(toCsv(['名称', '金额（元）'], [['大水村', '100.00']])).toBe('\uFEFF名称,金额（元）\r\n大水村,100.00\r\n');
  });

  it('writes fen as plain yuan with two decimals', () => {
    expect(fenToYuanText(123456)).toBe('1234.56');
    expect(fenToYuanText(5)).toBe('0.05');
    expect(fenToYuanText(-250)).toBe('-2.50');
  });
});
