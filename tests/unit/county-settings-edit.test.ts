/**
 * The county changing its own settings: the checks of a settings change, of the project types and
 * of an outline file, each refusing with field, received and expected; and the data layer writing
 * the change with an audit entry, or nothing at all.
 */
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import * as t from '../../db/schema.ts';
import { nationalDivisions } from '../../src/cli/county.ts';
import { loadCountyForEditing, loadSetupCounts, replaceProjectTypes, setCountyOutline, updateCountySettings } from '../../src/data/county-edit.ts';
import { setupChecklist } from '../../src/domain/county/setup-checklist.ts';
import { loadCountySettings } from '../../src/data/county-settings.ts';
import { initCounty } from '../../src/data/county-setup.ts';
import { checkProjectTypes, checkSettingsPatch, type EditableSettings } from '../../src/domain/county/settings-edit.ts';
import { STANDARD_PROJECT_TYPES } from '../../src/domain/county/project-types.ts';
import { readOutlineFile } from '../../src/domain/county/outline-file.ts';
import { createTempDatabase, type TempDatabase } from '../support/temp-database.ts';

const CURRENT: EditableSettings = {
  issuingUnit: '衡阳县水库移民事务中心',
  supervisionPhones: ['0734-6812345'],
  townshipPhones: {},
  supervisionAddress: '',
  disclosurePeriodDays: 10,
  posterTitleTemplate: null,
  subsidyStandardFen: 60_000,
};
const TOWNSHIPS = new Map([['430421100', '西渡镇']]);

describe('a settings change', () => {
  it('keeps what is not sent, normalises phones and says which fields changed', () => {
    const check = checkSettingsPatch(CURRENT, { supervisionPhones: ['０７３４－６８１２３４５', '0734-6812345', ' 0734-6899999 转 8001 '], subsidyStandardYuan: 650.5 }, TOWNSHIPS);
    expect(check).toEqual({
      ok: true,
      next: { ...CURRENT, supervisionPhones: ['0734-6812345', '0734-6899999 转 8001'], subsidyStandardFen: 65_050 },
      changed: ['supervisionPhones', 'subsidyStandardFen'],
    });
  });

  it('reports nothing changed when the values are the same', () => {
    expect(checkSettingsPatch(CURRENT, { issuingUnit: ' 衡阳县水库移民事务中心 ', disclosurePeriodDays: 10 }, TOWNSHIPS)).toMatchObject({ ok: true, changed: [] });
  });

  it('refuses every bad field at once, naming it with what was received and expected', () => {
    const check = checkSettingsPatch(
      CURRENT,
      {
        issuingUnit: '',
        supervisionPhones: ['请拨打'],
        townshipPhones: { '430482100': '0734-1234567', '430421100': 'x' },
        disclosurePeriodDays: 2,
        posterTitleTemplate: '关于{村}的公示',
        subsidyStandardYuan: 600.001,
        supervisionAddress: '县政府\n2楼',
      },
      TOWNSHIPS,
    );
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.problems.map((p) => [p.column, p.received ?? null])).toEqual([
      ['公示单位', null],
      ['受理地址', '"县政府\\n2楼"'],
      ['县监督电话', '请拨打'],
      // (Digit-only keys iterate in numeric order, whatever order they were sent in.)
      ['乡镇监督电话（西渡镇）', 'x'],
      ['乡镇监督电话', '430482100'],
      ['公示期（天）', '2'],
      ['海报标题', '关于{村}的公示'],
      ['直补标准（元/人·年）', '600.001'],
    ]);
    for (const p of check.problems) expect(p.expected, p.column).toBeTruthy();
  });

  it('takes a title with the village in it, and an empty title as the default one', () => {
    expect(checkSettingsPatch(CURRENT, { posterTitleTemplate: '{county}{village}{year}年移民后扶项目公示' }, TOWNSHIPS)).toMatchObject({ ok: true, changed: ['posterTitleTemplate'] });
    expect(checkSettingsPatch({ ...CURRENT, posterTitleTemplate: 'x{village}' }, { posterTitleTemplate: '' }, TOWNSHIPS)).toMatchObject({ ok: true, next: { posterTitleTemplate: null } });
    expect(checkSettingsPatch(CURRENT, { posterTitleTemplate: '{year}年度公示' }, TOWNSHIPS)).toMatchObject({ ok: false, problems: [{ problem: '标题里没有村名' }] });
  });
});

