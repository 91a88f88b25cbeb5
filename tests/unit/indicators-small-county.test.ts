/**
 * The indicators on a ledger made by hand, independently of the sample generator (whose figures are
 * steered to the 2022 report, so tests/unit/sample-county.test.ts only shows that the generator hit
 * its targets). A county of three villages enters its 2025 year through the upload API as staff
 * would, the ledger is read back from the database, and every expected figure below is worked out
 * in the comments from the rows, not taken from the code.
 *
 * Villages: A1 禄福村委会 and A2 杨家湾居委会 (township A), B1 新塘村委会 (township B).
 * Evaluation: year 2025, as of 2025-09-30.
 *
 * | project | village | group        | budget (元)                     | progress by 09-30            | paid by 09-30 (元)                 |
 * |---------|---------|--------------|---------------------------------|------------------------------|------------------------------------|
 * | S-1     | A1      | 美丽家园建设 | 200,000 central                 | started, completed, accepted 合格 | 120,000 + 80,000 central      |
 * | S-2     | A2      | 生产开发     | 100,000 central + 50,000 省级   | started                      | 60,000 central (40,000 on 10-10 is after) |
 * | S-3     | B1      | 生产开发     | 80,000 central                  | not started                  | 0                                  |
 * | S-4     | B1      | 美丽家园建设 | 50,000 县级                     | started, completed, accepted 不合格 | 50,000 县级                  |
 *
 * Direct subsidy (due 2025-06-30): A1 100 人 × 600 元 paid 06-28; A2 50 人 × 600 元 paid 07-05
 * (late); B1 20 人 × 500 元 paid 06-30 (on its due day, below the 600 元 standard).
 * Trainings: 电工 40 trained, 38 passed; 家政 10 trained, 10 passed.
 */
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { loadLedger } from '../../src/data/ledger.ts';
import { computeIndicators, type YearIndicators } from '../../src/domain/ledger/indicators.ts';
import { approve, mintAll, postJson, projectRow, seedCounty, VILLAGE_A1, VILLAGE_A2, VILLAGE_B1, type Tokens } from '../api/fixtures.ts';
import { createNodeTarget, type ApiTarget } from '../support/api-target.ts';
import { InjectedClock } from '../support/test-clock.ts';

