/**
 * The county this database serves and its settings (`county_settings`, one row), with the
 * operations overrides from the environment applied on top: ISSUING_UNIT, COUNTY_SUPERVISION_PHONES,
 * SUPERVISION_ADDRESS and DISCLOSURE_PERIOD_DAYS win over the stored values when set. A database
 * with no county yet gets neutral placeholders, never another county's text.
 */
import { eq } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { countySettings, divisions } from '../../db/schema.ts';
import type { Config } from '../config.ts';
import type { LonLat } from '../domain/geo/geo.ts';
import { SAMPLE_ROSTER_KEY } from '../domain/villager/roster-key.ts';
import type { PosterSettings } from '../posters/model.ts';

export interface CountySettings {
  /** Null while the database holds no county. */
  countyCode: string | null;
  countyName: string;
  isSample: boolean;
  issuingUnit: string;
  supervisionPhones: string[];
  /** Township 监督电话 by 9-digit code. */
  townshipPhones: Record<string, string>;
  supervisionAddress: string;
  disclosurePeriodDays: number;
  /** Null: the default template. */
  posterTitleTemplate: string | null;
  subsidyStandardFen: number;
  /** The uploaded outline ring (WGS-84), or null. */
  outline: LonLat[] | null;
}

/** The environment variables that override stored settings (all optional). */
export type SettingsOverrides = Partial<Pick<Config, 'ISSUING_UNIT' | 'COUNTY_SUPERVISION_PHONES' | 'SUPERVISION_ADDRESS' | 'DISCLOSURE_PERIOD_DAYS'>>;

export const UNSET_ISSUING_UNIT = '（未设置公示单位）';

export function splitPhones(text: string): string[] {
  return text
    .split(/[;；,，、]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function parseJson<T>(text: string | null, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** The county and its settings, overrides applied. One query. */
export async function loadCountySettings(db: Database, overrides: SettingsOverrides = {}): Promise<CountySettings> {
  const [row] = await db
    .select({ s: countySettings, countyName: divisions.name })
    .from(countySettings)
    .innerJoin(divisions, eq(divisions.code, countySettings.countyCode))
    .limit(1);
  const s = row?.s;
  return {
    countyCode: s?.countyCode ?? null,
    countyName: row?.countyName ?? '',
    isSample: s?.isSample ?? false,
    issuingUnit: overrides.ISSUING_UNIT ?? s?.issuingUnit ?? UNSET_ISSUING_UNIT,
    supervisionPhones: overrides.COUNTY_SUPERVISION_PHONES ?? splitPhones(s?.supervisionPhones ?? ''),
    townshipPhones: parseJson<Record<string, string>>(s?.townshipPhones ?? null, {}),
    supervisionAddress: overrides.SUPERVISION_ADDRESS ?? s?.supervisionAddress ?? '',
    disclosurePeriodDays: overrides.DISCLOSURE_PERIOD_DAYS ?? s?.disclosurePeriodDays ?? 10,
    posterTitleTemplate: s?.posterTitleTemplate ?? null,
    subsidyStandardFen: s?.subsidyStandardFen ?? 60_000,
    outline: parseJson<LonLat[] | null>(s?.outlineJson ?? null, null),
  };
}

/**
 * The key the roster's ID hashes are made with: the sample's public key for the sample county,
 * ROSTER_KEY for a real one, null while that is not set.
 */
export function rosterKeyFor(settings: Pick<CountySettings, 'isSample'>, config: Pick<Config, 'ROSTER_KEY'>): string | null {
  return settings.isSample ? SAMPLE_ROSTER_KEY : (config.ROSTER_KEY ?? null);
}

/** Operations overrides of the poster-only settings (POSTER_TITLE_TEMPLATE, TOWNSHIP_SUPERVISION_PHONES). */
export interface PosterOverrides {
  titleTemplate?: string;
  townshipPhones?: Record<string, string>;
}

/** The poster settings of the county, with the public origin and any operations overrides. */
export function posterSettingsFor(county: CountySettings, siteUrl: string, overrides: PosterOverrides = {}): PosterSettings {
  const townshipPhones = overrides.townshipPhones && Object.keys(overrides.townshipPhones).length > 0 ? overrides.townshipPhones : county.townshipPhones;
  const titleTemplate = overrides.titleTemplate ?? county.posterTitleTemplate ?? undefined;
  return {
    siteUrl,
    issuingUnit: county.issuingUnit,
    countySupervisionPhones: county.supervisionPhones,
    supervisionAddress: county.supervisionAddress,
    ...(Object.keys(townshipPhones).length > 0 ? { townshipSupervisionPhones: townshipPhones } : {}),
    ...(titleTemplate ? { titleTemplate } : {}),
  };
}
