/**
 * The upload templates and the code cells' messages give the county's own codes: a county set up
 * from the national list (衡阳县 430421) downloads templates naming its own village, never the
 * sample's (430482); the sample keeps its own; a database with no county gets placeholders.
 */
import { asc, eq } from 'drizzle-orm';
import { readSheet } from 'read-excel-file/universal';
import { afterEach, describe, expect, it } from 'vitest';
import * as t from '../../db/schema.ts';
import { seedSampleCounty } from '../../db/seed/sample-county.ts';
import { templateXlsx } from '../../functions/routes/templates.ts';
import { nationalDivisions } from '../../src/cli/county.ts';
import { initCounty } from '../../src/data/county-setup.ts';
import { loadUploadExamples } from '../../src/data/upload-examples.ts';
import { UPLOAD_KINDS } from '../../src/domain/access/access.ts';
import { NO_EXAMPLES, type UploadExamples } from '../../src/domain/upload/upload-examples.ts';
import { templateCsv } from '../../src/domain/upload/upload-template.ts';
import { readTable } from '../../src/domain/upload/upload-table.ts';
import { createTempDatabase, type TempDatabase } from '../support/temp-database.ts';

let temp: TempDatabase | undefined;
afterEach(async () => {
  temp?.dispose();
  temp = undefined;
});

/** Every template of every kind as text: the CSV, and both XLSX sheets cell by cell. */
async function allTemplates(examples: UploadExamples): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const kind of UPLOAD_KINDS) {
    out[`${kind}.csv`] = templateCsv(kind, examples);
    const xlsx = await templateXlsx(kind, examples);
    const sheets = await Promise.all([1, 2].map((n) => readSheet(xlsx.slice().buffer, n)));
    out[`${kind}.xlsx`] = sheets.map((rows) => rows.map((r) => r.join('\t')).join('\n')).join('\n');
  }
  return out;
}

/** A projects table whose one row names a village code that cannot be read. */
const badVillageCode = (examples: UploadExamples) =>
  readTable('projects', [['项目编号', '年度', '村代码', '项目类型', '项目名称', '建设内容及规模', '实施单位', '中央资金(元)', '申请日期'], ['A-1', 2025, '4304', '美丽家园建设', '道路', '1公里', '村委会', 1000, '2025-03-10']], examples).errors;

describe('upload templates name the county’s own codes', () => {
  it('a county other than the sample (衡阳县, from the national list) gets its own village in every template and message', async () => {
    temp = await createTempDatabase();
    const list = (await nationalDivisions('430421'))!;
    await initCounty(temp.db, { county: list.county, townships: list.townships, villages: list.villages, source: 'test', settings: { issuingUnit: '衡阳县水库移民事务中心', supervisionPhones: [], supervisionAddress: '西渡镇' }, at: '2026-03-01T02:00:00.000Z' });
    const examples = await loadUploadExamples(temp.db);
    const first = [...list.villages].sort((a, b) => (a.code < b.code ? -1 : 1))[0]!;
    expect(examples).toEqual({ villageCode: first.code, villageName: first.name, townshipCode: first.parentCode, centre: null });

    const templates = await allTemplates(examples);
    for (const [name, text] of Object.entries(templates)) expect(text, name).not.toContain('430482');
    for (const name of ['projects.csv', 'projects.xlsx', 'villages.csv', 'villages.xlsx', 'direct-subsidies.csv']) expect(templates[name], name).toContain(first.code);
    expect(templates['households.csv']).toContain(`示例${first.code}-0012,${first.code},`);
    expect(templates['household-payments.xlsx']).toContain(`${first.code}-0012`);
    expect(templates['trainings.csv']).toContain(first.parentCode);
    // The example row is still the template's: marked 示例, so it is skipped on upload.
    expect(templates['projects.csv'].split('\r\n')[1]).toMatch(/^示例/);

    expect(badVillageCode(examples)).toEqual([expect.objectContaining({ column: '村代码', expected: `12 位村级统计区划代码，如 ${first.code}` })]);

    // A village merged away (村撤并) is no example any more: uploads name its successor.
    await temp.db.update(t.divisions).set({ retiredOn: '2026-01-01' }).where(eq(t.divisions.code, first.code));
    expect((await loadUploadExamples(temp.db)).villageCode).toBe([...list.villages].sort((a, b) => (a.code < b.code ? -1 : 1))[1]!.code);
  });

  it('prefers the county’s first resettlement village, and the sample county keeps its own codes', async () => {
    temp = await createTempDatabase();
    await seedSampleCounty(temp.db);
    const examples = await loadUploadExamples(temp.db);
    const [firstResettlement] = await temp.db.select({ code: t.resettlementVillages.villageCode }).from(t.resettlementVillages).orderBy(asc(t.resettlementVillages.villageCode)).limit(1);
    const [firstVillage] = await temp.db.select({ code: t.divisions.code }).from(t.divisions).where(eq(t.divisions.level, 'village')).orderBy(asc(t.divisions.code)).limit(1);
    expect(firstVillage!.code < firstResettlement!.code).toBe(true);
    expect(examples.villageCode).toBe(firstResettlement!.code);
    expect(examples.villageCode).toMatch(/^430482\d{6}$/);
    expect(examples.townshipCode).toBe(examples.villageCode!.slice(0, 9));
    expect(examples.centre).not.toBeNull();
    const templates = await allTemplates(examples);
    expect(templates['projects.csv']).toContain(`,${examples.villageCode},`);
    expect(templates['households.xlsx']).toContain(`${examples.villageCode}-0012`);
    expect(badVillageCode(examples)[0]!.expected).toBe(`12 位村级统计区划代码，如 ${examples.villageCode}`);
  }, 60_000);

  it('a database with no county gets placeholders, and messages without an example code', async () => {
    temp = await createTempDatabase();
    const examples = await loadUploadExamples(temp.db);
    expect(examples).toEqual(NO_EXAMPLES);
    const templates = await allTemplates(examples);
    // No township (9 digits) or village code (12) anywhere; the example ID number (18) names no one.
    for (const [name, text] of Object.entries(templates)) expect(text, name).not.toMatch(/(?<!\d)(\d{9}|\d{12})(?!\d)/);
    expect(templates['projects.csv']).toContain(',12 位村代码,');
    expect(templates['households.csv']).toContain('示例村代码-0012,12 位村代码,');
    expect(templates['trainings.csv']).toContain(',9 位乡镇代码,');
    expect(badVillageCode(examples)[0]!.expected).toBe('12 位村级统计区划代码');
  });
});
