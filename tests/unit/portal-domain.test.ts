import { describe, expect, it } from 'vitest';
import type { ProjectRecord } from '../../src/domain/ledger/ledger.ts';
import { daysLeftInPeriod, projectMoney, projectTimeline } from '../../src/domain/ledger/project-summary.ts';
import { sketchPoints } from '../../src/domain/geo/location-sketch.ts';
import { barLength, niceMax } from '../../src/domain/shared/chart-scale.ts';
import { statusGroup, STATUS_STYLES } from '../../src/domain/ledger/status-style.ts';

const project: ProjectRecord = {
  code: 'CN2023-0001', year: 2023, villageCode: '430482101201', townshipCode: '430482101', groupName: null,
  typeCode: 'production', typeName: '生产开发', indicatorGroup: 'production_infrastructure', name: '示例项目',
  contentScale: '新建机耕道1公里', implementingUnit: '某村村民委员会', lon: 112.3, lat: 26.3, locationPrecision: 'exact',
  acceptanceResult: null, beneficiaries: 10, beneficiaryHouseholds: 3,
  budget: [{ fundSource: 'central', amountFen: 100_000_00 }, { fundSource: 'county', amountFen: 20_000_00 }],
  milestones: [
    { kind: 'county_approved', date: '2023-03-01', actorUnit: '常宁市库区移民事务中心' },
    { kind: 'started', date: '2023-05-01', actorUnit: '某村村民委员会' },
    { kind: 'completed', date: '2023-10-01', actorUnit: '某村村民委员会' },
  ],
  disbursements: [
    { date: '2023-06-01', amountFen: 30_000_00, fundSource: 'central', voucherNumber: '记-1', payee: '某公司' },
    { date: '2023-11-01', amountFen: 50_000_00, fundSource: 'central', voucherNumber: '记-2', payee: '某公司' },
  ],
};

describe('project money and progress as shown on the portal', () => {
  it('counts only payments up to the as-of day, per fund source', () => {
    const m = projectMoney(project, '2023-08-31');
    expect(m).toMatchObject({ budgetFen: 120_000_00, disbursedFen: 30_000_00, remainingFen: 90_000_00, overBudget: false });
    expect(m.bySource).toEqual([
      { fundSource: 'central', budgetFen: 100_000_00, disbursedFen: 30_000_00 },
      { fundSource: 'county', budgetFen: 20_000_00, disbursedFen: 0 },
    ]);
  });

  it('lists all eight steps with dates only for those reached by the as-of day', () => {
    const t = projectTimeline(project, '2023-08-31');
    expect(t).toHaveLength(8);
    expect(t.filter((s) => s.date).map((s) => s.kind)).toEqual(['county_approved', 'started']);
  });

  it('counts the days left in a 公示期', () => {
    expect(daysLeftInPeriod('2024-09-15', '2024-09-10')).toBe(5);
    expect(daysLeftInPeriod('2024-09-15', '2024-09-15')).toBe(0);
    expect(daysLeftInPeriod('2024-09-15', '2024-09-16')).toBeNull();
  });
});

describe('status styles', () => {
  it('gives every status group its own shape and letter, not only a colour', () => {
    const styles = Object.values(STATUS_STYLES);
    expect(new Set(styles.map((s) => s.shape)).size).toBe(styles.length);
    expect(new Set(styles.map((s) => s.letter)).size).toBe(styles.length);
    expect([null, 'applied', 'started', 'accepted'].map((k) => statusGroup(k as never))).toEqual(['none', 'planned', 'started', 'done']);
  });
});

describe('small build-time figures', () => {
  it('centres a single point and picks a round scale bar', () => {
    const s = sketchPoints([{ lon: 112.3, lat: 26.3 }], { width: 300, height: 160, padding: 20 });
    expect(s.points).toEqual([{ x: 150, y: 80 }]);
    expect([100, 200, 500, 1000]).toContain(s.scaleMetres);
  });

  it('keeps points inside the box', () => {
    const s = sketchPoints([{ lon: 112.2, lat: 26.2 }, { lon: 112.4, lat: 26.4 }], { width: 300, height: 160, padding: 20 });
    for (const p of s.points) {
      expect(p.x).toBeGreaterThanOrEqual(20);
      expect(p.x).toBeLessThanOrEqual(280);
      expect(p.y).toBeGreaterThanOrEqual(20);
      expect(p.y).toBeLessThanOrEqual(140);
    }
  });

  it.each([[873, 1000], [0, 1], [1, 1], [1.2, 2], [2.2, 2.5], [4100, 5000]])('niceMax(%d) is %d', (v, m) => expect(niceMax(v)).toBe(m));

  it('draws bars in proportion and never past the axis', () => {
    expect(barLength(50, 100, 200)).toBe(100);
    expect(barLength(150, 100, 200)).toBe(200);
    expect(barLength(-1, 100, 200)).toBe(0);
  });
});
