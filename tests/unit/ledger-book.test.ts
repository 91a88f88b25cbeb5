/** The 台账 workbook's rules that the contract case does not reach one by one: first come first used, and the subsidy states. */
import { describe, expect, it } from 'vitest';
import { applyPayments, beijingTime, subsidyStatus, type BookProject, type FundingDocument } from '../../src/domain/ledger/ledger-book.ts';

const doc = (id: number, dateReceived: string, batch = 1): FundingDocument => ({
  id,
  docNumber: `D${id}`,
  issuer: '湖南省财政厅',
  title: '下达资金',
  year: 2025,
  batch,
  dateReceived,
  amountFen: 1_000_000,
  fundSource: 'central',
});

const project = (code: string, disbursements: BookProject['disbursements']): BookProject => ({
  code,
  year: 2025,
  villageCode: '430482105003',
  townshipCode: '430482105',
  groupName: null,
  typeCode: 't',
  typeName: '美丽家园建设',
  indicatorGroup: 'beautiful_home',
  name: '道路',
  contentScale: '',
  implementingUnit: '',
  lon: null,
  lat: null,
  locationPrecision: 'village_centre',
  acceptanceResult: null,
  beneficiaries: 0,
  beneficiaryHouseholds: 0,
  budget: [],
  milestones: [],
  disbursements,
  workflowState: 'county_approved',
});

const pay = (date: string, amountFen: number, fundSource: 'central' | 'county' = 'central') => ({ date, amountFen, fundSource, voucherNumber: date, payee: '某公司' });

describe('applyPayments', () => {
  it('sets a project’s payments against its documents in the order they were received, by source and by the day', () => {
    // Listed out of order: D2 arrived first, D3 is batch 2 of the same day as D1, D4 after the day.
    const documents = [doc(1, '2025-03-01'), doc(2, '2024-12-20'), doc(3, '2025-03-01', 2), doc(4, '2025-08-01')];
    const allocations = [1, 2, 3, 4].map((documentId) => ({ documentId, target: 'project' as const, projectCode: 'P', villageCode: '430482105003', year: 2025, amountFen: 400_000 }));
    const projects = [project('P', [pay('2025-04-01', 700_000), pay('2025-05-01', 300_000), pay('2025-06-01', 50_000, 'county'), pay('2025-09-01', 99_000)])];
    const { paid, uncovered } = applyPayments({ documents, allocations, projects, otherProjectPayments: new Map(), subsidyPayments: [] }, '2025-06-30');
    // 1,000,000 central by the day: D2 400,000, then D1 400,000, then D3 200,000; D4 had not arrived.
    expect(paid).toEqual([400_000, 400_000, 200_000, 0]);
    // The county-fund payment has no county-fund allocation: nothing covers it.
    expect(uncovered.get('P')).toEqual({ central: 0, provincial: 0, county: 50_000, other: 0 });
  });

  it('counts a village’s direct subsidy as paid only once paid by the day, and a project of another year through its own payments', () => {
    const documents = [doc(1, '2024-12-20'), doc(2, '2025-05-01')];
    const allocations = [
      { documentId: 1, target: 'direct_subsidy' as const, projectCode: null, villageCode: 'V1', year: 2025, amountFen: 600_000 },
      { documentId: 2, target: 'direct_subsidy' as const, projectCode: null, villageCode: 'V1', year: 2025, amountFen: 600_000 },
      { documentId: 1, target: 'direct_subsidy' as const, projectCode: null, villageCode: 'V2', year: 2025, amountFen: 300_000 },
      { documentId: 2, target: 'project' as const, projectCode: 'OLD', villageCode: 'V2', year: 2025, amountFen: 500_000 },
    ];
    const subsidyPayments = [
      { villageCode: 'V1', year: 2025, amountFen: 900_000, paymentDate: '2025-06-20' },
      { villageCode: 'V2', year: 2025, amountFen: 300_000, paymentDate: '2025-07-05' },
    ];
    const otherProjectPayments = new Map([['OLD', [{ date: '2025-06-01', amountFen: 200_000, fundSource: 'central' as const }]]]);
    const { paid, uncovered } = applyPayments({ documents, allocations, projects: [], otherProjectPayments, subsidyPayments }, '2025-06-30');
    expect(paid).toEqual([600_000, 300_000, 0, 200_000]);
    expect(uncovered.size).toBe(0);
  });
});

describe('subsidyStatus', () => {
  it('says 按期发放, 逾期发放, 逾期未发放 or 待发放 as of the day', () => {
    const due = '2025-06-30';
    expect(subsidyStatus({ dueDate: due, paymentDate: '2025-06-30' }, '2025-07-31')).toBe('按期发放');
    expect(subsidyStatus({ dueDate: due, paymentDate: '2025-07-02' }, '2025-07-31')).toBe('逾期发放');
    // Paid after the day: not paid as of it.
    expect(subsidyStatus({ dueDate: due, paymentDate: '2025-07-02' }, '2025-07-01')).toBe('逾期未发放');
    expect(subsidyStatus({ dueDate: due, paymentDate: null }, '2025-06-30')).toBe('待发放');
    expect(subsidyStatus({ dueDate: due, paymentDate: null }, '2025-07-01')).toBe('逾期未发放');
  });
});

describe('beijingTime', () => {
  it('shows an instant as the time in Beijing', () => {
    expect(beijingTime('2025-07-31T17:30:59.999Z')).toBe('2025-08-01 01:30');
  });
});
