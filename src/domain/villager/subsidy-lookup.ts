/**
 * "My direct subsidy" (查我的直补): what a migrant types, how it is normalised and matched, and what
 * they are told. Pure: no database, clock or framework.
 *
 * Two ways in: village + name + the last 6 characters of the ID number, or household number (户编号)
 * + name. Whatever is wrong (no such person, wrong second factor, unknown household number) the
 * answer is the same `not_found`, and the data layer does the same queries and the same number of
 * comparisons in every case (see {@link matchCandidates}), so the answer reveals nothing about who
 * is on the roster.
 */
import { z } from 'zod';
import { maskPersonName } from './masking.ts';
import { formatYuan, type Fen } from '../shared/money.ts';
import { formatChineseDate } from '../shared/dates.ts';

/** Full-width digits/letters (from Chinese keyboards) to ASCII, spaces removed. */
export function normaliseInput(text: string): string {
  return text
    .replace(/[\uFF01-\uFF5E]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u3000·•]/g, (ch) => (ch === '·' || ch === '•' ? '·' : ''))
    .trim();
}

const nameField = z
  .string({ error: '请填写姓名。' })
  .transform(normaliseInput)
  .pipe(z.string().min(2, '姓名至少两个字。').max(20, '姓名太长了，请只填自己的名字。').regex(/^[\u3400-\u9FFF\u{20000}-\u{3134F}·]+$/u, '姓名只填汉字。'));

const idTailField = z
  .string({ error: '请填写身份证号码的最后6位。' })
  .transform((v) => normaliseInput(v).toUpperCase())
  .pipe(z.string().regex(/^\d{5}[\dX]$/, '请填写身份证号码的最后6位（数字，最后一位可能是X）。'));

const villageField = z
  .string({ error: '请选择村。' })
  .transform(normaliseInput)
  .pipe(z.string().regex(/^\d{12}$/, '请从列表里选择您的村。'));

const householdField = z
  .string({ error: '请填写户编号。' })
  .transform((v) => normaliseInput(v).replace(/[—－_]/g, '-'))
  .pipe(z.string().regex(/^\d{12}-\d{4}$/, '户编号是 12 位村代码、一条横线和 4 位序号（村代码-0012），请照一卡通或花名册上的填写。'));

/** What a lookup asks for, after validation. */
export type LookupRequest =
  | { mode: 'id'; villageCode: string; name: string; idTail: string }
  | { mode: 'household'; householdNumber: string; name: string };

export const lookupRequestSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('id'), villageCode: villageField, name: nameField, idTail: idTailField }),
  z.object({ mode: z.literal('household'), householdNumber: householdField, name: nameField }),
]);

export interface LookupProblem {
  field: string;
  problem: string;
}

/**
 * Validates a lookup form (JSON or form fields). `mode` defaults to `id` when an ID tail is sent,
 * to `household` when a household number is sent.
 */
export function parseLookupRequest(input: Record<string, unknown>): { ok: true; value: LookupRequest } | { ok: false; problems: LookupProblem[] } {
  const raw = { ...input };
  if (raw.mode !== 'id' && raw.mode !== 'household') raw.mode = raw.householdNumber ? 'household' : 'id';
  const result = lookupRequestSchema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((i) => ({ field: String(i.path[0] ?? 'mode'), problem: i.message })),
  };
}

/**
 * Compares two strings in time that depends only on `expected`'s length (pad/truncate the other),
 * so a near miss takes as long as a far one.
 */
