/**
 * `GET /api/v1/ledger-books/{year}.xlsx`: the 台账 workbook opens with the same totals as the
 * portal (computeIndicators over the county-approved ledger, and the county disclosure's 指标文
 * received by the as-of day), for the county and for one township; projects still in the workflow
 * are listed apart and kept out of the 合计; a project name that looks like a formula comes back as
 * text; scope is enforced; bad inputs answer 400 naming what was received.
 *
 * The ledger is written straight into the database (dates in the past, a name the upload checks
 * would refuse), as an import or a hand edit could leave it.
 */
import { eq } from 'drizzle-orm';
import { readSheet } from 'read-excel-file/universal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../../db/schema.ts';
import { loadLedger } from '../../src/data/ledger.ts';
import { computeIndicators, formatPercent, type YearIndicators } from '../../src/domain/ledger/indicators.ts';
import type { Ledger } from '../../src/domain/ledger/ledger.ts';
import { shanghaiDate } from '../../src/domain/shared/dates.ts';
import { inflateEntry, listZipEntries } from '../../src/domain/upload/zip-guard.ts';
import type { RuntimeInfo } from '../contract/contract-case.ts';
import type { ApiTarget } from '../support/api-target.ts';
import { auth, COUNTY, mintAll, seedCounty, TOWNSHIP_A, TOWNSHIP_B, VILLAGE_A1, VILLAGE_A2, VILLAGE_B1, type Tokens } from './fixtures.ts';

const YEAR = 2025;
const AS_OF = '2025-06-30';
const FORMULA_NAME = '=HYPERLINK("http://example.invalid","点我")';
const PERSON_PAYEE = '张三丰';
const HOUSEHOLD_HEAD = '李四光';

type Cell = string | number | boolean | Date | null;
type Rows = Cell[][];

const yuan = (fen: number) => fen / 100;
/** A 元 cell back to fen (the workbook holds 元 with two decimals as numbers). */
const fenOf = (cell: Cell) => Math.round(Number(cell) * 100);

