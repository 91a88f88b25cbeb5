import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readDate, readYuan } from '../../src/domain/upload/upload-cells.ts';

describe('readYuan on number cells', () => {
  it('reads a whole number of 元 as the same text would read', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 - 1 }), (n) => {
        expect(readYuan(n)).toEqual(readYuan(String(n)));
        expect(readYuan(n)).toEqual({ ok: true, value: n * 100 });
      }),
      { numRuns: 5_000 },
    );
  });

  it('reads -0 as 0, and refuses negative, huge and fractional-fen numbers as before', () => {
    expect(readYuan(-0)).toEqual({ ok: true, value: 0 });
    expect(Object.is((readYuan(-0) as { value: number }).value, 0)).toBe(true);
    expect(readYuan(-5)).toMatchObject({ ok: false, problem: '金额不能为负数' });
    expect(readYuan(1e12)).toEqual(readYuan('1000000000000'));
    expect(readYuan(1e21)).toMatchObject({ ok: false, problem: '数值超出范围' });
    expect(readYuan(1234.56)).toEqual({ ok: true, value: 123_456 });
    expect(readYuan(0.001)).toMatchObject({ ok: false });
  });
});

// A leading space skips the fast paths (they take exact shapes only) and sends the cell through
// the general reading, which ignores the space: so the two answers must agree.
describe('fast paths of text cells', () => {
  const digit = fc.constantFrom(...'0123456789'.split(''));
  it('reads YYYY-MM-DD dates as the general date reading does', () => {
    const date = fc.tuple(fc.array(digit, { minLength: 4, maxLength: 4 }), fc.array(digit, { minLength: 2, maxLength: 2 }), fc.array(digit, { minLength: 2, maxLength: 2 })).map(([y, m, d]) => `${y.join('')}-${m.join('')}-${d.join('')}`);
    fc.assert(fc.property(date, (text) => {
      expect(readDate(text)).toEqual(readDate(` ${text}`));
    }), { numRuns: 20_000 });
    expect(readDate('2024-02-29')).toEqual({ ok: true, value: '2024-02-29' });
    expect(readDate('2023-02-29')).toMatchObject({ ok: false });
    expect(readDate('0099-01-01')).toMatchObject({ ok: false });
  });

  it('reads plain digit amounts as the general amount reading does', () => {
    const amount = fc.array(digit, { minLength: 1, maxLength: 16 }).map((d) => d.join(''));
    fc.assert(fc.property(amount, (text) => {
      expect(readYuan(text)).toEqual(readYuan(` ${text}`));
    }), { numRuns: 20_000 });
  });
});
