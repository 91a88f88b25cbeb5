import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase, type OpenDatabase } from '../../db/client.ts';
import * as schema from '../../db/schema.ts';
import {
  findDisclosureByVerificationCode,
  listDisclosureVersions,
  listPublishedYears,
  loadPublishedYear,
  publishDisclosures,
  verifyDisclosureChain,
  type PublishOptions,
  type PublishSuccess,
} from '../../src/data/disclosures.ts';
import { diffDisclosureContent, type CountyDisclosureContent, type VillageDisclosureContent } from '../../src/domain/disclosure/disclosure-content.ts';
import type { Ledger, ProjectRecord } from '../../src/domain/ledger/ledger.ts';

const COUNTY = '430482';
const TOWNSHIP = '430482105';
const VILLAGE_A = '430482105003';
const VILLAGE_B = '430482105004';

let dir: string;
let opened: OpenDatabase;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'disclosures-'));
  opened = await openDatabase({ url: `file:${join(dir, 'test.db')}` });
  await migrateDatabase(opened.db);
  const { db } = opened;
  await db.insert(schema.divisions).values([
    { code: COUNTY, name: '常宁市', level: 'county' },
    { code: TOWNSHIP, name: '示例镇', level: 'township', parentCode: COUNTY },
    { code: VILLAGE_A, name: '甲村', level: 'village', parentCode: TOWNSHIP },
    { code: VILLAGE_B, name: '乙村', level: 'village', parentCode: TOWNSHIP },
  ]);
  await db.insert(schema.resettlementVillages).values([
    { villageCode: VILLAGE_A, migrantPopulation: 512, migrantHouseholds: 130, isKeyVillage: true, supervisionPhone: '0734-7212345' },
    { villageCode: VILLAGE_B, migrantPopulation: 210, migrantHouseholds: 55 },
  ]);
  await db.insert(schema.projectTypes).values({ code: 'road', name: '道路硬化', indicatorGroup: 'production_infrastructure' });
  await db.insert(schema.allocationDocuments).values({
    countyCode: COUNTY,
    issuer: '湖南省财政厅',
    docNumber: '湘财农指〔2023〕3号',
    title: '关于下达2023年大中型水库移民后期扶持资金的通知',
    year: 2023,
    batch: 1,
    dateReceived: '2023-02-01',
    amountFen: 3_000_000_000,
    fundSource: 'central',
  });
});

afterEach(() => {
  opened.close();
  rmSync(dir, { recursive: true, force: true });
});

function project(code: string, villageCode: string, overrides: Partial<ProjectRecord> = {}): ProjectRecord {
  return {
    code,
    year: 2023,
    villageCode,
    townshipCode: TOWNSHIP,
    groupName: null,
    typeCode: 'road',
    typeName: '道路硬化',
    indicatorGroup: 'production_infrastructure',
    name: `${code} 通组道路硬化`,
    contentScale: '硬化道路1.2公里',
    implementingUnit: '村民委员会',
    lon: null,
    lat: null,
    locationPrecision: 'village_centre',
    acceptanceResult: null,
    beneficiaries: 100,
    beneficiaryHouseholds: 30,
    budget: [{ fundSource: 'central', amountFen: 10_000_000 }],
    milestones: [
      { kind: 'applied', date: '2023-02-10', actorUnit: null },
      { kind: 'started', date: '2023-04-01', actorUnit: null },
    ],
    disbursements: [{ date: '2023-05-01', amountFen: 4_000_000, fundSource: 'central', voucherNumber: `PZ-${code}`, payee: '张三' }],
    ...overrides,
  };
}

function sampleLedger(budgetA = 10_000_000): Ledger {
  return {
    projects: [
      project('CN2023-001', VILLAGE_A, { budget: [{ fundSource: 'central', amountFen: budgetA }] }),
      project('CN2023-002', VILLAGE_B),
    ],
    directSubsidies: [
      {
        villageCode: VILLAGE_A,
        townshipCode: TOWNSHIP,
        year: 2023,
        beneficiaries: 512,
        standardFenPerPerson: 60_000,
        amountFen: 30_720_000,
        dueDate: '2023-06-30',
        paymentDate: '2023-06-28',
        channel: '一卡通',
      },
    ],
    trainings: [
      { year: 2023, course: '电工', organizer: '常宁市人社局', startDate: '2023-05-01', endDate: '2023-05-10', townshipCode: null, trainees: 40, passed: 38 },
    ],
  };
}

function options(overrides: Partial<PublishOptions> = {}): PublishOptions {
  return {
    year: 2023,
    asOf: '2023-08-31',
    publishedAt: '2023-09-01T02:00:00.000Z',
    periodStart: '2023-09-01',
    issuingUnit: '常宁市库区移民事务中心',
    isSample: true,
    ledger: sampleLedger(),
    ...overrides,
  };
}

