import { describe, expect, it } from 'vitest';
import { ROW_SCHEMAS } from '../../src/domain/upload-columns.ts';

describe('Excel date cells', () => {
  it('reads a date-formatted cell (a Date object from the XLSX reader) as that calendar day', () => {
    const schema = ROW_SCHEMAS.disbursements;
    const row = Object.fromEntries(Object.keys(schema.shape).map((k) => [k, null])) as Record<string, unknown>;
    row.date = new Date(Date.UTC(2023, 4, 1));
    const result = schema.safeParse(row);
    // Other required cells are blank here; the date cell itself must not be among the problems.
    const dateIssues = result.success ? [] : result.error.issues.filter((i) => i.path[0] === 'date');
    expect(dateIssues).toEqual([]);
    if (result.success) expect(result.data.date).toBe('2023-05-01');
  });

  it('still refuses an invalid date object with the Chinese message, not a type error', () => {
    const schema = ROW_SCHEMAS.disbursements;
    const result = schema.safeParse({ date: new Date('nonsense') });
    expect(result.success).toBe(false);
    const dateIssue = result.success ? undefined : result.error.issues.find((i) => i.path[0] === 'date');
    expect(dateIssue?.message).toBe('不是有效日期');
  });
});
