/**
 * Every rule the database enforces is checked before it, with the row and the column: a CHECK
 * constraint that an upload could break must have its case here, or the first test fails. (A
 * payment of 0 元 used to pass the checks and reach the database's CHECK, which answered 500.)
 * The cases send each violation through the API as staff would and expect a 400 that names the
 * row and column, with nothing written.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approve, ledgerCounts, mintAll, postJson, projectRow, seedCounty, VILLAGE_A1, type Tokens } from '../api/fixtures.ts';
import { createNodeTarget, type ApiTarget } from '../support/api-target.ts';
import { InjectedClock } from '../support/test-clock.ts';

interface Violation {
  kind: string;
  row: Record<string, unknown>;
  /** The column the refusal must name (its header in the template). */
  column: string;
}

/** Each CHECK constraint of db/schema.ts and how an upload would break it, or why none can. */
const CONSTRAINTS: Record<string, Violation[] | { notUploaded: string }> = {
  divisions_level_code_len: { notUploaded: 'divisions are loaded by the county set-up, not by uploads' },
  project_documents_size_positive: { notUploaded: 'a document is one file checked by its own route: an empty file is refused with 400 EMPTY_FILE first (tests/api/project-documents.case.ts)' },
  satisfaction_paper_counts: { notUploaded: 'paper results are checked by checkPaperResults first: 400 naming the row and column when 满意 exceeds the forms or a count is not a whole number (tests/api/satisfaction.case.ts)' },
  village_registry_counts: [
    { kind: 'villages', row: { villageCode: VILLAGE_A1, year: 2025, migrantPopulation: 10, migrantHouseholds: 11 }, column: '移民户数' },
    { kind: 'villages', row: { villageCode: VILLAGE_A1, year: 2025, migrantPopulation: -1, migrantHouseholds: 0 }, column: '移民人数' },
  ],
  allocations_target_ref: { notUploaded: 'the check derives target and reference together (a project code or a village code, refused when missing)' },
  disbursements_amount_pos: [
    { kind: 'disbursements', row: { projectCode: 'DC-1', date: '2025-05-01', amount: 0, voucherNumber: 'DC-V0', payee: '某公司' }, column: '金额(元)' },
    { kind: 'disbursements', row: { projectCode: 'DC-1', date: '2025-05-01', amount: '0.00', voucherNumber: 'DC-V1', payee: '某公司' }, column: '金额(元)' },
  ],
  project_budgets_amount_nonneg: [{ kind: 'projects', row: projectRow('DC-2', VILLAGE_A1, { budgetCentral: -1 }), column: '中央资金(元)' }],
  direct_subsidies_amount_nonneg: [
    { kind: 'direct-subsidies', row: { villageCode: VILLAGE_A1, year: 2025, beneficiaries: 10, amount: -600, dueDate: '2025-06-30' }, column: '金额(元)' },
    { kind: 'direct-subsidies', row: { villageCode: VILLAGE_A1, year: 2025, beneficiaries: -1, amount: 600, dueDate: '2025-06-30' }, column: '享受人数' },
  ],
  trainings_passed_le_trainees: [
    { kind: 'trainings', row: { year: 2025, course: '电工', organizer: '某学校', startDate: '2025-05-06', endDate: '2025-05-20', trainees: 10, passed: 11 }, column: '合格人数' },
    { kind: 'trainings', row: { year: 2025, course: '电工', organizer: '某学校', startDate: '2025-05-06', endDate: '2025-05-20', trainees: 10, passed: -1 }, column: '合格人数' },
  ],
  trainings_township_in_county: { notUploaded: 'a training row names a township in the uploader’s scope (refused 403 OUT_OF_SCOPE otherwise), and the county written is the uploader’s own' },
  allocation_documents_amount_nonneg: [
    { kind: 'allocations', row: { docNumber: '湘财农指〔2025〕9号', issuer: '湖南省财政厅', title: '下达资金', year: 2025, batch: 1, dateReceived: '2025-02-01', docAmount: -1, fundSource: '中央', target: '项目', projectCode: 'DC-1', amount: 0 }, column: '指标文金额(元)' },
  ],
  allocations_amount_nonneg: [
    { kind: 'allocations', row: { docNumber: '湘财农指〔2025〕8号', issuer: '湖南省财政厅', title: '下达资金', year: 2025, batch: 1, dateReceived: '2025-02-01', docAmount: 100, fundSource: '中央', target: '项目', projectCode: 'DC-1', amount: -1 }, column: '分配金额(元)' },
  ],
};

describe('every CHECK constraint of the database is refused by the upload checks first', () => {
  let target: ApiTarget;
  let tokens: Tokens;
  beforeAll(async () => {
    target = await createNodeTarget({ clock: InjectedClock.at('2025-12-01T02:00:00.000Z') });
    await seedCounty(target.db);
    tokens = await mintAll(target.db);
    const res = await postJson(target, '/api/v1/uploads/projects', tokens.county, { rows: [projectRow('DC-1', VILLAGE_A1, { appliedDate: '2025-01-10', villageReviewedDate: '2025-01-12' })] });
    expect(res.status).toBe(200);
    await approve(target, { county: tokens.county, township: tokens.townshipA }, ['DC-1']);
  });
  afterAll(() => target.dispose());

  it('has a case (or a reason) for every CHECK constraint in the schema', async () => {
    const tables = await target.db.all<{ sql: string }>(sql`select sql from sqlite_master where type = 'table' and sql like '%CHECK%'`);
    const names = tables.flatMap((t) => [...t.sql.matchAll(/CONSTRAINT\s+"?(\w+)"?\s+CHECK/gi)].map((m) => m[1]!)).sort();
    expect(names.length).toBeGreaterThan(5);
    expect(names).toEqual(Object.keys(CONSTRAINTS).sort());
  });

  const cases = Object.entries(CONSTRAINTS).flatMap(([name, v]) => (Array.isArray(v) ? v.map((x, i) => [`${name} #${i + 1}`, x] as const) : []));
  it.each(cases)('refuses %s with 400, the row and the column, and writes nothing', async (_name, violation) => {
    const before = await ledgerCounts(target.db);
    const res = await postJson(target, `/api/v1/uploads/${violation.kind}`, tokens.county, { rows: [violation.row] });
    const body = (await res.json()) as { code: string; details?: Array<{ row?: number; column?: string; problem: string }> };
    expect(res.status, JSON.stringify(body)).toBe(400);
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.details).toEqual(expect.arrayContaining([expect.objectContaining({ row: 1, column: violation.column, problem: expect.stringMatching(/[\u4e00-\u9fff]/) })]));
    expect(await ledgerCounts(target.db)).toEqual(before);
  });
});
