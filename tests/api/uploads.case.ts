/**
 * Uploads in every format: JSON, CSV (UTF-8 and GB18030) and XLSX; all problems in one answer;
 * dry runs; all-or-nothing commits; idempotency; concurrent uploads; workflow and audit.
 */
import writeXlsxFile from 'write-excel-file/universal';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as schema from '../../db/schema.ts';
import { addDays } from '../../src/domain/shared/dates.ts';
import { shanghaiDate } from '../../src/domain/shared/dates.ts';
import type { ApiTarget } from '../support/api-target.ts';
import { approve, auth, expectWithin, ledgerCounts, mintAll, postBytes, postJson, projectRow, seedCounty, timed, VILLAGE_A1, VILLAGE_A2, type Tokens } from './fixtures.ts';

const HEADER = '项目编号,年度,村代码,项目类型,项目名称,建设内容及规模,实施单位,中央资金(元),申请日期,村理财小组复核日期';

export async function xlsxOf(rows: Array<Array<string | number | null>>): Promise<Uint8Array> {
  const blob = await writeXlsxFile(rows.map((r) => r.map((v) => (v === null ? null : { value: v, type: typeof v === 'number' ? Number : String })))).toBlob();
  return new Uint8Array(await blob.arrayBuffer());
}

interface ErrorAnswer {
  code: string;
  message: string;
  details?: Array<{ row?: number; column?: string; problem: string; received?: string; expected?: string; hint?: string }>;
  requestId: string;
}

