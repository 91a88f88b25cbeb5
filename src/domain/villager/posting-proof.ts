/**
 * Proof of posting (张贴照片): checks a poster photo's EXIF time and place against the disclosure
 * period and the village's location. Pure; the EXIF is read by the route (exifr) and passed in.
 *
 * - Time: EXIF `DateTimeOriginal` has no time zone; phones sold in China write local time, so it
 *   is read as Asia/Shanghai unless `OffsetTimeOriginal` says otherwise. Inside the period (by
 *   Shanghai day, inclusive) passes.
 * - Place: EXIF GPS is WGS-84 (raw satellite fix), the village location CGCS2000, equal at this
 *   precision. Within {@link NEAR_VILLAGE_M} of the village's point passes: a village's point is
 *   only its centre, and its notice board can be a few kilometres away from it.
 * A photo that passes both is accepted (the village shows 已张贴); otherwise it waits for staff.
 */
import { shanghaiDate } from '../shared/dates.ts';

export const NEAR_VILLAGE_M = 3000;

export type TimeCheck = 'inside_period' | 'outside_period' | 'missing';
export type PlaceCheck = 'near_village' | 'far_from_village' | 'missing' | 'no_village_location';
export type ProofStatus = 'accepted' | 'needs_review' | 'rejected';

/** The EXIF fields that matter, as exifr returns them with `reviveValues: false`. */
export interface ExifFacts {
  DateTimeOriginal?: unknown;
  CreateDate?: unknown;
  OffsetTimeOriginal?: unknown;
  latitude?: unknown;
  longitude?: unknown;
}

/**
 * An EXIF date-time (`2026:11:21 10:30:05`) as an ISO instant, reading it in the given offset
 * (default +08:00). Null when absent or malformed.
 * @example exifInstant('2026:11:21 10:30:05') // '2026-11-21T02:30:05.000Z'
 */
export function exifInstant(value: unknown, offset: unknown = undefined): string | null {
  if (typeof value !== 'string') return null;
  const m = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(value.trim());
  if (!m) return null;
  const tz = typeof offset === 'string' && /^[+-]\d{2}:\d{2}$/.test(offset) ? offset : '+08:00';
  const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${tz}`);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** Great-circle distance in metres. */
export function distanceMetres(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const R = 6_371_000;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export interface ProofCheck {
  takenAt: string | null;
  lon: number | null;
  lat: number | null;
  distanceM: number | null;
  timeCheck: TimeCheck;
  placeCheck: PlaceCheck;
  status: ProofStatus;
  /** Plain Chinese for staff, one line per check. */
  messages: string[];
}

export function checkPostingPhoto(
  exif: ExifFacts | null,
  period: { periodStart: string; periodEnd: string },
  village: { lon: number | null; lat: number | null },
): ProofCheck {
  const takenAt = exifInstant(exif?.DateTimeOriginal ?? exif?.CreateDate, exif?.OffsetTimeOriginal);
  const gps = exif && finite(exif.longitude) && finite(exif.latitude) && !(exif.longitude === 0 && exif.latitude === 0) ? { lon: exif.longitude, lat: exif.latitude } : null;
  const messages: string[] = [];

  let timeCheck: TimeCheck = 'missing';
  if (takenAt) {
    const day = shanghaiDate(new Date(takenAt));
    timeCheck = day >= period.periodStart && day <= period.periodEnd ? 'inside_period' : 'outside_period';
    messages.push(
      timeCheck === 'inside_period'
        ? `拍摄日期 ${day}，在公示期（${period.periodStart} 至 ${period.periodEnd}）内。`
        : `拍摄日期 ${day}，不在公示期（${period.periodStart} 至 ${period.periodEnd}）内，请核实。`,
    );
  } else {
    messages.push('照片里没有拍摄时间（微信转发的照片常被去掉），请人工核实。');
  }

  let placeCheck: PlaceCheck = 'missing';
  let distanceM: number | null = null;
  if (village.lon === null || village.lat === null) {
    placeCheck = 'no_village_location';
    messages.push('这个村还没有登记位置，无法核对拍摄地点。');
  } else if (gps) {
    distanceM = Math.round(distanceMetres(gps, { lon: village.lon, lat: village.lat }));
    placeCheck = distanceM <= NEAR_VILLAGE_M ? 'near_village' : 'far_from_village';
    messages.push(
      placeCheck === 'near_village'
        ? `拍摄地点离村里约 ${(distanceM / 1000).toFixed(1)} 公里，在村范围内。`
        : `拍摄地点离村里约 ${(distanceM / 1000).toFixed(1)} 公里，太远了，请核实。`,
    );
  } else {
    messages.push('照片里没有位置信息，请人工核实。');
  }

  const status: ProofStatus = timeCheck === 'inside_period' && placeCheck === 'near_village' ? 'accepted' : 'needs_review';
  return { takenAt, lon: gps?.lon ?? null, lat: gps?.lat ?? null, distanceM, timeCheck, placeCheck, status, messages };
}

/** The day shown as 已张贴: the photo's day when known, else the upload day (Asia/Shanghai). */
export function postedOn(proof: { takenAt: string | null; uploadedAt: string }): string {
  return shanghaiDate(new Date(proof.takenAt ?? proof.uploadedAt));
}
