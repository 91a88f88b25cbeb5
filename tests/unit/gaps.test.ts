/** The ledger rules of the gaps screen (src/domain/ledger/gaps.ts), each at the edge of its threshold. */
import { describe, expect, it } from 'vitest';
import { idleVillageGaps, projectGaps, registryMismatchGaps, type GapOptions } from '../../src/domain/ledger/gaps.ts';
import type { MilestoneKind, ProjectRecord } from '../../src/domain/ledger/ledger.ts';

const options: GapOptions = { asOf: '2024-06-30', year: 2024, startDays: 90, paymentDays: 30, answerDays: 15, retainPercent: 15 };
const steps = (...pairs: [MilestoneKind, string][]) => pairs.map(([kind, date]) => ({ kind, date, actorUnit: null }));

function project(code: string, overrides: Partial<ProjectRecord> = {}): ProjectRecord {
  return {
    code, year: 2024, villageCode: '430482105003', townshipCode: '430482105', groupName: null, typeCode: 't', typeName: '道路', indicatorGroup: 'beautiful_home',
    name: `项目${code}`, contentScale: '', implementingUnit: '', lon: 112.4, lat: 26.4, locationPrecision: 'exact', acceptanceResult: null,
    beneficiaries: 0, beneficiaryHouseholds: 0, budget: [{ fundSource: 'central', amountFen: 100_000 }], milestones: [], disbursements: [], ...overrides,
  };
}
const kinds = (p: ProjectRecord) => projectGaps([p], options).map((f) => f.kind);

describe('projectGaps', () => {
  it('finds a project placed only at the village centre', () => {
    expect(kinds(project('A', { locationPrecision: 'village_centre' }))).toEqual(['noExactLocation']);
    expect(kinds(project('B'))).toEqual([]);
  });
  it('counts a project not started 91 days after approval, not after 90', () => {
    expect(kinds(project('A', { milestones: steps(['county_approved', '2024-03-31']) }))).toEqual(['approvedNotStarted']);
    expect(kinds(project('B', { milestones: steps(['county_approved', '2024-04-01']) }))).toEqual([]);
  });
  it('finds a completed project not accepted', () => {
    expect(kinds(project('A', { milestones: steps(['county_approved', '2024-01-01'], ['started', '2024-02-01'], ['completed', '2024-05-01']), disbursements: [{ date: '2024-02-10', amountFen: 30_000, fundSource: 'central', voucherNumber: 'v', payee: '某某公司' }] }))).toEqual(['completedNotAccepted']);
  });
  it('lets the retention stay unpaid after acceptance, but not more', () => {
    const accepted = steps(['county_approved', '2024-01-01'], ['started', '2024-02-01'], ['completed', '2024-04-01'], ['accepted', '2024-05-01']);
    const paid = (fen: number) => [{ date: '2024-05-10', amountFen: fen, fundSource: 'central' as const, voucherNumber: 'v', payee: '某某公司' }];
    expect(kinds(project('A', { milestones: accepted, disbursements: paid(85_000) }))).toEqual([]);
    expect(kinds(project('B', { milestones: accepted, disbursements: paid(84_999) }))).toEqual(['paymentLagging']);
  });
  it('finds a project started long ago with nothing paid', () => {
    expect(kinds(project('A', { milestones: steps(['county_approved', '2024-01-01'], ['started', '2024-02-01']) }))).toEqual(['paymentLagging']);
  });
});

describe('village rules', () => {
  it('finds resettlement villages with no project in the last three years', () => {
    const villages = [{ code: '430482105003', name: '甲村' }, { code: '430482105004', name: '乙村' }];
    const found = idleVillageGaps(villages, [project('A', { year: 2022 })], options);
    expect(found.map((f) => f.ref)).toEqual(['430482105004']);
  });
  it('compares the registry with the people paid the direct subsidy', () => {
    const registry = [{ villageCode: '1', villageName: '甲村', migrantPopulation: 40 }, { villageCode: '2', villageName: '乙村', migrantPopulation: 30 }];
    const subsidy = (villageCode: string, beneficiaries: number) => ({ villageCode, townshipCode: '', year: 2024, beneficiaries, standardFenPerPerson: 60_000, amountFen: beneficiaries * 60_000, dueDate: '2024-06-30', paymentDate: null, channel: '一卡通' });
    const found = registryMismatchGaps(registry, [subsidy('1', 40), subsidy('2', 28)], options);
    expect(found.map((f) => [f.ref, f.detail])).toEqual([['2', '名册 30 人，直补发放 28 人，相差 -2 人']]);
  });
});
