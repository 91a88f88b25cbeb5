/**
 * Two counties in one database (issue 16): a county's ledger and its publish read its own villages
 * only. Without the county scope, publishing such a database fails (villages of two counties). And
 * every other reader and writer of a county's staff work (documents, trainings, outline, subsidy
 * standard, 绩效自评, settings, checklist, document policy) is that county's own.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../../db/schema.ts';
import { loadCountyForEditing, loadSetupCounts, replaceProjectTypes, setCountyOutline, updateCountySettings } from '../../src/data/county-edit.ts';
import { listAudit, verifyAuditLog } from '../../src/data/audit.ts';
import { loadUploadExamples } from '../../src/data/upload-examples.ts';
import { loadCountySettings } from '../../src/data/county-settings.ts';
import { publishDisclosures } from '../../src/data/disclosures.ts';
import { loadLedger } from '../../src/data/ledger.ts';
import { loadDocumentPolicy, saveDocumentPolicy } from '../../src/data/project-documents.ts';
import { loadSelfEvaluation, loadSelfEvaluationLines, saveSelfEvaluationLines } from '../../src/data/self-evaluation.ts';
import { loadUploadContext, VILLAGE_EXTENT_MARGIN_DEG } from '../../src/data/upload-context.ts';
import { writeTransaction } from '../../src/data/write-lock.ts';
import { DEFAULT_DOCUMENT_POLICY } from '../../src/domain/ledger/project-documents.ts';
import { createTempDatabase, type TempDatabase } from '../support/temp-database.ts';

const CHANGNING_VILLAGE = '430482101232';
const HENGYANG_VILLAGE = '430421101201';

describe('two counties in one database', () => {
  let temp: TempDatabase;
  beforeAll(async () => {
    temp = await createTempDatabase();
    await temp.db.insert(schema.divisions).values([
      { code: '430482', name: '常宁市', level: 'county', parentCode: '430400' },
      { code: '430482101', name: '柏坊镇', level: 'township', parentCode: '430482' },
      { code: CHANGNING_VILLAGE, name: '塘口村委会', level: 'village', parentCode: '430482101' },
      { code: '430421', name: '衡阳县', level: 'county', parentCode: '430400' },
      { code: '430421101', name: '西渡镇', level: 'township', parentCode: '430421' },
      { code: HENGYANG_VILLAGE, name: '梅花村委会', level: 'village', parentCode: '430421101' },
    ]);
    const subsidy = (villageCode: string) => ({ villageCode, year: 2022, beneficiaries: 10, amountFen: 600_000, dueDate: '2022-06-30', paymentDate: '2022-06-20' });
    await temp.db.insert(schema.directSubsidies).values([subsidy(CHANGNING_VILLAGE), subsidy(HENGYANG_VILLAGE)]);
    const training = (countyCode: string, townshipCode: string | null, course: string) => ({ countyCode, year: 2022, course, organizer: '县人社局', startDate: '2022-05-01', endDate: '2022-05-10', townshipCode, trainees: 20, passed: 18 });
    await temp.db.insert(schema.trainings).values([training('430421', '430421101', '衡阳县西渡镇电工'), training('430482', '430482101', '常宁市柏坊镇电工'), training('430482', null, '全县通用技能'), training('430421', null, '衡阳县全县技能')]);
  });
  afterAll(() => temp?.dispose());

  const publish = (countyCode?: string) =>
    publishDisclosures(temp.db, { year: 2022, asOf: '2022-08-31', publishedAt: '2022-09-01T02:00:00.000Z', periodStart: '2022-09-01', issuingUnit: '常宁市库区移民事务中心', isSample: false, ...(countyCode ? { countyCode } : {}) });

  it('loads one county’s ledger by its code, and every county’s without one', async () => {
    const changning = await loadLedger(temp.db, { year: 2022, scopeCode: '430482' });
    expect(changning.directSubsidies.map((s) => s.villageCode)).toEqual([CHANGNING_VILLAGE]);
    expect(changning.trainings.map((t) => t.course).sort()).toEqual(['全县通用技能', '常宁市柏坊镇电工']);
    const township = await loadLedger(temp.db, { year: 2022, scopeCode: '430482101' });
    expect(township.trainings.map((t) => t.course)).toEqual(['常宁市柏坊镇电工']);
    expect((await loadLedger(temp.db, { year: 2022 })).directSubsidies).toHaveLength(2);
  });

  it('refuses to publish villages of two counties at once, and publishes one county when told which', async () => {
    const mixed = await publish();
    expect(mixed.ok).toBe(false);
    if (!mixed.ok) expect(mixed.message).toContain('一次发布只能包含一个县的村');
    const result = await publish('430482');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.created.map((r) => r.scopeCode).sort()).toEqual(['430482', CHANGNING_VILLAGE]);
    const rows = await temp.db.select({ scopeCode: schema.disclosures.scopeCode }).from(schema.disclosures);
    expect(rows.map((r) => r.scopeCode)).not.toContain(HENGYANG_VILLAGE);
  });

  it('lists in a county’s snapshot its own villages only, when the other county has published too', async () => {
    const hengyang = await publish('430421');
    expect(hengyang.ok).toBe(true);
    // 常宁市 again: nothing of its own changed, and 衡阳县's version is none of its business.
    const again = await publish('430482');
    expect(again.ok).toBe(true);
    if (!again.ok) return;
    expect(again.createdCount).toBe(0);
    const counties = await temp.db.select({ scopeCode: schema.disclosures.scopeCode, contentJson: schema.disclosures.contentJson }).from(schema.disclosures).where(eq(schema.disclosures.scopeType, 'county'));
    const listed = (code: string) => (JSON.parse(counties.find((c) => c.scopeCode === code)!.contentJson) as { villages: Array<{ code: string }> }).villages.map((v) => v.code);
    expect(listed('430482')).toEqual([CHANGNING_VILLAGE]);
    expect(listed('430421')).toEqual([HENGYANG_VILLAGE]);
  });
});

/**
 * Two counties set up side by side, each with its own settings, outline, 指标文, course, targets
 * and roster: whatever one county's staff read or change is that county's own.
 */
