/**
 * A site over several counties: each year's figures province → city → county, every region's
 * figure rolled up from its counties' own (src/domain/ledger/roll-up.ts), every county's linked to
 * its overview and to the records behind each of its indicators.
 */
import { INDICATOR_DEFINITIONS, indicatorValue, type IndicatorKey, type Rate } from '../domain/ledger/indicators.ts';
import { regionCodesOf, rollUpValue } from '../domain/ledger/roll-up.ts';
import type { Fen } from '../domain/shared/money.ts';
import { regionName } from './region-names.ts';
import { siteCounties } from './site-database.ts';
import { yearFigures } from './year-ledgers.ts';

export interface RollUpRow {
  level: 'province' | 'city' | 'county';
  code: string;
  name: string;
  /** Counties under the row (1 for a county). */
  counties: number;
  /** The latest 数据截至日 among its counties. */
  asOf: string;
  villages: number;
  projects: number;
  budgetFen: Fen;
  disbursedFen: Fen;
  values: Record<IndicatorKey, Rate | number>;
}

export interface RollUp {
  year: number;
  /** Every year any county has published, newest first. */
  years: number[];
  /** The top region (a province, or 全部 when the counties span several), then each city and its counties, in code order. */
  rows: RollUpRow[];
  isSample: boolean;
}

/** Whether the site serves more than one county (then `/` is the roll-up and each county has `/counties/<code>/`). */
export async function siteHasSeveralCounties(): Promise<boolean> {
  return (await siteCounties()).length > 1;
}

/** Every year any of the site's counties has published, newest first. */
export async function rollUpYears(): Promise<number[]> {
  const years = new Set<number>();
  for (const c of await siteCounties()) if (c.countyCode) for (const f of await yearFigures(c.countyCode)) years.add(f.year);
  return [...years].sort((a, b) => b - a);
}

function combine(level: RollUpRow['level'], code: string, name: string, parts: readonly RollUpRow[]): RollUpRow {
  const values = {} as Record<IndicatorKey, Rate | number>;
  for (const def of INDICATOR_DEFINITIONS) values[def.key] = rollUpValue(parts.map((p) => p.values[def.key]))!;
  return {
    level,
    code,
    name,
    counties: parts.reduce((a, p) => a + p.counties, 0),
    asOf: parts.map((p) => p.asOf).sort().at(-1) ?? '',
    villages: parts.reduce((a, p) => a + p.villages, 0),
    projects: parts.reduce((a, p) => a + p.projects, 0),
    budgetFen: parts.reduce((a, p) => a + p.budgetFen, 0),
    disbursedFen: parts.reduce((a, p) => a + p.disbursedFen, 0),
    values,
  };
}

/** The roll-up of `year` over the counties that published in it; null when none did. */
export async function loadRollUp(year: number): Promise<RollUp | null> {
  const countyRows: RollUpRow[] = [];
  let isSample = false;
  for (const c of await siteCounties()) {
    if (!c.countyCode) continue;
    const f = (await yearFigures(c.countyCode)).find((x) => x.year === year);
    if (!f) continue;
    isSample ||= c.isSample;
    const values = {} as Record<IndicatorKey, Rate | number>;
    for (const def of INDICATOR_DEFINITIONS) values[def.key] = indicatorValue(f.indicators, def.key);
    countyRows.push({
      level: 'county',
      code: c.countyCode,
      name: c.countyName,
      counties: 1,
      asOf: f.asOf,
      villages: f.published.villages.length,
      projects: f.indicators.projectCountsByGroup.total,
      budgetFen: f.indicators.budgetTotalFen,
      disbursedFen: f.indicators.disbursedTotalFen,
      values,
    });
  }
  if (countyRows.length === 0) return null;
  const cities = new Map<string, RollUpRow[]>();
  for (const r of countyRows) {
    const { city } = regionCodesOf(r.code);
    cities.set(city, [...(cities.get(city) ?? []), r]);
  }
  const provinces = new Set(countyRows.map((r) => regionCodesOf(r.code).province));
  const top = provinces.size === 1 ? combine('province', [...provinces][0]!, regionName([...provinces][0]!), countyRows) : combine('province', '', '全部', countyRows);
  const rows: RollUpRow[] = [top];
  for (const [city, parts] of [...cities].sort(([a], [b]) => a.localeCompare(b))) {
    rows.push(combine('city', city, regionName(city), parts), ...parts);
  }
  return { year, years: await rollUpYears(), rows, isSample };
}

/** What a page or file over the whole site is titled: the county's name, or over several counties their province's (全部 when they span several). */
export async function siteScopeName(countyName: string): Promise<string> {
  const counties = await siteCounties();
  if (counties.length <= 1) return countyName;
  const provinces = new Set(counties.map((c) => regionCodesOf(c.countyCode ?? '').province));
  return provinces.size === 1 ? regionName([...provinces][0]!) : '全部';
}
