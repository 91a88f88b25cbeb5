/**
 * The Worker's own posters (functions/worker-posters.ts), run here in Node with what the Worker
 * is given: the build's manifest and settings and the original fonts as assets, HarfBuzz as a
 * compiled module, a bucket in memory. A publish names only its townships' posters (the rest keep
 * their names and page counts), pages link from that plan, and a named poster the bucket lacks is
 * drawn once, stored and served; a name no plan has is never drawn. The Worker itself (workerd,
 * its bundle, the page cache) is tested end to end in tests/e2e/worker-pages.test.ts.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerPosters, type WorkerPosters } from '../../functions/worker-posters.ts';
import type { PosterStore, StoredPoster } from '../../functions/storage/poster-store.ts';
import { loadSampleCounty } from '../../src/cli/sample-data.ts';
import { appendAudit } from '../../src/data/audit.ts';
import { loadPosterPlanPart, publicPageStamp, savePosterPlanPart } from '../../src/data/poster-plan-parts.ts';
import { posterSource } from '../../src/data/poster-source.ts';
import { FontSubsetError, openFontSubsetter } from '../../src/posters/font-subset.ts';
import { posterFontDir } from '../../src/posters/fonts.ts';
import { emptyManifest, mergeTownshipPlan, WORKER_POSTER_SETTINGS, type PosterManifest, type VillagePosterEntry } from '../../src/posters/manifest.ts';
import { planPosters } from '../../src/posters/plan.ts';
import { POSTER_FONT_ASSETS, POSTER_FONT_FILES } from '../../src/posters/poster-fonts.ts';
import { createTempDatabase, type TempDatabase } from '../support/temp-database.ts';
import { POSTER_SETTINGS } from '../support/poster-fixtures.ts';

const harfbuzz = () => new WebAssembly.Module(readFileSync(createRequire(import.meta.url).resolve('harfbuzzjs/dist/harfbuzz-subset.wasm')));

/** The Worker's assets binding over the build's settings and the original fonts. */
function assets(settings: unknown) {
  const asked: string[] = [];
  const files = new Map<string, Uint8Array<ArrayBuffer> | string>([[`/posters/${WORKER_POSTER_SETTINGS}`, JSON.stringify(settings)]]);
  for (const file of Object.values(POSTER_FONT_FILES)) files.set(`${POSTER_FONT_ASSETS}/${file}`, new Uint8Array(readFileSync(join(posterFontDir(), file))));
  return {
    asked,
    async fetch(request: Request) {
      const path = new URL(request.url).pathname;
      asked.push(path);
      const body = files.get(path);
      return body === undefined ? new Response('not found', { status: 404 }) : new Response(body);
    },
  };
}

function memoryStore(): PosterStore & { files: Map<string, StoredPoster> } {
  const files = new Map<string, StoredPoster>();
  return {
    files,
    get: async (name) => files.get(name) ?? null,
    has: async (name) => files.has(name),
    put: async (name, bytes, contentType) => void files.set(name, { bytes, contentType }),
    list: async () => ({ names: [...files.keys()], cursor: null }),
  };
}

