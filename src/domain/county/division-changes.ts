/**
 * A county's division changes (区划调整: 村撤并, renames, new villages; very common since 2016),
 * read from its own table: 变更类型, 生效日期, 原代码, 原名称, 新代码, 新名称, 依据. Checked
 * against the divisions the database holds, all problems at once with row and column, into a plan:
 * the divisions to create, to rename and to retire (with the successor). Nothing is deleted: a
 * retired village keeps its code, so everything published under it stays where it was. Pure.
 */
import { readDate, readText, isBlank } from '../upload/upload-cells.ts';
import type { UploadProblem } from '../upload/upload-plan.ts';
import { levelOfCode, type DivisionLevel } from './division-list.ts';

export type ChangeKind = 'rename' | 'merge' | 'new';

export interface KnownDivision {
  code: string;
  name: string;
  level: DivisionLevel;
  parentCode: string | null;
  retiredOn: string | null;
}

export interface DivisionChange {
  row: number;
  kind: ChangeKind;
  effectiveOn: string;
  fromCode: string | null;
  fromName: string | null;
  toCode: string;
  toName: string;
  basis: string;
}

export interface DivisionChangePlan {
  changes: DivisionChange[];
  /** Divisions that do not exist yet: new ones, and the targets of a renumbering. */
  create: Array<{ code: string; name: string; level: DivisionLevel; parentCode: string }>;
  rename: Array<{ code: string; from: string; to: string }>;
  retire: Array<{ code: string; name: string; on: string; successorCode: string }>;
}

const KINDS: Record<string, ChangeKind> = {
  更名: 'rename',
  改名: 'rename',
  撤并: 'merge',
  合并: 'merge',
  并入: 'merge',
  撤销并入: 'merge',
  改代码: 'merge',
  新设: 'new',
  新建: 'new',
  新增: 'new',
};

const HEADERS = {
  kind: ['变更类型', '类型'],
  date: ['生效日期', '变更日期', '日期'],
  fromCode: ['原代码', '原区划代码', '原统计用区划代码'],
  fromName: ['原名称'],
  toCode: ['新代码', '新区划代码', '新统计用区划代码'],
  toName: ['新名称'],
  basis: ['依据', '批准文号', '文件依据', '备注'],
} as const;

export const DIVISION_CHANGE_COLUMNS = ['变更类型', '生效日期', '原代码', '原名称', '新代码', '新名称', '依据'] as const;

const text = (v: unknown): string => (v === null || v === undefined ? '' : String(v).normalize('NFKC').trim());

/**
 * Reads the table (first row the header) for county `countyCode`, against the divisions the
 * database holds; `today` (Asia/Shanghai) bounds the dates.
 */
