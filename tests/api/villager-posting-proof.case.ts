/**
 * Contract cases for proof of posting: a cadre uploads a poster photo, its EXIF time and GPS are
 * checked, the stored image carries no metadata, staff review, and the public image appears only
 * once accepted. The target's app must have `files` configured.
 */
import exifr from 'exifr';
import sharp from 'sharp';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/data/users.ts';
import type { ApiTarget } from '../support/api-target.ts';
import { addDays, shanghaiDate } from '../../src/domain/shared/dates.ts';
import { DISCLOSURE_CODE, seedVillagerDisclosure, seedVillagerRoster, VILLAGE_A, VILLAGE_B } from './villager-roster.case.ts';

/** EXIF's `YYYY:MM:DD HH:MM:SS` for a China day and a time of day. */
const exifTime = (day: string, time: string) => `${day.replaceAll('-', ':')} ${time}`;

/** The served image: a JPEG that decodes, with no EXIF, GPS or XMP left (exifr finds none, and does not fail). */
export async function expectNoMetadata(bytes: Uint8Array): Promise<void> {
  const meta = await sharp(bytes).metadata();
  expect(meta).toMatchObject({ format: 'jpeg', width: 800, height: 600 });
  expect(meta.exif).toBeUndefined();
  expect(meta.xmp).toBeUndefined();
  await expect(exifr.parse(bytes, { gps: true, xmp: true })).resolves.toBeUndefined();
}

/** A JPEG "photo" with the given EXIF time and place (village A is at 112.51, 26.31). */
export async function posterPhoto(exif: { taken?: string; lon?: number; lat?: number } = {}): Promise<Uint8Array> {
  const dms = (v: number) => {
    const d = Math.floor(v);
    const m = Math.floor((v - d) * 60);
    const s = Math.round(((v - d) * 60 - m) * 60 * 100);
    return `${d}/1 ${m}/1 ${s}/100`;
  };
  let img = sharp({ create: { width: 800, height: 600, channels: 3, background: '#b22222' } }).jpeg({ quality: 70 });
  const ifd: Record<string, Record<string, string>> = { IFD0: { Make: 'TestPhone', Model: 'X1' } };
  if (exif.taken) ifd.IFD2 = { DateTimeOriginal: exif.taken };
  if (exif.lon !== undefined && exif.lat !== undefined) ifd.IFD3 = { GPSLatitudeRef: 'N', GPSLatitude: dms(exif.lat), GPSLongitudeRef: 'E', GPSLongitude: dms(exif.lon) };
  if (exif.taken || exif.lon !== undefined) img = img.withExif(ifd);
  return new Uint8Array(await img.toBuffer());
}

