/** The two ways of reading stored projects for an upload's checks give the same answer. */
import { afterEach, describe, expect, it } from 'vitest';
import * as schema from '../../db/schema.ts';
import { loadUploadContext } from '../../src/data/upload-context.ts';
import { seedCounty, VILLAGE_A1, VILLAGE_A2 } from '../api/fixtures.ts';
import { createTempDatabase, type TempDatabase } from '../support/temp-database.ts';

describe('loadUploadContext', () => {
  let temp: TempDatabase | undefined;
  afterEach(() => temp?.dispose());

  it('reads stored projects alike by lookup and by table scan: budget lines, payments summed per source, milestones', async () => {
    temp = await createTempDatabase();
    const { db } = temp;
    await seedCounty(db);
    const project = (code: string, villageCode: string, workflowState: 'applied' | 'county_approved') => ({
      code, year: 2025, villageCode, typeCode: 'beautiful_home', name: `项目${code}`, contentScale: '一条路', implementingUnit: '村委会',
      locationPrecision: 'village_centre' as const, workflowState, updatedAt: '2025-06-30T02:00:00.000Z', createdAt: '2025-06-30T02:00:00.000Z',
    });
    const [p1, p2, p3] = await db
      .insert(schema.projects)
      .values([project('C-1', VILLAGE_A1, 'county_approved'), project('C-2', VILLAGE_A2, 'applied'), project('C-3', VILLAGE_A1, 'county_approved')])
      .returning({ id: schema.projects.id });
    await db.insert(schema.projectBudgets).values([
      { projectId: p1!.id, fundSource: 'central', amountFen: 1_000_000 },
      { projectId: p1!.id, fundSource: 'county', amountFen: 200_000 },
      { projectId: p2!.id, fundSource: 'central', amountFen: 500_000 },
    ]);
    await db.insert(schema.projectMilestones).values([
      { projectId: p1!.id, kind: 'applied', date: '2025-03-01' },
      { projectId: p1!.id, kind: 'county_approved', date: '2025-04-01' },
      { projectId: p2!.id, kind: 'applied', date: '2025-03-02' },
    ]);
    const pay = (projectId: number, fundSource: 'central' | 'county', amountFen: number, voucherNumber: string) => ({ projectId, date: '2025-05-01', amountFen, fundSource, voucherNumber, payee: '某公司', createdAt: '2025-06-30T02:00:00.000Z' });
    await db.insert(schema.disbursements).values([pay(p1!.id, 'central', 300_000, 'V1'), pay(p1!.id, 'central', 100_000, 'V2'), pay(p1!.id, 'county', 50_000, 'V3')]);

    const input = { actor: { role: 'county' as const, scopeCode: '430482' }, kind: 'milestones' as const, today: '2025-06-30', projectCodes: ['C-1', 'C-2', 'C-3', 'C-1', 'NOPE'], voucherNumbers: [] };
    const looked = await loadUploadContext(db, { ...input, scanFrom: Number.POSITIVE_INFINITY });
    const scanned = await loadUploadContext(db, { ...input, scanFrom: 1 });
    const sorted = (m: ReadonlyMap<string, unknown>) => [...m].sort(([a], [b]) => a.localeCompare(b));
    expect(sorted(scanned.projects)).toEqual(sorted(looked.projects));
    expect(looked.projects.size).toBe(3);
    expect(looked.projects.get('C-1')).toEqual({
      id: p1!.id, code: 'C-1', villageCode: VILLAGE_A1, workflowState: 'county_approved', acceptanceResult: null,
      budget: { central: 1_000_000, county: 200_000 }, paid: { central: 400_000, county: 50_000 }, milestones: { applied: '2025-03-01', county_approved: '2025-04-01' },
    });
    expect(looked.projects.get('C-3')).toMatchObject({ id: p3!.id, budget: {}, paid: {}, milestones: {} });
    expect(looked.projects.has('NOPE')).toBe(false);
    expect(scanned.projects.size).toBe(3);

    // A payment upload reads only the 县级审批 milestone, either way.
    const payLooked = await loadUploadContext(db, { ...input, kind: 'disbursements', scanFrom: Number.POSITIVE_INFINITY });
    const payScanned = await loadUploadContext(db, { ...input, kind: 'disbursements', scanFrom: 1 });
    expect(sorted(payScanned.projects)).toEqual(sorted(payLooked.projects));
    expect(payLooked.projects.get('C-1')?.milestones).toEqual({ county_approved: '2025-04-01' });
    expect(payLooked.projects.get('C-2')?.milestones).toEqual({});

    // A lookup reads only the projects named; a scan reads every stored project, the same way.
    const oneLooked = await loadUploadContext(db, { ...input, projectCodes: ['C-3', 'C-3'], scanFrom: Number.POSITIVE_INFINITY });
    const oneScanned = await loadUploadContext(db, { ...input, projectCodes: ['C-3', 'C-3'], scanFrom: 1 });
    expect([...oneLooked.projects.keys()]).toEqual(['C-3']);
    expect(sorted(oneScanned.projects)).toEqual(sorted(looked.projects));
  });
});
