/**
 * 绩效自评表 over the API on both runtimes: who may read and save it, the office's lines saved and
 * audited, bad lines and dates refused in Chinese with nothing saved, the XLSX on both runtimes
 * (read back), the PDF drawn on Node (read back with pdftotext) and a 501 in the Worker.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { readSheet } from 'read-excel-file/universal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../../db/schema.ts';
import { shanghaiDate } from '../../src/domain/shared/dates.ts';
import type { RuntimeInfo } from '../contract/contract-case.ts';
import type { ApiTarget } from '../support/api-target.ts';
import { approve, auth, COUNTY, mintAll, postJson, projectRow, seedCounty, VILLAGE_A1, type Tokens } from './fixtures.ts';

export function runSelfEvaluationContract(newTarget: () => Promise<ApiTarget>, runtime: RuntimeInfo): void {
  describe('self-evaluation table', () => {
    let target: ApiTarget;
    let tokens: Tokens;
    let year: number;
    let today: string;
    beforeAll(async () => {
      target = await newTarget();
      await seedCounty(target.db);
      tokens = await mintAll(target.db);
      today = shanghaiDate(target.clock.now());
      // The fixtures' projects are of 2025.
      year = 2025;
      const r = await postJson(target, '/api/v1/uploads/projects', tokens.county, { rows: [projectRow('SE-1', VILLAGE_A1)] });
      expect(r.status).toBe(200);
      await approve(target, { county: tokens.county, township: tokens.townshipA }, ['SE-1']);
    });
    afterAll(() => target.dispose());

    const get = (token: string, path: string) => target.request(`/api/v1/self-evaluation/${path}`, { headers: auth(token) });
    const put = (token: string, lines: unknown) =>
      target.request(`/api/v1/self-evaluation/${year}/lines`, { method: 'PUT', headers: auth(token, { 'content-type': 'application/json' }), body: JSON.stringify({ lines }) });

    it('is read by the county and the inspectors, and refused to townships and villages', async () => {
      for (const who of ['county', 'inspector'] as const) expect((await get(tokens[who], `${year}?asOf=${today}`)).status, who).toBe(200);
      for (const who of ['townshipA', 'villageA1'] as const) {
        const res = await get(tokens[who], String(year));
        expect(res.status, who).toBe(403);
        expect(((await res.json()) as { message: string }).message).toContain('只有县级管理员和监督检查员');
      }
      expect((await target.request(`/api/v1/self-evaluation/${year}`)).status).toBe(401);
    });

    it('computes the year from the approved ledger and scores nothing before targets are entered', async () => {
      const body = (await (await get(tokens.county, String(year))).json()) as { asOf: string; rows: Array<{ key: string; actualText: string; score: number | null; unscoredReason: string | null }>; updatedAt: string | null };
      expect(body.asOf).toBe(today);
      expect(body.updatedAt).toBeNull();
      const beautiful = body.rows.find((r) => r.key === 'beautifulHomeProjects')!;
      expect(beautiful.actualText).toBe('1个');
      expect(beautiful.unscoredReason).toBe('没有填写年度指标值，不计分');
    });

    it('saves the county’s targets and notes, audited, and scores with them', async () => {
      const lines = [
        { key: 'beautifulHomeProjects', target: { op: '>=', value: 2 }, weight: 5, note: '一个项目推迟到明年' },
        { key: 'benefit-1', category: '社会效益指标', name: '移民生产生活条件', targetText: '明显改善', actualText: '明显改善', score: 15, weight: 15, note: '' },
      ];
      expect((await put(tokens.inspector, lines)).status).toBe(403);
      const res = await put(tokens.county, lines);
      expect(res.status).toBe(200);
      const body = (await (await get(tokens.county, String(year))).json()) as { rows: Array<{ key: string; targetText: string; score: number | null; note: string }>; updatedBy: string };
      expect(body.rows.find((r) => r.key === 'beautifulHomeProjects')).toMatchObject({ targetText: '≥2个', score: 2.5, note: '一个项目推迟到明年' });
      expect(body.rows.find((r) => r.key === 'benefit-1')).toMatchObject({ score: 15 });
      const audit = await target.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'self_evaluation.save'));
      expect(audit).toHaveLength(1);
      expect(audit[0]!.subjectId).toBe(String(year));
      expect(JSON.parse(audit[0]!.detailJson)).toMatchObject({ countyCode: COUNTY, year });
    });

    it('refuses bad lines and dates in Chinese and keeps what was saved', async () => {
      const before = await target.db.select().from(schema.selfEvaluationTargets);
      const res = await put(tokens.county, [{ key: 'implementationRate', target: { op: '>=', value: 150 }, weight: 4, note: '' }]);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { message: string; details: Array<{ column: string; problem: string }> };
      expect(body.message).toContain('没有保存');
      expect(body.details).toContainEqual({ column: '项目实施率：年度指标值', problem: '收到“150”，应为 0 到 100 的百分数' });
      expect(await target.db.select().from(schema.selfEvaluationTargets)).toEqual(before);
      const badDay = await get(tokens.county, `${year}?asOf=${year}-02-30`);
      expect(badDay.status).toBe(400);
      expect(((await badDay.json()) as { message: string }).message).toContain('不是真实的日期');
      expect((await get(tokens.county, `${year}?asOf=${Number(today.slice(0, 4)) + 1}-12-31`)).status).toBe(400);
    });

    it('downloads the table as XLSX with the same figures', async () => {
      const res = await get(tokens.county, `${year}/table.xlsx?asOf=${today}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('spreadsheetml');
      const rows = await readSheet(await res.arrayBuffer(), 1);
      const text = rows.map((r) => r.join('\t')).join('\n');
      expect(text).toContain(`常宁市${year}年度水库移民后期扶持资金绩效自评表`);
      expect(text).toContain('移民美丽家园建设项目\t≥2个\t1个\t5\t2.5\t一个项目推迟到明年');
      expect(text).not.toContain('示例数据');
    });

    it(runtime.name === 'node' ? 'draws the PDF on Node' : 'answers 501 for the PDF in the Worker', async () => {
      const res = await get(tokens.county, `${year}/table.pdf?asOf=${today}`);
      if (runtime.name !== 'node') {
        expect(res.status).toBe(501);
        expect(((await res.json()) as { message: string }).message).toContain('下载 Excel 版');
        return;
      }
      expect(res.status).toBe(200);
      const dir = mkdtempSync(join(tmpdir(), 'se-pdf-'));
      try {
        writeFileSync(join(dir, 't.pdf'), new Uint8Array(await res.arrayBuffer()));
        const text = execFileSync('pdftotext', ['-layout', join(dir, 't.pdf'), '-'], { encoding: 'utf8' });
        expect(text).toContain(`常宁市${year}年度水库移民后期扶持资金绩效自评表`);
        expect(text).toMatch(/移民美丽家园建设项目\s+≥2个\s+1个\s+5\s+2\.5/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
