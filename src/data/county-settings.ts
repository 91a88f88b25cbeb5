/**
 * The counties this database serves and their settings (`county_settings`, one row per county),
 * with the operations overrides from the environment applied on top: ISSUING_UNIT,
 * COUNTY_SUPERVISION_PHONES, SUPERVISION_ADDRESS and DISCLOSURE_PERIOD_DAYS win over the stored
 * values when set, in a database that holds one county (with several, one county's override would
 * print on another's pages, so each county's own stored settings are used). A database with no
 * county yet gets neutral placeholders, never another county's text.
 */
import { asc, eq } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { countySettings, divisions } from '../../db/schema.ts';
import type { Config } from '../config.ts';
import type { LonLat } from '../domain/geo/geo.ts';
import { splitPhones, type EditableSettings } from '../domain/county/settings-edit.ts';
import { SAMPLE_ROSTER_KEY } from '../domain/villager/roster-key.ts';
import type { PosterSettings } from '../posters/model.ts';

export interface CountySettings extends EditableSettings {
  /** Null while the database holds no county. */
  countyCode: string | null;
  countyName: string;
  isSample: boolean;
  /** The uploaded outline ring (WGS-84), or null. */
  outline: LonLat[] | null;
}

/** The environment variables that override stored settings (all optional). */
export type SettingsOverrides = Partial<Pick<Config, 'ISSUING_UNIT' | 'COUNTY_SUPERVISION_PHONES' | 'SUPERVISION_ADDRESS' | 'DISCLOSURE_PERIOD_DAYS'>>;

export const UNSET_ISSUING_UNIT = '（未设置公示单位）';

function parseJson<T>(text: string | null, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** What a database with no county yet gets: neutral placeholders, never another county's text. */
const NO_COUNTY: EditableSettings = {
  issuingUnit: UNSET_ISSUING_UNIT,
  supervisionPhones: [],
  townshipPhones: {},
  supervisionAddress: '',
  disclosurePeriodDays: 10,
  posterTitleTemplate: null,
  subsidyStandardFen: 60_000,
};

/** The editable settings as stored in a `county_settings` row (no overrides). */
export function settingsFromRow(row: typeof countySettings.$inferSelect): EditableSettings {
  return {
    issuingUnit: row.issuingUnit,
    supervisionPhones: splitPhones(row.supervisionPhones),
    // A hand-edited row that is not JSON shows as none, and is replaced on the next save.
    townshipPhones: parseJson<Record<string, string>>(row.townshipPhones, {}),
    supervisionAddress: row.supervisionAddress,
    disclosurePeriodDays: row.disclosurePeriodDays,
    posterTitleTemplate: row.posterTitleTemplate,
    subsidyStandardFen: row.subsidyStandardFen,
  };
}

/** The county a division code (village, township or county) belongs to: its first six digits. */
export function countyOfCode(code: string): string {
  return code.slice(0, 6);
}

async function settingsRows(db: Database) {
  return db
    .select({ s: countySettings, countyName: divisions.name })
    .from(countySettings)
    .innerJoin(divisions, eq(divisions.code, countySettings.countyCode))
    .orderBy(asc(countySettings.countyCode));
}

function withOverrides(row: Awaited<ReturnType<typeof settingsRows>>[number] | undefined, overrides: SettingsOverrides): CountySettings {
  const s = row?.s;
  const stored = s ? settingsFromRow(s) : NO_COUNTY;
  return {
    ...stored,
    countyCode: s?.countyCode ?? null,
    countyName: row?.countyName ?? '',
    isSample: s?.isSample ?? false,
    issuingUnit: overrides.ISSUING_UNIT ?? stored.issuingUnit,
    supervisionPhones: overrides.COUNTY_SUPERVISION_PHONES ?? stored.supervisionPhones,
    supervisionAddress: overrides.SUPERVISION_ADDRESS ?? stored.supervisionAddress,
    disclosurePeriodDays: overrides.DISCLOSURE_PERIOD_DAYS ?? stored.disclosurePeriodDays,
    outline: parseJson<LonLat[] | null>(s?.outlineJson ?? null, null),
  };
}

/**
 * A county's settings, overrides applied (one query): of `countyCode` (a county, or any division
 * code inside it) when given, else of the database's first county. A code of no county here gets
 * the neutral placeholders.
 */
export async function loadCountySettings(db: Database, overrides: SettingsOverrides = {}, countyCode?: string): Promise<CountySettings> {
  const rows = await settingsRows(db);
  const row = countyCode === undefined ? rows[0] : rows.find((r) => r.s.countyCode === countyOfCode(countyCode));
  return withOverrides(row, rows.length > 1 ? {} : overrides);
}

/** Every county's settings, in code order (overrides applied only when there is one county). */
export async function loadAllCountySettings(db: Database, overrides: SettingsOverrides = {}): Promise<CountySettings[]> {
  const rows = await settingsRows(db);
  return rows.map((r) => withOverrides(r, rows.length > 1 ? {} : overrides));
}

/** The settings of the county `code` (a division code) belongs to, from a list of all counties; the neutral placeholders when none. */
export function settingsOfCode(all: readonly CountySettings[], code: string): CountySettings {
  return all.find((c) => c.countyCode === countyOfCode(code)) ?? withOverrides(undefined, {});
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
