import { describe, expect, it } from 'vitest';
import type { PortalData } from '../../src/data/portal-data.ts';
import { buildCountySearchIndex, buildPlaceIndex, buildSearchIndex, initialsOf, pinyinOf } from '../../src/data/search-index.ts';
import { matchesInitials, search, type SearchEntry } from '../../src/domain/shared/search-match.ts';

const entry = (k: SearchEntry['k'], n: string): SearchEntry => ({ k, n, c: '', u: `/x/${n}/`, i: initialsOf(n), y: pinyinOf(n) });

describe('search by name and pinyin', () => {
  const entries = [entry('v', '大水村'), entry('v', '长乐村'), entry('p', '大水村安全饮水巩固提升'), entry('t', '柏坊镇'), entry('v', '沙水村委会')];

  it('gives every reading of a polyphonic character among the initials', () => {
    expect(initialsOf('大水村')).toBe('d|s|c');
    expect(initialsOf('长乐村').split('|')[0]).toContain('c');
    expect(initialsOf('长乐村').split('|')[0]).toContain('z');
  });

  it.each([
    ['dsc', '大水村'],
    ['DSC', '大水村'],
    ['clc', '长乐村'],
    ['zlc', '长乐村'],
    ['dashui', '大水村'],
    ['大水', '大水村'],
    ['ssc', '沙水村委会'],
    ['bf', '柏坊镇'],
  ])('"%s" finds %s first', (q, name) => {
    expect(search(entries, q)[0]?.n).toBe(name);
  });

  it('finds initials in the middle of a name, and nothing for an empty query', () => {
    expect(matchesInitials('d|s|c|a|q', 'sc')).toBe(true);
    expect(matchesInitials('d|s|c', 'cd')).toBe(false);
    expect(search(entries, '  ')).toEqual([]);
  });

  it('ranks a village above a project with the same name start', () => {
    expect(search(entries, '大水').map((e) => e.k)).toEqual(['v', 'p']);
  });
});

describe('the search index says where each entry is', () => {
  /** A village of the portal's data, as far as the index reads it. */
  const village = (code: string, name: string, townshipName: string, countyName: string) => ({
    code,
    name,
    townshipCode: code.slice(0, 9),
    townshipName,
    figures: null,
    location: null,
    years: [{ year: 2024, latest: { content: { scope: { countyName } } }, versions: [] }],
  });
  const portal = (villages: Array<ReturnType<typeof village>>) =>
    ({
      countyName: villages[0]!.years[0]!.latest.content.scope.countyName,
      villages,
      villageByCode: new Map(villages.map((v) => [v.code, v])),
      townships: villages.map((v) => ({ code: v.townshipCode, name: v.townshipName, villageCodes: [v.code] })),
      projects: villages.map((v, i) => ({ villageCode: v.code, project: { code: `P-${i}`, name: '安全饮水', year: 2024 } })),
    }) as unknown as PortalData;

  it('on a site over several counties: each township its own county, villages and projects their county and township', () => {
    const entries = buildSearchIndex(portal([village('430482101207', '新建村', '城关镇', '常宁市'), village('430421100201', '新建村', '城关镇', '衡阳县')]));
    expect(entries.filter((e) => e.k === 't').map((e) => e.c)).toEqual(['常宁市', '衡阳县']);
    expect(entries.filter((e) => e.k === 'v').map((e) => e.c)).toEqual(['常宁市城关镇', '衡阳县城关镇']);
    expect(entries.filter((e) => e.k === 'p').map((e) => e.c)).toEqual(['2024年 常宁市城关镇新建村', '2024年 衡阳县城关镇新建村']);
  });

  it('on a one-county site: villages and projects by township alone, as before', () => {
    const entries = buildSearchIndex(portal([village('430482101207', '新建村', '城关镇', '常宁市'), village('430482102201', '大水村', '柏坊镇', '常宁市')]));
    expect(entries.filter((e) => e.k === 't').map((e) => e.c)).toEqual(['常宁市', '常宁市']);
    expect(entries.filter((e) => e.k === 'v').map((e) => e.c)).toEqual(['城关镇', '柏坊镇']);
    expect(entries.filter((e) => e.k === 'p').map((e) => e.c)).toEqual(['2024年 城关镇新建村', '2024年 柏坊镇大水村']);
  });

  it('on a site over several counties, /search/ holds places only and each county’s index its own projects', () => {
    const data = portal([village('430482101207', '新建村', '城关镇', '常宁市'), village('430421100201', '新建村', '城关镇', '衡阳县')]);
    const places = buildPlaceIndex(data, [{ code: '430421', name: '衡阳县' }, { code: '430482', name: '常宁市' }]);
    expect(places.map((e) => [e.k, e.n, e.c, e.u])).toEqual([
      ['c', '衡阳县', '', '/counties/430421/'],
      ['c', '常宁市', '', '/counties/430482/'],
      ['t', '城关镇', '常宁市', '/townships/430482101/'],
      ['t', '城关镇', '衡阳县', '/townships/430421100/'],
      ['v', '新建村', '常宁市城关镇', '/villages/430482101207/'],
      ['v', '新建村', '衡阳县城关镇', '/villages/430421100201/'],
    ]);
    const own = buildCountySearchIndex(data, '430421');
    expect(own.map((e) => [e.k, e.c, e.u])).toEqual([
      ['t', '衡阳县', '/townships/430421100/'],
      ['v', '城关镇', '/villages/430421100201/'],
      ['p', '2024年 城关镇新建村', '/projects/P-1/'],
    ]);
  });
});
