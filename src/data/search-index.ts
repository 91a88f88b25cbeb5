/**
 * Builds the search index (/search/index.json) at build time: townships, villages and projects
 * with their pinyin (pinyin-pro), so the browser can match names, full pinyin and initials
 * ("dsc" → 大水村) without a server.
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