describe('the project types', () => {
  const current = STANDARD_PROJECT_TYPES.map(({ code, name, indicatorGroup }) => ({ code, name, indicatorGroup }));

  it('adds, renames and removes an unused type', () => {
    const wanted = [...current.filter((c) => c.code !== 'other').map((c) => (c.code === 'production' ? { ...c, name: '产业发展' } : c)), { code: 'water_supply', name: '安全饮水', indicatorGroup: 'production_infrastructure' as const }];
    const check = checkProjectTypes(current, wanted, new Map([['production', 3]]));
    expect(check).toMatchObject({ ok: true, added: ['water_supply'], removed: ['other'], renamed: ['production'] });
    if (check.ok) expect(check.types.map((p) => p.sortOrder)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('refuses removing a type in use, duplicate names and bad codes', () => {
    const wanted = [{ code: 'Beautiful', name: '生产开发', indicatorGroup: 'beautiful_home' as const }, ...current.filter((c) => c.code !== 'infrastructure')];
    const check = checkProjectTypes(current, wanted, new Map([['infrastructure', 2]]));
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.problems.map((p) => p.problem)).toEqual(['代码不对', '名称重复', '“配套基础设施”有 2 个项目在用，不能删除']);
  });
});

/** A square outline around 衡阳县's seat (about 112.37, 26.97), as GeoJSON text. */
const square = (w: number, s: number, e: number, n: number) => [[w, s], [e, s], [e, n], [w, n], [w, s]];
const feature = (geometry: unknown) => JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name: '衡阳县' }, geometry }] });

describe('an outline file', () => {
  const centres = [{ name: '石市村委会', point: [112.4, 27.0] as const }, { name: '界外村委会', point: [113.5, 27.0] as const }];

  it('reads a Polygon in a FeatureCollection and notes village centres outside it', () => {
    const read = readOutlineFile(feature({ type: 'Polygon', coordinates: [square(112.0, 26.6, 112.8, 27.4)] }), centres);
    expect(read).toEqual({ ok: true, ring: square(112.0, 26.6, 112.8, 27.4).slice(0, 4), notes: ['有 1 个村部在县界外：界外村委会。请核对这些村部的坐标。'] });
  });

  it('keeps the largest part of a MultiPolygon and says so', () => {
    const read = readOutlineFile(JSON.stringify({ type: 'MultiPolygon', coordinates: [[square(112.9, 27.0, 113.0, 27.1)], [square(112.0, 26.6, 112.8, 27.4)]] }), []);
    expect(read).toMatchObject({ ok: true, ring: square(112.0, 26.6, 112.8, 27.4).slice(0, 4), notes: ['文件有 2 块，用了面积最大的一块；其他几块（飞地）里的位置会被当作县外。'] });
  });

  it.each([
    ['not JSON', '<kml/>', '不是 GeoJSON 文件（读不出 JSON）'],
    ['a point', JSON.stringify({ type: 'Point', coordinates: [112, 27] }), '读不出县界：几何类型是 Point'],
    ['projected metres', feature({ type: 'Polygon', coordinates: [square(600000, 2980000, 640000, 3020000)] }), '县界不在中国范围内'],
    ['lat/lon swapped', feature({ type: 'Polygon', coordinates: [square(26.6, 112.0, 27.4, 112.8)] }), '县界不在中国范围内'],
    ['a province', feature({ type: 'Polygon', coordinates: [square(108.8, 24.6, 114.3, 30.1)] }), '范围太大，不像一个县'],
    ['another county', feature({ type: 'Polygon', coordinates: [square(116.0, 39.6, 116.8, 40.2)] }), '已知的村部位置没有一个在这个县界里'],
    ['a million nested brackets', `{"type":"Polygon","coordinates":${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}`, '不是县界文件：括号套了 16 层以上'],
  ])('refuses %s', (_, text, problem) => {
    const read = readOutlineFile(text, [centres[0]!]);
    expect(read).toMatchObject({ ok: false, problems: [{ column: '县界文件', problem }] });
  });
});

