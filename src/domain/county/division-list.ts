/**
 * A county's division list (区划代码表) as the National Bureau of Statistics publishes it —
 * columns 统计用区划代码, 城乡分类代码, 名称 — read into county, townships and villages. The level
 * follows from the code: 6 digits (or 12 ending in 000000) is the county, 9 (or 12 ending in 000)
 * a township, 12 a village. Every problem names its row and column. Pure: no files, no database.
 */
import type { UploadProblem } from '../upload/upload-plan.ts';

export type DivisionLevel = 'county' | 'township' | 'village';

export interface DivisionEntry {
  code: string;
  name: string;
  level: DivisionLevel;
  parentCode: string | null;
  /** 城乡分类代码 (111 主城区 … 220 村庄), villages only, when the list gives it. */
  urbanRuralCode: string | null;
}

export interface DivisionList {
  county: { code: string; name: string } | null;
  townships: DivisionEntry[];
  villages: DivisionEntry[];
  problems: UploadProblem[];
}

/** Whether a 6-digit code can be a county-level division (not a province or a prefecture). */
export function isCountyCode(code: string): boolean {
  return /^\d{6}$/.test(code) && !code.endsWith('00');
}

/** The level and short code of a 统计用区划代码, or null when it is none of them. */
export function levelOfCode(raw: string): { level: DivisionLevel; code: string } | null {
  const code = raw.replace(/\s/g, '');
  if (/^\d{6}$/.test(code)) return { level: 'county', code };
  if (/^\d{9}$/.test(code)) return { level: 'township', code };
  if (!/^\d{12}$/.test(code)) return null;
  if (code.endsWith('000000')) return { level: 'county', code: code.slice(0, 6) };
  if (code.endsWith('000')) return { level: 'township', code: code.slice(0, 9) };
  return { level: 'village', code };
}

const HEADERS = {
  code: ['统计用区划代码', '区划代码', '代码'],
  urbanRural: ['城乡分类代码', '城乡分类'],
  name: ['名称', '单位名称', '区划名称'],
} as const;

const URBAN_RURAL = new Set(['111', '112', '121', '122', '123', '210', '220']);

const cellText = (v: unknown): string => (v === null || v === undefined ? '' : String(v).normalize('NFKC').trim());

/**
 * Reads the table (first row the header) for the county `countyCode`. `countyName` names the
 * county when the list has no county row.
 */
export function readDivisionList(table: readonly (readonly unknown[])[], countyCode: string, countyName: string | null): DivisionList {
  const problems: UploadProblem[] = [];
  const header = (table[0] ?? []).map((h) => cellText(h).replace(/\s/g, ''));
  const find = (names: readonly string[]) => header.findIndex((h) => names.includes(h));
  const col = { code: find(HEADERS.code), urbanRural: find(HEADERS.urbanRural), name: find(HEADERS.name) };
  if (col.code < 0 || col.name < 0) {
    for (const [key, label] of [['code', '统计用区划代码'], ['name', '名称']] as const) {
      if (col[key] < 0) problems.push({ row: 1, column: label, problem: `第 1 行（表头）缺少“${label}”列`, received: header.join('、') || '（空）', expected: '表头：统计用区划代码、城乡分类代码、名称' });
    }
    return { county: null, townships: [], villages: [], problems };
  }
  let county: DivisionList['county'] = null;
  const townships = new Map<string, DivisionEntry>();
  const villages = new Map<string, DivisionEntry>();
  const seenAt = new Map<string, number>();
  for (let i = 1; i < table.length; i++) {
    const row = i + 1;
    const cells = table[i] ?? [];
    const rawCode = cellText(cells[col.code]);
    const name = cellText(cells[col.name]);
    const urbanRural = col.urbanRural >= 0 ? cellText(cells[col.urbanRural]) : '';
    if (rawCode === '' && name === '' && urbanRural === '') continue;
    const parsed = levelOfCode(rawCode);
    if (!parsed) {
      problems.push({ row, column: '统计用区划代码', problem: '不是区划代码', received: rawCode || '（空）', expected: '6 位（县）、9 位（乡镇）或 12 位（村）数字' });
      continue;
    }
    if (!parsed.code.startsWith(countyCode)) {
      problems.push({ row, column: '统计用区划代码', problem: '不是本县的区划代码', received: rawCode, expected: `以 ${countyCode} 开头` });
      continue;
    }
    if (name === '' || name.length > 40) {
      problems.push({ row, column: '名称', problem: name === '' ? '名称是空的' : '名称太长', received: name.slice(0, 50) || '（空）', expected: '1–40 个字' });
      continue;
    }
    if (urbanRural !== '' && !URBAN_RURAL.has(urbanRural)) {
      problems.push({ row, column: '城乡分类代码', problem: '不是城乡分类代码', received: urbanRural, expected: '111、112、121、122、123、210 或 220' });
      continue;
    }
    const earlier = seenAt.get(parsed.code);
    if (earlier !== undefined) {
      problems.push({ row, column: '统计用区划代码', problem: `与第 ${earlier} 行重复`, received: rawCode });
      continue;
    }
    seenAt.set(parsed.code, row);
    if (parsed.level === 'county') county = { code: parsed.code, name };
    else if (parsed.level === 'township') townships.set(parsed.code, { code: parsed.code, name, level: 'township', parentCode: countyCode, urbanRuralCode: null });
    else villages.set(parsed.code, { code: parsed.code, name, level: 'village', parentCode: parsed.code.slice(0, 9), urbanRuralCode: urbanRural || null });
  }
  for (const v of villages.values()) {
    if (!townships.has(v.parentCode!)) {
      problems.push({ row: seenAt.get(v.code)!, column: '统计用区划代码', problem: '表里没有这个村所属的乡镇', received: v.code, expected: `先有乡镇 ${v.parentCode} 这一行` });
    }
  }
  if (!county && countyName) county = { code: countyCode, name: countyName };
  if (!county) problems.push({ row: 1, column: '统计用区划代码', problem: '表里没有县这一行', expected: `一行 ${countyCode}（或 ${countyCode}000000）和县名` });
  if (villages.size === 0 && problems.length === 0) problems.push({ problem: '表里没有一个村', expected: '12 位村级区划代码的行' });
  return { county, townships: [...townships.values()], villages: [...villages.values()], problems };
}
