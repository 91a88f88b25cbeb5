/**
 * What an upload writes, on both runtimes: the Node entry over the file database and the Worker
 * over libSQL's HTTP protocol (as on Turso), which is stricter about bound arguments. Project
 * uploads write budget lines, milestones and workflow steps in bulk SQL; payments likewise.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asc } from 'drizzle-orm';
import * as schema from '../../db/schema.ts';
import { shanghaiDate } from '../../src/domain/shared/dates.ts';
import type { ApiTarget } from '../support/api-target.ts';
import { approve, auth, mintAll, postBytes, postJson, projectRow, seedCounty, VILLAGE_A1, type Tokens } from './fixtures.ts';
import { xlsxOf } from './uploads.case.ts';

export function runUploadWritesContract(newTarget: () => Promise<ApiTarget>): void {
  describe('what uploads write', () => {
    let target: ApiTarget;
    let tokens: Tokens;
    beforeEach(async () => {
      target = await newTarget();
      await seedCounty(target.db);
      tokens = await mintAll(target.db);
    });
    afterEach(() => target.dispose());

    it('writes each new project with its budget line, milestones and workflow steps, from JSON, CSV and XLSX', async () => {
      const json = await postJson(target, '/api/v1/uploads/projects', tokens.villageA1, { rows: [projectRow('WR-1', VILLAGE_A1), projectRow('WR-2', VILLAGE_A1, { villageReviewedDate: null })] });
      expect(await json.json()).toMatchObject({ status: 'committed', created: 2 });
      const csv = await postBytes(
        target,
        '/api/v1/uploads/projects',
        tokens.villageA1,
        '项目编号,年度,村代码,项目类型,项目名称,建设内容及规模,实施单位,中央资金(元),申请日期,村理财小组复核日期\r\nWR-3,2025,430482105003,美丽家园建设,村组道路硬化,硬化道路1.2公里,禄福村村民委员会,"80,000",2025-04-01,2025-04-03\r\n',
        { 'content-type': 'text/csv' },
      );
      expect(await csv.json()).toMatchObject({ status: 'committed', created: 1, format: 'csv' });
      const xlsx = await postBytes(
        target,
        '/api/v1/uploads/projects',
        tokens.villageA1,
        await xlsxOf([
          ['项目编号', '年度', '村代码', '项目类型', '项目名称', '建设内容及规模', '实施单位', '中央资金(元)', '申请日期'],
          ['WR-4', 2025, '430482105003', '美丽家园建设', '村组道路硬化', '硬化道路0.8公里', '禄福村村民委员会', 60000, '2025-04-05'],
        ]),
        { 'content-type': 'application/octet-stream' },
      );
      expect(await xlsx.json()).toMatchObject({ status: 'committed', created: 1, format: 'xlsx' });

      const projects = await target.db.select({ id: schema.projects.id, code: schema.projects.code }).from(schema.projects).orderBy(asc(schema.projects.id));
      const id = Object.fromEntries(projects.map((p) => [p.code, p.id]));
      const budgets = await target.db.select().from(schema.projectBudgets);
      expect(budgets.map((b) => [b.projectId, b.fundSource, b.amountFen]).sort()).toEqual(
        [[id['WR-1'], 'central', 25_000_000], [id['WR-2'], 'central', 25_000_000], [id['WR-3'], 'central', 8_000_000], [id['WR-4'], 'central', 6_000_000]].sort(),
      );
      const milestones = await target.db.select().from(schema.projectMilestones);
      expect(milestones.map((m) => [m.projectId, m.kind, m.date, m.actorUnit]).sort()).toEqual(
        [
          [id['WR-1'], 'applied', '2025-03-10', '禄福村村民委员会'],
          [id['WR-1'], 'village_reviewed', '2025-03-15', '禄福村村民委员会'],
          [id['WR-2'], 'applied', '2025-03-10', '禄福村村民委员会'],
          [id['WR-3'], 'applied', '2025-04-01', '禄福村村民委员会'],
          [id['WR-3'], 'village_reviewed', '2025-04-03', '禄福村村民委员会'],
          [id['WR-4'], 'applied', '2025-04-05', '禄福村村民委员会'],
        ].sort(),
      );
      const steps = await target.db.select().from(schema.workflowSteps).orderBy(asc(schema.workflowSteps.id));
      expect(steps.map((s) => [s.subjectId, s.fromState, s.toState, s.action, s.comment])).toEqual([
        [id['WR-1'], 'draft', 'applied', 'apply', '上传申报（JSON）'],
        [id['WR-2'], 'draft', 'applied', 'apply', '上传申报（JSON）'],
        [id['WR-1'], 'applied', 'village_reviewed', 'village_review', '据上传表格：村理财小组已于 2025-03-15 复核'],
        [id['WR-3'], 'draft', 'applied', 'apply', '上传申报（CSV）'],
        [id['WR-3'], 'applied', 'village_reviewed', 'village_review', '据上传表格：村理财小组已于 2025-04-03 复核'],
        [id['WR-4'], 'draft', 'applied', 'apply', '上传申报（XLSX）'],
      ]);
      expect(new Set(steps.map((s) => s.subjectType))).toEqual(new Set(['project']));
      expect(new Set(steps.map((s) => s.actorUnit))).toEqual(new Set(['禄福村村民委员会']));
      expect(new Set(steps.map((s) => s.actorId)).size).toBe(1);
    });

    it('writes payments with every column, and a re-sent voucher changes nothing', async () => {
      await postJson(target, '/api/v1/uploads/projects', tokens.county, { rows: [projectRow('WP-1', VILLAGE_A1)] });
      await approve(target, { county: tokens.county, township: tokens.townshipA }, ['WP-1']);
      const today = shanghaiDate(target.clock.now());
      const rows = [
        { projectCode: 'WP-1', date: today, amount: '1,000.50', voucherNumber: 'WV-1', payee: '常宁市某建筑有限公司' },
        { projectCode: 'WP-1', date: today, amount: 2000, voucherNumber: 'WV-2', payee: '张三', payeeIsPerson: '是' },
      ];
      const res = await postJson(target, '/api/v1/uploads/disbursements', tokens.townshipA, { rows });
      expect(await res.json()).toMatchObject({ status: 'committed', created: 2 });
      const again = await postJson(target, '/api/v1/uploads/disbursements', tokens.townshipA, { rows: [rows[0]] });
      expect(await again.json()).toMatchObject({ status: 'committed', created: 0, unchanged: 1 });
      const stored = await target.db.select().from(schema.disbursements).orderBy(asc(schema.disbursements.id));
      expect(stored.map(({ voucherNumber, date, amountFen, fundSource, payee, payeeIsPerson }) => ({ voucherNumber, date, amountFen, fundSource, payee, payeeIsPerson }))).toEqual([
        { voucherNumber: 'WV-1', date: today, amountFen: 100_050, fundSource: 'central', payee: '常宁市某建筑有限公司', payeeIsPerson: false },
        { voucherNumber: 'WV-2', date: today, amountFen: 200_000, fundSource: 'central', payee: '张三', payeeIsPerson: true },
      ]);
      expect(stored.every((d) => typeof d.createdAt === 'string' && d.createdAt.startsWith('20'))).toBe(true);
      const detail = (await (await target.request('/api/v1/projects/WP-1', { headers: auth(tokens.inspector) })).json()) as { project: { workflowState: string } };
      expect(detail.project.workflowState).toBe('county_approved');
    });
  });
}
