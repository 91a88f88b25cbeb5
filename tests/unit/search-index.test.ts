import { describe, expect, it } from 'vitest';
import { initialsOf, pinyinOf } from '../../src/data/search-index.ts';
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
