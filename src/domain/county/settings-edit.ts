/**
 * What a county office may change about itself on the staff page, checked before anything is
 * written: 公示单位, 监督电话 (county and per township), 受理地址, 公示期, the poster title template,
 * 直补标准 and the project types. Every problem names the field (as the form labels it), what was
 * received and what was expected, in the same shape as an upload's problems.
 */
import type { IndicatorGroup } from '../ledger/ledger.ts';
import type { UploadProblem } from '../upload/upload-plan.ts';

/** The editable settings, as stored (money in fen, phones as lists). */
export interface EditableSettings {
  issuingUnit: string;
  supervisionPhones: string[];
  /** Township 监督电话 by 9-digit township code (one number each, as the poster prints it). */
  townshipPhones: Record<string, string>;
  supervisionAddress: string;
  disclosurePeriodDays: number;
  /** Null: the default title. */
  posterTitleTemplate: string | null;
  subsidyStandardFen: number;
}

/** A change as the staff page sends it: any subset of the fields; the 直补标准 in 元. */
export interface SettingsPatch {
  issuingUnit?: string | undefined;
  supervisionPhones?: string[] | undefined;
  townshipPhones?: Record<string, string> | undefined;
  supervisionAddress?: string | undefined;
  disclosurePeriodDays?: number | undefined;
  posterTitleTemplate?: string | null | undefined;
  subsidyStandardYuan?: number | undefined;
}

export const SETTING_LABELS: Record<keyof EditableSettings, string> = {
  issuingUnit: '公示单位',
  supervisionPhones: '县监督电话',
  townshipPhones: '乡镇监督电话',
  supervisionAddress: '受理地址',
  disclosurePeriodDays: '公示期（天）',
  posterTitleTemplate: '海报标题',
  subsidyStandardFen: '直补标准（元/人·年）',
};

/** Placeholders a title template may use (src/posters/title.ts fills them). */
const TITLE_PLACEHOLDERS = new Set(['village', 'year', 'township', 'county']);

/** Digits with the usual separators: 0734-7212345, 0734－7212345 转 8001, (0734)7212345, 12345. */
const PHONE = /^[0-9０-９][0-9０-９\-－ ()（）转]{3,23}[0-9０-９]$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
const CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]/;

export const PERIOD_DAYS = { min: 5, max: 60 } as const;
/** 600 元 is the national standard; some provinces add to it. Anything past this is a typo. */
export const SUBSIDY_YUAN = { min: 1, max: 10_000 } as const;

export type SettingsCheck =
  | { ok: true; next: EditableSettings; changed: Array<keyof EditableSettings> }
  | { ok: false; problems: UploadProblem[] };

/** The problems of one text field (required or not), or none. */
function textProblem(label: string, value: string, max: number, required: boolean): UploadProblem | null {
  if (CONTROL.test(value)) return { column: label, problem: '含有换行或看不见的控制字符', received: JSON.stringify(value).slice(0, 60), expected: '一行文字' };
  if (required && value === '') return { column: label, problem: '不能为空', expected: '例如“某某县水库移民事务中心”' };
  if (value.length > max) return { column: label, problem: `太长（${value.length} 个字）`, expected: `不超过 ${max} 个字` };
  return null;
}

