/**
 * 满意度问卷: the short questionnaire on a village page whose answers feed the 满意度 line of the
 * county's 绩效自评表. Three questions in plain words, each answered with one of three choices;
 * the first one (总体) decides whether a questionnaire counts as satisfied (满意 or 基本满意), the
 * usual way such surveys are counted. Pure: the questions, and the check of a submitted form.
 */

export const SATISFACTION_CHOICES = [
  { key: 'satisfied', label: '满意' },
  { key: 'fair', label: '基本满意' },
  { key: 'unsatisfied', label: '不满意' },
] as const;
export type SatisfactionChoice = (typeof SATISFACTION_CHOICES)[number]['key'];

export const SATISFACTION_QUESTIONS = [
  { key: 'overall', text: '总的来说，您对本村的后期扶持工作满意吗？' },
  { key: 'projects', text: '您对本村用扶持资金建的项目（修的路、渠、活动场所等）满意吗？' },
  { key: 'openness', text: '您对本村公开项目和资金的情况满意吗？' },
] as const;
export type SatisfactionQuestion = (typeof SATISFACTION_QUESTIONS)[number]['key'];

export type SatisfactionAnswers = Record<SatisfactionQuestion, SatisfactionChoice>;

const CHOICE_KEYS = new Set<string>(SATISFACTION_CHOICES.map((c) => c.key));

/** Whether a questionnaire counts as satisfied: 满意 or 基本满意 on the overall question. */
export function isSatisfiedAnswer(answers: Readonly<Record<string, string>>): boolean {
  return answers.overall === 'satisfied' || answers.overall === 'fair';
}

/**
 * Reads the answers of a submitted form (field `q-<question>` = choice key). Returns the answers,
 * or the Chinese message naming the first question left unanswered or answered with something
 * that is not one of the choices.
 */
export function readSatisfactionForm(form: Readonly<Record<string, unknown>>): { ok: true; answers: SatisfactionAnswers } | { ok: false; message: string } {
  const answers = {} as SatisfactionAnswers;
  for (const [i, q] of SATISFACTION_QUESTIONS.entries()) {
    const value = form[`q-${q.key}`];
    if (typeof value !== 'string' || value === '') return { ok: false, message: `第 ${i + 1} 题还没有选。` };
    if (!CHOICE_KEYS.has(value)) return { ok: false, message: `第 ${i + 1} 题的答案不对，请在“满意、基本满意、不满意”里选一个。` };
    answers[q.key] = value as SatisfactionChoice;
  }
  return { ok: true, answers };
}

/** A phone's survey id: 32 hex characters the server hands out in a cookie. */
export const SURVEY_ID_PATTERN = /^[0-9a-f]{32}$/;

/**
 * The key a phone's answers are stored under: an HMAC of its survey id with the site's key, so the
 * database never holds the id itself (and cannot be used to follow a phone around).
 */
