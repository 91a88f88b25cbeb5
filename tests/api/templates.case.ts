/**
 * `GET /api/v1/templates/<kind>.xlsx|.csv` (public, no token) and the code cells' messages give
 * the codes of the county in the database: a county other than the sample sees its own village,
 * never 430482; the 430482 fixture county its own; no county, placeholders.
 */
import { readSheet } from 'read-excel-file/universal';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as schema from '../../db/schema.ts';
import type { ApiTarget } from '../support/api-target.ts';
import { mint, postJson, projectRow, seedCounty, VILLAGE_A1 } from './fixtures.ts';

/** 衡阳县, as `npm run county -- init 430421` would load part of it. */
const OTHER_VILLAGE = '430421100201';
async function seedOtherCounty(db: ApiTarget['db']): Promise<void> {
  await db.insert(schema.divisions).values([
    { code: '430421', name: '衡阳县', level: 'county' },
    { code: '430421100', name: '西渡镇', level: 'township', parentCode: '430421' },
    { code: '430421101', name: '梅花镇', level: 'township', parentCode: '430421' },
    { code: '430421101202', name: '石狮村委会', level: 'village', parentCode: '430421101' },
    { code: OTHER_VILLAGE, name: '梅花村委会', level: 'village', parentCode: '430421100' },
  ]);
  await db.insert(schema.countySettings).values({ countyCode: '430421', isSample: false, issuingUnit: '衡阳县水库移民事务中心', supervisionPhones: '' });
}

interface ErrorAnswer {
  details?: Array<{ row?: number; column?: string; expected?: string }>;
}

export function runTemplatesContract(newTarget: () => Promise<ApiTarget>): void {
  describe('templates name the county’s own codes', () => {
    let target: ApiTarget;
    beforeEach(async () => {
      target = await newTarget();
    });
    afterEach(() => target.dispose());

    const csv = async (kind: string) => {
      const res = await target.request(`/api/v1/templates/${kind}.csv`);
      expect(res.status).toBe(200);
      return res.text();
    };
    const xlsx = async (kind: string) => {
      const res = await target.request(`/api/v1/templates/${kind}.xlsx`);
      expect(res.status).toBe(200);
      const bytes = await res.arrayBuffer();
      const sheets = await Promise.all([1, 2].map((n) => readSheet(bytes, n)));
      return sheets.map((rows) => rows.map((r) => r.join('\t')).join('\n')).join('\n');
    };

    it('a county other than 430482 downloads templates with its own village, and reads its own code in a message', async () => {
      await seedOtherCounty(target.db);
      const projects = await csv('projects');
      expect(projects.split('\r\n')[1]).toMatch(new RegExp(`^示例CN2025-0101,2025,${OTHER_VILLAGE},.*,梅花村委会,`));
      const households = await xlsx('households');
      expect(households).toContain(`示例${OTHER_VILLAGE}-0012\t${OTHER_VILLAGE}\t`);
      expect(await csv('trainings')).toContain(',430421100,');
      for (const text of [projects, households, await xlsx('projects'), await csv('household-payments')]) expect(text).not.toContain('430482');

      const token = await mint(target.db, 'county', '430421');
      const res = await postJson(target, '/api/v1/uploads/projects?dryRun=true', token, { rows: [projectRow('T-1', '4304')] });
      expect(res.status).toBe(400);
      const body = (await res.json()) as ErrorAnswer;
      expect(body.details).toEqual([expect.objectContaining({ row: 1, column: '村代码', expected: `12 位村级统计区划代码，如 ${OTHER_VILLAGE}` })]);
    });

    it('the 430482 county gets its own codes', async () => {
      await seedCounty(target.db);
      expect((await csv('projects')).split('\r\n')[1]).toContain(`,${VILLAGE_A1},`);
      expect(await xlsx('household-payments')).toContain(`示例${VILLAGE_A1}-0012`);
    });

    it('without a county, placeholders and no code at all', async () => {
      const projects = await csv('projects');
      expect(projects.split('\r\n')[1]).toContain(',12 位村代码,');
      expect(projects + (await xlsx('households'))).not.toMatch(/(?<!\d)(\d{9}|\d{12})(?!\d)/);
    });
  });
}