describe('saving the county’s settings', () => {
  let temp: TempDatabase | undefined;
  afterEach(async () => {
    await temp?.dispose();
    temp = undefined;
  });
  const BY = { countyCode: '430421', actorId: 1, actorLabel: '县移民中心 张三', at: '2026-03-02T01:00:00.000Z', requestId: 'req-1' };

  async function county() {
    temp = await createTempDatabase();
    const national = (await nationalDivisions('430421'))!;
    await initCounty(temp.db, {
      county: national.county,
      townships: national.townships,
      villages: national.villages,
      source: 'test',
      settings: { issuingUnit: '衡阳县水库移民事务中心', supervisionPhones: ['0734-6812345'], supervisionAddress: '' },
      at: '2026-03-01T01:00:00.000Z',
    });
    return { db: temp.db, township: national.townships[0]! };
  }

  it('writes the change with an audit entry naming from and to, and what the pages then read', async () => {
    const { db, township } = await county();
    const saved = await updateCountySettings(db, { supervisionAddress: '衡阳县西渡镇蒸阳北路 1 号', townshipPhones: { [township.code]: '0734-6811111' }, subsidyStandardYuan: 600 }, BY);
    expect(saved).toEqual({ ok: true, value: ['townshipPhones', 'supervisionAddress'] });
    const settings = await loadCountySettings(db);
    expect(settings).toMatchObject({ supervisionAddress: '衡阳县西渡镇蒸阳北路 1 号', townshipPhones: { [township.code]: '0734-6811111' }, subsidyStandardFen: 60_000 });
    const audit = await db.select().from(t.auditLog).where(eq(t.auditLog.action, 'county.settings'));
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.detailJson)).toEqual({
      changes: { 乡镇监督电话: { from: {}, to: { [township.code]: '0734-6811111' } }, 受理地址: { from: '', to: '衡阳县西渡镇蒸阳北路 1 号' } },
    });
    expect(audit[0]).toMatchObject({ actorLabel: '县移民中心 张三', subjectId: '430421', requestId: 'req-1' });
    // The same change again writes nothing more.
    expect(await updateCountySettings(db, { supervisionAddress: '衡阳县西渡镇蒸阳北路 1 号' }, BY)).toEqual({ ok: true, value: [] });
    expect(await db.select().from(t.auditLog).where(eq(t.auditLog.action, 'county.settings'))).toHaveLength(1);
  });

  it('writes nothing when any field is refused', async () => {
    const { db } = await county();
    const before = await db.select().from(t.countySettings);
    const refused = await updateCountySettings(db, { issuingUnit: '新名字', disclosurePeriodDays: 0 }, BY);
    expect(refused).toMatchObject({ ok: false, problems: [{ column: '公示期（天）', received: '0' }] });
    expect(await db.select().from(t.countySettings)).toEqual(before);
    expect(await db.select().from(t.auditLog).where(eq(t.auditLog.action, 'county.settings'))).toHaveLength(0);
  });

  it('replaces the project types and stores and removes an outline, each audited', async () => {
    const { db } = await county();
    const types = (await loadCountyForEditing(db, '430421'))!.projectTypes.map(({ code, name, indicatorGroup }) => ({ code, name, indicatorGroup }));
    const saved = await replaceProjectTypes(db, [...types, { code: 'water_supply', name: '安全饮水', indicatorGroup: 'production_infrastructure' }], BY);
    expect(saved).toEqual({ ok: true, value: { added: ['water_supply'], removed: [], renamed: [], reordered: false } });
    expect((await loadCountyForEditing(db, '430421'))!.projectTypes.at(-1)).toEqual({ code: 'water_supply', name: '安全饮水', indicatorGroup: 'production_infrastructure', projects: 0 });

    const outline = await setCountyOutline(db, feature({ type: 'Polygon', coordinates: [square(112.0, 26.6, 112.8, 27.4)] }), BY);
    expect(outline).toEqual({ ok: true, value: { points: 4, notes: [] } });
    expect((await loadCountySettings(db)).outline).toEqual(square(112.0, 26.6, 112.8, 27.4).slice(0, 4));
    expect(await setCountyOutline(db, null, BY)).toEqual({ ok: true, value: { points: 0, notes: [] } });
    expect((await loadCountySettings(db)).outline).toBeNull();
    const actions = (await db.select({ action: t.auditLog.action }).from(t.auditLog)).map((a) => a.action);
    expect(actions).toEqual(['county.init', 'county.project_types', 'county.outline', 'county.outline_removed']);
  });
});