export function runPostingProofContract(newTarget: () => Promise<ApiTarget>) {
  describe('proof of posting', () => {
    let target: ApiTarget;
    let disclosureId: number;
    /** Days of the fixture's 公示期, which is placed around the app's today. */
    let period: { periodStart: string; periodEnd: string };
    let minted = 0;
    beforeEach(async () => {
      target = await newTarget();
      await seedVillagerRoster(target.db);
      ({ disclosureId, period } = await seedVillagerDisclosure(target.db, shanghaiDate(target.clock.now())));
    });
    afterEach(async () => target.dispose());

    const token = async (role: 'county' | 'township' | 'village' | 'inspector', scope: string) =>
      (await mintToken(target.db, { role, scopeCode: scope, name: `照片${role}${++minted}`, at: '2026-11-26T08:00:00.000Z' })).token;
    const upload = async (tok: string | null, photo: Uint8Array, fields: Record<string, string> = { disclosureId: String(disclosureId) }) => {
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) form.set(k, v);
      form.set('photo', new File([photo as Uint8Array<ArrayBuffer>], 'poster.jpg', { type: 'image/jpeg' }));
      return target.request('/api/v1/posting-proofs', { method: 'POST', body: form, headers: tok ? { authorization: `Bearer ${tok}` } : {} });
    };

    it('accepts a photo taken inside the period near the village, strips every bit of metadata, and publishes it', async () => {
      const village = await token('village', VILLAGE_A);
      const postedOn = addDays(period.periodStart, 1);
      const res = await upload(village, await posterPhoto({ taken: exifTime(postedOn, '10:30:05'), lon: 112.512, lat: 26.312 }));
      expect(res.status).toBe(201);
      const body = (await res.json()) as { id: number; status: string; timeCheck: string; placeCheck: string; postedOn: string; checks: string[]; reencoded: string; distanceM: number };
      expect(body).toMatchObject({ status: 'accepted', timeCheck: 'inside_period', placeCheck: 'near_village', postedOn });
      // Node re-encodes with sharp; workerd has no sharp and strips JPEG metadata losslessly (docs/villager-side.md).
      expect(body.reencoded).toBe(target.runtime === 'node' ? 're-encoded' : 'metadata-stripped');
      expect(body.distanceM).toBeLessThan(1000);
      expect(body.checks.join('')).toContain('在公示期');
      const pub = await target.request(`/posting-proofs/${body.id}.jpg`);
      expect(pub.status).toBe(200);
      expect(pub.headers.get('content-type')).toBe('image/jpeg');
      const bytes = new Uint8Array(await pub.arrayBuffer());
      await expectNoMetadata(bytes);
      expect(Buffer.from(bytes).includes('TestPhone')).toBe(false);
      const audit = await target.db.all<{ n: number }>(sql`select count(*) as n from audit_log where action = 'posting_proof.upload'`);
      expect(audit[0]!.n).toBe(1);
    });

    it.each([
      ['without EXIF (forwarded through WeChat)', undefined, {}, 'missing', 'missing'],
      ['taken before the period', -10, { lon: 112.51, lat: 26.31 }, 'outside_period', 'near_village'],
      ['taken far from the village', 2, { lon: 112.9, lat: 26.9 }, 'inside_period', 'far_from_village'],
    ])('keeps a photo %s for review, not public', async (_label, dayInPeriod, place, timeCheck, placeCheck) => {
      const taken = dayInPeriod === undefined ? undefined : exifTime(addDays(period.periodStart, dayInPeriod), '09:00:00');
      const res = await upload(await token('village', VILLAGE_A), await posterPhoto({ ...place, taken }));
      expect(res.status).toBe(201);
      const body = (await res.json()) as { id: number };
      expect(body).toMatchObject({ status: 'needs_review', timeCheck, placeCheck });
      expect((await target.request(`/posting-proofs/${body.id}.jpg`)).status).toBe(404);
    });

    it('lets the township accept a photo after review, but not the village itself', async () => {
      const village = await token('village', VILLAGE_A);
      const { id } = (await (await upload(village, await posterPhoto(), { verificationCode: DISCLOSURE_CODE })).json()) as { id: number };
      const review = (tok: string, body: unknown) => target.request(`/api/v1/posting-proofs/${id}`, { method: 'PATCH', headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect((await review(village, { status: 'accepted' })).status).toBe(403);
      const township = await token('township', '430482105');
      const ok = await review(township, { status: 'accepted', note: '电话核实，已张贴在村部公示栏' });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ status: 'accepted' });
      expect((await target.request(`/posting-proofs/${id}.jpg`)).status).toBe(200);
      const list = await target.request('/api/v1/posting-proofs', { headers: { authorization: `Bearer ${township}` } });
      expect(((await list.json()) as { items: unknown[] }).items).toHaveLength(1);
    });

    it('answers 401, 403 (inspector, other village), 404, 400, 415 and 413 with the error shape', async () => {
      const photo = await posterPhoto();
      expect((await upload(null, photo)).status).toBe(401);
      expect((await upload(await token('inspector', '430482'), photo)).status).toBe(403);
      expect((await upload(await token('village', VILLAGE_B), photo)).status).toBe(403);
      expect((await upload(await token('county', '430482'), photo, { disclosureId: '9999' })).status).toBe(404);
      expect((await upload(await token('county', '430482'), photo, {})).status).toBe(400);
      const notImage = await upload(await token('county', '430482'), new TextEncoder().encode('not an image at all'));
      expect(notImage.status).toBe(415);
      expect(await notImage.json()).toMatchObject({ code: 'UNSUPPORTED_IMAGE', message: expect.stringContaining('照片') });
      const big = await upload(await token('county', '430482'), new Uint8Array(11 * 1024 * 1024));
      expect(big.status).toBe(413);
    });
  });
}
