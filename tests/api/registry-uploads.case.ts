/**
 * The county's registry uploads, as a county office sends them: 移民村名册 per year, the 花名册
 * (one row per member, ID numbers never stored or shown back in clear) and the 一卡通 results,
 * then 查直补 for a household of the uploaded roster. Bad files get every problem with row and
 * column, and write nothing.
 */
import { count, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as schema from '../../db/schema.ts';
import { idNumberCheckChar } from '../../db/seed/id-number.ts';
import type { ApiTarget } from '../support/api-target.ts';
import { mintAll, postBytes, seedCounty, VILLAGE_A1, VILLAGE_A2, type Tokens } from './fixtures.ts';

const id = (birth: string, seq: string) => `430482${birth}${seq}${idNumberCheckChar(`430482${birth}${seq}`)}`;
const MEMBERS = {
  head: { name: '刘满秀', id: id('19580312', '031') },
  wife: { name: '陈冬梅', id: id('19600505', '042') },
  other: { name: '谢石生', id: id('19650101', '015') },
};
const H1 = `${VILLAGE_A1}-0001`;
const H2 = `${VILLAGE_A1}-0002`;
const ROSTER_HEADER = '户编号,村代码,户主姓名,人口,成员姓名,身份证号,与户主关系,状态,核减原因,核减日期';
const rosterCsv = (lines: string[]) => `${ROSTER_HEADER}\n${lines.join('\n')}\n`;
const GOOD_ROSTER = rosterCsv([
  `${H1},${VILLAGE_A1},刘满秀,2,刘满秀,${MEMBERS.head.id},户主,在册,,`,
  `${H1},${VILLAGE_A1},刘满秀,2,陈冬梅,${MEMBERS.wife.id},配偶,在册,,`,
  `${H2},${VILLAGE_A1},谢石生,1,谢石生,${MEMBERS.other.id},户主,在册,,`,
]);

interface Answer {
  status?: string;
  created?: number;
  code?: string;
  details?: Array<{ row?: number; column?: string; problem: string; received?: string; expected?: string }>;
}

export function runRegistryUploadContract(newTarget: () => Promise<ApiTarget>): void {
  describe('registry uploads (villages, households, household-payments)', () => {
    let target: ApiTarget;
    let tokens: Tokens;
    beforeEach(async () => {
      target = await newTarget();
      await seedCounty(target.db);
      tokens = await mintAll(target.db);
    });
    afterEach(() => target.dispose());
    const csv = (kind: string, text: string, token = tokens.county) => postBytes(target, `/api/v1/uploads/${kind}`, token, text, { 'content-type': 'text/csv' });

    it('keeps each year’s migrant figures and shows the latest as the village’s own', async () => {
      const text = `村代码,年度,移民人数,移民户数,重点移民村,村部经度,村部纬度,坐标系,备注\n${VILLAGE_A1},2024,512,131,是,112.3956,26.4186,CGCS2000,\n${VILLAGE_A1},2025,509,130,是,,,,核减3人\n${VILLAGE_A2},2025,88,20,否,,,,\n`;
      const res = await csv('villages', text);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'committed', created: 3 });
      const years = await target.db.select().from(schema.villageRegistry).where(eq(schema.villageRegistry.villageCode, VILLAGE_A1));
      expect(years.map((y) => [y.year, y.migrantPopulation, y.migrantHouseholds])).toEqual([[2024, 512, 131], [2025, 509, 130]]);
      const [latest] = await target.db.select().from(schema.resettlementVillages).where(eq(schema.resettlementVillages.villageCode, VILLAGE_A1));
      expect(latest).toMatchObject({ migrantPopulation: 509, migrantHouseholds: 130, isKeyVillage: true });
      const [village] = await target.db.select().from(schema.divisions).where(eq(schema.divisions.code, VILLAGE_A1));
      expect(village).toMatchObject({ lon: 112.3956, lat: 26.4186, coordSource: 'registry' });
      expect(await (await csv('villages', text)).json()).toMatchObject({ status: 'replayed' });
      expect((await csv('villages', text, tokens.villageA1)).status).toBe(403);
    });

    it('refuses a bad registry with every problem, row and column, and writes nothing', async () => {
      await target.db.insert(schema.directSubsidies).values({ villageCode: VILLAGE_A1, year: 2025, beneficiaries: 500, amountFen: 30_000_000, dueDate: '2025-06-30' });
      const text = [
        '村代码,年度,移民人数,移民户数,重点移民村,村部经度,村部纬度,坐标系,备注',
        `430421100201,2025,10,3,否,,,,`,
        `${VILLAGE_A1},2025,509,130,否,,,,`,
        `${VILLAGE_A2},2025,20,25,否,,,,`,
        `${VILLAGE_A2},2025,20,5,否,,,,`,
        `${VILLAGE_A2},2024,20,5,否,116.4,39.9,,`,
      ].join('\n');
      const res = await csv('villages', text);
      expect(res.status).toBe(400);
      const body = (await res.json()) as Answer;
      expect(body.details!.map((d) => [d.row, d.column])).toEqual([
        [2, '村代码'],
        [3, '移民人数'],
        [4, '移民户数'],
        [5, '村代码'],
        [6, '村部经度'],
      ]);
      expect(body.details![1]).toMatchObject({ received: '509 人', expected: '500 人（直补资金发放表）' });
      const [n] = await target.db.select({ n: count() }).from(schema.villageRegistry);
      expect(n?.n).toBe(0);
    });

    it('stores a roster without any ID number in clear, and 查直补 then finds its households', async () => {
      const res = await csv('households', GOOD_ROSTER);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'committed', created: 3 });
      const people = await target.db.select().from(schema.persons);
      expect(people.map((p) => p.idMasked).sort()).toEqual(Object.values(MEMBERS).map((m) => `430****${m.id.slice(-2)}`).sort());
      const stored = JSON.stringify(await target.db.select().from(schema.persons)) + JSON.stringify(await target.db.select().from(schema.uploads)) + JSON.stringify(await target.db.select().from(schema.auditLog));
      for (const m of Object.values(MEMBERS)) expect(stored).not.toContain(m.id);
      const payments = `户编号,年度,金额(元),发放日期,结果,失败原因,处理办法\n${H1},2025,1200,2025-06-28,成功,,\n${H2},2025,600,,失败,账户冻结,核实后补发\n`;
      const paid = await csv('household-payments', payments);
      expect(paid.status).toBe(200);
      // 1,200 元 = 2 members 在册 × 600 元, 600 元 = 1 × 600 元: nothing to warn about.
      expect(await paid.json()).toMatchObject({ status: 'committed', created: 2, warnings: [] });
      const lookup = (body: unknown) => target.request('/api/v1/public/lookup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const found = (await (await lookup({ mode: 'id', villageCode: VILLAGE_A1, name: MEMBERS.wife.name, idTail: MEMBERS.wife.id.slice(-6) })).json()) as { found: boolean; payments: Array<{ year: number; amountText: string }> };
      expect(found).toMatchObject({ found: true, payments: [{ year: 2025, amountText: '1,200.00 元' }] });
      expect(await (await lookup({ mode: 'id', villageCode: VILLAGE_A1, name: MEMBERS.wife.name, idTail: MEMBERS.head.id.slice(-6) })).json()).toMatchObject({ found: false });
      const failed = (await (await lookup({ householdNumber: H2, name: MEMBERS.other.name })).json()) as { found: boolean; payments: Array<{ status: string }> };
      expect(failed).toMatchObject({ found: true, payments: [{ status: 'failed' }] });
    });

    it('refuses a bad roster with row and column, never showing an ID number back, and writes nothing', async () => {
      await csv('households', rosterCsv([`${H2},${VILLAGE_A1},谢石生,1,谢石生,${MEMBERS.other.id},户主,在册,,`]));
      const wrongCheck = `${MEMBERS.head.id.slice(0, 17)}${MEMBERS.head.id[17] === '1' ? '2' : '1'}`;
      const text = rosterCsv([
        `${H1},${VILLAGE_A1},刘满秀,2,刘满秀,${wrongCheck},户主,在册,,`,
        `${H1},${VILLAGE_A2},刘满秀,2,陈冬梅,${MEMBERS.wife.id},配偶,在册,,`,
        `${VILLAGE_A1}-0003,${VILLAGE_A1},王小二,1,王小二,${MEMBERS.wife.id},户主,在册,,`,
        `${VILLAGE_A1}-0003,${VILLAGE_A1},王小二,1,王二,${MEMBERS.wife.id},户主,在册,,`,
        `${VILLAGE_A1}-0004,${VILLAGE_A1},谢石生,1,谢石生,${MEMBERS.other.id},户主,在册,,`,
        `${VILLAGE_A1}-0005,${VILLAGE_A1},赵老五,1,赵老五,${id('19500101', '011')},户主,核减,,`,
        `${VILLAGE_A1}-0006,${VILLAGE_A1},钱六,1,钱六,12345,户主,在册,,`,
        `${VILLAGE_A1}-0007,${VILLAGE_A1},孙七,1,孙七,${wrongCheck.slice(0, 6)}19700101021${wrongCheck[17] === '1' ? '2' : '1'},户主,核减,,`,
      ]);
      const res = await csv('households', text);
      expect(res.status).toBe(400);
      const raw = await res.text();
      const body = JSON.parse(raw) as Answer;
      expect(body.details!.map((d) => [d.row, d.column])).toEqual([
        [2, '身份证号'],
        [3, '村代码'],
        [5, '身份证号'],
        [6, '身份证号'],
        [7, '核减原因'],
        [8, '身份证号'],
        // A refused ID number does not hide the row's other problems.
        [9, '身份证号'],
        [9, '核减原因'],
      ]);
      expect(body.details![0]).toMatchObject({ problem: '最后一位校验码不对，可能有一位抄错了', received: `430****${wrongCheck.slice(-2)}` });
      expect(body.details![3]!.problem).toContain(H2);
      for (const m of Object.values(MEMBERS)) expect(raw).not.toContain(m.id);
      expect(raw).not.toContain(wrongCheck);
      const [n] = await target.db.select({ n: count() }).from(schema.persons);
      expect(n?.n).toBe(1);
      const unknown = await csv('household-payments', `户编号,年度,金额(元),发放日期,结果,失败原因,处理办法\n${VILLAGE_A1}-0099,2025,600,2025-06-28,成功,,\n`);
      expect(unknown.status).toBe(400);
      expect(((await unknown.json()) as Answer).details).toEqual([expect.objectContaining({ row: 2, column: '户编号', problem: '花名册里没有这个户编号' })]);
    });
  });
}