describe('the checklist of a county with nothing published', () => {
  let temp: TempDatabase | undefined;
  afterEach(async () => {
    await temp?.dispose();
    temp = undefined;
  });

  it('starts at the 移民村名册 after init, counting what is there, and says when the roster key is missing', async () => {
    temp = await createTempDatabase();
    const national = (await nationalDivisions('430421'))!;
    await initCounty(temp.db, { county: national.county, townships: national.townships, villages: national.villages, source: 'test', settings: { issuingUnit: '衡阳县水库移民事务中心', supervisionPhones: [], supervisionAddress: '' }, at: '2026-03-01T01:00:00.000Z' });
    const list = setupChecklist(await loadSetupCounts(temp.db, '430421', false));
    expect(list.published).toBe(false);
    expect(list.next).toBe('registry');
    expect(list.steps.map((s) => [s.key, s.done])).toEqual([
      ['divisions', true],
      ['registry', false],
      ['roster', false],
      ['users', false],
      ['projects', false],
      ['approval', false],
      ['publish', false],
    ]);
    expect(list.steps[0]!.status).toBe(`${national.townships.length} 个乡镇（街道）、${national.villages.length} 个村（社区）。`);
    expect(list.steps.find((s) => s.key === 'roster')!.blocker).toMatch(/ROSTER_KEY/);
    expect(list.steps.find((s) => s.key === 'registry')!.links[0]).toEqual({ label: '移民村名册模板（Excel）', href: '/api/v1/templates/villages.xlsx' });
    expect(setupChecklist(await loadSetupCounts(temp.db, '430421', true)).steps.find((s) => s.key === 'roster')!.blocker).toBeUndefined();
  });

  it('moves on as steps are done, and is published once a disclosure exists', () => {
    const counts = {
      townships: 2, villages: 10, resettlementVillages: 3, registryYear: 2025, households: 0, persons: 0, householdPayments: 0, rosterKeySet: true,
      users: { county: 1, township: 2, village: 0, inspector: 0 }, projects: 4, approvedProjects: 1, pendingProjects: 3, disclosures: 0,
    };
    // The roster is not needed to publish, but it is the first step not done.
    expect(setupChecklist(counts).next).toBe('roster');
    expect(setupChecklist({ ...counts, households: 5, persons: 12 }).next).toBe('publish');
    expect(setupChecklist({ ...counts, households: 5, disclosures: 4 })).toMatchObject({ published: true, next: null });
    expect(setupChecklist(counts).steps.find((s) => s.key === 'approval')!.status).toBe('县级已审批 1 个，还在审批中 3 个。');
  });
});
