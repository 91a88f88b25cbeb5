import { describe, expect, it } from 'vitest';
import {
  computeIndicators,
  formatPercent,
  INDICATOR_DEFINITIONS,
  indicatorValue,
  rate,
  recordsBehind,
  type YearIndicators,
} from '../../src/domain/ledger/indicators.ts';
import type {
  DirectSubsidyRecord,
  IndicatorGroup,
  Ledger,
  MilestoneKind,
  ProjectRecord,
  TrainingRecord,
} from '../../src/domain/ledger/ledger.ts';

const AS_OF = '2023-08-31';

function project(overrides: Partial<ProjectRecord> & { code: string }): ProjectRecord {
  return {
    year: 2022,
    villageCode: '430482101201',
    townshipCode: '430482101',
    groupName: null,
    typeCode: 'beautiful_home',
    typeName: '美丽家园建设',
    indicatorGroup: 'beautiful_home',
    name: '通组道路硬化',
    contentScale: '硬化道路1.2公里、宽3.5米',
    implementingUnit: '某村村民委员会',
    lon: null,
    lat: null,
    locationPrecision: 'village_centre',
    acceptanceResult: null,
    beneficiaries: 100,
    beneficiaryHouseholds: 30,
    budget: [{ fundSource: 'central', amountFen: 10_000_000 }],
    milestones: [],
    disbursements: [],
    ...overrides,
  };
}

const steps = (...pairs: [MilestoneKind, string][]) => pairs.map(([kind, date]) => ({ kind, date, actorUnit: null }));
const paid = (date: string, amountFen: number, voucherNumber = `V-${date}-${amountFen}`) => ({
  date,
  amountFen,
  fundSource: 'central' as const,
  voucherNumber,
  payee: '常宁市某建筑工程有限公司',
});

function subsidy(overrides: Partial<DirectSubsidyRecord> = {}): DirectSubsidyRecord {
  return {
    villageCode: '430482101201',
    townshipCode: '430482101',
    year: 2022,
    beneficiaries: 100,
    standardFenPerPerson: 60_000,
    amountFen: 6_000_000,
    dueDate: '2022-06-30',
    paymentDate: '2022-06-15',
    channel: '一卡通',
    ...overrides,
  };
}

function training(overrides: Partial<TrainingRecord> = {}): TrainingRecord {
  return {
    year: 2022,
    course: '电工',
    organizer: '常宁市库区移民事务中心',
    startDate: '2022-07-01',
    endDate: '2022-07-10',
    townshipCode: null,
    trainees: 50,
    passed: 50,
    ...overrides,
  };
}

const ledger = (parts: Partial<Ledger>): Ledger => ({ projects: [], directSubsidies: [], trainings: [], ...parts });
const compute = (l: Ledger) => computeIndicators(l, { year: 2022, asOf: AS_OF });

type RateKey =
  | 'implementationRate'
  | 'acceptancePassRate'
  | 'disbursementRate'
  | 'budgetControlRate'
  | 'onTimeSubsidyRate'
  | 'subsidyStandardRate'
  | 'trainingPassRate';

