/**
 * A project that a correction takes out of a village's 公示 keeps its published address: the
 * portal's index lists it as withdrawn, with the last version that listed it and the correction
 * that removed it, while a project still listed, or moved into the current version, is not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPortalData } from '../../src/data/portal-data.ts';
import { createTempDatabase, type TempDatabase } from '../support/temp-database.ts';
import { project } from '../support/poster-fixtures.ts';
import { insertOneVillage, ONE_VILLAGE, publishOneVillage } from '../support/one-village.ts';

const VILLAGE = ONE_VILLAGE;

describe('projects corrected out of a 公示', () => {
  let db: TempDatabase;
  const publish = (periodStart: string, projects: ReturnType<typeof project>[], correctionReason?: string) => publishOneVillage(db.db, periodStart, projects, correctionReason);

  beforeAll(async () => {
    db = await createTempDatabase();
    await insertOneVillage(db.db);
    expect(await publish('2023-09-01', [project(1), project(2), project(3)])).toMatchObject({ ok: true });
    // Version 2 takes project 2 out; version 3 takes project 3 out and keeps project 1.
    expect(await publish('2023-09-05', [project(1), project(3)], '项目2不属于本村，撤下')).toMatchObject({ ok: true });
    expect(await publish('2023-09-08', [project(1)], '项目3重复申报，撤下')).toMatchObject({ ok: true });
  });
  afterAll(() => db?.dispose());

  it('lists each removed project with the version that last listed it and the correction that removed it', async () => {
    const data = await loadPortalData(db.db);
    const [p1, p2, p3] = [project(1), project(2), project(3)];
    expect(data.projects.map((p) => p.project.code)).toEqual([p1.code]);
    expect(data.withdrawnProjects.map((w) => ({ code: w.code, name: w.name, village: w.villageCode, last: w.lastListed.version, removedBy: w.removedBy.version, reason: w.removedBy.correctionReason }))).toEqual([
      { code: p2.code, name: p2.name, village: VILLAGE, last: 1, removedBy: 2, reason: '项目2不属于本村，撤下' },
      { code: p3.code, name: p3.name, village: VILLAGE, last: 2, removedBy: 3, reason: '项目3重复申报，撤下' },
    ]);
  });
});