async function publishOk(overrides: Partial<PublishOptions> = {}): Promise<PublishSuccess> {
  const result = await publishDisclosures(opened.db, options(overrides));
  if (!result.ok) throw new Error(`publish failed: ${result.code} ${result.message}`);
  return result;
}

const rowCount = async () => (await opened.db.select().from(schema.disclosures)).length;

/** Writes an approved project with one disbursement to the internal tables, as the workflow does. */
async function insertInternalProject(code: string, villageCode: string, payeeIsPerson: boolean) {
  const [row] = await opened.db
    .insert(schema.projects)
    .values({
      code,
      year: 2023,
      villageCode,
      typeCode: 'road',
      name: `${code} 内部新增`,
      contentScale: '待定',
      implementingUnit: '村民委员会',
      workflowState: 'county_approved',
    })
    .returning({ id: schema.projects.id });
  await opened.db.insert(schema.projectBudgets).values({ projectId: row!.id, fundSource: 'central', amountFen: 500 });
  await opened.db.insert(schema.projectMilestones).values({ projectId: row!.id, kind: 'county_approved', date: '2023-03-01' });
  await opened.db.insert(schema.disbursements).values({
    projectId: row!.id,
    date: '2023-05-01',
    amountFen: 100,
    voucherNumber: `PZ-${code}`,
    payee: '李四',
    payeeIsPerson,
  });
}

