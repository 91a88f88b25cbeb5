/**
 * The Worker's poster store (`GET /api/v1/posters/stored`, `PUT /api/v1/posters/{year}/{file}`,
 * functions/routes/poster-store.ts), which `npm run deploy` fills with the posters it draws. On
 * the Worker: only the county's administrator, only a name the deployed build planned (the contract
 * site's manifest lists one village poster), only the bytes of a PDF or PNG; a stored file is then
 * served at `/posters/<year>/<file>`, cached for good. On Node, which draws its own posters, 501
 * after the same checks of the token.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiTarget } from '../support/api-target.ts';
import type { RuntimeInfo } from '../contract/contract-case.ts';
import { auth, COUNTY_2, mint, mintAll, seedCounty, seedSecondCounty, type Tokens } from './fixtures.ts';

/** Planned in the contract site's manifest (tests/contract/targets.ts, SAMPLE_SITE). */
const PLANNED = '2024/430482100201-v2-5d41402abc4b2a76-a4.pdf';
const PLANNED_PNG = '2024/430482100201-v2-5d41402abc4b2a76-a4-p1.png';
/** A poster name of the same village that the manifest does not list (another key). */
const UNPLANNED = '2024/430482100201-v2-0123456789abcdef-a4.pdf';
const PDF_BYTES = new TextEncoder().encode('%PDF-1.7\n% a poster, for the store\n%%EOF\n');

export function runPosterStoreContract(newTarget: () => Promise<ApiTarget>, runtime: RuntimeInfo): void {
  describe('poster store (deploy)', () => {
    const onWorker = runtime.name === 'workerd';
    let target: ApiTarget;
    let tokens: Tokens;
    let otherCounty: string;
    const put = (name: string, token: string | null, body: Uint8Array | string = PDF_BYTES, type = 'application/pdf') =>
      target.request(`/api/v1/posters/${name}`, { method: 'PUT', headers: { ...(token ? auth(token) : {}), 'content-type': type }, body: body as BodyInit });

    beforeAll(async () => {
      target = await newTarget();
      await seedCounty(target.db);
      await seedSecondCounty(target.db);
      tokens = await mintAll(target.db);
      otherCounty = await mint(target.db, 'county', COUNTY_2);
    });

    it('asks for a token, and only the county administrator may use it', async () => {
      expect((await target.request('/api/v1/posters/stored')).status).toBe(401);
      expect((await put(PLANNED, null)).status).toBe(401);
      for (const token of [tokens.townshipA, tokens.villageA1, tokens.inspector]) {
        const res = await put(PLANNED, token);
        expect(res.status).toBe(403);
        expect(((await res.json()) as { message: string }).message).toContain('只有县级管理员');
      }
    });

    it.runIf(!onWorker)('answers 501 on the Node server, which draws its own posters', async () => {
      for (const res of [await target.request('/api/v1/posters/stored', { headers: auth(tokens.county) }), await put(PLANNED, tokens.county)]) {
        expect(res.status).toBe(501);
        expect(await res.json()).toMatchObject({ code: 'POSTER_STORE_UNAVAILABLE', message: expect.stringContaining('本地服务器模式自己生成海报') });
      }
    });

    it.runIf(onWorker)('refuses what is not a planned poster of the county, and bytes that are not a PDF or PNG', async () => {
      const bad = await put('2024/not-a-poster.pdf', tokens.county);
      expect([bad.status, ((await bad.json()) as { code: string }).code]).toEqual([400, 'NOT_A_POSTER_NAME']);
      const elsewhere = await put(PLANNED, otherCounty);
      expect([elsewhere.status, ((await elsewhere.json()) as { code: string }).code]).toEqual([403, 'OUT_OF_SCOPE']);
      const unplanned = await put(UNPLANNED, tokens.county);
      expect([unplanned.status, ((await unplanned.json()) as { code: string }).code]).toEqual([404, 'NOT_PLANNED']);
      const notPdf = await put(PLANNED, tokens.county, 'GIF89a not a pdf');
      expect([notPdf.status, ((await notPdf.json()) as { code: string }).code]).toEqual([400, 'NOT_A_POSTER_FILE']);
      const notPng = await put(PLANNED_PNG, tokens.county, PDF_BYTES, 'image/png');
      expect(notPng.status).toBe(400);
      // Nothing of it was stored.
      const listed = (await (await target.request('/api/v1/posters/stored', { headers: auth(tokens.county) })).json()) as { names: string[] };
      expect(listed.names).not.toContain(UNPLANNED);
      // Its address is not served from the store: it is an older name of the planned poster (posterRedirects).
      const asked = await target.request(`/posters/${UNPLANNED}`);
      expect([asked.status, asked.headers.get('location')]).toEqual([302, `/posters/${PLANNED}`]);
    });

    it.runIf(onWorker)('stores a planned poster once, lists it and serves it at its address, cached for good', async () => {
      const stored = await put(PLANNED, tokens.county);
      expect(stored.status).toBe(200);
      expect(await stored.json()).toEqual({ name: PLANNED, bytes: PDF_BYTES.byteLength });
      // Again, with other bytes: the name is a content key, the first stays.
      expect((await put(PLANNED, tokens.county, new TextEncoder().encode('%PDF-1.7\nother\n'))).status).toBe(200);
      const listed = (await (await target.request('/api/v1/posters/stored', { headers: auth(tokens.county) })).json()) as { names: string[]; cursor: string | null };
      expect(listed.names).toContain(PLANNED);
      expect(listed.cursor).toBeNull();
      const served = await target.request(`/posters/${PLANNED}`);
      expect([served.status, served.headers.get('content-type'), served.headers.get('cache-control')]).toEqual([200, 'application/pdf', 'public, max-age=31536000, immutable']);
      expect(new Uint8Array(await served.arrayBuffer())).toEqual(PDF_BYTES);
    });
  });
}
