import { describe, expect, it } from 'vitest';
import type { Milestone, MilestoneKind } from '../../src/domain/ledger/ledger.ts';
import { MILESTONE_ORDER } from '../../src/domain/ledger/ledger.ts';
import {
  hasReached,
  isOnOrBefore,
  MILESTONE_LABELS,
  milestoneDate,
  projectStatusAsOf,
  statusLabel,
} from '../../src/domain/ledger/project-status.ts';

const project = (pairs: [MilestoneKind, string][]): { milestones: Milestone[] } => ({
  milestones: pairs.map(([kind, date]) => ({ kind, date, actorUnit: null })),
});

const full = project([
  ['applied', '2021-10-08'],
  ['village_reviewed', '2021-10-20'],
  ['township_reviewed', '2021-11-05'],
  ['county_approved', '2022-03-15'],
  ['started', '2022-05-10'],
  ['completed', '2022-11-30'],
  ['accepted', '2023-01-12'],
  ['settled', '2023-06-30'],
]);

describe('projectStatusAsOf', () => {
  describe.each([
    { asOf: '2021-10-07', expected: null, why: 'nothing has happened before the application' },
    { asOf: '2021-10-08', expected: 'applied', why: 'a milestone dated on the as-of day counts' },
    { asOf: '2022-03-14', expected: 'township_reviewed', why: 'approval the next day is ignored' },
    { asOf: '2022-05-10', expected: 'started', why: 'the start day itself counts' },
    { asOf: '2022-12-31', expected: 'completed', why: 'acceptance in the next year is ignored' },
    { asOf: '2023-08-31', expected: 'settled', why: 'every step is in the past' },
    { asOf: undefined, expected: 'settled', why: 'without an as-of day every milestone counts' },
  ])('on $asOf', ({ asOf, expected, why }) => {
    it(`is ${String(expected)} because ${why}`, () => {
      expect(projectStatusAsOf(full, asOf)).toBe(expected);
    });
  });

  it('follows lifecycle order, not dates, when two steps share a day', () => {
    const p = project([
      ['started', '2022-05-10'],
      ['completed', '2022-09-01'],
      ['accepted', '2022-09-01'],
    ]);
    expect(projectStatusAsOf(p, '2022-09-01')).toBe('accepted');
  });

  it('is null for a project with no milestones', () => {
    expect(projectStatusAsOf(project([]), '2030-01-01')).toBeNull();
  });

  it('compares only the day of a timestamp with the as-of day', () => {
    const p = project([['started', '2023-08-31T23:00:00Z']]);
    expect(projectStatusAsOf(p, '2023-08-31')).toBe('started');
  });
});

describe('milestone helpers', () => {
  it('reports a reached milestone with its date and hides a later one', () => {
    expect(milestoneDate(full, 'started', '2022-06-01')).toBe('2022-05-10');
    expect(milestoneDate(full, 'completed', '2022-06-01')).toBeNull();
    expect(hasReached(full, 'settled')).toBe(true);
  });

  it('treats the same day as on or before', () => {
    expect(isOnOrBefore('2023-08-31', '2023-08-31')).toBe(true);
    expect(isOnOrBefore('2023-09-01', '2023-08-31')).toBe(false);
  });
});

describe('labels', () => {
  it('names every milestone in Chinese', () => {
    expect(MILESTONE_ORDER.map((k) => MILESTONE_LABELS[k])).toEqual([
      '申请',
      '复核',
      '审核',
      '审批',
      '开工',
      '完工',
      '验收',
      '决算',
    ]);
  });

  describe.each<[MilestoneKind | null, string]>([
    [null, '未申报'],
    ['applied', '未开工'],
    ['village_reviewed', '未开工'],
    ['township_reviewed', '未开工'],
    ['county_approved', '未开工'],
    ['started', '在建'],
    ['completed', '已完工'],
    ['accepted', '已验收'],
    ['settled', '已决算'],
  ])('a project whose latest step is %s', (kind, label) => {
    it(`reads as ${label} to villagers`, () => {
      expect(statusLabel(kind)).toBe(label);
    });
  });
});