export async function surveyDeviceKey(surveyId: string, key: string): Promise<string> {
  const hmacKey = await crypto.subtle.importKey('raw', new TextEncoder().encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', hmacKey, new TextEncoder().encode(`survey:${surveyId}`)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A paper questionnaire result as entered: how many forms, how many 满意 or 基本满意. */
export interface PaperResultInput {
  villageCode: string;
  respondents: number;
  satisfied: number;
}

/** Checks paper results: known villages, whole numbers, satisfied ≤ respondents. Problems in Chinese. */
export function checkPaperResults(rows: readonly PaperResultInput[], villages: ReadonlySet<string>): Array<{ row: number; column: string; problem: string; received: string; expected: string }> {
  const problems: Array<{ row: number; column: string; problem: string; received: string; expected: string }> = [];
  const seen = new Set<string>();
  rows.forEach((r, i) => {
    const row = i + 1;
    if (!villages.has(r.villageCode)) problems.push({ row, column: '村', problem: '不是本县的移民村', received: r.villageCode, expected: '本县移民村的 12 位区划代码' });
    if (seen.has(r.villageCode)) problems.push({ row, column: '村', problem: '同一个村填了两次', received: r.villageCode, expected: '每个村一行' });
    seen.add(r.villageCode);
    for (const [column, v] of [['问卷份数', r.respondents], ['满意和基本满意份数', r.satisfied]] as const) {
      if (!Number.isInteger(v) || v < 0 || v > 100_000) problems.push({ row, column, problem: '应为 0 到 100000 的整数', received: String(v), expected: '整数，例如 30' });
    }
    if (Number.isInteger(r.respondents) && Number.isInteger(r.satisfied) && r.satisfied > r.respondents) {
      problems.push({ row, column: '满意和基本满意份数', problem: '比问卷份数还多', received: String(r.satisfied), expected: `不超过 ${r.respondents}` });
    }
  });
  return problems;
}

/** Column names of the paper-results sheet (the template's, and the names offices are likely to type). */
const PAPER_COLUMNS = {
  villageCode: ['村代码', '区划代码', '村级区划代码'],
  respondents: ['问卷份数', '收回份数', '有效问卷份数'],
  satisfied: ['满意和基本满意份数', '满意份数', '满意和基本满意'],
} as const;
export const PAPER_TEMPLATE_HEADER = ['村代码', '村', '问卷份数', '满意和基本满意份数'] as const;

type TableProblem = { row: number; column: string; problem: string; received: string; expected: string };

/**
 * Reads paper results from a sheet's cells: the header row (one of the first five) names the
 * columns; blank rows, and rows whose two counts are both blank, are skipped. Row numbers are the
 * sheet's (1 = first row). Counts must be whole numbers; the rest is checked by checkPaperResults.
 */
export function readPaperResultsTable(cells: ReadonlyArray<ReadonlyArray<unknown>>): { ok: true; rows: Array<PaperResultInput & { sheetRow: number }> } | { ok: false; problems: TableProblem[] } {
  const text = (v: unknown) => (v === null || v === undefined ? '' : String(v).trim());
  const headerIndex = cells.slice(0, 5).findIndex((r) => r.some((c) => (PAPER_COLUMNS.villageCode as readonly string[]).includes(text(c))));
  if (headerIndex < 0) {
    return { ok: false, problems: [{ row: 1, column: '表头', problem: '没有找到“村代码”这一列', received: cells[0]?.map(text).filter(Boolean).join('、') ?? '（空表）', expected: PAPER_TEMPLATE_HEADER.join('、') }] };
  }
  const header = cells[headerIndex]!.map(text);
  const find = (names: readonly string[]) => header.findIndex((h) => names.includes(h));
  const at = { villageCode: find(PAPER_COLUMNS.villageCode), respondents: find(PAPER_COLUMNS.respondents), satisfied: find(PAPER_COLUMNS.satisfied) };
  const missing = (['respondents', 'satisfied'] as const).filter((k) => at[k] < 0);
  if (missing.length > 0) {
    return { ok: false, problems: missing.map((k) => ({ row: headerIndex + 1, column: '表头', problem: `没有找到“${PAPER_COLUMNS[k][0]}”这一列`, received: header.filter(Boolean).join('、'), expected: PAPER_TEMPLATE_HEADER.join('、') })) };
  }
  const problems: TableProblem[] = [];
  const rows: Array<PaperResultInput & { sheetRow: number }> = [];
  cells.slice(headerIndex + 1).forEach((r, i) => {
    const sheetRow = headerIndex + 2 + i;
    const code = text(r[at.villageCode]);
    const n = text(r[at.respondents]);
    const s = text(r[at.satisfied]);
    if (n === '' && s === '') return;
    const count = (column: string, v: string) => {
      if (/^\d{1,6}$/.test(v)) return Number(v);
      problems.push({ row: sheetRow, column, problem: '不是整数', received: v === '' ? '（空）' : v, expected: '整数，例如 30' });
      return NaN;
    };
    rows.push({ sheetRow, villageCode: code, respondents: count(PAPER_COLUMNS.respondents[0], n), satisfied: count(PAPER_COLUMNS.satisfied[0], s) });
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, rows };
}
