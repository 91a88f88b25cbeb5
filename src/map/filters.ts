/**
 * The map's filters (year, county on a site over several, project type, status, township, village)
 * and how they live in the URL, so a filtered view can be shared as a link. Pure: no DOM, no
 * Leaflet; unit-tested.
 */
import type { StatusGroup } from '../domain/ledger/status-style.ts';

/** A project as the map receives it from /map/projects.json. */
export interface MapProject {
  /** code */
  c: string;
  /** name */
  n: string;
  /** year */
  y: number;
  /** type code and name */
  t: string;
  tn: string;
  /** status group and label */
  s: StatusGroup;
  sl: string;
  /** township code, village code and village name */
  tw: string;
  v: string;
  vn: string;
  lon: number;
  lat: number;
  /** true when the position is the village centre, not the project's own */
  vc: boolean;
}

export interface MapFilters {
  year: string;
  /** A county's code, on a site over several counties. */
  county: string;
  type: string;
  status: string;
  township: string;
  village: string;
}

export const FILTER_KEYS: readonly (keyof MapFilters)[] = ['year', 'county', 'type', 'status', 'township', 'village'];

/** Reads filters from a query string; unknown or empty values mean "all" (''). `defaults` fills a missing year. */
export function parseFilters(search: string, defaults: Partial<MapFilters> = {}): MapFilters {
  const params = new URLSearchParams(search);
  const get = (k: keyof MapFilters) => (params.has(k) ? (params.get(k) ?? '').trim() : (defaults[k] ?? ''));
  return { year: get('year'), county: get('county'), type: get('type'), status: get('status'), township: get('township'), village: get('village') };
}

/**
 * Writes filters into a query string. A year of '' (all years) is written as `year=all` when the
 * default is a specific year, so "all years" survives a reload.
 */
export function filtersToSearch(f: MapFilters, defaults: Partial<MapFilters> = {}): string {
  const params = new URLSearchParams();
  for (const k of FILTER_KEYS) {
    const v = f[k];
    if (k === 'year') {
      if (v === '' && defaults.year) params.set('year', 'all');
      else if (v !== '' && v !== defaults.year) params.set('year', v);
    } else if (v !== '') params.set(k, v);
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** Whether a project passes the filters. */
export function matchesFilters(p: MapProject, f: MapFilters): boolean {
  return (
    (f.year === '' || f.year === 'all' || String(p.y) === f.year) &&
    (f.county === '' || p.tw.startsWith(f.county)) &&
    (f.type === '' || p.t === f.type) &&
    (f.status === '' || p.s === f.status) &&
    (f.township === '' || p.tw === f.township) &&
    (f.village === '' || p.v === f.village)
  );
}

/**
 * Whether the list under the map names the projects shown. On a site over several counties it
 * waits for a county, township or village: a province's year is over ten thousand projects, too
 * long a list for a phone (the markers are clustered; the list is not).
 */
export function listsProjects(f: MapFilters, severalCounties: boolean): boolean {
  return !severalCounties || f.county !== '' || f.township !== '' || f.village !== '';
}