const relative = (path: string) => path.replace(/^\/posters\//, '');

describe('the Worker’s posters', () => {
  let temp: TempDatabase;
  let whole: PosterManifest;
  let built: PosterManifest;
  let village: VillagePosterEntry;
  let store: ReturnType<typeof memoryStore>;
  let posters: WorkerPosters;
  const BUILD = 'build-1';

  beforeAll(async () => {
    temp = await createTempDatabase();
    await loadSampleCounty(temp.db);
    // What the build named: every 2022 poster but one village's (published after the build).
    whole = (await planPosters({ source: posterSource(temp.db), outDir: '/nowhere', settings: POSTER_SETTINGS, years: [2022] })).manifest;
    village = Object.values(whole.villages).find((v) => v.villageCode.startsWith('430482101'))!;
    const township = village.villageCode.slice(0, 9);
    built = mergeTownshipPlan(whole, emptyManifest(), 2022, [township]);
    for (const [key, entry] of Object.entries(whole.villages)) if (entry.townshipCode === township && entry.villageCode !== village.villageCode) built.villages[key] = entry;
    store = memoryStore();
    posters = createWorkerPosters({
      db: temp.db,
      assets: assets(POSTER_SETTINGS),
      store,
      buildId: BUILD,
      subsetter: harfbuzz(),
      builtPart: async () => built,
      clock: () => new Date('2026-12-05T08:00:00Z'),
      log: () => undefined,
    });
  }, 120_000);
  afterAll(() => temp?.dispose());

  it('name a publish’s posters from its townships alone, keeping every other name, and move the pages’ stamp', async () => {
    const part = { year: 2022, townshipCode: village.villageCode.slice(0, 9) };
    expect((await posters.part(part))!.villages[`${village.villageCode}/2022`]).toBeUndefined();
    const stampBefore = await publicPageStamp(temp.db);
    await posters.planVillages(2022, [village.villageCode]);
    const planned = (await posters.part(part))!;
    // The new village's names and page count are what a whole plan gives; the others are unchanged.
    expect(planned.villages[`${village.villageCode}/2022`]).toEqual(village);
    const others = Object.entries(built.villages).filter(([, entry]) => entry.townshipCode === part.townshipCode);
    expect(others.length).toBeGreaterThan(3);
    expect(Object.keys(planned.villages).sort()).toEqual([...others.map(([key]) => key), `${village.villageCode}/2022`].sort());
    for (const [key, entry] of others) expect(planned.villages[key]).toEqual(entry);
    expect(planned.townships).toEqual(Object.fromEntries(Object.entries(whole.townships).filter(([key]) => key.startsWith(part.townshipCode))));
    expect(await publicPageStamp(temp.db)).not.toBe(stampBefore);
    // Another build reads its own copy, not this build's plan.
    expect(await loadPosterPlanPart(temp.db, 'build-2', part)).toBeNull();
    // Nothing was drawn by naming.
    expect(store.files.size).toBe(0);
  }, 60_000);

  it('draw a named poster the bucket lacks, store all its files, and answer the one asked for', async () => {
    const png = relative(village.png[0]!);
    const drawn = await posters.draw(png);
    expect(drawn?.contentType).toBe('image/png');
    expect(Buffer.from(drawn!.bytes).subarray(1, 4).toString()).toBe('PNG');
    expect([...store.files.keys()].sort()).toEqual([village.a4Pdf, village.a3Pdf, ...village.png].map(relative).sort());
    const a4 = store.files.get(relative(village.a4Pdf))!;
    expect([a4.contentType, Buffer.from(a4.bytes).subarray(0, 5).toString()]).toEqual(['application/pdf', '%PDF-']);
  }, 60_000);

  it('never draw a name no plan has, or a name that is no poster’s', async () => {
    const count = store.files.size;
    expect(await posters.draw(relative(village.a4Pdf).replace(village.key, '0123456789abcdef'))).toBeNull();
    expect(await posters.draw('2022/../../etc/passwd')).toBeNull();
    expect(await posters.draw('manifest/settings.json')).toBeNull();
    expect(store.files.size).toBe(count);
  });

  it('draw nothing in a build that recorded no settings', async () => {
    const none = createWorkerPosters({
      db: temp.db,
      assets: { fetch: async () => new Response('not found', { status: 404 }) },
      store: memoryStore(),
      buildId: BUILD,
      subsetter: harfbuzz(),
      builtPart: async () => built,
      clock: () => new Date('2026-12-05T08:00:00Z'),
      log: () => undefined,
    });
    const other = Object.values(built.villages)[0]!;
    expect(await none.draw(relative(other.a4Pdf))).toBeNull();
  });

  it('store a part planned again as a new row, so the stamp moves again', async () => {
    const part = { year: 2021, townshipCode: '430482101' };
    await savePosterPlanPart(temp.db, BUILD, part, emptyManifest(), new Date('2026-12-05T08:00:00Z'));
    const first = await publicPageStamp(temp.db);
    await savePosterPlanPart(temp.db, BUILD, part, emptyManifest(), new Date('2026-12-05T08:01:00Z'));
    expect(await publicPageStamp(temp.db)).not.toBe(first);
    const published = await appendAudit(temp.db, { at: '2026-12-05T08:02:00Z', actorId: null, actorLabel: 'test', action: 'publish', subjectType: 'x', subjectId: '1', detail: {}, requestId: null });
    expect(await publicPageStamp(temp.db)).toMatch(new RegExp(`^${published.id}\\.`));
  });
});

describe('the font subsetter', () => {
  it('keeps the glyphs of the text asked for and no others', async () => {
    const subsetter = await openFontSubsetter(harfbuzz());
    const original = readFileSync(join(posterFontDir(), POSTER_FONT_FILES.regular));
    const small = subsetter.subset(original, '村上墙𬌗');
    expect(small.byteLength).toBeLessThan(original.byteLength / 100);
    const fontkit = (await import('@pdf-lib/fontkit')).default;
    const font = fontkit.create(small);
    for (const ch of '村上墙𬌗') expect(font.hasGlyphForCodePoint(ch.codePointAt(0)!)).toBe(true);
    expect(font.hasGlyphForCodePoint('县'.codePointAt(0)!)).toBe(false);
  });

  it('refuses bytes that are not a font with an error, and keeps working', async () => {
    const subsetter = await openFontSubsetter(harfbuzz());
    expect(() => subsetter.subset(new TextEncoder().encode('not a font at all'), '村')).toThrow(FontSubsetError);
    expect(() => subsetter.subset(new Uint8Array(0), '村')).toThrow(FontSubsetError);
    const original = readFileSync(join(posterFontDir(), POSTER_FONT_FILES.bold));
    expect(subsetter.subset(original, '村').byteLength).toBeGreaterThan(100);
  });
});