export function runUploadContract(newTarget: () => Promise<ApiTarget>): void {
  describe('uploads', () => {
    let target: ApiTarget;
    let tokens: Tokens;
    beforeEach(async () => {
      target = await newTarget();
      await seedCounty(target.db);
      tokens = await mintAll(target.db);
    });
    afterEach(() => target.dispose());

    it('commits a JSON upload of projects, records the workflow steps and one audit entry', async () => {
      const res = await postJson(target, '/api/v1/uploads/projects', tokens.villageA1, { rows: [projectRow('U-1', VILLAGE_A1), projectRow('U-2', VILLAGE_A1, { villageReviewedDate: null })] });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'committed', created: 2, format: 'json' });
      const list = (await (await target.request('/api/v1/projects', { headers: auth(tokens.villageA1) })).json()) as { projects: Array<{ code: string; workflowState: string }> };
      expect(Object.fromEntries(list.projects.map((p) => [p.code, p.workflowState]))).toEqual({ 'U-1': 'village_reviewed', 'U-2': 'applied' });
      const counts = await ledgerCounts(target.db);
      expect(counts).toMatchObject({ projects: 2, budgets: 2, steps: 3, uploads: 1 });
      type Detail = { project: { budget: Array<{ fundSource: string; amountFen: number }>; milestones: Array<{ kind: string; date: string }>; steps: Array<{ action: string; actorUnit: string; comment: string | null; at: string }> } };
      const u1 = ((await (await target.request('/api/v1/projects/U-1', { headers: auth(tokens.inspector) })).json()) as Detail).project;
      expect(u1.budget).toEqual([expect.objectContaining({ fundSource: 'central', amountFen: 25_000_000 })]);
      expect(u1.milestones.map((m) => [m.kind, m.date])).toEqual([['applied', '2025-03-10'], ['village_reviewed', '2025-03-15']]);
      expect(u1.steps.map((s) => [s.action, s.comment])).toEqual([['apply', '上传申报（JSON）'], ['village_review', '据上传表格：村理财小组已于 2025-03-15 复核']]);
      expect(new Set(u1.steps.map((s) => s.actorUnit))).toEqual(new Set(['禄福村村民委员会']));
      const u2 = ((await (await target.request('/api/v1/projects/U-2', { headers: auth(tokens.inspector) })).json()) as Detail).project;
      expect(u2.milestones.map((m) => m.kind)).toEqual(['applied']);
      expect(u2.steps.map((s) => s.action)).toEqual(['apply']);
    });

    it('reads a UTF-8 CSV with a BOM and a GB18030 CSV without one alike', async () => {
      const line = (code: string) => `${code},2025,${VILLAGE_A1},美丽家园建设,村组道路硬化,硬化道路1.2公里,禄福村村民委员会,"250,000",2025-03-10,`;
      const utf8 = `\uFEFF${HEADER}\r\n${line('C-1')}\r\n`;
      const r1 = await postBytes(target, '/api/v1/uploads/projects', tokens.villageA1, utf8, { 'content-type': 'text/csv' });
      expect(await r1.json()).toMatchObject({ status: 'committed', format: 'csv', encoding: 'utf-8', created: 1 });
      const gb = gb18030(`${HEADER}\r\n${line('C-2')}\r\n`);
      const r2 = await postBytes(target, '/api/v1/uploads/projects', tokens.villageA1, gb, { 'content-type': 'application/octet-stream' });
      expect(await r2.json()).toMatchObject({ status: 'committed', format: 'csv', encoding: 'gb18030', created: 1 });
    });

    it('reads an XLSX by its content whatever the declared type, and skips the template example row', async () => {
      const bytes = await xlsxOf([
        HEADER.split(','),
        ['示例CN2025-0101', 2025, VILLAGE_A1, '美丽家园建设', '示例', '示例', '示例', 1, '2025-03-10', null],
        ['X-1', 2025, VILLAGE_A1, '美丽家园建设', '村组道路硬化', '硬化道路1.2公里', '禄福村村民委员会', 250000, '2025-03-10', '2025-03-12'],
      ]);
      const res = await postBytes(target, '/api/v1/uploads/projects', tokens.villageA1, bytes, { 'content-type': 'text/plain' });
      const body = (await res.json()) as { status: string; created: number; format: string; warnings: unknown[] };
      expect(res.status).toBe(200);
      expect(body).toMatchObject({ status: 'committed', created: 1, format: 'xlsx' });
      expect(body.warnings).toEqual(expect.arrayContaining([expect.objectContaining({ row: 2, problem: expect.stringContaining('示例') })]));
    });

    it('lists every problem of a file in one answer, in Chinese, with row, column, received and expected, and writes nothing', async () => {
      const before = await ledgerCounts(target.db);
      const res = await postJson(target, '/api/v1/uploads/projects', tokens.county, {
        rows: [
          projectRow('E-1', '430482999999'),
          projectRow('E-2', VILLAGE_A1, { budgetCentral: 25 }),
          projectRow('E-3', VILLAGE_A1, { budgetCentral: -5 }),
          projectRow('E-4', VILLAGE_A1, { budgetCentral: 'abc' }),
          projectRow('E-5', VILLAGE_A1, { lon: 26.4186, lat: 112.3956 }),
          projectRow('E-6', VILLAGE_A1, { lon: 112.2764, lat: 26.1367 }),
          projectRow('E-7', VILLAGE_A1, { appliedDate: '2025-03-20', villageReviewedDate: '2025-03-01' }),
          projectRow('E-7', VILLAGE_A1),
          projectRow('E-9', VILLAGE_A1, { name: '=HYPERLINK("http://x")' }),
          projectRow('E-10', VILLAGE_A1, { name: '<script>alert(1)</script>' }),
        ],
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as ErrorAnswer;
      expect(body.code).toBe('VALIDATION_FAILED');
      const byRow = (row: number) => body.details!.filter((d) => d.row === row);
      expect(byRow(1)[0]).toMatchObject({ column: '村代码', problem: '找不到这个村', received: '430482999999' });
      expect(byRow(2)[0]!.problem).toContain('万元');
      expect(byRow(3)[0]).toMatchObject({ column: '中央资金(元)', problem: '金额不能为负数' });
      expect(byRow(4)[0]).toMatchObject({ column: '中央资金(元)', problem: '不是数字', received: 'abc' });
      expect(byRow(5)[0]!.hint).toContain('填反');
      expect(byRow(6)[0]!.hint).toContain('GCJ');
      expect(byRow(7)[0]).toMatchObject({ column: '村理财小组复核日期', problem: '复核日期早于申请日期' });
      expect(byRow(8)[0]!.problem).toContain('项目编号重复');
      expect(byRow(9)[0]!.problem).toContain('公式');
      expect(byRow(10)[0]!.problem).toContain('网页标记');
      for (const d of body.details!) expect(d.expected ?? d.hint).toBeTruthy();
      expect(await ledgerCounts(target.db)).toEqual(before);
    });

    it('names every problem of a row whose cells cannot all be read: the bad cell and a wrong village or project', async () => {
      const before = await ledgerCounts(target.db);
      const res = await postJson(target, '/api/v1/uploads/projects', tokens.county, {
        rows: [projectRow('R-1', '430482999999', { budgetCentral: -5 }), projectRow('R-3', VILLAGE_A1, { budgetCentral: 'abc' })],
      });
      expect(res.status).toBe(400);
      const details = ((await res.json()) as ErrorAnswer).details!;
      const of = (row: number) => details.filter((d) => d.row === row).map((d) => `${d.column}：${d.problem}`);
      expect(of(1).sort()).toEqual(['中央资金(元)：金额不能为负数', '村代码：找不到这个村']);
      expect(of(2)).toEqual(['中央资金(元)：不是数字']);
      const other = await postJson(target, '/api/v1/uploads/projects', tokens.villageA1, { rows: [projectRow('R-2', VILLAGE_A2, { appliedDate: '去年' })] });
      expect(other.status).toBe(403);
      const otherDetails = ((await other.json()) as ErrorAnswer).details!.map((d) => `${d.column}：${d.problem}`);
      expect(otherDetails).toEqual(expect.arrayContaining([expect.stringMatching(/^申请日期：/), expect.stringMatching(/^村代码：.*不在您的管理范围内$/)]));
      expect(await ledgerCounts(target.db)).toEqual(before);

      const pay = await postJson(target, '/api/v1/uploads/disbursements', tokens.townshipA, { rows: [{ projectCode: 'NO-SUCH', date: '2025-06-30', amount: '十万', voucherNumber: 'R-V-1', payee: '某公司' }] });
      expect(pay.status).toBe(400);
      const payDetails = ((await pay.json()) as ErrorAnswer).details!.map((d) => `${d.column}：${d.problem}`);
      expect(payDetails).toEqual(expect.arrayContaining([expect.stringMatching(/^金额\(元\)：/), '项目编号：找不到这个项目']));
      expect(await ledgerCounts(target.db)).toEqual(before);
    });

    it('answers a dry run with the same report and writes nothing', async () => {
      const before = await ledgerCounts(target.db);
      const ok = await postJson(target, '/api/v1/uploads/projects?dryRun=true', tokens.villageA1, { rows: [projectRow('D-1', VILLAGE_A1)] });
      expect(await ok.json()).toMatchObject({ status: 'dry_run', created: 1 });
      const bad = await postJson(target, '/api/v1/uploads/projects?dryRun=true', tokens.villageA1, { rows: [projectRow('D-2', VILLAGE_A1, { budgetCentral: -1 })] });
      expect(bad.status).toBe(400);
      expect(await ledgerCounts(target.db)).toEqual(before);
    });

    it('changes nothing when the same file is sent again, or the same Idempotency-Key', async () => {
      const body = { rows: [projectRow('I-1', VILLAGE_A1)] };
      const first = await postJson(target, '/api/v1/uploads/projects', tokens.villageA1, body, { 'idempotency-key': 'key-00000001' });
      expect(await first.json()).toMatchObject({ status: 'committed', created: 1 });
      const after = await ledgerCounts(target.db);
      const again = await postJson(target, '/api/v1/uploads/projects', tokens.villageA1, body);
      expect(await again.json()).toMatchObject({ status: 'replayed', created: 1 });
      const sameKey = await postJson(target, '/api/v1/uploads/projects', tokens.villageA1, body, { 'idempotency-key': 'key-00000001' });
      expect(await sameKey.json()).toMatchObject({ status: 'replayed' });
      const otherBody = await postJson(target, '/api/v1/uploads/projects', tokens.villageA1, { rows: [projectRow('I-2', VILLAGE_A1)] }, { 'idempotency-key': 'key-00000001' });
      expect(otherBody.status).toBe(409);
      expect(await ledgerCounts(target.db)).toEqual(after);
    });

    it('does not double a payment whose voucher was already recorded, and refuses payments above budget', async () => {
      await postJson(target, '/api/v1/uploads/projects', tokens.county, { rows: [projectRow('P-1', VILLAGE_A1)] });
      await approve(target, { county: tokens.county, township: tokens.townshipA }, ['P-1']);
      // Paid on the day of the county approval, which is today: no earlier (before approval), no later (future).
      const today = shanghaiDate(target.clock.now());
      const pay = (voucher: string, amount: number) => ({ projectCode: 'P-1', date: today, amount, voucherNumber: voucher, payee: '某公司' });
      const first = await timed(target, () => postJson(target, '/api/v1/uploads/disbursements', tokens.townshipA, { rows: [pay('V-1', 100000)] }));
      expect(first.res.status).toBe(200);
      const again = await timed(target, () => postJson(target, '/api/v1/uploads/disbursements', tokens.townshipA, { rows: [pay('V-1', 100000), pay('V-2', 50000)] }));
      expect(await again.res.json()).toMatchObject({ status: 'committed', created: 1, unchanged: 1 });
      const person = await timed(target, () => postJson(target, '/api/v1/uploads/disbursements', tokens.townshipA, { rows: [{ ...pay('V-P', 20000), payee: '张三', payeeIsPerson: '是' }] }));
      expect(person.res.status).toBe(200);
      const stored = await target.db.select().from(schema.disbursements).orderBy(schema.disbursements.id);
      expect(stored.map(({ voucherNumber, date, amountFen, fundSource, payee, payeeIsPerson }) => ({ voucherNumber, date, amountFen, fundSource, payee, payeeIsPerson }))).toEqual([
        { voucherNumber: 'V-1', date: today, amountFen: 10_000_000, fundSource: 'central', payee: '某公司', payeeIsPerson: false },
        { voucherNumber: 'V-2', date: today, amountFen: 5_000_000, fundSource: 'central', payee: '某公司', payeeIsPerson: false },
        { voucherNumber: 'V-P', date: today, amountFen: 2_000_000, fundSource: 'central', payee: '张三', payeeIsPerson: true },
      ]);
      // Each payment is stamped with the time of the upload that booked it (V-1's re-send did not touch it).
      expectWithin(stored[0]!.createdAt, first);
      expectWithin(stored[1]!.createdAt, again);
      expectWithin(stored[2]!.createdAt, person);
      const over = await postJson(target, '/api/v1/uploads/disbursements', tokens.townshipA, { rows: [pay('V-3', 150000)] });
      expect(over.status).toBe(400);
      expect(((await over.json()) as ErrorAnswer).details![0]!.problem).toContain('超过预算');
      const wan = await postJson(target, '/api/v1/uploads/disbursements', tokens.townshipA, { rows: [pay('V-4', 10)] });
      expect(((await wan.json()) as ErrorAnswer).details![0]!.problem).toContain('万元');
    });

    it('loses no update when uploads arrive at the same time, and never pays beyond the budget', async () => {
      await postJson(target, '/api/v1/uploads/projects', tokens.county, { rows: [projectRow('P-C', VILLAGE_A1)] });
      await approve(target, { county: tokens.county, township: tokens.townshipA }, ['P-C']);
      const today = shanghaiDate(target.clock.now());
      const sends = Array.from({ length: 8 }, (_, i) =>
        postJson(target, '/api/v1/uploads/disbursements', i % 2 ? tokens.county : tokens.townshipA, { rows: [{ projectCode: 'P-C', date: today, amount: 40000, voucherNumber: `CV-${i}`, payee: '某公司' }] }),
      );
      const projects = Array.from({ length: 6 }, (_, i) => postJson(target, '/api/v1/uploads/projects', tokens.villageA2, { rows: [projectRow(`PC-${i}`, VILLAGE_A2)] }));
      const results = await Promise.all([...sends, ...projects]);
      const statuses = results.map((r) => r.status);
      // 250,000 元 budget: six payments of 40,000 fit, the other two must be refused.
      expect(statuses.slice(0, 8).filter((s) => s === 200)).toHaveLength(6);
      expect(statuses.slice(8).every((s) => s === 200)).toBe(true);
      const project = (await (await target.request('/api/v1/projects/P-C', { headers: auth(tokens.county) })).json()) as { project: { disbursements: unknown[] } };
      expect(project.project.disbursements).toHaveLength(6);
      const list = (await (await target.request(`/api/v1/projects?village=${VILLAGE_A2}`, { headers: auth(tokens.county) })).json()) as { projects: unknown[] };
      expect(list.projects).toHaveLength(6);
      const verify = (await (await target.request('/api/v1/audit/verify', { headers: auth(tokens.inspector) })).json()) as { ok: boolean };
      expect(verify.ok).toBe(true);
    });

    it('takes a project through 复核, 审核 and 审批, and back for revision only with a reason', async () => {
      await postJson(target, '/api/v1/uploads/projects', tokens.villageA1, { rows: [projectRow('W-1', VILLAGE_A1, { villageReviewedDate: null })] });
      const step = (token: string, action: string, comment?: string) => postJson(target, '/api/v1/projects/W-1/transitions', token, { action, ...(comment ? { comment } : {}) });
      expect((await step(tokens.townshipA, 'township_review')).status).toBe(409);
      expect((await step(tokens.villageB1, 'village_review')).status).toBe(403);
      expect((await step(tokens.villageA1, 'village_review', '已复核')).status).toBe(200);
      expect((await step(tokens.townshipA, 'return')).status).toBe(400);
      const returned = await timed(target, () => step(tokens.townshipA, 'return', '预算与方案不符'));
      expect(returned.res.status).toBe(200);
      expect((await step(tokens.townshipA, 'township_review')).status).toBe(409);
      const fixed = await postJson(target, '/api/v1/uploads/projects', tokens.villageA1, { rows: [projectRow('W-1', VILLAGE_A1, { villageReviewedDate: null, budgetCentral: 200000 })] });
      expect(await fixed.json()).toMatchObject({ status: 'committed', updated: 1 });
      expect((await step(tokens.villageA1, 'village_review')).status).toBe(200);
      expect((await step(tokens.townshipA, 'township_review')).status).toBe(200);
      expect((await step(tokens.county, 'county_approve', '同意')).status).toBe(200);
      const p = (await (await target.request('/api/v1/projects/W-1', { headers: auth(tokens.inspector) })).json()) as { project: { workflowState: string; steps: Array<{ action: string; actorUnit: string; comment: string | null; at: string }> } };
      expect(p.project.workflowState).toBe('county_approved');
      expect(p.project.steps.map((s) => s.action)).toEqual(['apply', 'village_review', 'return', 'resubmit', 'village_review', 'township_review', 'county_approve']);
      expect(p.project.steps[2]).toMatchObject({ comment: '预算与方案不符', actorUnit: '柏坊镇人民政府' });
      expectWithin(p.project.steps[2]!.at, returned);
    });

    it('publishes approved projects, asks for a correction reason for a changed version, and keeps the audit chain intact', async () => {
      await postJson(target, '/api/v1/uploads/projects', tokens.county, { rows: [projectRow('PB-1', VILLAGE_A1)] });
      await approve(target, { county: tokens.county, township: tokens.townshipA }, ['PB-1']);
      const first = await timed(target, () => postJson(target, '/api/v1/publish', tokens.county, { year: 2025 }));
      const published = (await first.res.json()) as { periodStart: string; periodEnd: string };
      expect(published).toMatchObject({ createdCount: 2, issuingUnit: '常宁市库区移民事务中心' });
      // The period starts today in China time and lasts the default 10 days, both ends counted.
      expect([shanghaiDate(first.before), shanghaiDate(first.after)]).toContain(published.periodStart);
      expect(published.periodEnd).toBe(addDays(published.periodStart, 9));
      // Started on the day of the county approval, which is today: no earlier, no later.
      const started = await postJson(target, '/api/v1/uploads/milestones', tokens.villageA1, { rows: [{ projectCode: 'PB-1', kind: '开工', date: shanghaiDate(target.clock.now()) }] });
      expect(started.status).toBe(200);
      const noReason = await postJson(target, '/api/v1/publish', tokens.county, { year: 2025 });
      expect(noReason.status).toBe(409);
      expect(((await noReason.json()) as ErrorAnswer).code).toBe('CORRECTION_REASON_REQUIRED');
      const corrected = await postJson(target, '/api/v1/publish', tokens.county, { year: 2025, correctionReason: '更新开工进度' });
      expect(await corrected.json()).toMatchObject({ createdCount: 2 });
      const audit = (await (await target.request('/api/v1/audit?limit=5', { headers: auth(tokens.inspector) })).json()) as { entries: Array<{ action: string }> };
      expect(audit.entries[0]!.action).toBe('publish');
    });
  });
}

/** Encodes text as GB18030 (TextEncoder only does UTF-8): through a lookup built by decoding. */
export function gb18030(text: string): Uint8Array {
  const decoder = new TextDecoder('gb18030');
  const table = new Map<string, number[]>();
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) {
      out.push(code);
      continue;
    }
    let bytes = table.get(ch);
    if (!bytes) {
      outer: for (let b1 = 0x81; b1 <= 0xfe; b1++) {
        for (let b2 = 0x40; b2 <= 0xfe; b2++) {
          if (b2 === 0x7f) continue;
          if (decoder.decode(new Uint8Array([b1, b2])) === ch) {
            bytes = [b1, b2];
            break outer;
          }
        }
      }
      if (!bytes) throw new Error(`no two-byte GB18030 code for ${ch}`);
      table.set(ch, bytes);
    }
    out.push(...bytes);
  }
  return new Uint8Array(out);
}