describe('publishDisclosures', () => {
  it('publishes version 1 of every village with data, then the county listing them', async () => {
    const result = await publishOk();
    expect(result.createdCount).toBe(3);
    expect(result.created.map((r) => [r.scopeType, r.scopeCode, r.version])).toEqual([
      ['village', VILLAGE_A, 1],
      ['village', VILLAGE_B, 1],
      ['county', COUNTY, 1],
    ]);
    const rows = await opened.db.select().from(schema.disclosures);
    for (const row of rows) {
      expect(row).toMatchObject({ periodStart: '2023-09-01', periodEnd: '2023-09-10', previousHash: null, correctionReason: null, isSample: true });
      expect(row.verificationCode).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    }
    const county = JSON.parse(rows[2]!.contentJson) as CountyDisclosureContent;
    expect(county.villages).toEqual([
      { code: VILLAGE_A, name: '甲村', townshipCode: TOWNSHIP, townshipName: '示例镇', version: 1, contentHash: result.created[0]!.contentHash },
      { code: VILLAGE_B, name: '乙村', townshipCode: TOWNSHIP, townshipName: '示例镇', version: 1, contentHash: result.created[1]!.contentHash },
    ]);
    expect(county.totals.allocatedFen).toBe(3_000_000_000);
    expect(county.trainings).toHaveLength(1);
    const village = JSON.parse(rows[0]!.contentJson) as VillageDisclosureContent;
    expect(village.scope).toMatchObject({ code: VILLAGE_A, name: '甲村', townshipName: '示例镇', countyName: '常宁市' });
    expect(village.village).toEqual({ migrantPopulation: 512, migrantHouseholds: 130, isKeyVillage: true, supervisionPhone: '0734-7212345' });
  });

  it('uses the given period length', async () => {
    await publishOk({ periodDays: 15 });
    const [row] = await opened.db.select().from(schema.disclosures);
    expect(row?.periodEnd).toBe('2023-09-15');
  });

  it('publishes only the villages asked for', async () => {
    const result = await publishOk({ villageCodes: [VILLAGE_B] });
    expect(result.created.map((r) => r.scopeCode)).toEqual([VILLAGE_B, COUNTY]);
  });

  it('does nothing when published again unchanged, even with a later cut-off date', async () => {
    await publishOk();
    const again = await publishOk();
    expect(again).toMatchObject({ createdCount: 0, unchangedCount: 3 });
    const later = await publishOk({ asOf: '2023-09-05', publishedAt: '2023-09-06T02:00:00.000Z' });
    expect(later.createdCount).toBe(0);
    expect(await rowCount()).toBe(3);
  });

  it('refuses a changed version without a reason, writes nothing, and lists the changes', async () => {
    await publishOk();
    const result = await publishDisclosures(opened.db, options({ ledger: sampleLedger(12_000_000) }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe('CORRECTION_REASON_REQUIRED');
    expect(result.message).toMatch(/更正原因/);
    expect(result.details?.map((d) => [d.scopeCode, d.latestVersion])).toEqual([
      [VILLAGE_A, 1],
      [COUNTY, 1],
    ]);
    expect(result.details?.[0]?.changes.map((c) => c.description)).toEqual([
      '项目 CN2023-001「CN2023-001 通组道路硬化」预算由 100,000.00 元 改为 120,000.00 元',
    ]);
    expect(await rowCount()).toBe(3);
  });

  it('treats a blank reason as no reason', async () => {
    await publishOk();
    const result = await publishDisclosures(opened.db, options({ ledger: sampleLedger(12_000_000), correctionReason: '   ' }));
    expect(result).toMatchObject({ ok: false, code: 'CORRECTION_REASON_REQUIRED' });
  });

  it('publishes a correction as version 2 chained to version 1, and a new county version', async () => {
    const first = await publishOk();
    const second = await publishOk({
      ledger: sampleLedger(12_000_000),
      correctionReason: '更正甲村项目预算录入错误',
      publishedAt: '2023-09-05T02:00:00.000Z',
      periodStart: '2023-09-05',
    });
    expect(second.created.map((r) => [r.scopeCode, r.version])).toEqual([
      [VILLAGE_A, 2],
      [COUNTY, 2],
    ]);
    expect(second.unchanged).toEqual([{ scopeType: 'village', scopeCode: VILLAGE_B, version: 1 }]);

    const versions = await listDisclosureVersions(opened.db, 'village', VILLAGE_A, 2023);
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    expect(versions[1]?.previousHash).toBe(first.created[0]!.contentHash);
    expect(versions[1]?.correctionReason).toBe('更正甲村项目预算录入错误');
    expect(versions[0]?.correctionReason).toBeNull();
    expect(diffDisclosureContent(versions[0]!.content, versions[1]!.content).map((c) => c.kind)).toEqual(['project_budget_changed']);

    const county = (await loadPublishedYear(opened.db, 2023)).county;
    expect(county?.version).toBe(2);
    expect(county?.previousHash).toBe(first.created[2]!.contentHash);
    expect(county?.content.villages.map((v) => [v.code, v.version])).toEqual([
      [VILLAGE_A, 2],
      [VILLAGE_B, 1],
    ]);
    expect(await verifyDisclosureChain(opened.db)).toEqual({ ok: true, checked: 5 });
  });

  it('masks payees flagged as private persons in the internal tables', async () => {
    await insertInternalProject('CN2023-001', VILLAGE_A, true);
    await insertInternalProject('CN2023-002', VILLAGE_B, false);
    await publishOk();
    const { ledger } = await loadPublishedYear(opened.db, 2023);
    expect(ledger.projects.map((p) => [p.code, p.disbursements[0]?.payee])).toEqual([
      ['CN2023-001', '张*'],
      ['CN2023-002', '张三'],
    ]);
  });

  it('reads the internal tables when no ledger is given', async () => {
    await insertInternalProject('CN2023-010', VILLAGE_A, true);
    const result = await publishOk({ ledger: undefined });
    expect(result.created.map((r) => r.scopeCode)).toEqual([VILLAGE_A, COUNTY]);
    const { ledger } = await loadPublishedYear(opened.db, 2023);
    expect(ledger.projects.map((p) => [p.code, p.disbursements[0]?.payee, p.budget[0]?.amountFen])).toEqual([['CN2023-010', '李*', 500]]);
  });

  it.each([
    ['a bad cut-off date', { asOf: '2023-02-30' }, 'INVALID_PUBLISH_OPTIONS', /数据截止日期.*2023-02-30/],
    ['a zero-day period', { periodDays: 0 }, 'INVALID_PUBLISH_OPTIONS', /公示天数/],
    ['an empty issuing unit', { issuingUnit: ' ' }, 'INVALID_PUBLISH_OPTIONS', /公示单位/],
    ['an unknown village', { villageCodes: ['430482999999'] }, 'UNKNOWN_VILLAGE', /430482999999/],
    ['a township code given as a village', { villageCodes: [TOWNSHIP] }, 'UNKNOWN_VILLAGE', /430482105/],
    ['a year without data', { year: 2021 }, 'NOTHING_TO_PUBLISH', /2021/],
  ] as const)('refuses %s with a code and a Chinese message', async (_label, overrides, code, message) => {
    const result = await publishDisclosures(opened.db, options(overrides));
    expect(result).toMatchObject({ ok: false, code });
    if (!result.ok) expect(result.message).toMatch(message);
    expect(await rowCount()).toBe(0);
  });
});

describe('immutability', () => {
  it('rejects UPDATE and DELETE of a published row in the database itself', async () => {
    await publishOk();
    const { db, client } = opened;
    // drizzle wraps the driver error ("Failed query: …"); the trigger's message is in its cause.
    const failure = async (query: PromiseLike<unknown>) => {
      try {
        await query;
      } catch (error) {
        return `${String(error)} ${String((error as { cause?: unknown }).cause)}`;
      }
      return 'no error';
    };
    expect(await failure(db.update(schema.disclosures).set({ issuingUnit: '改过的单位' }).where(eq(schema.disclosures.id, 1)))).toMatch(
      /disclosures are immutable/,
    );
    expect(await failure(db.delete(schema.disclosures).where(eq(schema.disclosures.id, 1)))).toMatch(/disclosures are immutable/);
    expect(await failure(client.execute("UPDATE disclosures SET content_json = '{}'"))).toMatch(/disclosures are immutable/);
    expect(await failure(client.execute('DELETE FROM disclosures'))).toMatch(/disclosures are immutable/);
    expect(await rowCount()).toBe(3);
    expect(await verifyDisclosureChain(db)).toEqual({ ok: true, checked: 3 });
  });

  it('names the first row whose hash does not hold', async () => {
    const first = await publishOk();
    await opened.db.insert(schema.disclosures).values({
      scopeType: 'village',
      scopeCode: VILLAGE_A,
      year: 2023,
      version: 2,
      periodStart: '2023-09-05',
      periodEnd: '2023-09-14',
      issuingUnit: '常宁市库区移民事务中心',
      publishedAt: '2023-09-05T02:00:00.000Z',
      contentJson: '{"forged":true}',
      contentHash: 'f'.repeat(64),
      previousHash: first.created[0]!.contentHash,
      verificationCode: 'ZZZZ-ZZZZ',
      correctionReason: '伪造',
    });
    const result = await verifyDisclosureChain(opened.db);
    expect(result).toMatchObject({ ok: false, code: 'CHAIN_BROKEN', checked: 3, broken: { scopeCode: VILLAGE_A, version: 2, problem: 'hash_mismatch' } });
    if (!result.ok) expect(result.message).toContain('内容哈希与内容不符');
  });
});

describe('readers', () => {
  it('show only what was published, not later changes to the internal tables', async () => {
    await publishOk();
    await insertInternalProject('CN2023-099', VILLAGE_A, false);
    const year = await loadPublishedYear(opened.db, 2023);
    expect(year.ledger.projects.map((p) => p.code)).toEqual(['CN2023-001', 'CN2023-002']);
    expect(year.villages.map((v) => [v.scopeCode, v.version])).toEqual([
      [VILLAGE_A, 1],
      [VILLAGE_B, 1],
    ]);
    expect(year.ledger.directSubsidies.map((s) => s.villageCode)).toEqual([VILLAGE_A]);
    expect(year.ledger.trainings.map((t) => t.course)).toEqual(['电工']);
    expect(year.asOf).toBe('2023-08-31');
    expect(year.villages[0]?.contentJson).toContain('"code":"CN2023-001"');
  });

  it('return an empty year when nothing is published', async () => {
    expect(await loadPublishedYear(opened.db, 2023)).toEqual({
      year: 2023,
      county: null,
      villages: [],
      ledger: { projects: [], directSubsidies: [], trainings: [] },
      asOf: null,
    });
    expect(await listPublishedYears(opened.db)).toEqual([]);
  });

  it('list published years newest first', async () => {
    await publishOk();
    const ledger2022: Ledger = { projects: [project('CN2022-001', VILLAGE_A, { year: 2022 })], directSubsidies: [], trainings: [] };
    await publishOk({ year: 2022, asOf: '2022-12-31', ledger: ledger2022 });
    expect(await listPublishedYears(opened.db)).toEqual([2023, 2022]);
  });

  it.each([
    ['as printed', (code: string) => code],
    ['in lower case', (code: string) => code.toLowerCase()],
    ['without the dash', (code: string) => code.replace('-', '')],
    ['with spaces', (code: string) => ` ${code.slice(0, 4)} ${code.slice(5)} `],
  ])('find a disclosure by its verification code typed %s', async (_label, typed) => {
    const result = await publishOk();
    const code = result.created[0]!.verificationCode;
    const found = await findDisclosureByVerificationCode(opened.db, typed(code));
    expect(found).toMatchObject({ ok: true, latestVersion: 1, isLatest: true, hashValid: true });
    if (found.ok) expect(found.disclosure).toMatchObject({ scopeCode: VILLAGE_A, version: 1, verificationCode: code });
  });

  it('tell that a verified version has since been corrected', async () => {
    const first = await publishOk();
    await publishOk({ ledger: sampleLedger(12_000_000), correctionReason: '更正预算' });
    const found = await findDisclosureByVerificationCode(opened.db, first.created[0]!.verificationCode);
    expect(found).toMatchObject({ ok: true, latestVersion: 2, isLatest: false, disclosure: { version: 1 } });
  });

  it.each([
    ['a malformed code', '12345', 'INVALID_VERIFICATION_CODE'],
    ['a code nobody issued', 'ZZZZ-ZZZZ', 'DISCLOSURE_NOT_FOUND'],
  ])('answer %s with a code and a message', async (_label, typed, code) => {
    await publishOk();
    const found = await findDisclosureByVerificationCode(opened.db, typed);
    expect(found).toMatchObject({ ok: false, code });
    if (!found.ok) expect(found.message).toMatch(/核对码/);
  });
});