describe('indicators of a hand-made county of three villages (2025, as of 2025-09-30)', () => {
  let target: ApiTarget;
  let tokens: Tokens;
  let year: YearIndicators;
  const clock = InjectedClock.at('2025-03-20T02:00:00.000Z');

  const upload = async (kind: string, rows: unknown[]) => {
    const res = await postJson(target, `/api/v1/uploads/${kind}`, tokens.county, { rows });
    expect(res.status, `${kind}: ${await res.clone().text()}`).toBe(200);
  };

  beforeAll(async () => {
    target = await createNodeTarget({ clock });
    await seedCounty(target.db);
    tokens = await mintAll(target.db);
    // 2025-03-20: the plan is entered and approved.
    await upload('projects', [
      projectRow('S-1', VILLAGE_A1, { type: '美丽家园建设', budgetCentral: 200000 }),
      projectRow('S-2', VILLAGE_A2, { type: '生产开发', budgetCentral: 100000, budgetProvincial: 50000 }),
      projectRow('S-3', VILLAGE_B1, { type: '生产开发', budgetCentral: 80000 }),
      projectRow('S-4', VILLAGE_B1, { type: '美丽家园建设', budgetCentral: null, budgetCounty: 50000 }),
    ]);
    await approve(target, { county: tokens.county, township: tokens.townshipA }, ['S-1', 'S-2']);
    await approve(target, { county: tokens.county, township: tokens.townshipB }, ['S-3', 'S-4']);
    // 2025-12-01: the year's progress and money are entered.
    clock.set('2025-12-01T02:00:00.000Z');
    await upload('milestones', [
      { projectCode: 'S-1', kind: '开工', date: '2025-04-01' },
      { projectCode: 'S-1', kind: '完工', date: '2025-06-30' },
      { projectCode: 'S-1', kind: '验收', date: '2025-07-15', acceptanceResult: '合格' },
      { projectCode: 'S-2', kind: '开工', date: '2025-05-01' },
      { projectCode: 'S-4', kind: '开工', date: '2025-06-01' },
      { projectCode: 'S-4', kind: '完工', date: '2025-08-01' },
      { projectCode: 'S-4', kind: '验收', date: '2025-08-20', acceptanceResult: '不合格' },
    ]);
    await upload('disbursements', [
      { projectCode: 'S-1', date: '2025-05-10', amount: 120000, voucherNumber: 'SV-1', payee: '某建筑公司' },
      { projectCode: 'S-1', date: '2025-07-20', amount: 80000, voucherNumber: 'SV-2', payee: '某建筑公司' },
      { projectCode: 'S-2', date: '2025-06-01', amount: 60000, voucherNumber: 'SV-3', payee: '某农业合作社' },
      { projectCode: 'S-2', date: '2025-10-10', amount: 40000, voucherNumber: 'SV-4', payee: '某农业合作社' },
      { projectCode: 'S-4', date: '2025-08-25', amount: 50000, fundSource: '县级', voucherNumber: 'SV-5', payee: '某建筑公司' },
    ]);
    await upload('direct-subsidies', [
      { villageCode: VILLAGE_A1, year: 2025, beneficiaries: 100, standard: 600, amount: 60000, dueDate: '2025-06-30', paymentDate: '2025-06-28' },
      { villageCode: VILLAGE_A2, year: 2025, beneficiaries: 50, standard: 600, amount: 30000, dueDate: '2025-06-30', paymentDate: '2025-07-05' },
      { villageCode: VILLAGE_B1, year: 2025, beneficiaries: 20, standard: 500, amount: 10000, dueDate: '2025-06-30', paymentDate: '2025-06-30' },
    ]);
    await upload('trainings', [
      { year: 2025, course: '电工技能培训', organizer: '常宁市职业技术学校', startDate: '2025-05-06', endDate: '2025-05-20', trainees: 40, passed: 38 },
      { year: 2025, course: '家政服务培训', organizer: '常宁市职业技术学校', startDate: '2025-06-02', endDate: '2025-06-10', trainees: 10, passed: 10 },
    ]);
    year = computeIndicators(await loadLedger(target.db, { year: 2025 }), { year: 2025, asOf: '2025-09-30' });
  });
  afterAll(() => target.dispose());

  it('counts 2 美丽家园 (S-1, S-4) and 2 生产开发 projects (S-2, S-3), 4 in all', () => {
    expect(year.projectCountsByGroup).toMatchObject({ beautiful_home: 2, production_infrastructure: 2, total: 4 });
  });

  it('项目实施率 3 of 4: S-3 has not started', () => {
    expect(year.implementationRate).toMatchObject({ numerator: 3, denominator: 4, ratio: 0.75 });
  });

  it('验收合格率 1 of 2: S-1 passed, S-4 failed, the others are not accepted yet', () => {
    expect(year.acceptancePassRate).toMatchObject({ numerator: 1, denominator: 2, ratio: 0.5 });
  });

  it('资金拨付率 310,000 of 480,000 元: the payment of 10-10 is after the day', () => {
    // Paid: 120,000 + 80,000 + 60,000 + 50,000 = 310,000 元; budget: 200,000 + 150,000 + 80,000 + 50,000 = 480,000 元.
    expect(year.disbursementRate).toMatchObject({ numerator: 31_000_000, denominator: 48_000_000 });
    expect(year.disbursementRate.ratio).toBeCloseTo(310 / 480, 10);
    expect(year.budgetTotalFen).toBe(48_000_000);
    expect(year.disbursedTotalFen).toBe(31_000_000);
  });

  it('splits budget and payments by source: central 380,000 / 260,000, 省级 50,000 / 0, 县级 50,000 / 50,000 元', () => {
    expect(year.budgetByFundSource).toEqual({ central: 38_000_000, provincial: 5_000_000, county: 5_000_000, other: 0 });
    expect(year.disbursedByFundSource).toEqual({ central: 26_000_000, provincial: 0, county: 5_000_000, other: 0 });
  });

  it('支出控制在预算内 4 of 4: no project was paid beyond its budget', () => {
    expect(year.budgetControlRate).toMatchObject({ numerator: 4, denominator: 4, ratio: 1 });
  });

  it('直补: 170 people, 100,000 元, all paid by the day; on time 2 of 3 (A2 late); at the standard 2 of 3 (B1 at 500 元)', () => {
    expect(year.directSubsidyBeneficiaries).toBe(170);
    expect(year.directSubsidyVillages).toBe(3);
    expect(year.directSubsidyAmountFen).toBe(10_000_000);
    expect(year.directSubsidyPaidFen).toBe(10_000_000);
    expect(year.onTimeSubsidyRate).toMatchObject({ numerator: 2, denominator: 3 });
    expect(year.subsidyStandardRate).toMatchObject({ numerator: 2, denominator: 3 });
  });

  it('培训: 2 courses, 50 人次, 48 of 50 passed', () => {
    expect(year.trainingCourses).toBe(2);
    expect(year.traineeCount).toBe(50);
    expect(year.trainingPassRate).toMatchObject({ numerator: 48, denominator: 50, ratio: 0.96 });
  });
});