/** Arranges the 2025 ledger: approved projects in A1, A2 and B1, one still in the workflow, subsidies, documents. */
async function seedLedger(db: ApiTarget['db']): Promise<void> {
  const project = async (code: string, villageCode: string, name: string, state: (typeof schema.WORKFLOW_STATES)[number], year = YEAR) => {
    const [row] = await db
      .insert(schema.projects)
      .values({ code, year, villageCode, typeCode: 'beautiful_home', name, contentScale: code === 'L-A1' ? '+硬化道路1.2公里' : '硬化道路', implementingUnit: '村民委员会', workflowState: state })
      .returning({ id: schema.projects.id });
    return row!.id;
  };
  const a1 = await project('L-A1', VILLAGE_A1, '村组道路硬化', 'county_approved');
  const a2 = await project('L-A2', VILLAGE_A2, FORMULA_NAME, 'county_approved');
  const b1 = await project('L-B1', VILLAGE_B1, '灌溉渠道', 'county_approved');
  const pending = await project('L-A1-P', VILLAGE_A1, '文化广场', 'township_reviewed');
  const old = await project('L-OLD', VILLAGE_A1, '往年项目', 'county_approved', YEAR - 1);

  await db.insert(schema.projectBudgets).values([
    { projectId: a1, fundSource: 'central', amountFen: 25_000_000 },
    { projectId: a1, fundSource: 'county', amountFen: 1_000_000 },
    { projectId: a2, fundSource: 'central', amountFen: 8_000_000 },
    { projectId: b1, fundSource: 'provincial', amountFen: 12_000_000 },
    { projectId: pending, fundSource: 'central', amountFen: 4_000_000 },
    { projectId: old, fundSource: 'central', amountFen: 9_900_000 },
  ]);
  const steps = (projectId: number, dates: Partial<Record<(typeof schema.MILESTONE_KINDS)[number], string>>) =>
    Object.entries(dates).map(([kind, date]) => ({ projectId, kind: kind as (typeof schema.MILESTONE_KINDS)[number], date, actorUnit: '常宁市库区移民事务中心' }));
  await db.insert(schema.projectMilestones).values([
    ...steps(a1, { applied: '2025-03-01', village_reviewed: '2025-03-05', township_reviewed: '2025-03-10', county_approved: '2025-03-20', started: '2025-04-01', completed: '2025-05-20', accepted: '2025-06-10' }),
    ...steps(a2, { applied: '2025-03-02', village_reviewed: '2025-03-06', township_reviewed: '2025-03-11', county_approved: '2025-04-01', started: '2025-07-02' }),
    ...steps(b1, { applied: '2025-03-03', village_reviewed: '2025-03-07', township_reviewed: '2025-03-12', county_approved: '2025-03-25', started: '2025-04-05' }),
    ...steps(pending, { applied: '2025-05-01', village_reviewed: '2025-05-03', township_reviewed: '2025-05-08' }),
    ...steps(old, { applied: '2024-03-01', county_approved: '2024-03-20' }),
  ]);
  await db.update(schema.projects).set({ acceptanceResult: 'pass' }).where(eq(schema.projects.id, a1));
  await db.insert(schema.disbursements).values([
    { projectId: a1, date: '2025-04-10', amountFen: 10_000_000, fundSource: 'central', voucherNumber: 'V-1', payee: '某某建筑工程有限公司' },
    { projectId: a1, date: '2025-06-15', amountFen: 5_000_000, fundSource: 'central', voucherNumber: 'V-2', payee: PERSON_PAYEE, payeeIsPerson: true },
    // After the as-of day: not counted.
    { projectId: a1, date: '2025-07-10', amountFen: 1_000_000, fundSource: 'county', voucherNumber: 'V-3', payee: '某某公司' },
    { projectId: a2, date: '2025-05-01', amountFen: 3_000_000, fundSource: 'central', voucherNumber: 'V-4', payee: '某某公司' },
    { projectId: b1, date: '2025-06-01', amountFen: 12_000_000, fundSource: 'provincial', voucherNumber: 'V-5', payee: '某某公司' },
    { projectId: old, date: '2024-06-01', amountFen: 9_900_000, fundSource: 'central', voucherNumber: 'V-6', payee: '某某公司' },
  ]);
  await db.insert(schema.directSubsidies).values([
    { villageCode: VILLAGE_A1, year: YEAR, beneficiaries: 100, standardFenPerPerson: 60_000, amountFen: 6_000_000, dueDate: '2025-06-30', paymentDate: '2025-06-20' },
    { villageCode: VILLAGE_A2, year: YEAR, beneficiaries: 20, standardFenPerPerson: 60_000, amountFen: 1_200_000, dueDate: '2025-06-30', paymentDate: '2025-07-05' },
    { villageCode: VILLAGE_B1, year: YEAR, beneficiaries: 50, standardFenPerPerson: 60_000, amountFen: 3_000_000, dueDate: '2025-06-30', paymentDate: null },
  ]);
  // A roster household: the workbook never reads it.
  await db.insert(schema.households).values({ villageCode: VILLAGE_A1, householdNumber: `${VILLAGE_A1}-0001`, headName: HOUSEHOLD_HEAD, population: 3, accountNumber: '6217000000000000001' });

  const doc = async (docNumber: string, fundSource: (typeof schema.FUND_SOURCES)[number], batch: number, dateReceived: string, amountFen: number, year = YEAR) => {
    const [row] = await db
      .insert(schema.allocationDocuments)
      .values({ countyCode: COUNTY, issuer: '湖南省财政厅', docNumber, title: `关于下达${year}年后期扶持资金的通知`, year, batch, dateReceived, amountFen, fundSource })
      .returning({ id: schema.allocationDocuments.id });
    return row!.id;
  };
  const d1 = await doc('湘财农指〔2024〕180号', 'central', 1, '2024-12-15', 30_000_000);
  const d2 = await doc('湘财农指〔2025〕60号', 'central', 2, '2025-05-20', 15_000_000);
  const d3 = await doc('湘移〔2025〕20号', 'provincial', 1, '2025-03-01', 12_000_000);
  const d4 = await doc('常财农〔2025〕8号', 'county', 1, '2025-08-01', 1_000_000);
  await doc('湘财农指〔2023〕150号', 'central', 1, '2023-12-10', 9_900_000, YEAR - 1);
  const toProject = (documentId: number, projectId: number, amountFen: number) => ({ documentId, target: 'project' as const, projectId, year: YEAR, amountFen });
  const toSubsidy = (documentId: number, villageCode: string, amountFen: number) => ({ documentId, target: 'direct_subsidy' as const, villageCode, year: YEAR, amountFen });
  await db.insert(schema.allocations).values([
    toProject(d1, a1, 20_000_000),
    toSubsidy(d1, VILLAGE_A1, 6_000_000),
    toSubsidy(d1, VILLAGE_B1, 3_000_000),
    toProject(d2, a1, 5_000_000),
    toProject(d2, a2, 8_000_000),
    toProject(d3, b1, 12_000_000),
    toProject(d4, a1, 1_000_000),
  ]);
}

