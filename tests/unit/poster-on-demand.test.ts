/**
 * Posters planned at build time and drawn by the Node server when first requested: planning names
 * every file and writes none; the server renders a missing planned poster once for concurrent
 * requests, sends an earlier rendering's name to the same version's current file, and refuses
 * anything else.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeServer, type RunningServer } from '../../functions/node-server.ts';
import { createMemoryLogger } from '../../functions/logger.ts';
import { loadConfig } from '../../src/config.ts';
import { loadSampleCounty } from '../../src/cli/sample-data.ts';
import { posterSource } from '../../src/data/poster-source.ts';
import { mergeTownshipPlan, type VillagePosterEntry } from '../../src/posters/manifest.ts';
import { readPosterManifest } from '../../src/posters/manifest-store.ts';
import { planPosters, writePosterManifest } from '../../src/posters/plan.ts';
import { createTempDatabase, type TempDatabase } from '../support/temp-database.ts';
import { POSTER_SETTINGS } from '../support/poster-fixtures.ts';

/** Sends the path exactly as written (fetch would resolve `..` before sending). */
function rawGet(port: number, path: string): Promise<number> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode ?? 0));
    });
    req.on('error', fail);
    req.end();
  });
}

/** A file's inode and modification time: both change when it is written again (through a rename). */
const identity = (file: string) => {
  const s = statSync(file);
  return `${s.ino}:${s.mtimeMs}`;
};

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1));

