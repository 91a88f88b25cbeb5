/**
 * Builds the search indexes at build time, with pinyin (pinyin-pro), so the browser can match
 * names, full pinyin and initials ("dsc" → 大水村) without a server. A one-county site has one
 * (/search/index.json: townships, villages and projects). A site over several counties would make
 * that one file grow with every county (over 25 MiB at 100 counties' worth), so there
 * /search/index.json finds places only (counties, townships, villages) and each county has its own
 * index with its projects (/counties/<code>/search/index.json), the size of a one-county site's.
 */
import { pinyin } from 'pinyin-pro';
import type { SearchEntry } from '../domain/shared/search-match.ts';
import type { PortalData } from './portal-data.ts';

/** Per character, every possible initial ("长" → "cz"); other characters stand for themselves. */
export function initialsOf(name: string): string {
  return Array.from(name.replace(/\s+/g, ''))
    .map((ch) => {
      if (!/\p{Script=Han}/u.test(ch)) return ch.toLowerCase();
      const readings = pinyin(ch, { multiple: true, type: 'array', toneType: 'none' });
      return [...new Set(readings.map((r) => r[0]!.toLowerCase()))].join('');
    })
    .join('|');
}

/** Full pinyin of a name in its most likely reading (in context), without spaces. */
export function pinyinOf(name: string): string {
  return pinyin(name.replace(/\s+/g, ''), { toneType: 'none', type: 'array', nonZh: 'consecutive' }).join('').toLowerCase();
}

function entry(k: SearchEntry['k'], n: string, c: string, u: string): SearchEntry {
  return { k, n, c, u, i: initialsOf(n), y: pinyinOf(n) };
}

/**
 * Every township, village and project of the published data. Each says where it is: a township
 * its own county; on a site over several counties a village and a project their county too (two
 * counties may each have a 新建村 in a 城关镇).
 */
export function buildSearchIndex(data: PortalData): SearchEntry[] {
  const countyOf = (villageCode: string | undefined) => (villageCode && data.villageByCode.get(villageCode)?.years[0]?.latest.content.scope.countyName) || data.countyName;
  const several = new Set(data.villages.map((v) => v.code.slice(0, 6))).size > 1;
  const place = (v: PortalData['villages'][number]) => `${several ? countyOf(v.code) : ''}${v.townshipName}`;
  return [
    ...data.townships.map((t) => entry('t', t.name, countyOf(t.villageCodes[0]), `/townships/${t.code}/`)),
    ...data.villages.map((v) => entry('v', v.name, place(v), `/villages/${v.code}/`)),
    ...data.projects.map((p) => {
      const v = data.villageByCode.get(p.villageCode)!;
      return entry('p', p.project.name, `${p.project.year}年 ${place(v)}${v.name}`, `/projects/${p.project.code}/`);
    }),
  ];
}

/**
 * /search/ on a site over several counties: each county (to its overview), township and village,
 * each placed by its county. Projects are found on a county's own search page.
 */
export function buildPlaceIndex(data: PortalData, counties: ReadonlyArray<{ code: string; name: string }>): SearchEntry[] {
  return [
    ...counties.map((c) => entry('c', c.name, '', `/counties/${c.code}/`)),
    ...buildSearchIndex({ ...data, projects: [] }),
  ];
}

/** One county's index on a site over several: its townships, villages and projects, placed by township. */
export function buildCountySearchIndex(data: PortalData, countyCode: string): SearchEntry[] {
  const inCounty = (code: string) => code.startsWith(countyCode);
  return buildSearchIndex({
    ...data,
    villages: data.villages.filter((v) => inCounty(v.code)),
    townships: data.townships.filter((t) => inCounty(t.code)),
    projects: data.projects.filter((p) => inCounty(p.villageCode)),
  });
}