export function constantTimeEqual(received: string, expected: string): boolean {
  const a = new TextEncoder().encode(received);
  const b = new TextEncoder().encode(expected);
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** One roster row the data layer fetched as a possible match. */
export interface Candidate {
  householdId: number;
  name: string;
  /** The second factor as stored: last 6 ID characters (id mode) or the person's name (household mode). */
  secret: string;
}

/**
 * How many candidates are always compared. A village's persons with one name, or a household's
 * members, are fewer than this in practice; missing slots are filled with a dummy so the amount of
 * work does not say how many rows came back.
 */
export const CANDIDATE_SLOTS = 16;

const DUMMY: Candidate = { householdId: -1, name: '\u0000\u0000', secret: '\u0000\u0000\u0000\u0000\u0000\u0000' };

/**
 * Finds the household whose person matches both `name` and `secret`, comparing every slot in
 * constant time and never stopping early. Returns -1 when none (or more than one household) matches.
 */
export function matchCandidates(candidates: readonly Candidate[], name: string, secret: string): number {
  let found = -1;
  let matches = 0;
  const slots = Math.max(CANDIDATE_SLOTS, candidates.length);
  for (let i = 0; i < slots; i++) {
    const c = candidates[i] ?? DUMMY;
    const nameOk = constantTimeEqual(name, c.name);
    const secretOk = constantTimeEqual(secret, c.secret);
    const hit = nameOk && secretOk && c.householdId >= 0;
    // Branch-free enough for our purpose: both comparisons always run.
    if (hit) {
      if (found !== c.householdId) matches++;
      found = c.householdId;
    }
  }
  return matches === 1 ? found : -1;
}

/** The second factor as stored for id mode: the last 6 ID characters, upper-case. */
export function idTailOf(idNumber: string): string {
  return idNumber.trim().toUpperCase().slice(-6);
}

export type PaymentStatus = 'paid' | 'failed' | 'pending';

/** A household's payment for a year, as stored. */
export interface HouseholdPayment {
  year: number;
  persons: number;
  amountFen: Fen;
  paymentDate: string | null;
  status: PaymentStatus;
  failureReason: string | null;
}

/** A failure reason in plain words and what to do about it. */
export interface ReasonAdvice {
  reason: string;
  advice: string;
}

const REASONS: ReadonlyArray<{ key: string; reason: string; advice: string }> = [
  { key: '账户冻结', reason: '您的一卡通（银行账户）被冻结了，钱打不进去。', advice: '请带身份证和一卡通到开户的银行网点办理解冻，办好后告诉村委会或乡镇移民专干，他们会重新发放。' },
  { key: '户名与身份证不符', reason: '一卡通上的户名和身份证上的名字对不上。', advice: '请带户口本、身份证和一卡通到村委会或乡镇移民专干处核对，改正后会重新发放。' },
  { key: '账户已销户', reason: '您的一卡通账户已经注销了。', advice: '请到银行重新办理一卡通，把新卡号交给村委会或乡镇移民专干，他们会重新发放。' },
  { key: '账号错误', reason: '登记的卡号有错，钱没有打到您的卡上。', advice: '请带一卡通和身份证到村委会或乡镇移民专干处核对卡号，改正后会重新发放。' },
];

const REPAID_SUFFIX = /（核实后已补发）$/;

/** Plain-words explanation of a stored failure reason; unknown reasons are passed through with generic advice. */
export function explainFailure(stored: string): ReasonAdvice & { repaid: boolean } {
  const repaid = REPAID_SUFFIX.test(stored);
  const key = stored.replace(REPAID_SUFFIX, '').trim();
  const known = REASONS.find((r) => r.key === key);
  return {
    repaid,
    reason: known?.reason ?? `发放没有成功，原因是：${key}。`,
    advice: known?.advice ?? '请带身份证和一卡通到村委会或乡镇移民专干处问清楚。',
  };
}

/** One year of a household's direct subsidy, ready to show. */
export interface PaymentLine {
  year: number;
  persons: number;
  amountFen: Fen;
  /** e.g. `1,800.00元` */
  amountText: string;
  paymentDate: string | null;
  /** e.g. `2022年6月30日` */
  paymentDateText: string | null;
  status: PaymentStatus;
  /** 已发放 / 没有发放成功 / 还没有发放 / 已补发 */
  statusText: string;
  reason: string | null;
  advice: string | null;
}

export function paymentLine(p: HouseholdPayment): PaymentLine {
  const base = {
    year: p.year,
    persons: p.persons,
    amountFen: p.amountFen,
    amountText: formatYuan(p.amountFen),
    paymentDate: p.paymentDate,
    paymentDateText: p.paymentDate ? formatChineseDate(p.paymentDate) : null,
    status: p.status,
  };
  if (p.status === 'failed') {
    const e = explainFailure(p.failureReason ?? '');
    return { ...base, statusText: '没有发放成功', reason: e.reason, advice: e.advice };
  }
  if (p.status === 'pending') {
    return { ...base, statusText: '还没有发放', reason: null, advice: '钱还在走流程。过了发放时间还没到账，请问村委会或乡镇移民专干。' };
  }
  if (p.failureReason) {
    const e = explainFailure(p.failureReason);
    return { ...base, statusText: '已补发', reason: `第一次没有发成功：${e.reason}后来已经补发。`, advice: null };
  }
  return { ...base, statusText: '已发放', reason: null, advice: null };
}

/** What the lookup answers. `not_found` has one fixed message whatever went wrong. */
export type LookupAnswer =
  | {
      found: true;
      /** Masked: 张* */
      name: string;
      villageName: string;
      /** Masked household head: 张* */
      headName: string;
      payments: PaymentLine[];
    }
  | { found: false; message: string };

export const NOT_FOUND_MESSAGE =
  '没有查到。请核对：村选对了吗？名字和身份证上的一样吗？身份证最后6位对吗？如果都对还是查不到，请问村委会或打监督电话。';

/** Builds the answer for a matched household (names masked, years newest first). */
export function foundAnswer(input: { personName: string; headName: string; villageName: string; payments: readonly HouseholdPayment[] }): LookupAnswer {
  return {
    found: true,
    name: maskPersonName(input.personName),
    headName: maskPersonName(input.headName),
    villageName: input.villageName,
    payments: [...input.payments].sort((a, b) => b.year - a.year).map(paymentLine),
  };
}

export const notFoundAnswer = (): LookupAnswer => ({ found: false, message: NOT_FOUND_MESSAGE });