/** A list of phones as typed or stored: separated by `;`, commas, 、 or new lines. */
export function splitPhones(text: string): string[] {
  return text
    .split(/[;；,，、\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Normalises full-width digits and dashes so the same number is stored the same way. */
export function normalisePhone(phone: string): string {
  return phone
    .trim()
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/－/g, '-')
    .replace(/（/g, '(')
    .replace(/）/g, ')')
    .replace(/\s+/g, ' ');
}

function phoneProblems(label: string, phones: readonly string[]): { phones: string[]; problems: UploadProblem[] } {
  const problems: UploadProblem[] = [];
  const out: string[] = [];
  if (phones.length > 5) problems.push({ column: label, problem: `电话太多（${phones.length} 个）`, expected: '不超过 5 个' });
  for (const raw of phones) {
    const phone = normalisePhone(raw);
    if (phone === '') continue;
    if (!PHONE.test(phone) || (phone.match(/\d/g)?.length ?? 0) < 5) {
      problems.push({ column: label, problem: '不像电话号码', received: raw.slice(0, 40), expected: '区号-号码，例如 0734-7212345；分机写“转”' });
      continue;
    }
    if (!out.includes(phone)) out.push(phone);
  }
  return { phones: out, problems };
}

/**
 * Checks a patch against the current settings; `townships` are the county's township codes and
 * names. Returns the settings after the change and which fields changed, or every problem.
 */
export function checkSettingsPatch(current: EditableSettings, patch: SettingsPatch, townships: ReadonlyMap<string, string>): SettingsCheck {
  const problems: UploadProblem[] = [];
  const next: EditableSettings = { ...current, supervisionPhones: [...current.supervisionPhones], townshipPhones: { ...current.townshipPhones } };

  if (patch.issuingUnit !== undefined) {
    const value = patch.issuingUnit.trim();
    const p = textProblem(SETTING_LABELS.issuingUnit, value, 40, true);
    if (p) problems.push(p);
    else next.issuingUnit = value;
  }
  if (patch.supervisionAddress !== undefined) {
    const value = patch.supervisionAddress.trim();
    const p = textProblem(SETTING_LABELS.supervisionAddress, value, 80, false);
    if (p) problems.push(p);
    else next.supervisionAddress = value;
  }
  if (patch.supervisionPhones !== undefined) {
    const checked = phoneProblems(SETTING_LABELS.supervisionPhones, patch.supervisionPhones);
    problems.push(...checked.problems);
    next.supervisionPhones = checked.phones;
  }
  if (patch.townshipPhones !== undefined) {
    const phones: Record<string, string> = {};
    for (const [code, phone] of Object.entries(patch.townshipPhones)) {
      const name = townships.get(code);
      if (!name) {
        problems.push({ column: SETTING_LABELS.townshipPhones, problem: '不是本县的乡镇', received: code.slice(0, 20), expected: '本县 9 位乡镇代码' });
        continue;
      }
      const checked = phoneProblems(`${SETTING_LABELS.townshipPhones}（${name}）`, [phone]);
      problems.push(...checked.problems);
      if (checked.phones[0]) phones[code] = checked.phones[0];
    }
    next.townshipPhones = phones;
  }
  if (patch.disclosurePeriodDays !== undefined) {
    const days = patch.disclosurePeriodDays;
    if (!Number.isInteger(days) || days < PERIOD_DAYS.min || days > PERIOD_DAYS.max) {
      problems.push({ column: SETTING_LABELS.disclosurePeriodDays, problem: '天数不对', received: String(days), expected: `${PERIOD_DAYS.min} 到 ${PERIOD_DAYS.max} 之间的整数` });
    } else next.disclosurePeriodDays = days;
  }
  if (patch.posterTitleTemplate !== undefined) {
    const value = patch.posterTitleTemplate?.trim() ?? '';
    const p = textProblem(SETTING_LABELS.posterTitleTemplate, value, 60, false);
    const unknown = [...value.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]!).filter((k) => !TITLE_PLACEHOLDERS.has(k));
    if (p) problems.push(p);
    else if (unknown.length > 0) {
      problems.push({ column: SETTING_LABELS.posterTitleTemplate, problem: `不认识的占位符 {${unknown[0]}}`, received: value, expected: '只能用 {village}（村名）、{year}（年度）、{township}（乡镇）、{county}（县）' });
    } else if (value !== '' && !value.includes('{village}')) {
      problems.push({ column: SETTING_LABELS.posterTitleTemplate, problem: '标题里没有村名', received: value, expected: '含 {village}，每个村的海报标题才不一样' });
    } else next.posterTitleTemplate = value === '' ? null : value;
  }
  if (patch.subsidyStandardYuan !== undefined) {
    const yuan = patch.subsidyStandardYuan;
    const fen = Math.round(yuan * 100);
    if (!Number.isFinite(yuan) || Math.abs(yuan * 100 - fen) > 1e-6 || yuan < SUBSIDY_YUAN.min || yuan > SUBSIDY_YUAN.max) {
      problems.push({ column: SETTING_LABELS.subsidyStandardFen, problem: '金额不对', received: String(yuan), expected: `${SUBSIDY_YUAN.min} 到 ${SUBSIDY_YUAN.max} 元，最多两位小数（国家标准每人每年 600 元）` });
    } else next.subsidyStandardFen = fen;
  }
  if (problems.length > 0) return { ok: false, problems };
  const changed = (Object.keys(SETTING_LABELS) as Array<keyof EditableSettings>).filter((k) => JSON.stringify(current[k]) !== JSON.stringify(next[k]));
  return { ok: true, next, changed };
}

export interface ProjectTypeEdit {
  code: string;
  name: string;
  indicatorGroup: IndicatorGroup;
}

export const INDICATOR_GROUP_LABELS: Record<IndicatorGroup, string> = {
  beautiful_home: '美丽家园建设',
  production_infrastructure: '生产开发和基础设施',
  training: '技能培训',
  hazard_relief: '避险解困',
  other: '其他',
};

const TYPE_CODE = /^[a-z][a-z0-9_]{1,29}$/;

export type ProjectTypesCheck =
  | { ok: true; types: Array<ProjectTypeEdit & { sortOrder: number }>; added: string[]; removed: string[]; renamed: string[] }
  | { ok: false; problems: UploadProblem[] };

/**
 * Checks the full list of project types the staff page sends (its order is the display order).
 * A type that projects use cannot be removed; `used` counts the projects of each code.
 */
export function checkProjectTypes(current: readonly ProjectTypeEdit[], wanted: readonly ProjectTypeEdit[], used: ReadonlyMap<string, number>): ProjectTypesCheck {
  const problems: UploadProblem[] = [];
  const codes = new Set<string>();
  const names = new Set<string>();
  wanted.forEach((t, i) => {
    const row = i + 1;
    const name = t.name.trim();
    if (!TYPE_CODE.test(t.code)) problems.push({ row, column: '代码', problem: '代码不对', received: t.code.slice(0, 40), expected: '小写英文字母开头，字母、数字或下划线，2–30 位，例如 water_supply' });
    else if (codes.has(t.code)) problems.push({ row, column: '代码', problem: '代码重复', received: t.code });
    codes.add(t.code);
    const p = textProblem('名称', name, 20, true);
    if (p) problems.push({ ...p, row, expected: p.problem === '不能为空' ? '例如“安全饮水”' : p.expected });
    else if (names.has(name)) problems.push({ row, column: '名称', problem: '名称重复', received: name });
    names.add(name);
    if (!(t.indicatorGroup in INDICATOR_GROUP_LABELS)) problems.push({ row, column: '计入指标', problem: '不认识的指标类别', received: String(t.indicatorGroup).slice(0, 40), expected: Object.values(INDICATOR_GROUP_LABELS).join('、') });
  });
  if (wanted.length === 0) problems.push({ column: '项目类型', problem: '至少要有一个项目类型' });
  const removed = current.filter((c) => !codes.has(c.code));
  for (const r of removed) {
    const n = used.get(r.code) ?? 0;
    if (n > 0) problems.push({ column: '项目类型', problem: `“${r.name}”有 ${n} 个项目在用，不能删除`, received: r.code, expected: '可以改名，或先把这些项目改成别的类型' });
  }
  if (problems.length > 0) return { ok: false, problems };
  const before = new Map(current.map((c) => [c.code, c]));
  return {
    ok: true,
    types: wanted.map((t, i) => ({ code: t.code, name: t.name.trim(), indicatorGroup: t.indicatorGroup, sortOrder: i + 1 })),
    added: wanted.filter((t) => !before.has(t.code)).map((t) => t.code),
    removed: removed.map((r) => r.code),
    renamed: wanted.filter((t) => {
      const b = before.get(t.code);
      return b !== undefined && (b.name !== t.name.trim() || b.indicatorGroup !== t.indicatorGroup);
    }).map((t) => t.code),
  };
}
