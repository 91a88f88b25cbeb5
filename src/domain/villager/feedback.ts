/**
 * Questions and objections (意见、异议) from the public: the form's validation, the triage status
 * machine (received → handling → answered → closed), what the public tracker may show, and how
 * objections raised inside a 公示期 make a disclosure's outcome. Pure.
 */
import { z } from 'zod';
import { formatChineseDate, shanghaiDate } from '../shared/dates.ts';
import { maskPersonalDataInText } from './masking.ts';

export const FEEDBACK_KINDS = ['question', 'objection'] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];
export const FEEDBACK_SUBJECTS = ['project', 'disclosure', 'village'] as const;
export type FeedbackSubjectType = (typeof FEEDBACK_SUBJECTS)[number];
export const FEEDBACK_STATUSES = ['received', 'handling', 'answered', 'closed'] as const;
export type FeedbackStatus = (typeof FEEDBACK_STATUSES)[number];

export const KIND_LABELS: Readonly<Record<FeedbackKind, string>> = { question: '提问', objection: '异议' };
export const STATUS_LABELS: Readonly<Record<FeedbackStatus, string>> = {
  received: '已收到',
  handling: '正在办理',
  answered: '已答复',
  closed: '已办结',
};

const collapse = (v: string) => v.replace(/\r\n?/g, '\n').replace(/[ \t\u3000]+/g, ' ').trim();

/** A mainland mobile (11 digits) or a landline with area code; separators allowed. */
const phoneField = z
  .string()
  .transform((v) => v.replace(/[\s\-－()（）]/g, '').replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)))
  .pipe(z.union([z.literal(''), z.string().regex(/^(1[3-9]\d{9}|0\d{9,11})$/, '电话号码不对：手机是11位数字，座机要带区号，比如 0734-7212345。')]))
  .transform((v) => (v === '' ? null : v));

export const feedbackSubmissionSchema = z.object({
  kind: z.enum(FEEDBACK_KINDS, { error: '请选择是“提问”还是“异议”。' }),
  subjectType: z.enum(FEEDBACK_SUBJECTS, { error: '不知道您说的是哪个项目或哪份公示。' }),
  subjectRef: z.string().trim().min(1, '不知道您说的是哪个项目或哪份公示。').max(40),
  body: z
    .string({ error: '请写下您的问题。' })
    .transform(collapse)
    .pipe(z.string().min(5, '请多写几个字，说清楚是什么问题（至少5个字）。').max(500, '最多写500个字。')),
  contactPhone: z.preprocess((v) => v ?? '', phoneField),
  /** Honeypot: a field people never see; bots fill it. */
  website: z.string().optional().default(''),
  challenge: z.string().optional().default(''),
  nonce: z.string().optional().default(''),
});

export type FeedbackSubmission = z.output<typeof feedbackSubmissionSchema>;

export interface FieldProblem {
  field: string;
  problem: string;
}

export function parseFeedbackSubmission(input: unknown): { ok: true; value: FeedbackSubmission } | { ok: false; problems: FieldProblem[] } {
  const r = feedbackSubmissionSchema.safeParse(input);
  if (r.success) return { ok: true, value: r.data };
  return { ok: false, problems: r.error.issues.map((i) => ({ field: String(i.path[0] ?? ''), problem: i.message })) };
}

/** Where triage may move an item. An answered item can be reopened (back to handling). */
export const STATUS_TRANSITIONS: Readonly<Record<FeedbackStatus, readonly FeedbackStatus[]>> = {
  received: ['handling', 'answered', 'closed'],
  handling: ['answered', 'closed'],
  answered: ['closed', 'handling'],
  closed: [],
};

export interface TriageChange {
  status: FeedbackStatus;
  responsibleUnit?: string | undefined;
  answer?: string | undefined;
}

export const triageChangeSchema = z.object({
  status: z.enum(FEEDBACK_STATUSES),
  responsibleUnit: z.string().trim().min(2).max(60).optional(),
  answer: z.string().transform(collapse).pipe(z.string().min(2).max(2000)).optional(),
});