interface Workbook {
  bytes: ArrayBuffer;
  projects: Rows;
  money: Rows;
  subsidies: Rows;
  /** Every worksheet's XML, to look for formulas. */
  sheetXml: string[];
}

async function download(target: ApiTarget, token: string, query = ''): Promise<Workbook> {
  const res = await target.request(`/api/v1/ledger-books/${YEAR}.xlsx${query}`, { headers: auth(token) });
  if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
  expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="ledger-book-2025-\d+-[\d-]+\.xlsx"; filename\*=UTF-8''/);
  expect(res.headers.get('cache-control')).toBe('no-store');
  const bytes = await res.arrayBuffer();
  const u8 = new Uint8Array(bytes);
  const entries = listZipEntries(u8).filter((e) => /^xl\/(worksheets\/sheet\d+|sharedStrings)\.xml$/.test(e.name));
  const sheetXml = await Promise.all(entries.map(async (e) => new TextDecoder().decode(await inflateEntry(u8, e))));
  const [projects, money, subsidies] = (await Promise.all(['项目台账', '资金台账', '直补台账'].map((name) => readSheet(bytes, name)))) as Rows[];
  return { bytes, projects: projects!, money: money!, subsidies: subsidies!, sheetXml };
}

/** The row whose column `col` holds `label` (exactly). */
const rowWith = (rows: Rows, col: number, label: string) => {
  const row = rows.find((r) => r[col] === label);
  if (!row) throw new Error(`no row with ${label} in column ${col}: ${JSON.stringify(rows.map((r) => r[col]))}`);
  return row;
};
/** The column whose header (in the header row, the first with 序号) is `header`. */
const columnOf = (rows: Rows, header: string) => {
  const head = rows.find((r) => r[0] === '序号')!;
  const i = head.indexOf(header);
  if (i < 0) throw new Error(`no column ${header}: ${JSON.stringify(head)}`);
  return i;
};

/** The portal's figures: computeIndicators over the county-approved ledger, of one township when given. */
async function portalFigures(db: ApiTarget['db'], township: string | null): Promise<YearIndicators> {
  const ledger = await loadLedger(db, { year: YEAR });
  const scoped: Ledger = township
    ? { projects: ledger.projects.filter((p) => p.townshipCode === township), directSubsidies: ledger.directSubsidies.filter((s) => s.townshipCode === township), trainings: [] }
    : ledger;
  return computeIndicators(scoped, { year: YEAR, asOf: AS_OF });
}

function expectProjectTotals(book: Workbook, ind: YearIndicators): void {
  const rows = book.projects;
  const total = rowWith(rows, 1, '合计');
  expect(fenOf(total[columnOf(rows, '批复资金合计（元）')]!)).toBe(ind.budgetTotalFen);
  expect(fenOf(total[columnOf(rows, '已拨付（元）')]!)).toBe(ind.disbursedTotalFen);
  expect(fenOf(total[columnOf(rows, '中央资金（元）')]!)).toBe(ind.budgetByFundSource.central);
  expect(fenOf(total[columnOf(rows, '省级资金（元）')]!)).toBe(ind.budgetByFundSource.provincial);
  expect(fenOf(total[columnOf(rows, '县级资金（元）')]!)).toBe(ind.budgetByFundSource.county);
  expect(fenOf(total[columnOf(rows, '其他资金（元）')]!)).toBe(ind.budgetByFundSource.other);
  expect(total[columnOf(rows, '拨付率')]).toBe(formatPercent(ind.disbursementRate));
  expect(total[columnOf(rows, '项目名称')]).toBe(`县级已审批 ${ind.projectCountsByGroup.total} 个项目`);
  // The approved rows above the 合计 add up to it, as a SUM in the spreadsheet would.
  const first = rows.findIndex((r) => r[0] === '序号') + 1;
  const approved = rows.slice(first, rows.indexOf(total));
  expect(approved).toHaveLength(ind.projectCountsByGroup.total);
  const budget = columnOf(rows, '批复资金合计（元）');
  expect(approved.reduce((n, r) => n + fenOf(r[budget]!), 0)).toBe(ind.budgetTotalFen);
}

