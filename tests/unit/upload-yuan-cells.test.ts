import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readYuan } from '../../src/domain/upload-cells.ts';

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