export type TriageDecision =
  | { ok: true; status: FeedbackStatus; responsibleUnit: string | null; answer: string | null }
  | { ok: false; code: 'INVALID_TRANSITION' | 'ANSWER_REQUIRED' | 'UNIT_REQUIRED'; message: string };

/**
 * Decides a triage step: the move must be allowed; handling and answered need a responsible unit
 * (given now or before); answered needs the answer text (given now or before).
 */
export function decideTriage(
  current: { status: FeedbackStatus; responsibleUnit: string | null; answer: string | null },
  change: TriageChange,
): TriageDecision {
  if (!STATUS_TRANSITIONS[current.status].includes(change.status)) {
    return {
      ok: false,
      code: 'INVALID_TRANSITION',
      message: `不能从“${STATUS_LABELS[current.status]}”改为“${STATUS_LABELS[change.status]}”。可以改为：${STATUS_TRANSITIONS[current.status].map((s) => STATUS_LABELS[s]).join('、') || '（已办结，不能再改）'}。`,
    };
  }
  const responsibleUnit = change.responsibleUnit ?? current.responsibleUnit;
  const answer = change.answer ?? current.answer;
  if ((change.status === 'handling' || change.status === 'answered') && !responsibleUnit) {
    return { ok: false, code: 'UNIT_REQUIRED', message: '请填写责任单位（谁来办理、谁来答复）。' };
  }
  if (change.status === 'answered' && !answer) {
    return { ok: false, code: 'ANSWER_REQUIRED', message: '改为“已答复”时要写答复内容，答复会公开。' };
  }
  return { ok: true, status: change.status, responsibleUnit: responsibleUnit ?? null, answer: answer ?? null };
}

/** A feedback row as the tracker and the outcome logic need it (never the phone). */
export interface FeedbackRecord {
  id: number;
  kind: FeedbackKind;
  subjectType: FeedbackSubjectType;
  subjectRef: string;
  villageCode: string | null;
  disclosureId: number | null;
  body: string;
  status: FeedbackStatus;
  responsibleUnit: string | null;
  answer: string | null;
  answeredAt: string | null;
  receivedAt: string;
}

/** The public reference of an item, e.g. `意见第12号`. */
export const feedbackRef = (id: number): string => `第${id}号`;

/** One item on the public tracker. The question text is shown only once staff have answered it. */
export interface PublicFeedbackEntry {
  id: number;
  ref: string;
  kind: FeedbackKind;
  kindLabel: string;
  subjectLabel: string;
  subjectHref: string | null;
  receivedDate: string;
  status: FeedbackStatus;
  statusLabel: string;
  responsibleUnit: string | null;
  /** Masked (ID, phone and card numbers replaced); null until answered. */
  question: string | null;
  answer: string | null;
  answeredDate: string | null;
}

/**
 * What the tracker shows for an item. Until an item is answered its text stays internal (it may
 * name people; staff read it first); numbers that look like ID, phone or card numbers are masked
 * in what is shown, question and answer alike.
 */
export function publicFeedbackEntry(r: FeedbackRecord, subject: { label: string; href: string | null }): PublicFeedbackEntry {
  const visible = r.status === 'answered' || r.status === 'closed';
  return {
    id: r.id,
    ref: feedbackRef(r.id),
    kind: r.kind,
    kindLabel: KIND_LABELS[r.kind],
    subjectLabel: subject.label,
    subjectHref: subject.href,
    receivedDate: formatChineseDate(shanghaiDate(new Date(r.receivedAt))),
    status: r.status,
    statusLabel: STATUS_LABELS[r.status],
    responsibleUnit: r.responsibleUnit,
    question: visible ? maskPersonalDataInText(r.body) : null,
    answer: visible && r.answer ? maskPersonalDataInText(r.answer) : null,
    answeredDate: r.answeredAt ? formatChineseDate(shanghaiDate(new Date(r.answeredAt))) : null,
  };
}

/** Whether an instant falls inside a period (ISO days, inclusive, Asia/Shanghai). */
export function insidePeriod(instantIso: string, period: { periodStart: string; periodEnd: string }): boolean {
  const day = shanghaiDate(new Date(instantIso));
  return day >= period.periodStart && day <= period.periodEnd;
}

