import { describe, expect, it } from 'vitest';
import {
  decideTriage,
  disclosureOutcome,
  insidePeriod,
  objectionsInPeriod,
  otherWaysToRaise,
  parseFeedbackSubmission,
  publicFeedbackEntry,
  type FeedbackRecord,
} from '../../src/domain/villager/feedback.ts';
import { findPersonalData } from '../../src/domain/villager/masking.ts';
import { checkProofOfWork, leadingZeroBits, newChallenge } from '../../src/domain/villager/proof-of-work.ts';
import { solveFast } from '../api/villager-feedback.case.ts';

const D = { id: 7, periodStart: '2026-11-20', periodEnd: '2026-11-30' };
const rec = (over: Partial<FeedbackRecord>): FeedbackRecord => ({
  id: 1, kind: 'objection', subjectType: 'village', subjectRef: '430482105003', villageCode: '430482105003', disclosureId: 7,
  body: '人数不对', status: 'received', responsibleUnit: null, answer: null, answeredAt: null, receivedAt: '2026-11-25T02:00:00.000Z', ...over,
});

describe('objections inside the disclosure period', () => {
  it.each([
    ['the first day, just after midnight in Shanghai', '2026-11-19T16:30:00.000Z', true],
    ['the last day, late evening in Shanghai', '2026-11-30T15:30:00.000Z', true],
    ['the evening before the period (Shanghai time)', '2026-11-19T15:59:00.000Z', false],
    ['the morning after the period (Shanghai time)', '2026-11-30T16:01:00.000Z', false],
  ])('counts an objection received on %s: %s', (_label, at, counted) => {
    expect(insidePeriod(at, D)).toBe(counted);
    expect(objectionsInPeriod([rec({ receivedAt: at })], D)).toHaveLength(counted ? 1 : 0);
  });

  it('does not count questions, or objections on another disclosure', () => {
    expect(objectionsInPeriod([rec({ kind: 'question' }), rec({ disclosureId: 8 })], D)).toEqual([]);
  });
});

describe('disclosure outcome', () => {
  it('says the period has not started, then counts objections during it', () => {
    expect(disclosureOutcome(D, [rec({})], '2026-11-19').state).toBe('not_started');
    expect(disclosureOutcome(D, [], '2026-11-25')).toMatchObject({ state: 'in_period', objections: 0 });
    expect(disclosureOutcome(D, [rec({})], '2026-11-30')).toMatchObject({ state: 'in_period', objections: 1, text: expect.stringContaining('1 条异议') });
  });

  it('says 公示期满无异议 after a period without counted objections, even with one raised too late', () => {
    const late = rec({ receivedAt: '2026-12-02T02:00:00.000Z' });
    expect(disclosureOutcome(D, [late], '2026-12-05')).toEqual({ state: 'no_objection', text: '公示期满无异议。' });
  });

  it('lists the objections and how many are resolved after the period', () => {
    const outcome = disclosureOutcome(D, [rec({ id: 1, status: 'answered', answer: '已核实更正' }), rec({ id: 2 })], '2026-12-01');
    expect(outcome).toMatchObject({ state: 'objections', objections: 2, resolved: 1 });
    expect(outcome.text).toBe('公示期满，期间收到 2 条异议，已答复 1 条，还有 1 条正在办理。');
  });

  it('keeps an objection raised on version 1 on version 2, a correction published during the same 公示期', () => {
    const v1 = { id: 7, version: 1, periodStart: '2026-11-20', periodEnd: '2026-11-30' };
    const v2 = { id: 8, version: 2, periodStart: '2026-11-26', periodEnd: '2026-12-05' };
    // Published after v2's period ended: a new 公示, which starts with no objections.
    const v3 = { id: 9, version: 3, periodStart: '2026-12-10', periodEnd: '2026-12-19' };
    const versions = [v1, v2, v3];
    const onV1 = rec({ id: 1, disclosureId: 7, receivedAt: '2026-11-22T02:00:00.000Z' });
    expect(disclosureOutcome(v2, [onV1], '2026-11-27', versions)).toMatchObject({ state: 'in_period', objections: 1 });
    expect(disclosureOutcome(v2, [onV1], '2026-12-06', versions)).toMatchObject({ state: 'objections', objections: 1, items: [onV1] });
    // And the other way: an objection on v2 stands on v1 too, once its period is over.
    const onV2 = rec({ id: 2, disclosureId: 8, receivedAt: '2026-12-03T02:00:00.000Z' });
    expect(disclosureOutcome(v1, [onV1, onV2], '2026-12-06', versions)).toMatchObject({ state: 'objections', objections: 2 });
    expect(disclosureOutcome(v3, [onV1, onV2], '2026-12-12', versions)).toMatchObject({ state: 'in_period', objections: 0 });
    // An objection on v1 after v1's own period does not count, though v2's period still runs.
    expect(disclosureOutcome(v2, [rec({ disclosureId: 7, receivedAt: '2026-12-02T02:00:00.000Z' })], '2026-12-03', versions)).toMatchObject({ objections: 0 });
    // Without the versions, as before: only its own.
    expect(disclosureOutcome(v2, [onV1], '2026-11-27')).toMatchObject({ state: 'in_period', objections: 0 });
  });
});

