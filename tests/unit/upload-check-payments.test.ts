/** The payment (拨付) checks on rows already read: duplicates, scope, budget lines across rows, unit slips. */
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/access/access.ts';
import { checkUpload } from '../../src/domain/upload/upload-check.ts';
import type { ExistingProject, ParsedRow, UploadContext } from '../../src/domain/upload/upload-plan.ts';

const A1 = '430482100201';
const B1 = '430482101201';

function context(actor: Pick<Actor, 'role' | 'scopeCode'>, projects: ExistingProject[]): UploadContext {
  return {
    actor,
    today: '2025-06-30',
    outline: [],
    outlineSource: 'none',
    villages: new Map([
      [A1, { code: A1, name: '甲村', townshipCode: '430482100' }],
      [B1, { code: B1, name: '乙村', townshipCode: '430482101' }],
    ]),
    townships: new Map([
      ['430482100', '甲镇'],
      ['430482101', '乙镇'],
    ]),
    projectTypes: new Map(),
    projects: new Map(projects.map((p) => [p.code, p])),
    projectDetails: new Map(),
    disbursements: new Map(),
    directSubsidies: new Map(),
    trainings: new Map(),
    documents: new Map(),
  };
}

const project = (id: number, code: string, villageCode: string, budget: ExistingProject['budget'], paid: ExistingProject['paid'] = {}): ExistingProject => ({
  id, code, villageCode, workflowState: 'county_approved', budget, paid, milestones: { county_approved: '2025-04-01' }, acceptanceResult: null,
});

let nextRow = 2;
const pay = (projectCode: string, voucherNumber: string, amountFen: number, fundSource = 'central'): ParsedRow => ({
  row: nextRow++,
  values: { projectCode, date: '2025-06-20', amount: amountFen, fundSource, voucherNumber, payee: '某公司', payeeIsPerson: null },
});

describe('payment checks', () => {
  const county = { role: 'county' as const, scopeCode: '430482' };

  it('names the row that first took a voucher number, counting only rows that got that far', () => {
    nextRow = 2;
    const ctx = context(county, [project(7, 'P-1', A1, { central: 10_000_000 }), project(9, 'P-2', A1, { central: 10_000_000 })]);
    const rows = [
      pay('NO-SUCH', 'V-1', 100_000), // row 2: unknown project, takes no voucher
      pay('P-1', 'V-2', 100_000), // row 3
      pay('P-2', 'V-1', 100_000), // row 4: first to take V-1
      pay('P-1', 'V-2', 100_000), // row 5: again V-2
      pay('P-1', 'V-3', 100_000), // row 6
      pay('P-2', 'V-1', 100_000), // row 7: again V-1
      pay('P-2', 'V-2', 100_000), // row 8: V-2 a third time
    ];
    const result = checkUpload('disbursements', rows, ctx);
    const duplicates = result.errors.filter((e) => e.column === '凭证号').map((e) => [e.row, e.problem]);
    expect(duplicates).toEqual([
      [5, '凭证号重复：与第 3 行相同'],
      [7, '凭证号重复：与第 4 行相同'],
      [8, '凭证号重复：与第 3 行相同'],
    ]);
    expect(result.errors.find((e) => e.row === 2)?.problem).toBe('找不到这个项目');
    expect(result.plan.kind === 'disbursements' && result.plan.create.map((d) => d.voucherNumber)).toEqual(['V-2', 'V-1', 'V-3']);
  });

  it('adds up one project’s payments across rows and what was paid before, per fund source', () => {
    nextRow = 2;
    const ctx = context(county, [project(7, 'P-1', A1, { central: 1_000_000, county: 200_000 }, { central: 600_000 }), project(9, 'P-2', A1, { central: 1_000_000 })]);
    const rows = [
      pay('P-1', 'V-1', 300_000), // central 900,000 of 1,000,000
      pay('P-2', 'V-2', 900_000), // another project: its own budget
      pay('P-1', 'V-3', 150_000, 'county'), // county line 150,000 of 200,000; total 1,050,000 of 1,200,000
      pay('P-1', 'V-4', 200_000), // total would be 1,250,000 of 1,200,000: over by 50,000 fen
      pay('P-1', 'V-5', 100_000), // central exactly 1,000,000
    ];
    const result = checkUpload('disbursements', rows, ctx);
    expect(result.errors.map((e) => [e.row, e.column, e.problem])).toEqual([[5, '金额(元)', '累计拨付将超过预算 500.00 元']]);
  });

  it('refuses a project of another village for a village cadre, naming both villages', () => {
    nextRow = 2;
    const ctx = context({ role: 'village', scopeCode: A1 }, [project(7, 'P-1', A1, { central: 1_000_000 }), project(8, 'P-B', B1, { central: 1_000_000 })]);
    const result = checkUpload('disbursements', [pay('P-1', 'V-1', 100_000), pay('P-B', 'V-2', 100_000)], ctx);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ row: 3, column: '项目编号', code: 'OUT_OF_SCOPE', problem: `乙村（${B1}）不在您的管理范围内`, expected: `甲村（${A1}）范围内的代码` });
  });
});
