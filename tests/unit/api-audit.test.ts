/** The audit chain names the first broken link; the county outline in src/domain matches db/seed. */
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { appendAudit, verifyAuditLog } from '../../src/data/audit.ts';
import { loadCountyOutline } from '../../db/seed/geo.ts';

/** The sample county's outline (the one stored in its settings). */
const COUNTY_OUTLINE_RING = loadCountyOutline().ring;
import { checkLocation } from '../../src/domain/geo/geo.ts';
import { createTempDatabase, type TempDatabase } from '../support/temp-database.ts';

describe('audit chain', () => {
  let temp: TempDatabase;
  afterEach(() => temp.dispose());

  const seed = async (n: number) => {
    for (let i = 1; i <= n; i++) {
      await appendAudit(temp.db, { at: `2025-06-30T02:00:0${i}.000Z`, actorId: null, actorLabel: 'test', action: `act.${i}`, subjectType: 'x', subjectId: String(i), detail: { i }, requestId: null });
    }
  };

  it('verifies an intact chain, refuses UPDATE and DELETE, and names the first tampered entry', async () => {
    temp = await createTempDatabase();
    await seed(5);
    expect(await verifyAuditLog(temp.db)).toMatchObject({ ok: true, checked: 5 });
    await expect(temp.client.execute("update audit_log set action = 'x' where id = 2")).rejects.toThrow(/append-only/);
    await expect(temp.client.execute('delete from audit_log where id = 2')).rejects.toThrow(/append-only/);
    // Someone with file access drops the trigger and edits entry 3.
    await temp.client.execute('drop trigger audit_log_no_update');
    await temp.client.execute(`update audit_log set detail_json = '{"i":99}' where id = 3`);
    const result = await verifyAuditLog(temp.db);
    expect(result).toMatchObject({ ok: false, checked: 2, broken: { id: 3, problem: 'hash_mismatch' } });
    expect(!result.ok && result.message).toContain('id 3');
    let out = '';
    try {
      execFileSync(process.execPath, ['src/cli/audit.ts'], { env: { ...process.env, DATABASE_URL: temp.url }, encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      out = String((e as { stderr: string }).stderr);
    }
    expect(out).toContain('first broken link: id 3');
  });

  it('names a removed entry as a previous-hash mismatch', async () => {
    temp = await createTempDatabase();
    await seed(4);
    await temp.client.execute('drop trigger audit_log_no_delete');
    await temp.client.execute('delete from audit_log where id = 2');
    expect(await verifyAuditLog(temp.db)).toMatchObject({ ok: false, broken: { id: 3, problem: 'previous_hash_mismatch' } });
  });
});

describe('county outline', () => {
  it("is the ring of db/seed/changning-outline.geojson, as loaded for the sample", () => {
    const file = JSON.parse(readFileSync(new URL('../../db/seed/changning-outline.geojson', import.meta.url), 'utf8')) as { features: Array<{ geometry: { coordinates: number[][][] } }> };
    expect(COUNTY_OUTLINE_RING.map((p) => [...p])).toEqual(file.features[0]!.geometry.coordinates[0]);
  });

  it.each([
    ['a point in the county', [112.3956, 26.4186], 'CGCS2000', null],
    ['swapped longitude and latitude', [26.4186, 112.3956], 'CGCS2000', '填反'],
    ['GCJ-02 entered as CGCS2000 near the border', [112.2764, 26.1367], 'CGCS2000', 'GCJ'],
    ['a point in Beijing', [116.4, 39.9], 'CGCS2000', '天地图'],
  ] as const)('checks %s', (_name, point, system, hint) => {
    const result = checkLocation(point, system, COUNTY_OUTLINE_RING);
    if (hint === null) expect(result.ok).toBe(true);
    else expect(!result.ok && result.hint).toContain(hint);
  });
});
