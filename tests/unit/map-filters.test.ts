import { describe, expect, it } from 'vitest';
import { filtersToSearch, listsProjects, matchesFilters, parseFilters, type MapProject } from '../../src/map/filters.ts';

const project: MapProject = { c: 'CN2024-0001', n: '某项目', y: 2024, t: 'production', tn: '生产开发', s: 'started', sl: '在建', tw: '430482101', v: '430482101201', vn: '柏坊镇斗岭村', lon: 112.3, lat: 26.3, vc: false };

describe('map filters in the URL', () => {
  it('round-trips every filter through the query string', () => {
    const f = { year: '2022', county: '430482', type: 'production', status: 'done', township: '430482101', village: '430482101201' };
    expect(parseFilters(filtersToSearch(f, { year: '2024' }), { year: '2024' })).toEqual(f);
  });

  it('leaves the default year out of the URL and writes "all years" as year=all', () => {
    const base = { county: '', type: '', status: '', township: '', village: '' };
    expect(filtersToSearch({ ...base, year: '2024' }, { year: '2024' })).toBe('');
    expect(filtersToSearch({ ...base, year: '' }, { year: '2024' })).toBe('?year=all');
    expect(parseFilters('?year=all', { year: '2024' }).year).toBe('all');
    expect(parseFilters('', { year: '2024' }).year).toBe('2024');
  });

  it.each([
    [{ year: '2024' }, true],
    [{ year: 'all' }, true],
    [{ year: '2023' }, false],
    [{ status: 'started', township: '430482101' }, true],
    [{ status: 'done' }, false],
    [{ village: '430482101202' }, false],
    [{ type: 'production' }, true],
    [{ county: '430482' }, true],
    [{ county: '430421' }, false],
    [{ county: '430421', township: '430482101' }, false],
  ])('matches %j: %s', (partial, expected) => {
    const f = { ...parseFilters(''), ...partial };
    expect(matchesFilters(project, f)).toBe(expected);
  });

  it('lists the projects at once on a one-county site, and on a site over several once a county, township or village is chosen', () => {
    const none = parseFilters('', { year: '2024' });
    expect(listsProjects(none, false)).toBe(true);
    expect(listsProjects(none, true)).toBe(false);
    expect(listsProjects({ ...none, type: 'production', status: 'done' }, true)).toBe(false);
    for (const chosen of [{ county: '430482' }, { township: '430482101' }, { village: '430482101201' }]) expect(listsProjects({ ...none, ...chosen }, true)).toBe(true);
  });
});
