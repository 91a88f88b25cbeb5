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