/** A published version's period, as the outcome needs it. */
export interface VersionWindow {
  id: number;
  version: number;
  periodStart: string;
  periodEnd: string;
}

/**
 * The versions whose objections count on `disclosure`: of the versions of its scope (village and
 * year), the run it belongs to, where each version was published (its period started) before the
 * period of the one before it ended. A correction published during a 公示期 continues that 公示:
 * objections raised on the earlier version still stand on it. Without `versions`, just itself.
 */
export function disclosureRun<T extends { id: number; periodStart: string; periodEnd: string }>(disclosure: T, versions: readonly (T & { version: number })[] = []): T[] {
  const sorted = [...versions].sort((a, b) => a.version - b.version);
  const runs: T[][] = [];
  for (const v of sorted) {
    const run = runs.at(-1);
    const last = run?.at(-1);
    if (run && last && v.periodStart <= last.periodEnd) run.push(v);
    else runs.push([v]);
  }
  return runs.find((run) => run.some((v) => v.id === disclosure.id)) ?? [disclosure];
}

/**
 * Objections that count on a disclosure: raised inside the 公示期 of the version they were raised
 * on, on this version or any version of its run ({@link disclosureRun}).
 */
export function objectionsInPeriod(
  items: readonly FeedbackRecord[],
  disclosure: { id: number; periodStart: string; periodEnd: string },
  versions: readonly VersionWindow[] = [],
): FeedbackRecord[] {
  const run = new Map(disclosureRun<{ id: number; periodStart: string; periodEnd: string }>(disclosure, versions).map((v) => [v.id, v]));
  return items.filter((f) => {
    const on = f.kind === 'objection' && f.disclosureId !== null ? run.get(f.disclosureId) : undefined;
    return on !== undefined && insidePeriod(f.receivedAt, on);
  });
}

export type DisclosureOutcome =
  | { state: 'not_started'; text: string }
  | { state: 'in_period'; objections: number; text: string }
  | { state: 'no_objection'; text: string }
  | { state: 'objections'; objections: number; resolved: number; text: string; items: FeedbackRecord[] };

/**
 * The outcome of a disclosure on `today` (ISO, Asia/Shanghai): during its period, how many
 * objections so far; after it, 公示期满无异议, or the objections and how many are resolved
 * (answered or closed). `versions` (all versions of its village and year) let the objections of
 * an earlier version of the same 公示 count too ({@link disclosureRun}).
 */
export function disclosureOutcome(
  disclosure: { id: number; periodStart: string; periodEnd: string },
  items: readonly FeedbackRecord[],
  today: string,
  versions: readonly VersionWindow[] = [],
): DisclosureOutcome {
  if (today < disclosure.periodStart) return { state: 'not_started', text: '公示期还没有开始。' };
  const counted = objectionsInPeriod(items, disclosure, versions);
  if (today <= disclosure.periodEnd) {
    return {
      state: 'in_period',
      objections: counted.length,
      text: counted.length === 0 ? '正在公示，目前没有人提出异议。' : `正在公示，已有 ${counted.length} 条异议。`,
    };
  }
  if (counted.length === 0) return { state: 'no_objection', text: '公示期满无异议。' };
  const resolved = counted.filter((f) => f.status === 'answered' || f.status === 'closed').length;
  return {
    state: 'objections',
    objections: counted.length,
    resolved,
    items: counted,
    text: `公示期满，期间收到 ${counted.length} 条异议，已答复 ${resolved} 条${resolved < counted.length ? `，还有 ${counted.length - resolved} 条正在办理` : ''}。`,
  };
}

/**
 * The other ways to raise a question, from what the county has set (either may be missing):
 * 也可以打监督电话 …，或到 … 当面反映。 Null when it has set neither.
 * @example otherWaysToRaise(['0734-6822222'], '') // '也可以打监督电话 0734-6822222。'
 */
export function otherWaysToRaise(phones: readonly string[], address: string): string | null {
  const ways = [phones.length > 0 ? `打监督电话 ${phones.join('、')}` : '', address ? `到 ${address} 当面反映` : ''].filter(Boolean);
  return ways.length === 0 ? null : `也可以${ways.join('，或')}。`;
}