describe('triage', () => {
  const cur = { status: 'received' as const, responsibleUnit: null, answer: null };
  it.each([
    [cur, { status: 'handling' as const, responsibleUnit: '柏坊镇人民政府' }, true],
    [cur, { status: 'handling' as const }, 'UNIT_REQUIRED'],
    [{ ...cur, status: 'handling' as const, responsibleUnit: '柏坊镇人民政府' }, { status: 'answered' as const }, 'ANSWER_REQUIRED'],
    [{ ...cur, status: 'closed' as const }, { status: 'handling' as const, responsibleUnit: 'x单位' }, 'INVALID_TRANSITION'],
    [{ status: 'answered' as const, responsibleUnit: '柏坊镇人民政府', answer: '答复' }, { status: 'handling' as const }, true],
  ])('decides %j + %j', (current, change, expected) => {
    const d = decideTriage(current, change);
    expect(d.ok ? true : d.code).toBe(expected);
  });
});

describe('public tracker entry', () => {
  it('hides the text until answered and masks numbers that look personal', () => {
    const open = publicFeedbackEntry(rec({ body: '我的电话13812345678' }), { label: '禄福村公示', href: '/villages/430482105003/' });
    expect(open.question).toBeNull();
    const done = publicFeedbackEntry(rec({ status: 'answered', body: '我的电话13812345678', answer: '已联系', answeredAt: '2026-11-27T01:00:00.000Z' }), { label: 'x', href: null });
    expect(done.question).toContain('138****5678');
    expect(findPersonalData(JSON.stringify(done))).toEqual([]);
    expect(done).toMatchObject({ statusLabel: '已答复', answeredDate: '2026年11月27日', kindLabel: '异议', ref: '第1号' });
  });
});

describe('submission', () => {
  it('normalises a phone with separators and full-width digits, and allows none', () => {
    const base = { kind: 'question', subjectType: 'project', subjectRef: 'X', body: '什么时候修路呢' };
    expect(parseFeedbackSubmission({ ...base, contactPhone: '１３８-0000-1234' })).toMatchObject({ ok: true, value: { contactPhone: '13800001234' } });
    expect(parseFeedbackSubmission(base)).toMatchObject({ ok: true, value: { contactPhone: null } });
    expect(parseFeedbackSubmission({ ...base, contactPhone: '0734-7212345' })).toMatchObject({ ok: true, value: { contactPhone: '07347212345' } });
  });
});

describe('proof of work', () => {
  const now = new Date('2026-11-26T08:00:00.000Z');
  const challenge = newChallenge(now, new Uint8Array(16).fill(7));
  it('counts leading zero bits', () => {
    expect(leadingZeroBits(new Uint8Array([0, 0x0f]))).toBe(12);
    expect(leadingZeroBits(new Uint8Array([0x80]))).toBe(0);
  });
  it('accepts a solved challenge and rejects expired, future, malformed and unsolved ones', async () => {
    const nonce = solveFast(challenge, 12);
    expect(await checkProofOfWork(challenge, nonce, now, 12)).toBeNull();
    expect(await checkProofOfWork(challenge, nonce, new Date(now.getTime() + 31 * 60_000), 12)).toBe('expired');
    expect(await checkProofOfWork(challenge, nonce, new Date(now.getTime() - 5 * 60_000), 12)).toBe('from_future');
    expect(await checkProofOfWork('nope', nonce, now, 12)).toBe('malformed');
    expect(await checkProofOfWork(challenge, nonce, now, 40)).toBe('insufficient_work');
  });
});

describe('other ways to raise a question', () => {
  it('names only what the county has set', () => {
    expect(otherWaysToRaise(['0734-6822222', '0734-6822223'], '县移民中心一楼')).toBe('也可以打监督电话 0734-6822222、0734-6822223，或到 县移民中心一楼 当面反映。');
    expect(otherWaysToRaise(['0734-6822222'], '')).toBe('也可以打监督电话 0734-6822222。');
    expect(otherWaysToRaise([], '县移民中心一楼')).toBe('也可以到 县移民中心一楼 当面反映。');
    expect(otherWaysToRaise([], '')).toBeNull();
  });
});