function expectSubsidyTotals(book: Workbook, ind: YearIndicators): void {
  const rows = book.subsidies;
  const total = rowWith(rows, 1, '合计');
  expect(total[columnOf(rows, '享受人数')]).toBe(ind.directSubsidyBeneficiaries);
  expect(fenOf(total[columnOf(rows, '应发金额（元）')]!)).toBe(ind.directSubsidyAmountFen);
  expect(fenOf(total[columnOf(rows, '已发放金额（元）')]!)).toBe(ind.directSubsidyPaidFen);
  expect(total[2]).toBe(`${ind.directSubsidyVillages} 个村`);
}

export function runLedgerBooksContract(newTarget: () => Promise<ApiTarget>, runtime: RuntimeInfo): void {
  describe('ledger books (台账 XLSX)', () => {
    let target: ApiTarget;
    let tokens: Tokens;
    beforeAll(async () => {
      target = await newTarget();
      await seedCounty(target.db);
      tokens = await mintAll(target.db);
      await seedLedger(target.db);
    });
    afterAll(() => target.dispose());

    it('the county workbook has the portal’s totals, the header block, and the projects in the workflow apart', async () => {
      const book = await download(target, tokens.county, `?asOf=${AS_OF}`);
      const ind = await portalFigures(target.db, null);
      // The pending project has money: had it been counted, the totals would differ.
      expect(ind.budgetTotalFen).toBe(25_000_000 + 1_000_000 + 8_000_000 + 12_000_000);
      expect(ind.disbursedTotalFen).toBe(10_000_000 + 5_000_000 + 3_000_000 + 12_000_000);
      expectProjectTotals(book, ind);
      expectSubsidyTotals(book, ind);

      const p = book.projects;
      expect(p[0]![0]).toBe('常宁市2025年度大中型水库移民后期扶持项目台账');
      expect(p.map((r) => r[0])).toEqual(expect.arrayContaining(['范围：全县（常宁市）', `数据截至：${AS_OF}`, '编制单位：常宁市库区移民事务中心', '金额单位：元']));
      expect(p.some((r) => typeof r[0] === 'string' && /^导出时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）$/.test(r[0]))).toBe(true);

      // One row per project of the year: the approved ones, then the one in the workflow under its own heading and 小计.
      const codes = p.map((r) => r[1]);
      expect(codes.filter((c) => typeof c === 'string' && c.startsWith('L-'))).toEqual(['L-A1', 'L-A2', 'L-B1', 'L-A1-P']);
      const pendingRow = rowWith(p, 1, 'L-A1-P');
      expect(p.indexOf(pendingRow)).toBeGreaterThan(p.indexOf(rowWith(p, 1, '合计')));
      expect(pendingRow[columnOf(p, '状态')]).toBe('审批中：乡镇已审核（待县级审批）');
      expect(pendingRow[columnOf(p, '乡镇审核')]).toBe('2025-05-08');
      expect(pendingRow[columnOf(p, '县级审批（批复）')]).toBeNull();
      expect(p.some((r) => r[0] === '审批中的项目（不计入合计，金额为申报数）：1 个')).toBe(true);
      expect(fenOf(rowWith(p, 1, '小计')[columnOf(p, '批复资金合计（元）')]!)).toBe(4_000_000);

      // 立项, 批复, 实施, 验收 and 拨付 of one project, as of the day.
      const a1 = rowWith(p, 1, 'L-A1');
      expect(a1.slice(2, 4)).toEqual(['柏坊镇', '禄福村委会']);
      expect([a1[columnOf(p, '申请日期')], a1[columnOf(p, '县级审批（批复）')], a1[columnOf(p, '开工日期')], a1[columnOf(p, '完工日期')], a1[columnOf(p, '验收日期')], a1[columnOf(p, '验收结论')]]).toEqual([
        '2025-03-01',
        '2025-03-20',
        '2025-04-01',
        '2025-05-20',
        '2025-06-10',
        '合格',
      ]);
      // Documents received by the as-of day only (常财农〔2025〕8号 came in August).
      expect(a1[columnOf(p, '资金指标文号')]).toBe('湘财农指〔2024〕180号、湘财农指〔2025〕60号');
      expect(fenOf(a1[columnOf(p, '已拨付（元）')]!)).toBe(15_000_000);
      expect(a1[columnOf(p, '拨付率')]).toBe('57.7%');
      expect(a1[columnOf(p, '状态')]).toBe('已验收');
      // Started after the as-of day: not started as of it.
      const a2 = rowWith(p, 1, 'L-A2');
      expect(a2[columnOf(p, '开工日期')]).toBeNull();
      expect(a2[columnOf(p, '状态')]).toBe('未开工');
    });

    it('the 资金台账 lists each 指标文 of the year received by the day, with what was arranged, paid and left', async () => {
      const { money } = await download(target, tokens.county, `?asOf=${AS_OF}`);
      const col = (h: string) => columnOf(money, h);
      const figures = (docNumber: string) => {
        const r = rowWith(money, 1, docNumber);
        return ['下达金额（元）', '安排到项目（元）', '安排到直补（元）', '未安排（元）', '项目已拨付（元）', '直补已发放（元）', '结余（元）'].map((h) => fenOf(r[col(h)]!));
      };
      // Payments are set against the documents first come first used: L-A1's 150,000 central yuan all from the December document.
      expect(figures('湘财农指〔2024〕180号')).toEqual([30_000_000, 20_000_000, 9_000_000, 1_000_000, 15_000_000, 6_000_000, 9_000_000]);
      expect(figures('湘财农指〔2025〕60号')).toEqual([15_000_000, 13_000_000, 0, 2_000_000, 3_000_000, 0, 12_000_000]);
      expect(figures('湘移〔2025〕20号')).toEqual([12_000_000, 12_000_000, 0, 0, 12_000_000, 0, 0]);
      expect(money.some((r) => r[1] === '常财农〔2025〕8号' || r[1] === '湘财农指〔2023〕150号')).toBe(false);
      expect(rowWith(money, 1, '中央资金小计')[col('下达金额（元）')]).toBe(yuan(45_000_000));
      // The 合计 is what the county disclosure lists as 资金下达 by the day.
      const listed = (await target.db.select().from(schema.allocationDocuments)).filter((d) => d.year === YEAR && d.dateReceived <= AS_OF);
      const total = rowWith(money, 1, '合计');
      expect(fenOf(total[col('下达金额（元）')]!)).toBe(listed.reduce((n, d) => n + d.amountFen, 0));
      expect(fenOf(total[col('结余（元）')]!)).toBe(57_000_000 - 30_000_000 - 6_000_000);
      expect(money.some((r) => r[0] === '核对：项目台账的已拨付合计（含审批中项目）为 300,000.00 元，都有对应的指标文分配。')).toBe(true);
    });

    it('writes every text cell as text: a name like a formula comes back as text, and no cell is a formula', async () => {
      const book = await download(target, tokens.county, `?asOf=${AS_OF}`);
      expect(rowWith(book.projects, 1, 'L-A2')[columnOf(book.projects, '项目名称')]).toBe(`'${FORMULA_NAME}`);
      expect(rowWith(book.projects, 1, 'L-A1')[columnOf(book.projects, '建设内容及规模')]).toBe("'+硬化道路1.2公里");
      expect(book.sheetXml.length).toBeGreaterThanOrEqual(3);
      for (const xml of book.sheetXml) expect(xml).not.toMatch(/<f[\s>]/);
      // Amounts are numbers in 元.
      expect(typeof rowWith(book.projects, 1, 'L-A2')[columnOf(book.projects, '批复资金合计（元）')]).toBe('number');
    });

    it('names no person: no payee, no roster name or account', async () => {
      const book = await download(target, tokens.county, `?asOf=${AS_OF}`);
      const all = [book.projects, book.money, book.subsidies].flat(2).join('\n') + book.sheetXml.join('\n');
      for (const secret of [PERSON_PAYEE, HOUSEHOLD_HEAD, '6217000000000000001', 'V-2']) expect(all).not.toContain(secret);
    });

    it('one township: the county may ask for any, a township gets its own and no other, a village none', async () => {
      const a = await portalFigures(target.db, TOWNSHIP_A);
      const own = await download(target, tokens.townshipA, `?asOf=${AS_OF}`);
      expectProjectTotals(own, a);
      expectSubsidyTotals(own, a);
      expect(own.projects.map((r) => r[0])).toContain(`范围：柏坊镇（${TOWNSHIP_A}）`);
      expect(own.projects.some((r) => r[1] === 'L-B1')).toBe(false);
      expect(own.subsidies.some((r) => r[3] === VILLAGE_B1)).toBe(false);
      // The township's share of each document; the county-wide amount is not added up.
      const d1 = rowWith(own.money, 1, '湘财农指〔2024〕180号');
      expect(fenOf(d1[columnOf(own.money, '安排到直补（元）')]!)).toBe(6_000_000);
      expect(fenOf(d1[columnOf(own.money, '结余（元）')]!)).toBe(20_000_000 + 6_000_000 - 15_000_000 - 6_000_000);
      expect(rowWith(own.money, 1, '合计')[columnOf(own.money, '下达金额（元）')]).toBeNull();
      expect(own.money.some((r) => r[1] === '湘移〔2025〕20号')).toBe(false);

      const same = await download(target, tokens.townshipA, `?asOf=${AS_OF}&township=${TOWNSHIP_A}`);
      expectProjectTotals(same, a);

      const other = await target.request(`/api/v1/ledger-books/${YEAR}.xlsx?township=${TOWNSHIP_B}`, { headers: auth(tokens.townshipA) });
      expect(other.status).toBe(403);
      expect(((await other.json()) as { message: string }).message).toContain(TOWNSHIP_B);

      const b = await download(target, tokens.county, `?asOf=${AS_OF}&township=${TOWNSHIP_B}`);
      expectProjectTotals(b, await portalFigures(target.db, TOWNSHIP_B));
      expect(b.projects.some((r) => r[1] === 'L-A1')).toBe(false);
      const inspector = await download(target, tokens.inspector, `?asOf=${AS_OF}&township=${TOWNSHIP_B}`);
      expectProjectTotals(inspector, await portalFigures(target.db, TOWNSHIP_B));

      const village = await target.request(`/api/v1/ledger-books/${YEAR}.xlsx`, { headers: auth(tokens.villageA1) });
      expect(village.status).toBe(403);
    });

    it('answers 400 naming what it received and what it expects for a bad year, day or township', async () => {
      const ask = async (path: string) => {
        const res = await target.request(`/api/v1/ledger-books/${path}`, { headers: auth(tokens.county) });
        return { status: res.status, body: (await res.json()) as { code: string; message: string; details?: Array<{ received?: string; expected?: string }> } };
      };
      const year = await ask('20x5.xlsx');
      expect(year.status).toBe(400);
      expect(year.body.message).toContain('“20x5”');
      expect(year.body.message).toContain('2000–2100');
      expect((await ask('1999.xlsx')).status).toBe(400);
      const day = await ask(`${YEAR}.xlsx?asOf=2025-02-30`);
      expect(day.status).toBe(400);
      expect(day.body.message).toContain('“2025-02-30”');
      expect(day.body.details?.[0]).toMatchObject({ received: '2025-02-30' });
      const future = await ask(`${YEAR}.xlsx?asOf=2999-01-01`);
      expect(future.status).toBe(400);
      expect(future.body.message).toContain('不能晚于今天');
      const shortCode = await ask(`${YEAR}.xlsx?township=43048`);
      expect(shortCode.status).toBe(400);
      expect(shortCode.body.message).toContain('“43048”');
      const unknown = await ask(`${YEAR}.xlsx?township=430482199`);
      expect(unknown.status).toBe(400);
      expect(unknown.body.message).toContain(`柏坊镇 ${TOWNSHIP_A}`);
      expect((await ask(`${YEAR}.csv`)).status).toBe(404);
    });

    it.runIf(runtime.clock === 'injected')('without asOf, the data are as of today in Asia/Shanghai by the app’s clock', async () => {
      const clock = target.clock as unknown as { set(instant: string): void };
      clock.set('2025-07-31T17:30:00.000Z'); // 2025-08-01 01:30 in Beijing
      const book = await download(target, tokens.county);
      expect(shanghaiDate(target.clock.now())).toBe('2025-08-01');
      expect(book.projects.map((r) => r[0])).toContain('数据截至：2025-08-01');
      expect(book.projects.map((r) => r[0])).toContain('导出时间：2025-08-01 01:30（北京时间）');
      // The county document received on 2025-08-01 now counts, and so does the county-fund payment of 2025-07-10.
      expect(book.money.some((r) => r[1] === '常财农〔2025〕8号')).toBe(true);
      expect(fenOf(rowWith(book.projects, 1, '合计')[columnOf(book.projects, '已拨付（元）')]!)).toBe(31_000_000);
    });
  });
}