describe('posters drawn on demand', () => {
  let db: TempDatabase;
  let posterDir: string;
  let siteDir: string;
  let server: RunningServer;
  let entry: VillagePosterEntry;
  const logger = createMemoryLogger();
  const base = () => `http://127.0.0.1:${server.port}`;

  beforeAll(async () => {
    db = await createTempDatabase();
    await loadSampleCounty(db.db);
    posterDir = mkdtempSync(join(tmpdir(), 'posters-on-demand-'));
    siteDir = mkdtempSync(join(tmpdir(), 'site-'));
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', SITE_DIR: siteDir });
    server = await startNodeServer({ db: db.db, config, logger, siteDir: () => siteDir, posters: { dir: posterDir, settings: POSTER_SETTINGS } });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    db?.dispose();
    rmSync(posterDir, { recursive: true, force: true });
    rmSync(siteDir, { recursive: true, force: true });
  });

  it('planning names every file and writes none but the manifest', async () => {
    const plan = await planPosters({ source: posterSource(db.db), outDir: posterDir, settings: POSTER_SETTINGS, years: [2022] });
    writePosterManifest(posterDir, plan);
    expect(filesUnder(posterDir).filter((f) => !f.startsWith('manifest/'))).toEqual([]);
    const villages = Object.values(plan.manifest.villages);
    expect(villages.length).toBeGreaterThan(100);
    for (const v of villages) {
      expect(v.pages).toBeGreaterThanOrEqual(1);
      expect(v.png).toHaveLength(v.pages);
      expect(v.a4Pdf).toContain(v.key);
    }
    expect(Object.keys(plan.manifest.townships).length).toBeGreaterThan(0);
    entry = villages[0]!;
  }, 60_000);


  it('a names-only plan lays out only posters it does not know, and names the rest as before', async () => {
    const whole = await planPosters({ source: posterSource(db.db), outDir: posterDir, settings: POSTER_SETTINGS, years: [2022] });
    const [first, second] = Object.values(whole.manifest.villages);
    const baseOf = (e: VillagePosterEntry) => e.a4Pdf.replace(/^\/posters\//, '').replace(/-a4\.pdf$/, '');
    // Every poster known with its own page count but the first, and the second with a count no
    // layout gives: the plan takes the known count as it is and lays out the first.
    const known = new Map([...Object.values(whole.manifest.villages), ...Object.values(whole.manifest.superseded)].map((e) => [baseOf(e), e.pages]));
    known.delete(baseOf(first!));
    known.set(baseOf(second!), 9);
    const named = await planPosters({ source: posterSource(db.db), outDir: posterDir, settings: POSTER_SETTINGS, years: [2022], namesOnly: { known } });
    const byCode = (code: string) => Object.values(named.manifest.villages).find((e) => e.villageCode === code)!;
    expect(byCode(first!.villageCode)).toEqual(first);
    expect(named.manifest.superseded).toEqual(whole.manifest.superseded);
    expect([byCode(second!.villageCode).pages, byCode(second!.villageCode).png.length]).toEqual([9, 9]);
    // Only the unknown poster was laid out (its job), and no township job: nothing is drawn from it.
    expect(named.posters.filter((p) => p.job).map((p) => p.base)).toEqual([baseOf(first!)]);
    expect(named.manifest.townships).toEqual(whole.manifest.townships);
  }, 60_000);

  it('names a published village’s posters from its township alone, as a whole plan names them', async () => {
    const whole = await planPosters({ source: posterSource(db.db), outDir: posterDir, settings: POSTER_SETTINGS, years: [2022] });
    const village = Object.values(whole.manifest.villages)[0]!;
    const township = village.villageCode.slice(0, 9);
    // The manifest as it was before that township's villages were published.
    const before = mergeTownshipPlan(whole.manifest, { schema: 1, villages: {}, superseded: {}, townships: {} }, 2022, [township]);
    expect(Object.keys(before.villages).length).toBeLessThan(Object.keys(whole.manifest.villages).length);
    expect(before.townships[`${township}/2022`]).toBeUndefined();
    writePosterManifest(posterDir, { manifest: before, posters: [] }, { removeStale: false });
    const others = new Map(filesUnder(posterDir).map((f) => [f, identity(join(posterDir, f))]));
    await server.posters!.planVillages(2022, [village.villageCode]);
    expect(readPosterManifest(posterDir)).toEqual(whole.manifest);
    // Only the township's part and the index were written; every other part is untouched.
    const written = filesUnder(posterDir).filter((f) => others.get(f) !== identity(join(posterDir, f)));
    expect(written.sort()).toEqual([`manifest/2022/${township}.json`, 'manifest/index.json']);
    expect(filesUnder(posterDir).filter((f) => !f.startsWith('manifest/'))).toEqual([]);
  });
  it('renders a planned but missing poster once for two concurrent requests, then serves the file', async () => {
    const [a, b] = await Promise.all([fetch(`${base()}${entry.png[0]}`), fetch(`${base()}${entry.png[0]}`)]);
    for (const res of [a, b]) {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    }
    const [pa, pb] = [Buffer.from(await a.arrayBuffer()), Buffer.from(await b.arrayBuffer())];
    expect(pa.subarray(1, 4).toString()).toBe('PNG');
    expect(pa.equals(pb)).toBe(true);
    const renders = () => logger.entries.filter((e) => e.message === 'poster rendered' && String(e.fields.base).includes(entry.key));
    expect(renders()).toHaveLength(1);
    // The same render wrote the PDFs: they are served from disk, nothing is drawn again.
    const pdf = await fetch(`${base()}${entry.a3Pdf}`);
    expect([pdf.status, pdf.headers.get('content-type')]).toEqual([200, 'application/pdf']);
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    expect(renders()).toHaveLength(1);
    expect(filesUnder(posterDir).filter((f) => f.includes(entry.key)).sort()).toEqual(
      [entry.a4Pdf, entry.a3Pdf, ...entry.png].map((f) => f.replace(/^\/posters\//, '')).sort(),
    );
  }, 60_000);

  it('answers HEAD with the length and no body', async () => {
    const res = await fetch(`${base()}${entry.a4Pdf}`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(Number(res.headers.get('content-length'))).toBeGreaterThan(1000);
  });

  it('keeps serving a poster drawn before the manifest changed (a correction, a rebuild), but not another county’s', async () => {
    const manifestFile = join(posterDir, 'manifest', '2022', `${entry.villageCode.slice(0, 9)}.json`);
    const before = readFileSync(manifestFile, 'utf8');
    const manifest = JSON.parse(before) as { villages: Record<string, unknown> };
    // The village's next version: its entry now names other files.
    const id = Object.keys(manifest.villages).find((k) => (manifest.villages[k] as VillagePosterEntry).key === entry.key)!;
    delete manifest.villages[id];
    writeFileSync(manifestFile, JSON.stringify(manifest));
    // A file of another county left in the folder (the sample's, say) with a well-formed name.
    const stranger = '2022/430421100203-0123456789abcdef-a4.pdf';
    writeFileSync(join(posterDir, stranger), '%PDF-1.4 stranger');
    try {
      const old = await fetch(`${base()}${entry.a4Pdf}`);
      expect(old.status).toBe(200);
      expect(Buffer.from(await old.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
      expect((await fetch(`${base()}/posters/${stranger}`)).status).toBe(404);
    } finally {
      writeFileSync(manifestFile, before);
      rmSync(join(posterDir, stranger), { force: true });
    }
  });

  it.each([
    // Printed or shared before the county changed its phone numbers, say: same version, other key.
    ['an earlier rendering of the same version', () => entry.a4Pdf.replace(entry.key, '0123456789abcdef'), () => entry.a4Pdf],
    ['a page past the last of the same version', () => entry.a4Pdf.replace(entry.key, '0123456789abcdef').replace('-a4.pdf', `-a4-p${entry.pages + 1}.png`), () => entry.png.at(-1)!],
    // Linked before versions were in the names: the village's current poster of that year.
    ['a name from before versions were in it', () => entry.a3Pdf.replace(`-v${entry.version}-${entry.key}`, '-0123456789abcdef'), () => entry.a3Pdf],
  ])('sends %s to the current file with 302', async (_, path, to) => {
    const res = await fetch(`${base()}${path()}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get('location')!, base()).pathname).toBe(to());
    // Where it leads changes with the next rebuild: asked again each time, never kept.
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  it.each([
    ['a version that was never published', () => entry.a4Pdf.replace(`-v${entry.version}-`, `-v${entry.version + 5}-`)],
    ['a village with no poster', () => entry.a4Pdf.replace(entry.villageCode, `${entry.villageCode.slice(0, 9)}999`)],
    ['a name that is not a poster', () => '/posters/2022/notes.txt'],
  ])('answers 404 for %s', async (_, path) => {
    expect((await fetch(`${base()}${path()}`)).status).toBe(404);
  });

  it.each(['/posters/../package.json', '/posters/..%2F..%2Fpackage.json', '/posters/2022/..%2F..%2F..%2Fpackage.json', '/posters/%2e%2e/%2e%2e/package.json'])(
    'refuses the path traversal %s',
    async (path) => {
      expect(await rawGet(server.port, path)).toBe(404);
    },
  );
  it('keeps answering from a folder of the single manifest.json of older versions, and splits it at the next publish', async () => {
    const whole = readPosterManifest(posterDir);
    rmSync(join(posterDir, 'manifest'), { recursive: true });
    writeFileSync(join(posterDir, 'manifest.json'), JSON.stringify(whole, null, 1));
    expect(readPosterManifest(posterDir)).toEqual(whole);
    // A drawn poster, an earlier rendering's name (302) and a missing one drawn when asked.
    expect((await fetch(`${base()}${entry.a4Pdf}`)).status).toBe(200);
    const earlier = await fetch(`${base()}${entry.a4Pdf.replace(entry.key, '0123456789abcdef')}`, { redirect: 'manual' });
    expect([earlier.status, new URL(earlier.headers.get('location')!, base()).pathname]).toEqual([302, entry.a4Pdf]);
    const other = Object.values(whole.villages).find((v) => v.villageCode.slice(0, 9) !== entry.villageCode.slice(0, 9))!;
    expect((await fetch(`${base()}${other.a3Pdf}`)).status).toBe(200);
    await server.posters!.planVillages(2022, [other.villageCode]);
    expect(existsSync(join(posterDir, 'manifest.json'))).toBe(false);
    expect(readPosterManifest(posterDir)).toEqual(whole);
    expect(filesUnder(posterDir).filter((f) => f.startsWith('manifest/')).length).toBeGreaterThan(2);
    const again = await fetch(`${base()}${entry.a4Pdf.replace(entry.key, '0123456789abcdef')}`, { redirect: 'manual' });
    expect(again.status).toBe(302);
  }, 60_000);
});