export function readDivisionChanges(table: readonly (readonly unknown[])[], countyCode: string, known: ReadonlyMap<string, KnownDivision>, today: string): { plan: DivisionChangePlan; problems: UploadProblem[] } {
  const problems: UploadProblem[] = [];
  const plan: DivisionChangePlan = { changes: [], create: [], rename: [], retire: [] };
  const header = (table[0] ?? []).map((h) => text(h).replace(/\s/g, ''));
  const index = Object.fromEntries(Object.entries(HEADERS).map(([k, names]) => [k, header.findIndex((h) => (names as readonly string[]).includes(h))])) as Record<keyof typeof HEADERS, number>;
  for (const [key, label] of [['kind', '变更类型'], ['date', '生效日期'], ['toCode', '新代码']] as const) {
    if (index[key] < 0) problems.push({ row: 1, column: label, problem: '缺少这一列', expected: `表头：${DIVISION_CHANGE_COLUMNS.join('、')}` });
  }
  if (problems.length > 0) return { plan, problems };

  // What each code will be after the rows before: created, renamed or retired in this file.
  const created = new Map<string, { name: string; level: DivisionLevel }>();
  const retiredHere = new Map<string, number>();
  const targets = new Set<string>();
  const renamedHere = new Map<string, string>();
  const current = (code: string) => {
    const k = known.get(code);
    if (k && !k.retiredOn && !retiredHere.has(code)) return { name: renamedHere.get(code) ?? k.name, level: k.level };
    const c = created.get(code);
    return c && !retiredHere.has(code) ? c : null;
  };

  table.slice(1).forEach((cells, i) => {
    const row = i + 2;
    if (cells.every(isBlank)) return;
    const err = (column: string, problem: string, extra: Partial<UploadProblem> = {}) => problems.push({ row, column, problem, ...extra });
    const cell = (k: keyof typeof HEADERS) => (index[k] >= 0 ? cells[index[k]] : undefined);

    const kind = KINDS[text(cell('kind'))];
    if (!kind) err('变更类型', '不认识的变更类型', { received: text(cell('kind')) || '（空）', expected: '更名、撤并 或 新设' });
    const date = readDate(cell('date'));
    if (!date.ok) err('生效日期', date.problem, { received: text(cell('date')) || '（空）', expected: date.expected, ...(date.hint ? { hint: date.hint } : {}) });
    else if (date.value > today) err('生效日期', '还没到生效日期', { received: date.value, expected: `不晚于今天（${today}）；生效后再登记` });
    const fromCode = levelOfCode(text(cell('fromCode')))?.code ?? text(cell('fromCode'));
    const fromName = text(cell('fromName'));
    const toCodeText = text(cell('toCode'));
    const toCode = levelOfCode(toCodeText)?.code ?? toCodeText;
    const toName = readText(cell('toName'), { max: 40 });
    const basis = readText(cell('basis'), { max: 100 });
    if (!basis.ok && !isBlank(cell('basis'))) err('依据', basis.problem, { expected: basis.expected });
    if (!toName.ok && !isBlank(cell('toName'))) err('新名称', toName.problem, { expected: toName.expected });
    const newName = toName.ok ? toName.value.trim() : '';
    if (!kind || !date.ok) return;

    const from = fromCode ? current(fromCode) : null;
    const checkFrom = (): boolean => {
      if (!fromCode) {
        err('原代码', '不能为空', { expected: '变更前的统计用区划代码' });
        return false;
      }
      if (!from) {
        const k = known.get(fromCode);
        const why = k?.retiredOn || retiredHere.has(fromCode) ? '这个代码已经撤并了' : '找不到这个代码';
        err('原代码', why, { received: fromCode, expected: '本县现有的乡镇（9 位）或村（12 位）代码' });
        return false;
      }
      if (from.level === 'county') {
        err('原代码', '县本身不能在这里变更', { received: fromCode });
        return false;
      }
      if (fromName && fromName !== from.name) {
        err('原名称', '和这个代码现在的名称不一样', { received: fromName, expected: `${from.name}（核对一下原代码）` });
        return false;
      }
      return true;
    };
    const level = levelOfCode(toCode);
    const checkTarget = (mustExist: boolean | null): boolean => {
      if (!toCode) {
        err('新代码', '不能为空', { expected: kind === 'rename' ? '和原代码相同，或留空' : '变更后的统计用区划代码' });
        return false;
      }
      if (!level || level.level === 'county' || !toCode.startsWith(countyCode)) {
        err('新代码', '不是本县的乡镇或村代码', { received: toCodeText, expected: `以 ${countyCode} 开头的 9 位乡镇或 12 位村代码` });
        return false;
      }
      const exists = current(toCode) !== null;
      if (mustExist === false && (exists || known.has(toCode))) {
        err('新代码', '这个代码已经有了', { received: toCode, expected: '一个还没用过的代码' });
        return false;
      }
      if (retiredHere.has(toCode) || (known.get(toCode)?.retiredOn && !exists)) {
        err('新代码', '这个代码已经撤并了，不能再并入', { received: toCode, expected: '现有的代码' });
        return false;
      }
      if (!exists) {
        if (!newName) {
          err('新名称', '新代码还没有，要写新名称', { received: toCode, expected: '新村或新乡镇的名称' });
          return false;
        }
        const parent = level.level === 'village' ? toCode.slice(0, 9) : countyCode;
        if (level.level === 'village' && !current(parent)) {
          err('新代码', '新代码所在的乡镇不存在', { received: toCode, expected: `先在前面的行里新设乡镇 ${parent}，或核对代码` });
          return false;
        }
      }
      return true;
    };

    if (kind === 'rename') {
      if (!checkFrom()) return;
      if (toCode && toCode !== fromCode) {
        err('新代码', '更名不改代码', { received: toCode, expected: `留空或写 ${fromCode}；代码也变了请用“撤并”` });
        return;
      }
      if (!newName) return err('新名称', '不能为空', { expected: '改后的名称' });
      if (newName === from!.name) return err('新名称', '和现在的名称一样', { received: newName });
      if (renamedHere.has(fromCode)) return err('原代码', '同一个代码在这个表里更名了两次', { received: fromCode });
      renamedHere.set(fromCode, newName);
      plan.rename.push({ code: fromCode, from: from!.name, to: newName });
      const k = created.get(fromCode);
      if (k) k.name = newName;
      plan.changes.push({ row, kind, effectiveOn: date.value, fromCode, fromName: from!.name, toCode: fromCode, toName: newName, basis: basis.ok ? basis.value : '' });
      return;
    }
    if (kind === 'new') {
      if (fromCode) return err('原代码', '新设的村或乡镇没有原代码', { received: fromCode, expected: '留空；由别的村并来的请用“撤并”' });
      if (!checkTarget(false)) return;
      const entry = { code: toCode, name: newName, level: level!.level, parentCode: level!.level === 'village' ? toCode.slice(0, 9) : countyCode };
      created.set(toCode, { name: newName, level: level!.level });
      plan.create.push(entry);
      plan.changes.push({ row, kind, effectiveOn: date.value, fromCode: null, fromName: null, toCode, toName: newName, basis: basis.ok ? basis.value : '' });
      return;
    }
    // merge: fromCode is retired, its successor is toCode (existing, or created here).
    if (!checkFrom()) return;
    if (toCode === fromCode) return err('新代码', '和原代码一样', { received: toCode, expected: '并入的村（乡镇）的代码；只改名请用“更名”' });
    if (!checkTarget(null)) return;
    if (level!.level !== from!.level) return err('新代码', from!.level === 'village' ? '村只能并入村' : '乡镇只能并入乡镇', { received: toCode, expected: from!.level === 'village' ? '12 位村代码' : '9 位乡镇代码' });
    const target = current(toCode);
    if (target && newName && newName !== target.name) {
      return err('新名称', '并入的村已经有名称', { received: newName, expected: `${target.name}，或留空；要改名请另写一行“更名”` });
    }
    if (targets.has(fromCode)) return err('原代码', '别的村刚并入这个村，它又并出去了', { received: fromCode, expected: '一步写到最后的村' });
    if (!target) {
      created.set(toCode, { name: newName, level: level!.level });
      plan.create.push({ code: toCode, name: newName, level: level!.level, parentCode: level!.level === 'village' ? toCode.slice(0, 9) : countyCode });
    }
    targets.add(toCode);
    retiredHere.set(fromCode, row);
    plan.retire.push({ code: fromCode, name: from!.name, on: date.value, successorCode: toCode });
    plan.changes.push({ row, kind, effectiveOn: date.value, fromCode, fromName: from!.name, toCode, toName: target?.name ?? newName, basis: basis.ok ? basis.value : '' });
  });

  // A township retired here must leave no current village behind.
  for (const r of plan.retire) {
    if (r.code.length !== 9) continue;
    const left = [...known.values()].filter((d) => d.parentCode === r.code && !d.retiredOn && !retiredHere.has(d.code));
    if (left.length > 0) {
      problems.push({ row: retiredHere.get(r.code)!, column: '原代码', problem: `乡镇撤并后还有 ${left.length} 个村没有写去向`, received: left.slice(0, 3).map((d) => `${d.name}（${d.code}）`).join('、'), expected: '每个村一行“撤并”，写明并入的新村代码' });
    }
  }
  if (problems.length === 0 && plan.changes.length === 0) problems.push({ row: 2, problem: '表里没有变更', expected: `每个变更一行：${DIVISION_CHANGE_COLUMNS.join('、')}` });
  return { plan, problems };
}
