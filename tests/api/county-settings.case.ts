/**
 * The county office changing its settings through the API, as the staff page does: the change is
 * what publishing and uploads then use; bad values are refused with every field named and nothing
 * written; the outline file replaces the village-centre extent in the location check.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as schema from '../../db/schema.ts';
import { shanghaiDate } from '../../src/domain/shared/dates.ts';
import type { ApiTarget } from '../support/api-target.ts';
import { approve, auth, mintAll, postJson, projectRow, seedCounty, VILLAGE_A1, type Tokens } from './fixtures.ts';

interface Answer {
  code?: string;
  message?: string;
  changed?: string[];
  details?: Array<{ column?: string; problem: string; received?: string; expected?: string }>;
  [k: string]: unknown;
}

export function runCountySettingsContract(newTarget: () => Promise<ApiTarget>): void {
  describe('county settings on the staff page', () => {
    let target: ApiTarget;
    let tokens: Tokens;
    beforeEach(async () => {
      target = await newTarget();
      await seedCounty(target.db);
      tokens = await mintAll(target.db);
    });
    afterEach(() => target.dispose());

    const send = (method: string, path: string, body: unknown, token = tokens.county) =>
      target.request(`/api/v1${path}`, { method, headers: auth(token, { 'content-type': 'application/json' }), body: JSON.stringify(body) });

    it('changes the 公示单位 and 公示期 that the next publish uses, with an audit entry', async () => {
      const res = await send('PATCH', '/county/settings', { issuingUnit: '常宁市水库移民事务中心', disclosurePeriodDays: 7, supervisionPhones: ['0734-7200000'] });
      const body = (await res.json()) as Answer;
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(body.changed).toEqual(['issuingUnit', 'supervisionPhones', 'disclosurePeriodDays']);

      const read = (await (await target.request('/api/v1/county', { headers: auth(tokens.townshipA) })).json()) as Answer;
      expect(read).toMatchObject({ countyCode: '430482', settings: { issuingUnit: '常宁市水库移民事务中心', disclosurePeriodDays: 7, supervisionPhones: ['0734-7200000'] } });

      expect((await postJson(target, '/api/v1/uploads/projects', tokens.county, { rows: [projectRow('S-1', VILLAGE_A1)] })).status).toBe(200);
      await approve(target, { county: tokens.county, township: tokens.townshipA }, ['S-1']);
      const today = shanghaiDate(target.clock.now());
      const published = (await (await postJson(target, '/api/v1/publish', tokens.county, { year: 2025, periodStart: today })).json()) as Answer;
      expect(published).toMatchObject({ issuingUnit: '常宁市水库移民事务中心', supervisionPhones: ['0734-7200000'], periodStart: today });
      const end = new Date(`${today}T00:00:00Z`);
      end.setUTCDate(end.getUTCDate() + 6);
      expect(published.periodEnd).toBe(end.toISOString().slice(0, 10));

      const audit = (await (await target.request('/api/v1/audit', { headers: auth(tokens.inspector) })).json()) as { entries: Array<{ action: string; detail: Record<string, unknown> }> };
      const entry = audit.entries.find((e) => e.action === 'county.settings');
      expect(entry?.detail).toMatchObject({ changes: { 公示单位: { from: '常宁市库区移民事务中心', to: '常宁市水库移民事务中心' }, '公示期（天）': { from: 10, to: 7 } } });
    });

    it('refuses bad values with each field named, and keeps what was stored', async () => {
      const before = await target.db.select().from(schema.countySettings);
      const res = await send('PATCH', '/county/settings', { issuingUnit: '新单位', disclosurePeriodDays: 365, posterTitleTemplate: '{year}年公示', subsidyStandardYuan: -5 });
      expect(res.status).toBe(400);
      const body = (await res.json()) as Answer;
      expect(body.code).toBe('VALIDATION_FAILED');
      expect(body.details!.map((d) => d.column)).toEqual(['公示期（天）', '海报标题', '直补标准（元/人·年）']);
      expect(body.details!.every((d) => d.expected)).toBe(true);
      expect(await target.db.select().from(schema.countySettings)).toEqual(before);
      expect((await send('PATCH', '/county/settings', { issuingUnit: '乡镇改的' }, tokens.townshipA)).status).toBe(403);
    });

    it('checks locations against an uploaded outline, and against the village centres once it is removed', async () => {
      // A small square around 禄福村 only: a location elsewhere in 常宁 is now outside the county.
      const ring = [[112.38, 26.40], [112.41, 26.40], [112.41, 26.43], [112.38, 26.43], [112.38, 26.40]];
      const res = await target.request('/api/v1/county/outline', { method: 'PUT', headers: auth(tokens.county, { 'content-type': 'application/geo+json' }), body: JSON.stringify({ type: 'Polygon', coordinates: [ring] }) });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ points: 4, notes: [] });
      expect((await postJson(target, '/api/v1/uploads/projects?dryRun=true', tokens.county, { rows: [projectRow('S-NEAR', VILLAGE_A1)] })).status).toBe(200);
      const far = projectRow('S-FAR', VILLAGE_A1, { lon: 112.55, lat: 26.30 });
      const refused = (await (await postJson(target, '/api/v1/uploads/projects?dryRun=true', tokens.county, { rows: [far] })).json()) as Answer;
      expect(refused.details?.map((d) => d.problem)).toContain('位置不在本县范围内');

      const bad = await target.request('/api/v1/county/outline', { method: 'PUT', headers: auth(tokens.county), body: '{"type":"Point","coordinates":[112,26]}' });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as Answer).details).toEqual([{ column: '县界文件', problem: '读不出县界：几何类型是 Point', expected: '一个 Polygon 或 MultiPolygon（面）' }]);

      expect((await target.request('/api/v1/county/outline', { method: 'DELETE', headers: auth(tokens.county) })).status).toBe(200);
      const [settings] = await target.db.select({ outline: schema.countySettings.outlineJson }).from(schema.countySettings);
      expect(settings?.outline).toBeNull();
    });

    it('gives the county its 开通步骤 with counts, the next step first not done', async () => {
      const get = () => target.request('/api/v1/county/checklist', { headers: auth(tokens.county) });
      const list = (await (await get()).json()) as { published: boolean; next: string; steps: Array<{ key: string; done: boolean; status: string }> };
      expect(list.published).toBe(false);
      expect(list.next).toBe('registry');
      expect(list.steps.find((s) => s.key === 'users')).toMatchObject({ done: true, status: '县 1 个、乡镇 2 个、村 3 个、纪检审计 1 个账号。' });
      await postJson(target, '/api/v1/uploads/projects', tokens.county, { rows: [projectRow('S-C1', VILLAGE_A1)] });
      const after = (await (await get()).json()) as typeof list;
      expect(after.steps.find((s) => s.key === 'projects')).toMatchObject({ done: true, status: '1 个项目。' });
      expect(after.steps.find((s) => s.key === 'approval')).toMatchObject({ done: false, status: '县级已审批 0 个，还在审批中 1 个。' });
      expect((await target.request('/api/v1/county/checklist', { headers: auth(tokens.townshipA) })).status).toBe(403);
    });

    it('adds a project type that uploads then accept', async () => {
      const county = (await (await target.request('/api/v1/county', { headers: auth(tokens.county) })).json()) as { projectTypes: Array<{ code: string; name: string; indicatorGroup: string }> };
      const types = county.projectTypes.map(({ code, name, indicatorGroup }) => ({ code, name, indicatorGroup }));
      const row = projectRow('S-WATER', VILLAGE_A1, { type: '安全饮水' });
      expect((await postJson(target, '/api/v1/uploads/projects?dryRun=true', tokens.county, { rows: [row] })).status).toBe(400);
      const res = await send('PUT', '/county/project-types', { projectTypes: [...types, { code: 'water_supply', name: '安全饮水', indicatorGroup: 'production_infrastructure' }] });
      expect(await res.json()).toMatchObject({ added: ['water_supply'], removed: [] });
      expect((await postJson(target, '/api/v1/uploads/projects?dryRun=true', tokens.county, { rows: [row] })).status).toBe(200);
    });
  });
}