describe('each county’s own data when two share a database', () => {
  const A = '430482';
  const B = '430421';
  const A_VILLAGE = '430482101232';
  const B_VILLAGE = '430421101201';
  const AT = '2025-03-01T02:00:00.000Z';
  // The county users are the first two rows of `users` below.
  const BY_A = { countyCode: A, actorId: 1, actorLabel: '常宁市 管理员', at: AT, requestId: null };
  const BY_B = { ...BY_A, countyCode: B, actorId: 2, actorLabel: '衡阳县 管理员' };
  const DOC = '湘财农指〔2022〕12号';
  const square = (lon: number, lat: number): Array<[number, number]> => [
    [lon, lat],
    [lon + 0.1, lat],
    [lon + 0.1, lat + 0.1],
    [lon, lat + 0.1],
  ];
  let temp: TempDatabase;

  beforeAll(async () => {
    temp = await createTempDatabase();
    const db = temp.db;
    await db.insert(schema.divisions).values([
      { code: A, name: '常宁市', level: 'county', parentCode: '430400' },
      { code: '430482101', name: '柏坊镇', level: 'township', parentCode: A },
      { code: A_VILLAGE, name: '塘口村委会', level: 'village', parentCode: '430482101', lon: 112.4, lat: 26.4 },
      { code: B, name: '衡阳县', level: 'county', parentCode: '430400' },
      { code: '430421101', name: '西渡镇', level: 'township', parentCode: B },
      { code: '430421102', name: '集兵镇', level: 'township', parentCode: B },
      { code: B_VILLAGE, name: '梅花村委会', level: 'village', parentCode: '430421101', lon: 112.37, lat: 27.0 },
    ]);
    await db.insert(schema.countySettings).values([
      { countyCode: A, issuingUnit: '常宁市库区移民事务中心', subsidyStandardFen: 60_000, outlineJson: JSON.stringify(square(112.3, 26.3)) },
      { countyCode: B, issuingUnit: '衡阳县水库移民事务中心', subsidyStandardFen: 72_000 },
    ]);
    await db.insert(schema.projectTypes).values({ code: 'road', name: '道路硬化', indicatorGroup: 'production_infrastructure' });
    await db.insert(schema.resettlementVillages).values([
      { villageCode: A_VILLAGE, migrantPopulation: 100, migrantHouseholds: 30 },
      { villageCode: B_VILLAGE, migrantPopulation: 80, migrantHouseholds: 20 },
    ]);
    const [hh] = await db.insert(schema.households).values({ villageCode: B_VILLAGE, householdNumber: `${B_VILLAGE}-0001`, headName: '王五', population: 3 }).returning({ id: schema.households.id });
    await db.insert(schema.persons).values({ householdId: hh!.id, name: '王五', idHash: 'h1', idMasked: '430****12', idTailHash: 't1' });
    await db.insert(schema.users).values([
      { name: '常宁市 管理员', role: 'county', scopeCode: A },
      { name: '衡阳县 管理员', role: 'county', scopeCode: B },
      { name: '西渡镇 审核员', role: 'township', scopeCode: '430421101' },
    ]);
    // The same province document, allocating a different amount to each county.
    const doc = (countyCode: string, amountFen: number) => ({ countyCode, issuer: '湖南省财政厅', docNumber: DOC, title: '下达2022年后期扶持资金', year: 2022, batch: 1, dateReceived: '2022-03-01', amountFen, fundSource: 'central' as const });
    await db.insert(schema.allocationDocuments).values([doc(A, 5_000_000_00), doc(B, 3_200_000_00)]);
    const subsidy = (villageCode: string, beneficiaries: number) => ({ villageCode, year: 2022, beneficiaries, amountFen: beneficiaries * 60_000, dueDate: '2022-06-30', paymentDate: '2022-06-20' });
    await db.insert(schema.directSubsidies).values([subsidy(A_VILLAGE, 100), subsidy(B_VILLAGE, 80)]);
    const course = (countyCode: string, course: string, trainees: number) => ({ countyCode, year: 2022, course, organizer: '县人社局', startDate: '2022-05-01', endDate: '2022-05-10', townshipCode: null, trainees, passed: trainees });
    await db.insert(schema.trainings).values([course(A, '常宁市全县电工', 40), course(B, '衡阳县全县厨师', 25)]);
  });
  afterAll(() => temp?.dispose());

  it('records the same document number in both counties, each with its own amount, and once per county only', async () => {
    const rows = await temp.db.select({ countyCode: schema.allocationDocuments.countyCode, amountFen: schema.allocationDocuments.amountFen }).from(schema.allocationDocuments).where(eq(schema.allocationDocuments.docNumber, DOC));
    expect(rows.sort((x, y) => x.countyCode.localeCompare(y.countyCode))).toEqual([
      { countyCode: B, amountFen: 3_200_000_00 },
      { countyCode: A, amountFen: 5_000_000_00 },
    ]);
    await expect(
      temp.client.execute({
        sql: "insert into allocation_documents (county_code, issuer, doc_number, title, year, batch, date_received, amount_fen, fund_source) values (?, '湖南省财政厅', ?, '重复', 2022, 1, '2022-03-01', 1, 'central')",
        args: [B, DOC],
      }),
    ).rejects.toThrow(/UNIQUE constraint failed: allocation_documents.county_code, allocation_documents.doc_number/);
  });

  it('gives an upload the documents, trainings, outline and village centres of the uploader’s county only', async () => {
    const context = (scopeCode: string, kind: 'allocations' | 'trainings' | 'projects') =>
      loadUploadContext(temp.db, { actor: { role: 'county', scopeCode }, kind, today: '2025-03-01', projectCodes: [], voucherNumbers: [] });
    expect((await context(A, 'allocations')).documents.get(DOC)?.amountFen).toBe(5_000_000_00);
    expect((await context(B, 'allocations')).documents.get(DOC)?.amountFen).toBe(3_200_000_00);
    // Keyed year:course:start:township.
    expect([...(await context(B, 'trainings')).trainings.keys()]).toEqual(['2022:衡阳县全县厨师:2022-05-01:']);
    const a = await context(A, 'projects');
    expect(a).toMatchObject({ outlineSource: 'outline', outline: square(112.3, 26.3) });
    // 衡阳县 has no outline: the extent of its own village centres, never 常宁市's outline or villages.
    const b = await context(B, 'projects');
    expect(b.outlineSource).toBe('village_extent');
    const lons = b.outline.map((p) => p[0]);
    expect(Math.min(...lons)).toBeCloseTo(112.37 - VILLAGE_EXTENT_MARGIN_DEG);
    expect(Math.max(...lons)).toBeCloseTo(112.37 + VILLAGE_EXTENT_MARGIN_DEG);
  });

  it('checks household payments against the subsidy standard of the uploader’s county', async () => {
    const standard = async (scopeCode: string) =>
      (await loadUploadContext(temp.db, { actor: { role: 'county', scopeCode }, kind: 'household-payments', today: '2025-03-01', projectCodes: [], voucherNumbers: [] })).subsidyStandardFen;
    expect(await standard(A)).toBe(60_000);
    expect(await standard(B)).toBe(72_000);
    expect(await standard('430421101')).toBe(72_000);
  });

  it('loads each county’s ledger with its own trainings and its 绩效自评表 with its own figures and targets', async () => {
    expect((await loadLedger(temp.db, { year: 2022, scopeCode: B })).trainings.map((t) => t.course)).toEqual(['衡阳县全县厨师']);
    await saveSelfEvaluationLines(temp.db, { countyCode: B, year: 2022, lines: [{ key: 'traineeCount', target: { op: '>=', value: 20 }, weight: 5, note: '衡阳县' }], actorId: null, actorLabel: '衡阳县 管理员', at: AT, requestId: null });
    const a = await loadSelfEvaluation(temp.db, { countyCode: A, year: 2022, asOf: '2022-12-31' });
    const b = await loadSelfEvaluation(temp.db, { countyCode: B, year: 2022, asOf: '2022-12-31' });
    const trainees = (report: typeof a) => report.evaluation.rows.find((r) => r.key === 'traineeCount')!.actualText;
    expect([a.countyName, a.issuingUnit, trainees(a)]).toEqual(['常宁市', '常宁市库区移民事务中心', '40人次']);
    expect([b.countyName, b.issuingUnit, trainees(b)]).toEqual(['衡阳县', '衡阳县水库移民事务中心', '25人次']);
    expect(b.behind.directSubsidyBeneficiaries.map((r) => r.ref)).toEqual([B_VILLAGE]);
    // 衡阳县's saved targets are not 常宁市's: 常宁市 still has the defaults.
    expect((await loadSelfEvaluationLines(temp.db, B, 2022)).updatedBy).toBe('衡阳县 管理员');
    expect((await loadSelfEvaluationLines(temp.db, A, 2022)).updatedAt).toBeNull();
  });

  it('counts each county’s own divisions, roster and users in its set-up checklist', async () => {
    const a = await loadSetupCounts(temp.db, A, false);
    const b = await loadSetupCounts(temp.db, B, false);
    expect([a.townships, a.villages, a.households, a.persons, a.users.county, a.users.township]).toEqual([1, 1, 0, 0, 1, 0]);
    expect([b.townships, b.villages, b.households, b.persons, b.users.county, b.users.township]).toEqual([2, 1, 1, 1, 1, 1]);
  });

  it('reads and changes the settings and outline of the acting county only', async () => {
    expect((await loadCountyForEditing(temp.db, B))).toMatchObject({ countyCode: B, countyName: '衡阳县', townships: [{ code: '430421101' }, { code: '430421102' }] });
    const saved = await updateCountySettings(temp.db, { supervisionAddress: '衡阳县西渡镇' }, BY_B);
    expect(saved).toEqual({ ok: true, value: ['supervisionAddress'] });
    expect((await loadCountySettings(temp.db, {}, A)).supervisionAddress).toBe('');
    expect((await loadCountySettings(temp.db, {}, B)).supervisionAddress).toBe('衡阳县西渡镇');
    // A township phone of the other county is not one of this county's townships.
    const refused = await updateCountySettings(temp.db, { townshipPhones: { '430482101': '0734-7211111' } }, BY_B);
    expect(refused.ok).toBe(false);
    expect(await setCountyOutline(temp.db, null, BY_B)).toEqual({ ok: true, value: { points: 0, notes: [] } });
    expect((await loadCountySettings(temp.db, {}, A)).outline).toEqual(square(112.3, 26.3));
  });

  it('gives each county’s staff the audit entries of their own county only; an inspector above both reads both', async () => {
    await updateCountySettings(temp.db, { supervisionAddress: '常宁市宜阳街道' }, BY_A);
    await updateCountySettings(temp.db, { supervisionAddress: '衡阳县西渡镇二号' }, BY_B);
    const subjects = async (scopeCode?: string) => (await listAudit(temp.db, scopeCode === undefined ? {} : { scopeCode })).entries.filter((e) => e.action === 'county.settings').map((e) => e.subjectId);
    expect(new Set(await subjects(A))).toEqual(new Set([A]));
    expect(new Set(await subjects(B))).toEqual(new Set([B]));
    // A township's reader scope narrows to its county's entries; the city (4304) holds both counties.
    expect(new Set(await subjects('430421101'))).toEqual(new Set([B]));
    expect(new Set(await subjects('4304'))).toEqual(new Set([A, B]));
    // The chain still verifies: the scope routes reads and is not part of the hash.
    expect((await verifyAuditLog(temp.db)).ok).toBe(true);
  });

  it('gives each county’s staff examples of their own county in upload messages', async () => {
    expect((await loadUploadExamples(temp.db, A)).villageCode).toBe(A_VILLAGE);
    expect((await loadUploadExamples(temp.db, '430421101')).villageCode).toBe(B_VILLAGE);
    // The public templates (no account) show the database's first resettlement village.
    expect((await loadUploadExamples(temp.db)).villageCode).toBe(B_VILLAGE);
  });

  it('refuses to change the shared project types and writes nothing', async () => {
    const before = await temp.db.select().from(schema.projectTypes);
    const audit = await temp.db.select().from(schema.auditLog);
    const result = await replaceProjectTypes(temp.db, [{ code: 'road', name: '村道', indicatorGroup: 'production_infrastructure' }], BY_A);
    expect(result).toMatchObject({ ok: false, shared: true, problems: [{ problem: expect.stringContaining('改项目类型会影响同一平台上的其他县') }] });
    expect(await temp.db.select().from(schema.projectTypes)).toEqual(before);
    expect(await temp.db.select().from(schema.auditLog)).toEqual(audit);
  });

  it('keeps each county’s setting of which document types are public', async () => {
    await writeTransaction(temp.db, (tx) => saveDocumentPolicy(tx, B, { ...DEFAULT_DOCUMENT_POLICY, application: true }, '衡阳县 管理员', AT));
    expect((await loadDocumentPolicy(temp.db, B)).application).toBe(true);
    expect((await loadDocumentPolicy(temp.db, A)).application).toBe(DEFAULT_DOCUMENT_POLICY.application);
  });

  it('publishes each county’s own amount for the shared document number', async () => {
    const publish = (countyCode: string, issuingUnit: string) =>
      publishDisclosures(temp.db, { year: 2022, asOf: '2022-08-31', publishedAt: '2022-09-01T02:00:00.000Z', periodStart: '2022-09-01', issuingUnit, isSample: false, countyCode });
    expect((await publish(A, '常宁市库区移民事务中心')).ok).toBe(true);
    expect((await publish(B, '衡阳县水库移民事务中心')).ok).toBe(true);
    const counties = await temp.db.select().from(schema.disclosures).where(eq(schema.disclosures.scopeType, 'county'));
    const documents = (code: string) =>
      (JSON.parse(counties.find((c) => c.scopeCode === code)!.contentJson) as { allocationDocuments: Array<{ docNumber: string; amountFen: number }> }).allocationDocuments.map((d) => [d.docNumber, d.amountFen]);
    expect(documents(A)).toEqual([[DOC, 5_000_000_00]]);
    expect(documents(B)).toEqual([[DOC, 3_200_000_00]]);
  });
});