describe('computeIndicators', () => {
  describe.each<{ name: string; ledger: Ledger; expected: Partial<Record<RateKey, [number, number]>>; shown?: Partial<Record<RateKey, string>> }>([
    {
      name: 'an empty ledger has no data for any rate',
      ledger: ledger({}),
      expected: {
        implementationRate: [0, 0],
        acceptancePassRate: [0, 0],
        disbursementRate: [0, 0],
        budgetControlRate: [0, 0],
        onTimeSubsidyRate: [0, 0],
        subsidyStandardRate: [0, 0],
        trainingPassRate: [0, 0],
      },
      shown: { implementationRate: '无数据', onTimeSubsidyRate: '无数据', trainingPassRate: '无数据' },
    },
    {
      name: 'subsidies paid after their due date are all late',
      ledger: ledger({
        directSubsidies: [
          subsidy({ villageCode: 'a', paymentDate: '2022-07-01' }),
          subsidy({ villageCode: 'b', paymentDate: '2022-12-20' }),
          subsidy({ villageCode: 'c', paymentDate: null }),
        ],
      }),
      expected: { onTimeSubsidyRate: [0, 3], subsidyStandardRate: [3, 3] },
      shown: { onTimeSubsidyRate: '0%' },
    },
    {
      name: 'a subsidy paid on its due day is on time, one paid after the as-of day is not yet',
      ledger: ledger({
        directSubsidies: [
          subsidy({ villageCode: 'a', paymentDate: '2022-06-30' }),
          subsidy({ villageCode: 'b', dueDate: '2023-12-31', paymentDate: '2023-09-15' }),
        ],
      }),
      expected: { onTimeSubsidyRate: [1, 2] },
      shown: { onTimeSubsidyRate: '50%' },
    },
    {
      name: 'a subsidy off the standard or with a wrong amount fails the standard check',
      ledger: ledger({
        directSubsidies: [
          subsidy({ villageCode: 'a' }),
          subsidy({ villageCode: 'b', standardFenPerPerson: 50_000, amountFen: 5_000_000 }),
          subsidy({ villageCode: 'c', amountFen: 5_940_000 }),
        ],
      }),
      expected: { subsidyStandardRate: [1, 3] },
      shown: { subsidyStandardRate: '33.3%' },
    },
    {
      name: 'an over-paid project fails budget control',
      ledger: ledger({
        projects: [
          project({ code: 'A', disbursements: [paid('2022-06-01', 6_000_000), paid('2022-12-01', 4_500_000)] }),
          project({ code: 'B', disbursements: [paid('2022-06-01', 10_000_000)] }),
        ],
      }),
      expected: { budgetControlRate: [1, 2], disbursementRate: [20_500_000, 20_000_000] },
      shown: { budgetControlRate: '50%', disbursementRate: '102.5%' },
    },
    {
      name: 'over-payment after the as-of day does not count yet',
      ledger: ledger({
        projects: [project({ code: 'A', disbursements: [paid('2022-06-01', 6_000_000), paid('2023-09-01', 9_000_000)] })],
      }),
      expected: { budgetControlRate: [1, 1], disbursementRate: [6_000_000, 10_000_000] },
      shown: { disbursementRate: '60%' },
    },
    {
      name: 'milestones after the as-of day are ignored',
      ledger: ledger({
        projects: [
          project({ code: 'A', milestones: steps(['started', '2023-08-31']) }),
          project({
            code: 'B',
            acceptanceResult: 'fail',
            milestones: steps(['started', '2023-09-01'], ['completed', '2023-10-01'], ['accepted', '2023-11-01']),
          }),
          project({
            code: 'C',
            acceptanceResult: 'pass',
            milestones: steps(['started', '2022-05-01'], ['completed', '2022-10-01'], ['accepted', '2022-12-01']),
          }),
        ],
      }),
      expected: { implementationRate: [2, 3], acceptancePassRate: [1, 1] },
      shown: { implementationRate: '66.7%', acceptancePassRate: '100%' },
    },
    {
      name: 'an accepted project without a recorded result is left out of the pass rate',
      ledger: ledger({
        projects: [
          project({ code: 'A', acceptanceResult: null, milestones: steps(['accepted', '2023-01-01']) }),
          project({ code: 'B', acceptanceResult: 'fail', milestones: steps(['accepted', '2023-01-01']) }),
        ],
      }),
      expected: { acceptancePassRate: [0, 1] },
      shown: { acceptancePassRate: '0%' },
    },
    {
      name: 'a project with a zero budget and no payment adds nothing to the disbursement rate',
      ledger: ledger({ projects: [project({ code: 'A', budget: [] })] }),
      expected: { disbursementRate: [0, 0], budgetControlRate: [1, 1] },
      shown: { disbursementRate: '无数据', budgetControlRate: '100%' },
    },
    {
      name: 'training pass rate is weighted by trainees, and a course with no trainees is no data',
      ledger: ledger({ trainings: [training({ trainees: 40, passed: 38 }), training({ trainees: 10, passed: 10 })] }),
      expected: { trainingPassRate: [48, 50] },
      shown: { trainingPassRate: '96%' },
    },
    {
      name: 'records of other years are ignored',
      ledger: ledger({
        projects: [project({ code: 'A', year: 2021, milestones: steps(['started', '2021-05-01']) })],
        directSubsidies: [subsidy({ year: 2021 })],
        trainings: [training({ year: 2023 })],
      }),
      expected: { implementationRate: [0, 0], onTimeSubsidyRate: [0, 0], trainingPassRate: [0, 0] },
    },
  ])('$name', ({ ledger: l, expected, shown }) => {
    const result: YearIndicators = compute(l);
    it.each(Object.entries(expected))('computes %s', (key, [n, d]) => {
      expect(result[key as RateKey]).toEqual(rate(n, d));
    });
    if (shown) {
      it.each(Object.entries(shown))('shows %s as %s', (key, text) => {
        expect(formatPercent(result[key as RateKey])).toBe(text);
      });
    }
  });

  it('counts projects per indicator group and in total', () => {
    const groups: IndicatorGroup[] = ['beautiful_home', 'beautiful_home', 'production_infrastructure', 'hazard_relief', 'other'];
    const result = compute(ledger({ projects: groups.map((g, i) => project({ code: `P${i}`, indicatorGroup: g })) }));
    expect(result.projectCountsByGroup).toEqual({
      beautiful_home: 2,
      production_infrastructure: 1,
      training: 0,
      hazard_relief: 1,
      other: 1,
      total: 5,
    });
    expect(indicatorValue(result, 'beautifulHomeProjects')).toBe(2);
    expect(indicatorValue(result, 'productionInfrastructureProjects')).toBe(1);
  });

  it('adds beneficiaries, trainees and money exactly in fen, per fund source', () => {
    const result = compute(
      ledger({
        projects: [
          project({
            code: 'A',
            budget: [
              { fundSource: 'central', amountFen: 12_345_601 },
              { fundSource: 'county', amountFen: 99 },
            ],
            disbursements: [paid('2022-06-01', 1), { ...paid('2022-07-01', 98), fundSource: 'county' }, paid('2024-01-01', 5)],
          }),
        ],
        directSubsidies: [subsidy({ villageCode: 'a', beneficiaries: 7, amountFen: 420_000 }), subsidy({ villageCode: 'b' })],
        trainings: [training({ trainees: 45 }), training({ trainees: 5, passed: 5 })],
      }),
    );
    expect(result.budgetByFundSource).toEqual({ central: 12_345_601, provincial: 0, county: 99, other: 0 });
    expect(result.budgetTotalFen).toBe(12_345_700);
    expect(result.disbursedByFundSource).toEqual({ central: 1, provincial: 0, county: 98, other: 0 });
    expect(result.disbursedTotalFen).toBe(99);
    expect(result.directSubsidyBeneficiaries).toBe(107);
    expect(result.directSubsidyAmountFen).toBe(6_420_000);
    expect(result.directSubsidyVillages).toBe(2);
    expect(result.traineeCount).toBe(50);
    expect(result.subsidyStandardFen).toBe(60_000);
  });

  it('checks the subsidy standard against the one passed in', () => {
    const l = ledger({ directSubsidies: [subsidy({ standardFenPerPerson: 80_000, amountFen: 8_000_000 })] });
    expect(computeIndicators(l, { year: 2022, asOf: AS_OF, subsidyStandardFen: 80_000 }).subsidyStandardRate).toEqual(rate(1, 1));
    expect(compute(l).subsidyStandardRate).toEqual(rate(0, 1));
  });
});

