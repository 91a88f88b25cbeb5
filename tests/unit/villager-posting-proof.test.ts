import exifr from 'exifr';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FileStorage } from '../../functions/storage/file-storage.ts';
import { localFileStorage } from '../../functions/storage/local-storage.ts';
import { r2FileStorage, type R2BucketLike } from '../../functions/storage/r2-storage.ts';
import { stripOnlyReencoder } from '../../functions/storage/strip-reencode.ts';
import { JpegFormatError, stripJpegMetadata } from '../../src/domain/villager/jpeg-metadata.ts';
import { checkPostingPhoto, distanceMetres, exifInstant, postedOn } from '../../src/domain/villager/posting-proof.ts';
import { expectNoMetadata, posterPhoto } from '../api/villager-posting-proof.case.ts';

const period = { periodStart: '2026-11-20', periodEnd: '2026-11-30' };
const village = { lon: 112.51, lat: 26.31 };

describe('poster photo checks', () => {
  it('reads EXIF time as Shanghai local time unless an offset is given', () => {
    expect(exifInstant('2026:11:21 10:30:05')).toBe('2026-11-21T02:30:05.000Z');
    expect(exifInstant('2026:11:21 10:30:05', '+00:00')).toBe('2026-11-21T10:30:05.000Z');
    expect(exifInstant('garbage')).toBeNull();
    expect(exifInstant(undefined)).toBeNull();
  });

  it('measures distance on the sphere', () => {
    expect(Math.round(distanceMetres({ lon: 112.51, lat: 26.31 }, { lon: 112.51, lat: 26.32 }))).toBe(1112);
  });

  it.each([
    ['inside the period, near the village', { DateTimeOriginal: '2026:11:20 00:10:00', longitude: 112.515, latitude: 26.31 }, 'inside_period', 'near_village', 'accepted'],
    ['on the last evening of the period', { DateTimeOriginal: '2026:11:30 23:50:00', longitude: 112.51, latitude: 26.31 }, 'inside_period', 'near_village', 'accepted'],
    ['the day after the period', { DateTimeOriginal: '2026:12:01 08:00:00', longitude: 112.51, latitude: 26.31 }, 'outside_period', 'near_village', 'needs_review'],
    ['5 km away', { DateTimeOriginal: '2026:11:21 08:00:00', longitude: 112.56, latitude: 26.31 }, 'inside_period', 'far_from_village', 'needs_review'],
    ['GPS at 0,0 (a phone without a fix)', { DateTimeOriginal: '2026:11:21 08:00:00', longitude: 0, latitude: 0 }, 'inside_period', 'missing', 'needs_review'],
    ['no EXIF at all', null, 'missing', 'missing', 'needs_review'],
  ])('checks a photo %s', (_label, exif, timeCheck, placeCheck, status) => {
    const c = checkPostingPhoto(exif, period, village);
    expect(c).toMatchObject({ timeCheck, placeCheck, status });
    expect(c.messages).toHaveLength(2);
  });

  it('cannot check the place of a village without a location', () => {
    expect(checkPostingPhoto({ longitude: 112.51, latitude: 26.31 }, period, { lon: null, lat: null }).placeCheck).toBe('no_village_location');
  });

  it('shows the photo day as the posting day, else the upload day', () => {
    expect(postedOn({ takenAt: '2026-11-20T16:30:00.000Z', uploadedAt: '2026-11-25T01:00:00.000Z' })).toBe('2026-11-21');
    expect(postedOn({ takenAt: null, uploadedAt: '2026-11-25T01:00:00.000Z' })).toBe('2026-11-25');
  });
});

describe('JPEG metadata stripping (the Worker fallback)', () => {
  it('removes EXIF and GPS losslessly and keeps the image readable', async () => {
    const photo = await posterPhoto({ taken: '2026:11:21 10:30:05', lon: 112.512, lat: 26.312 });
    expect((await exifr.parse(photo, { gps: true }))?.latitude).toBeCloseTo(26.312, 2);
    const out = await stripOnlyReencoder(photo);
    expect(out).toMatchObject({ width: 800, height: 600, method: 'metadata-stripped' });
    await expectNoMetadata(out.bytes);
    expect(Buffer.from(out.bytes).includes('TestPhone')).toBe(false);
  });

  it('refuses what is not a JPEG', () => {
    expect(() => stripJpegMetadata(new TextEncoder().encode('GIF89a'))).toThrow(JpegFormatError);
  });
});

/** A fake R2 bucket, as Cloudflare's binding behaves for put/get/delete. */
function fakeBucket(): R2BucketLike {
  const objects = new Map<string, { body: Uint8Array; contentType?: string }>();
  return {
    async put(key, value, options) {
      objects.set(key, { body: new Uint8Array(value instanceof Uint8Array ? value : new Uint8Array(value)), contentType: options?.httpMetadata?.contentType });
      return {};
    },
    async get(key) {
      const o = objects.get(key);
      return o ? { arrayBuffer: async () => o.body.slice().buffer, httpMetadata: { contentType: o.contentType } } : null;
    },
    async delete(key) {
      objects.delete(key);
    },
  };
}

const dir = mkdtempSync(join(tmpdir(), 'storage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each([
  ['local folder', () => localFileStorage(dir)],
  ['R2 bucket', () => r2FileStorage(fakeBucket())],
])('file storage: %s', (_name, make: () => FileStorage) => {
  it('stores, reads back with the content type, and deletes', async () => {
    const s = make();
    await s.put('posting-proofs/430482105003/a.jpg', new Uint8Array([1, 2, 3]), 'image/jpeg');
    expect(await s.get('posting-proofs/430482105003/a.jpg')).toEqual({ bytes: new Uint8Array([1, 2, 3]), contentType: 'image/jpeg' });
    await s.delete('posting-proofs/430482105003/a.jpg');
    expect(await s.get('posting-proofs/430482105003/a.jpg')).toBeNull();
  });

  it.each(['../etc/passwd', '/abs/path', 'posting-proofs/../../x', 'posting-proofs'])('refuses the key %s', async (key) => {
    await expect(make().put(key, new Uint8Array([1]), 'image/jpeg')).rejects.toThrow(RangeError);
  });
});
