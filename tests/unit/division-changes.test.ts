/**
 * Division changes (区划调整: 村撤并, renames, new villages) as a county records them: the change
 * table read against the stored divisions (every problem with row and column), applied in one
 * transaction that keeps the old village and its history, moves projects still in approval to the
 * successor, and points later uploads to the successor; and `npm run county -- changes` as run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import * as t from '../../db/schema.ts';
import { nationalDivisions } from '../../src/cli/county.ts';
import { PROJECT_ROOT } from '../../src/cli/site-build.ts';
import { applyDivisionChanges, initCounty, loadKnownDivisions } from '../../src/data/county-setup.ts';
import { readDivisionChanges, type KnownDivision } from '../../src/domain/county/division-changes.ts';
import { retiredVillageProblems } from '../../src/domain/upload/upload-check.ts';
import type { UploadContext } from '../../src/domain/upload/upload-plan.ts';
import { createTempDatabase, type TempDatabase } from '../support/temp-database.ts';

const HEADER = ['变更类型', '生效日期', '原代码', '原名称', '新代码', '新名称', '依据'];
const TODAY = '2026-03-01';
const known = new Map<string, KnownDivision>(
  [
    { code: '430421', name: '衡阳县', level: 'county' as const, parentCode: null, retiredOn: null },
    { code: '430421100', name: '西渡镇', level: 'township' as const, parentCode: '430421', retiredOn: null },
    { code: '430421101', name: '梅花镇', level: 'township' as const, parentCode: '430421', retiredOn: null },
    { code: '430421100201', name: '甲村委会', level: 'village' as const, parentCode: '430421100', retiredOn: null },
    { code: '430421100202', name: '乙村委会', level: 'village' as const, parentCode: '430421100', retiredOn: null },
    { code: '430421100203', name: '丙村委会', level: 'village' as const, parentCode: '430421100', retiredOn: null },
    { code: '430421101201', name: '丁村委会', level: 'village' as const, parentCode: '430421101', retiredOn: '2020-01-01' },
  ].map((d) => [d.code, d]),
);

describe('reading a division change table', () => {
  it('plans a merge into an existing village, a renumbering into a new code, a rename and a new village', () => {
    const read = readDivisionChanges(
      [
        HEADER,
        ['撤并', '2021-05-01', '430421100202', '乙村委会', '430421100201', '', '衡政函〔2021〕12号'],
        ['更名', '2021/5/1', '430421100201', '甲村委会', '', '甲乙村委会', '衡政函〔2021〕12号'],
        ['撤并', '2021-05-01', '430421100203', '', '430421100220', '丙社区居委会', ''],
        ['新设', '2021年6月1日', '', '', '430421100230', '新村村委会', ''],
      ],
      '430421',
      known,
      TODAY,
    );
    expect(read.problems).toEqual([]);
    expect(read.plan.retire).toEqual([
      { code: '430421100202', name: '乙村委会', on: '2021-05-01', successorCode: '430421100201' },
      { code: '430421100203', name: '丙村委会', on: '2021-05-01', successorCode: '430421100220' },
    ]);
    expect(read.plan.rename).toEqual([{ code: '430421100201', from: '甲村委会', to: '甲乙村委会' }]);
    expect(read.plan.create.map((c) => [c.code, c.name, c.parentCode])).toEqual([
      ['430421100220', '丙社区居委会', '430421100'],
      ['430421100230', '新村村委会', '430421100'],
    ]);
    expect(read.plan.changes.map((c) => [c.kind, c.fromCode, c.toCode, c.toName])).toEqual([
      ['merge', '430421100202', '430421100201', '甲村委会'],
      ['rename', '430421100201', '430421100201', '甲乙村委会'],
      ['merge', '430421100203', '430421100220', '丙社区居委会'],
      ['new', null, '430421100230', '新村村委会'],
    ]);
  });

  it('refuses every wrong row at once, with row, column, what was received and what was expected', () => {
    const read = readDivisionChanges(
      [
        HEADER,
        ['合拼', '2021-05-01', '430421100202', '', '430421100201', '', ''],
        ['撤并', '2021-05-01', '430421100299', '', '430421100201', '', ''],
        ['撤并', '2021-05-01', '430421100202', '丙村委会', '430421100201', '', ''],
        ['撤并', '2021-05-01', '430421100202', '', '430482105205', '', ''],
        ['撤并', '2021-05-01', '430421100202', '', '430421101', '', ''],
        ['更名', '2021-05-01', '430421100201', '', '430421100209', '甲新村委会', ''],
        ['撤并', '2099-01-01', '430421100203', '', '430421100201', '', ''],
        ['撤并', '2021-05-01', '430421101201', '', '430421100201', '', ''],
        ['撤并', '44317', '430421100203', '', '430421100201', '', ''],
        ['撤并', '2021-05-01', '430421101', '梅花镇', '430421100', '', ''],
      ],
      '430421',
      known,
      TODAY,
    );
    expect(read.problems.map((p) => [p.row, p.column, p.problem])).toEqual([
      [2, '变更类型', '不认识的变更类型'],
      [3, '原代码', '找不到这个代码'],
      [4, '原名称', '和这个代码现在的名称不一样'],
      [5, '新代码', '不是本县的乡镇或村代码'],
      [6, '新代码', '村只能并入村'],
      [7, '新代码', '更名不改代码'],
      [8, '生效日期', '还没到生效日期'],
      [9, '原代码', '这个代码已经撤并了'],
      [10, '生效日期', '是一个数字，不是日期'],
    ]);
    for (const p of read.problems) expect(p.expected, `${p.row} ${p.column}`).toBeTruthy();
    expect(read.problems.find((p) => p.row === 10)!.hint).toContain('2021-05-01');
    // 梅花镇's only village was retired before, so the township may go.
    expect(read.problems.some((p) => p.row === 11)).toBe(false);
  });

  it('refuses a township merge that leaves villages behind, and a table with no header or no rows', () => {
    const township = readDivisionChanges([HEADER, ['撤并', '2021-05-01', '430421100', '西渡镇', '430421101', '', '']], '430421', known, TODAY);
    expect(township.problems).toEqual([
      expect.objectContaining({ row: 2, column: '原代码', problem: '乡镇撤并后还有 3 个村没有写去向', received: '甲村委会（430421100201）、乙村委会（430421100202）、丙村委会（430421100203）' }),
    ]);
    expect(readDivisionChanges([['代码', '名称']], '430421', known, TODAY).problems.map((p) => p.column)).toEqual(['变更类型', '生效日期', '新代码']);
    expect(readDivisionChanges([HEADER], '430421', known, TODAY).problems.map((p) => p.problem)).toEqual(['表里没有变更']);
  });
});

describe('applying division changes', () => {
  let temp: TempDatabase | undefined;
  afterEach(async () => {
    await temp?.dispose();
    temp = undefined;
  });

  async function county() {
    temp = await createTempDatabase();
    const national = (await nationalDivisions('430421'))!;
    await initCounty(temp.db, { county: national.county, townships: national.townships, villages: national.villages, source: 'test', settings: { issuingUnit: '衡阳县水库移民事务中心', supervisionPhones: [], supervisionAddress: '' }, at: '2026-01-01T00:00:00.000Z' });
    const [a, b] = national.villages;
    return { db: temp.db, a: a!, b: b! };
  }

  it('keeps the old village with its successor, records the change, moves projects still in approval, and audits it', async () => {
    const { db, a, b } = await county();
    const project = (code: string, state: 'applied' | 'county_approved') => ({ code, year: 2025, villageCode: b.code, typeCode: 'beautiful_home', name: '道路硬化', contentScale: '1 公里', implementingUnit: '村委会', workflowState: state });
    await db.insert(t.projects).values([project('P-OPEN', 'applied'), project('P-DONE', 'county_approved')]);
    const read = readDivisionChanges([HEADER, ['撤并', '2025-05-01', b.code, b.name, a.code, '', '县政府批复']], '430421', await loadKnownDivisions(db), TODAY);
    expect(read.problems).toEqual([]);
    const result = await applyDivisionChanges(db, read.plan, { at: '2026-03-01T02:00:00.000Z', source: 'file 区划变更.csv' });
    expect(result).toMatchObject({ created: 0, renamed: 0, retired: 1, movedProjects: [{ code: 'P-OPEN', from: b.code, to: a.code }] });
    const [old] = await db.select().from(t.divisions).where(eq(t.divisions.code, b.code));
    expect(old).toMatchObject({ name: b.name, retiredOn: '2025-05-01', successorCode: a.code });
    const projects = await db.select({ code: t.projects.code, village: t.projects.villageCode }).from(t.projects).orderBy(t.projects.code);
    expect(projects).toEqual([{ code: 'P-DONE', village: b.code }, { code: 'P-OPEN', village: a.code }]);
    expect(await db.select({ kind: t.divisionChanges.kind, fromCode: t.divisionChanges.fromCode, toCode: t.divisionChanges.toCode, basis: t.divisionChanges.basis }).from(t.divisionChanges)).toEqual([
      { kind: 'merge', fromCode: b.code, toCode: a.code, basis: '县政府批复' },
    ]);
    const [audit] = await db.select().from(t.auditLog).where(eq(t.auditLog.action, 'county.divisions'));
    expect(JSON.parse(audit!.detailJson)).toMatchObject({ source: 'file 区划变更.csv', movedProjects: [`P-OPEN:${b.code}>${a.code}`] });
    // Re-reading the same table now refuses it: the village is already merged away.
    expect(readDivisionChanges([HEADER, ['撤并', '2025-05-01', b.code, '', a.code, '', '']], '430421', await loadKnownDivisions(db), TODAY).problems[0]!.problem).toBe('这个代码已经撤并了');
  });

  it('points uploads from the year of the merge on to the successor; earlier years stay the old village’s', () => {
    const ctx = {
      villages: new Map([['430421100202', { code: '430421100202', name: '乙村委会', townshipCode: '430421100', retired: { on: '2021-05-01', successorCode: '430421100201', successorName: '甲村委会' } }]]),
    } as unknown as UploadContext;
    const problems = retiredVillageProblems(
      [
        { row: 2, values: { villageCode: '430421100202', year: 2020 } },
        { row: 3, values: { villageCode: '430421100202', year: 2021 } },
        { row: 4, values: { villageCode: '430421100202' } },
      ],
      ctx,
    );
    expect(problems).toEqual([
      { row: 3, column: '村代码', problem: '这个村已于 2021-05-01 撤并', received: '乙村委会（430421100202）', expected: '430421100201', hint: '2021 年起请写并入后的甲村委会（430421100201）；撤并前年度的数据仍用原代码。' },
      { row: 4, column: '村代码', problem: '这个村已于 2021-05-01 撤并', received: '乙村委会（430421100202）', expected: '430421100201', hint: '现在请写并入后的甲村委会（430421100201）；撤并前年度的数据仍用原代码。' },
    ]);
  });

  it('runs as `npm run county -- changes`: a dry run writes nothing, a bad table lists its rows, a good one is applied', async () => {
    const { db, a, b } = await county();
    const dir = mkdtempSync(join(tmpdir(), 'changes-'));
    const good = join(dir, '区划变更.csv');
    writeFileSync(good, `${HEADER.join(',')}\n撤并,2025-05-01,${b.code},${b.name},${a.code},,县政府批复\n`);
    const bad = join(dir, '错的.csv');
    writeFileSync(bad, `${HEADER.join(',')}\n撤并,2025-05-01,430421999999,,${a.code},,\n`);
    const run = (...args: string[]) => spawnSync(join(PROJECT_ROOT, 'node_modules/.bin/node'), ['src/cli/county.ts', 'changes', ...args], { cwd: PROJECT_ROOT, env: { ...process.env, DATABASE_URL: temp!.url }, encoding: 'utf8' });
    const refused = run(bad);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('第 2 行“原代码”列：找不到这个代码；收到 430421999999');
    const dry = run(good, '--dry-run');
    expect([dry.status, dry.stdout]).toEqual([0, expect.stringContaining('检查通过（试运行，没有写入）：1 处变更。')]);
    expect(await db.select().from(t.divisionChanges)).toEqual([]);
    const applied = run(good);
    expect(applied.status, applied.stderr).toBe(0);
    expect(applied.stdout).toContain(`2025-05-01 撤并：${b.name}（${b.code}）→ ${a.name}（${a.code}），依据 县政府批复`);
    expect(await db.select({ code: t.divisionChanges.fromCode }).from(t.divisionChanges)).toEqual([{ code: b.code }]);
  });
});
