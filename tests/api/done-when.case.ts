/**
 * The "done when", as a new user would do it: a county token minted with the CLI uploads
 * the projects template filled with a new village's projects, the township reviewer and the county
 * approve them, the county publishes, and the village's published disclosure contains them.
 */
import { execFileSync } from 'node:child_process';
import { notInArray, and, eq } from 'drizzle-orm';
import { readSheet } from 'read-excel-file/universal';
import writeXlsxFile from 'write-excel-file/universal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { divisions, projects } from '../../db/schema.ts';
import { loadSampleCounty } from '../../src/cli/sample-data.ts';
import { loadPublishedYear } from '../../src/data/disclosures.ts';
import type { ApiTarget } from '../support/api-target.ts';
import { auth, postBytes, postJson } from './fixtures.ts';

/**
 * Mints a token with `npm run token -- create` against the target's database file. On workerd that
 * is the file the libSQL HTTP server serves the Worker, so the Worker sees the token at once.
 */
function cliToken(databaseUrl: string, args: string[]): string {
  const out = execFileSync(process.execPath, ['src/cli/token.ts', 'create', ...args], { env: { ...process.env, DATABASE_URL: databaseUrl }, encoding: 'utf8' });
  return out.trim().split('\n').at(-1)!.trim();
}

export function runDoneWhenContract(newTarget: () => Promise<ApiTarget>): void {
  describe('done when: template → review → approve → publish', () => {
    let target: ApiTarget;
    beforeAll(async () => {
      target = await newTarget();
      await loadSampleCounty(target.db);
    }, 120_000);
    afterAll(() => target.dispose());

    it('publishes a new village’s projects uploaded from the template by a CLI-minted county token', async () => {
      const used = target.db.select({ code: projects.villageCode }).from(projects);
      const [village] = await target.db.select().from(divisions).where(and(eq(divisions.level, 'village'), notInArray(divisions.code, used))).limit(1);
      expect(village).toBeDefined();
      const county = cliToken(target.databaseUrl, ['--role', 'county', '--scope', '430482', '--name', '县移民事务中心-测试']);
      const township = cliToken(target.databaseUrl, ['--role', 'township', '--scope', village!.parentCode!, '--name', '乡镇审核-测试']);
      expect(county).toMatch(/^csq_/);

      const template = await target.request('/api/v1/templates/projects.xlsx');
      expect(template.status).toBe(200);
      const sheet = await readSheet(await template.arrayBuffer(), 1);
      const header = sheet[0]!.map(String);
      const col = (h: string) => header.indexOf(h);
      const filled = (code: string, name: string) => {
        const row: Array<string | number | null> = header.map(() => null);
        row[col('项目编号')] = code;
        row[col('年度')] = 2025;
        row[col('村代码')] = village!.code;
        row[col('项目类型')] = '美丽家园建设';
        row[col('项目名称')] = name;
        row[col('建设内容及规模')] = '硬化道路0.8公里';
        row[col('实施单位')] = '村民委员会';
        row[col('中央资金(元)')] = 180000;
        row[col('申请日期')] = '2025-03-10';
        row[col('村理财小组复核日期')] = '2025-03-12';
        return row;
      };
      const example = sheet[1]!.map((v) => (v === null ? null : String(v)));
      const rows: Array<Array<string | number | null>> = [header, example, filled('NEW2025-0001', '通组道路硬化'), filled('NEW2025-0002', '安全饮水改造')];
      const blob = await writeXlsxFile(rows.map((r) => r.map((v) => (v === null ? null : { value: v, type: typeof v === 'number' ? Number : String })))).toBlob();
      const upload = await postBytes(target, '/api/v1/uploads/projects', county, new Uint8Array(await blob.arrayBuffer()));
      expect(upload.status, await upload.clone().text()).toBe(200);
      expect(await upload.json()).toMatchObject({ status: 'committed', created: 2, format: 'xlsx' });

      const queue = (await (await target.request('/api/v1/workflow/queue', { headers: auth(township) })).json()) as { projects: Array<{ code: string }> };
      expect(queue.projects.map((p) => p.code).sort()).toEqual(['NEW2025-0001', 'NEW2025-0002']);
      for (const code of ['NEW2025-0001', 'NEW2025-0002']) {
        expect((await postJson(target, `/api/v1/projects/${code}/transitions`, township, { action: 'township_review', comment: '同意' })).status).toBe(200);
        expect((await postJson(target, `/api/v1/projects/${code}/transitions`, county, { action: 'county_approve' })).status).toBe(200);
      }
      const published = await postJson(target, '/api/v1/publish', county, { year: 2025 });
      expect(published.status, await published.clone().text()).toBe(200);

      const year = await loadPublishedYear(target.db, 2025);
      const page = year.villages.find((v) => v.scopeCode === village!.code);
      expect(page?.content.projects.map((p) => p.code).sort()).toEqual(['NEW2025-0001', 'NEW2025-0002']);
      expect(year.county?.content).toBeDefined();
    }, 120_000);
  });
}