describe('formatPercent', () => {
  describe.each<[number, number, string]>([
    [247, 260, '95%'],
    [3, 5, '60%'],
    [1, 3, '33.3%'],
    [2, 3, '66.7%'],
    [1, 8, '12.5%'],
    [1, 16, '6.3%'],
    [9999, 10000, '99.9%'],
    [1, 100000, '0.1%'],
    [10001, 10000, '100.1%'],
    [0, 7, '0%'],
    [0, 0, '无数据'],
  ])('%i out of %i', (n, d, text) => {
    it(`reads ${text}`, () => expect(formatPercent(rate(n, d))).toBe(text));
  });
});

describe('INDICATOR_DEFINITIONS', () => {
  it('names every indicator as the self-evaluation table does, with a definition for villagers', () => {
    expect(INDICATOR_DEFINITIONS.map((d) => d.name)).toEqual([
      '直补资金受益移民',
      '移民美丽家园建设项目',
      '生产开发及配套设施项目',
      '培训移民劳动力',
      '项目验收合格率',
      '培训合格率',
      '直补资金按时发放率',
      '项目实施率',
      '资金拨付率',
      '直补资金标准符合率',
      '项目支出控制在批复预算范围内的比例',
    ]);
    for (const d of INDICATOR_DEFINITIONS) expect(d.definition.length).toBeGreaterThan(10);
  });

  it('has a value in the computed indicators for every key', () => {
    const result = compute(ledger({}));
    for (const d of INDICATOR_DEFINITIONS) expect(indicatorValue(result, d.key)).toBeDefined();
  });

  const l = ledger({
    projects: [
      project({ code: 'STARTED', milestones: steps(['started', '2023-01-01']), disbursements: [paid('2023-02-01', 10_000_000)] }),
      project({ code: 'LATE', milestones: steps(['county_approved', '2022-05-01'], ['started', '2023-09-10']) }),
      project({ code: 'OVER', milestones: steps(['started', '2022-06-01']), disbursements: [paid('2022-07-01', 10_000_001)] }),
      project({ code: 'OLD', year: 2021 }),
    ],
    directSubsidies: [subsidy({ villageCode: 'on-time' }), subsidy({ villageCode: 'late', paymentDate: '2022-08-01' })],
    trainings: [training({ course: '全部合格' }), training({ course: '有人未合格', passed: 49 })],
  });
  const opts = { year: 2022, asOf: AS_OF };

  describe.each<[string, string, string[]]>([
    ['implementationRate', 'project', ['LATE']],
    ['budgetControlRate', 'project', ['OVER']],
    ['disbursementRate', 'project', ['LATE']],
    ['beautifulHomeProjects', 'project', ['STARTED', 'LATE', 'OVER']],
    ['acceptancePassRate', 'project', []],
    ['onTimeSubsidyRate', 'direct_subsidy', ['late']],
    ['subsidyStandardRate', 'direct_subsidy', []],
    ['directSubsidyBeneficiaries', 'direct_subsidy', ['on-time', 'late']],
    ['trainingPassRate', 'training', ['有人未合格']],
  ])('the records behind %s', (key, subject, expected) => {
    it(`are the ${subject} records ${expected.join(', ') || '(none)'}`, () => {
      const behind = recordsBehind(key as never, l, opts);
      expect(behind.subject).toBe(subject);
      const ids = behind.records.map((r) => ('code' in r ? r.code : 'course' in r ? r.course : r.villageCode));
      expect(ids).toEqual(expected);
    });
  });
});
