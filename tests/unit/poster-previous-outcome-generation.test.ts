/**
 * The poster of a corrected version prints how the version before it ended, and an incremental
 * run draws it again exactly when that outcome changes: when the earlier period ends, and when an
 * objection raised in it is answered. A one-village database, published through the real
 * publishDisclosures; posters rendered in this thread and read back with pdftotext.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../../db/schema.ts';
import { posterSource } from '../../src/data/poster-source.ts';
import { generatePosters } from '../../src/posters/generate.ts';
import { readPosterManifest } from '../../src/posters/manifest-store.ts';
import { createPosterOnDemand } from '../../src/posters/on-demand.ts';
import { planPosters, writePosterManifest } from '../../src/posters/plan.ts';
import { createTempDatabase, type TempDatabase } from '../support/temp-database.ts';
import { insertOneVillage, ONE_VILLAGE, publishOneVillage } from '../support/one-village.ts';
import { POSTER_SETTINGS, project } from '../support/poster-fixtures.ts';

const VILLAGE = ONE_VILLAGE;
const pdfText = (file: string) => execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).replace(/\s+/g, '');

describe('poster of a corrected version', () => {
  let db: TempDatabase;
  let outDir: string;
  let firstVersionId: number;

  const run = (today: string) => generatePosters({ source: posterSource(db.db), outDir, settings: POSTER_SETTINGS, years: [2022], villageCodes: [VILLAGE], workers: 0, today });
  const entry = () => readPosterManifest(outDir).villages[`${VILLAGE}/2022`]!;
  const printed = () => pdfText(join(outDir, entry().a4Pdf.replace(/^\/posters\//, '')));

  beforeAll(async () => {
    db = await createTempDatabase();
    await insertOneVillage(db.db);
    const publish = (periodStart: string, projects: number, correctionReason?: string) =>
      publishOneVillage(db.db, periodStart, Array.from({ length: projects }, (_, i) => project(i + 1)), correctionReason);
    // Version 1 runs 1–10 September; version 2 (a correction) starts on the 5th, inside it.
    expect(await publish('2023-09-01', 1)).toMatchObject({ ok: true });
    expect(await publish('2023-09-05', 2, '补录漏报项目')).toMatchObject({ ok: true });
    const [v1] = await db.db.select({ id: schema.disclosures.id }).from(schema.disclosures).where(and(eq(schema.disclosures.scopeCode, VILLAGE), eq(schema.disclosures.version, 1)));
    firstVersionId = v1!.id;
    outDir = mkdtempSync(join(tmpdir(), 'posters-outcome-'));
  });
  afterAll(() => {
    db.dispose();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('prints nothing about version 1 while its period runs, and reuses the files the next day', async () => {
    expect(await run('2023-09-08')).toMatchObject({ rendered: 2, reused: 0 });
    expect(entry()).toMatchObject({ version: 2, previousOutcome: null });
    expect(printed()).not.toContain('上次公示');
    expect(await run('2023-09-09')).toMatchObject({ rendered: 0, reused: 2 });
  });

  it('keeps a poster for the corrected version 1 too, each printing the address of its own version', async () => {
    const v1 = readPosterManifest(outDir).superseded[`${VILLAGE}/2022/v1`]!;
    expect(v1).toMatchObject({ version: 1, villageCode: VILLAGE });
    expect(v1.a4Pdf).toMatch(new RegExp(`^/posters/2022/${VILLAGE}-v1-[0-9a-f]{16}-a4\\.pdf$`));
    expect(entry().a4Pdf).toMatch(new RegExp(`^/posters/2022/${VILLAGE}-v2-[0-9a-f]{16}-a4\\.pdf$`));
    expect(pdfText(join(outDir, v1.a4Pdf.replace(/^\/posters\//, '')))).toContain(`gs.example.cn/villages/${VILLAGE}/2022/v1/`);
    expect(printed()).toContain(`gs.example.cn/villages/${VILLAGE}/2022/v2/`);
  });

  it('draws the poster again once version 1\'s period has ended: 期满，无异议', async () => {
    const before = entry().key;
    const result = await run('2023-09-11');
    // Only version 2 prints version 1's outcome; version 1's poster stays as it was.
    expect(result).toMatchObject({ rendered: 1, reused: 1 });
    expect(entry().key).not.toBe(before);
    expect(entry().previousOutcome).toEqual({ version: 1, periodStart: '2023-09-01', periodEnd: '2023-09-10', objections: 0, resolved: 0 });
    const text = printed();
    expect(text).toContain('四、上次公示结果');
    expect(text).toContain('上次公示（第1版，2023年9月1日至2023年9月10日）期满，无异议。');
    expect(await run('2023-09-12')).toMatchObject({ rendered: 0, reused: 2 });
  });

  it('counts an objection raised inside version 1\'s period, then says it was answered', async () => {
    const [row] = await db.db
      .insert(schema.feedback)
      .values({ kind: 'objection', subjectType: 'disclosure', subjectRef: 'X', villageCode: VILLAGE, disclosureId: firstVersionId, body: '预算不对', receivedAt: '2023-09-03T03:00:00.000Z' })
      .returning({ id: schema.feedback.id });
    // One raised after the period does not count.
    await db.db.insert(schema.feedback).values({ kind: 'objection', subjectType: 'disclosure', subjectRef: 'X', villageCode: VILLAGE, disclosureId: firstVersionId, body: '迟到的异议', receivedAt: '2023-09-11T03:00:00.000Z' });
    expect(await run('2023-09-12')).toMatchObject({ rendered: 1 });
    expect(printed()).toContain('期间收到异议1件，已答复0件，其余1件正在办理，详见网上问答gs.example.cn/feedback/。');

    await db.db.update(schema.feedback).set({ status: 'answered', responsibleUnit: '柏坊镇人民政府', answer: '已核实更正', answeredAt: '2023-09-13T03:00:00.000Z' }).where(eq(schema.feedback.id, row!.id));
    expect(await run('2023-09-13')).toMatchObject({ rendered: 1 });
    expect(printed()).toContain('期间收到异议1件，已全部答复');
    expect(entry().previousOutcome).toMatchObject({ objections: 1, resolved: 1 });
  });

  it('on demand, draws the outcome the manifest was planned with, even after the database moved on', async () => {
    const planned = mkdtempSync(join(tmpdir(), 'posters-outcome-planned-'));
    const posters = createPosterOnDemand({ source: posterSource(db.db), dir: planned, settings: POSTER_SETTINGS });
    try {
      const plan = await planPosters({ source: posterSource(db.db), outDir: planned, settings: POSTER_SETTINGS, years: [2022], villageCodes: [VILLAGE], today: '2023-09-13' });
      writePosterManifest(planned, plan);
      const listed = readPosterManifest(planned).villages[`${VILLAGE}/2022`]!;
      expect(listed.previousOutcome).toMatchObject({ objections: 1, resolved: 1 });
      // Another objection from inside the period turns up after planning (entered late by staff).
      await db.db.insert(schema.feedback).values({ kind: 'objection', subjectType: 'disclosure', subjectRef: 'X', villageCode: VILLAGE, disclosureId: firstVersionId, body: '补录', receivedAt: '2023-09-04T03:00:00.000Z' });
      const file = await posters.file(listed.a4Pdf.replace(/^\/posters\//, ''));
      expect(file).toMatchObject({ rendered: true });
      expect(pdfText(file!.path)).toContain('期间收到异议1件，已全部答复');
    } finally {
      await posters.close();
      rmSync(planned, { recursive: true, force: true });
    }
  });
});
