/**
 * Fills the Worker's poster store (functions/storage/poster-store.ts) after a deploy: asks the
 * Worker which poster files its bucket holds, plans the site's posters from the database as the
 * build did, draws in this process only the files the bucket lacks (src/posters/generate.ts with
 * `isStored`), and stores each through `PUT /api/v1/posters/{year}/{file}` with the token of the
 * county it belongs to; the same for each village's share card (发到村民群) of its newest year. So
 * a publish draws and uploads only its own villages' new posters and cards; the rest were stored
 * by earlier deploys and never change (names are content keys).
 *
 * Run by `npm run deploy` (with POSTER_SYNC_TOKEN) and `npm run preview` (with a token it makes).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Database } from '../../db/database.ts';
import { posterSource } from '../data/poster-source.ts';
import { generatePosters } from '../posters/generate.ts';
import { isManifestName, POSTER_FILE_NAME } from '../posters/manifest.ts';
import type { PosterSettings } from '../posters/model.ts';
import { buildShareCardModel, shareCardStoreName } from '../posters/card-model.ts';
import { drawShareCard } from '../posters/card.ts';
import { newestVillageVersions } from './share-cards.ts';

export interface PosterSyncOptions {
  /** The database the deployed build was made from (the deploy's snapshot). */
  db: Database;
  settings: PosterSettings;
  /** The Worker's address (SITE_URL, or the local preview's). */
  siteUrl: string;
  /** County administrators' API tokens: each stores its own county's posters. */
  tokens: readonly string[];
  /** Only these years' posters (default every published year). */
  years?: readonly number[];
  /** Only these villages' posters and cards, without their townships' 合订本 (default every village). */
  villageCodes?: readonly string[];
  /** Draw threads (default one per core). */
  workers?: number;
  fetch?: typeof fetch;
  log?: (line: string) => void;
}

export interface PosterSyncResult {
  /** Files the bucket held before. */
  stored: number;
  /** Files drawn and stored now (posters and share cards). */
  uploaded: number;
  /** Of which share cards. */
  shareCards: number;
  /** Files drawn that no token's county holds, or that the deployed build did not plan (not stored). */
  skipped: number;
  ms: number;
}

export class PosterSyncError extends Error {
  override name = 'PosterSyncError';
}

export async function syncPostersToWorker(options: PosterSyncOptions): Promise<PosterSyncResult> {
  const started = performance.now();
  const doFetch = options.fetch ?? fetch;
  const log = options.log ?? (() => undefined);
  const api = (path: string) => new URL(`/api/v1${path}`, options.siteUrl).href;
  const call = async (token: string, path: string, init: RequestInit = {}, allow404 = false) => {
    const res = await doFetch(api(path), { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` } });
    if (!res.ok && !(allow404 && res.status === 404)) {
      const body = await res.text();
      throw new PosterSyncError(`${init.method ?? 'GET'} ${path} answered ${res.status}: ${body.slice(0, 300)}`);
    }
    return res;
  };
  if (options.tokens.length === 0) throw new PosterSyncError('no token: the Worker stores posters only for a county administrator');
  // Whose county each token is.
  const scopes: Array<{ token: string; scopeCode: string }> = [];
  for (const token of options.tokens) {
    const me = (await (await call(token, '/me')).json()) as { scopeCode: string; canPublish: boolean };
    if (!me.canPublish) throw new PosterSyncError(`a token for ${me.scopeCode} is not a county administrator's`);
    scopes.push({ token, scopeCode: me.scopeCode });
  }
  // What the bucket holds, a page at a time.
  const stored = new Set<string>();
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `?cursor=${encodeURIComponent(cursor)}` : '';
    const page = (await (await call(scopes[0]!.token, `/posters/stored${query}`)).json()) as { names: string[]; cursor: string | null };
    for (const name of page.names) stored.add(name);
    cursor = page.cursor;
  } while (cursor);
  log(`云端已有海报文件 ${stored.size} 个`);

  const dir = mkdtempSync(join(tmpdir(), 'poster-sync-'));
  try {
    const drawn = await generatePosters({
      source: posterSource(options.db),
      outDir: dir,
      settings: options.settings,
      isStored: (name) => stored.has(name),
      ...(options.years ? { years: options.years } : {}),
      ...(options.villageCodes ? { villageCodes: options.villageCodes } : {}),
      ...(options.workers !== undefined ? { workers: options.workers } : {}),
    });
    log(`新画海报 ${drawn.rendered} 张、乡镇合订本 ${drawn.townshipsRendered} 份`);
    const files = readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'))
      .filter((name) => !isManifestName(name) && POSTER_FILE_NAME.test(name) && !stored.has(name))
      // A plan of some villages names their townships' 合订本 for those villages alone: not the deployed one.
      .filter((name) => !(options.villageCodes && name.includes('/township-')))
      .sort();
    let uploaded = 0;
    let skipped = 0;
    for (const name of files) {
      const code = POSTER_FILE_NAME.exec(name)![3]!;
      const owner = scopes.find((s) => code.startsWith(s.scopeCode));
      if (!owner) {
        skipped++;
        continue;
      }
      const bytes = readFileSync(join(dir, name));
      const res = await call(owner.token, `/posters/${name}`, { method: 'PUT', headers: { 'content-type': name.endsWith('.png') ? 'image/png' : 'application/pdf' }, body: bytes }, true);
      // Read to the end (not cancelled), so the connection is reused rather than cut.
      await res.arrayBuffer();
      // 404: the deployed build did not plan it (published after that build); the next deploy will.
      if (res.status === 404) {
        skipped++;
        continue;
      }
      uploaded++;
    }
    // Share cards: drawn one at a time (about half a second each), only those not stored.
    let shareCards = 0;
    const only = options.villageCodes ? new Set(options.villageCodes) : null;
    for (const d of await newestVillageVersions(options.db)) {
      if (only && !only.has(d.scopeCode)) continue;
      if (options.years && !options.years.includes(d.year)) continue;
      const name = await shareCardStoreName(d, options.settings.siteUrl);
      if (stored.has(name)) continue;
      const owner = scopes.find((s) => d.scopeCode.startsWith(s.scopeCode));
      if (!owner) {
        skipped++;
        continue;
      }
      const png = await drawShareCard(buildShareCardModel(d, options.settings.siteUrl));
      const res = await call(owner.token, `/posters/${name}`, { method: 'PUT', headers: { 'content-type': 'image/png' }, body: png }, true);
      await res.arrayBuffer();
      if (res.status === 404) {
        skipped++;
        continue;
      }
      uploaded++;
      shareCards++;
    }
    if (shareCards > 0) log(`新画“发到村民群”图片 ${shareCards} 张`);
    if (skipped > 0) log(`有 ${skipped} 个文件不属于所给令牌的县，没有存`);
    return { stored: stored.size, uploaded, shareCards, skipped, ms: performance.now() - started };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
