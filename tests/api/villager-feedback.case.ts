/**
 * Contract cases for questions and objections: the public form (`/api/v1/public/feedback`), its
 * abuse protection, and staff triage (`/api/v1/feedback`). Run with any ApiTarget.
 */
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/data/users.ts';
import { createHash } from 'node:crypto';
import { leadingZeroBits } from '../../src/domain/villager/proof-of-work.ts';
import type { ApiTarget } from '../support/api-target.ts';
import { loadDisclosureOutcome } from '../../src/data/feedback.ts';
import { addDays, shanghaiDate } from '../../src/domain/shared/dates.ts';
import { FEEDBACK_CLIENT_RULES } from '../../src/domain/access/throttle.ts';
import { DISCLOSURE_CODE, PROJECT_CODE, seedVillagerDisclosure, seedVillagerRoster, VILLAGE_A, VILLAGE_B } from './villager-roster.case.ts';

/** What the browser does, with Node's synchronous sha256 so the cases stay fast. */
export function solveFast(challenge: string, difficulty: number): string {
  for (let n = 0; ; n++) {
    if (leadingZeroBits(createHash('sha256').update(`${challenge}:${n}`).digest()) >= difficulty) return String(n);
  }
}

/** A nonce that does not solve the challenge (checked here, so the refusal cannot be luck). */
export function notASolution(challenge: string, difficulty: number): string {
  for (let n = 0; ; n++) {
    if (leadingZeroBits(createHash('sha256').update(`${challenge}:${n}`).digest()) < difficulty) return String(n);
  }
}

const post = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

export function runFeedbackContract(newTarget: () => Promise<ApiTarget>) {
  describe('villager questions and objections', () => {
    let target: ApiTarget;
    let disclosureId: number;
    let period: { periodStart: string; periodEnd: string };
    let minted = 0;
    beforeEach(async () => {
      target = await newTarget();
      await seedVillagerRoster(target.db);
      ({ disclosureId, period } = await seedVillagerDisclosure(target.db, shanghaiDate(target.clock.now())));
    });
    afterEach(async () => target.dispose());

    async function solved() {
      const res = await target.request('/api/v1/public/feedback/challenge');
      expect(res.status).toBe(200);
      const { challenge, difficulty } = (await res.json()) as { challenge: string; difficulty: number };
      return { challenge, nonce: solveFast(challenge, difficulty) };
    }
    const submit = async (fields: Record<string, unknown>, pow?: { challenge: string; nonce: string }) =>
      target.request('/api/v1/public/feedback', post({ kind: 'question', subjectType: 'project', subjectRef: PROJECT_CODE, body: '这条路什么时候开始修？', ...(pow ?? (await solved())), ...fields }));
    const token = async (role: 'county' | 'township' | 'village' | 'inspector', scopeCode: string) =>
      (await mintToken(target.db, { role, scopeCode, name: `测试${role}${++minted}`, at: '2026-11-26T08:00:00.000Z' })).token;
    const patch = (id: number, tok: string, body: unknown) =>
      target.request(`/api/v1/feedback/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json', authorization: `Bearer ${tok}` }, body: JSON.stringify(body) });

    it('accepts a question on a project with no account, stores the phone internally, ties it to the disclosure in effect and audits it', async () => {
      const res = await submit({ contactPhone: '138 0000 1234' });
      expect(res.status).toBe(201);
      const body = (await res.json()) as { id: number; ref: string; status: string; message: string };
      expect(body).toMatchObject({ status: 'received', ref: `第${body.id}号` });
      expect(JSON.stringify(body)).not.toContain('13800001234');
      const [row] = await target.db.all<{ contact_phone: string; disclosure_id: number; village_code: string }>(sql`select contact_phone, disclosure_id, village_code from feedback`);
      expect(row).toEqual({ contact_phone: '13800001234', disclosure_id: disclosureId, village_code: VILLAGE_A });
      const audit = await target.db.all<{ action: string; detail_json: string }>(sql`select action, detail_json from audit_log where action = 'feedback.receive'`);
      expect(audit).toHaveLength(1);
      expect(audit[0]!.detail_json).not.toContain('13800001234');
    });

    it('lists a question at once on the public list, 已收到, its text and phone not shown until answered', async () => {
      const before = (await (await target.request('/api/v1/public/feedback/list')).json()) as { entries: unknown[] };
      expect(before.entries).toEqual([]);
      const sent = (await (await submit({ body: '这条路什么时候修？我电话13800001234', contactPhone: '138 0000 1234' })).json()) as { id: number; ref: string };
      const res = await target.request('/api/v1/public/feedback/list');
      expect(res.headers.get('cache-control')).toBe('no-store');
      const list = (await res.json()) as { entries: Array<Record<string, unknown>> };
      expect(list.entries).toEqual([
        expect.objectContaining({ id: sent.id, ref: sent.ref, kind: 'question', status: 'received', statusLabel: '已收到', question: null, answer: null, subjectHref: expect.stringMatching(/^\/projects\//) }),
      ]);
      expect(JSON.stringify(list)).not.toContain('13800001234');
      expect(JSON.stringify(list)).not.toContain('这条路');
    });

    it('counts an objection raised inside the period on its disclosure, and the outcome after the period', async () => {
      expect((await submit({ kind: 'objection', subjectType: 'village', subjectRef: VILLAGE_A, body: '我家人数少算了一人。' })).status).toBe(201);
      // The period is placed around the app's today (seedVillagerDisclosure), so the objection was
      // raised inside it on whatever day the suite runs.
      const d = { id: disclosureId, ...period };
      expect(await loadDisclosureOutcome(target.db, d, period.periodEnd)).toMatchObject({ state: 'in_period', objections: 1 });
      expect(await loadDisclosureOutcome(target.db, d, addDays(period.periodEnd, 1))).toMatchObject({ state: 'objections', objections: 1, resolved: 0 });
    });

    it('accepts an objection on a disclosure by its verification code', async () => {
      const res = await submit({ kind: 'objection', subjectType: 'disclosure', subjectRef: DISCLOSURE_CODE.replace('-', ' ').toLowerCase(), body: '我家的人数公示错了，应该是3人。' });
      expect(res.status).toBe(201);
    });

    it.each([
      ['an empty body', { body: '' }, 400, 'VALIDATION_FAILED'],
      ['a bad phone number', { contactPhone: '12345' }, 400, 'VALIDATION_FAILED'],
      ['a filled honeypot', { website: 'http://spam.example' }, 400, 'REJECTED'],
      ['an unknown project', { subjectRef: 'XM-NOPE' }, 404, 'SUBJECT_NOT_FOUND'],
    ])('rejects %s', async (_label, fields, status, code) => {
      const res = await submit(fields);
      expect(res.status).toBe(status);
      const body = (await res.json()) as { code: string; message: string; requestId: string };
      expect(body.code).toBe(code);
      expect(body.message).toMatch(/[\u4e00-\u9fff]/);
      expect(typeof body.requestId).toBe('string');
      const [n] = await target.db.all<{ n: number }>(sql`select count(*) as n from feedback`);
      expect(n!.n).toBe(0);
    });

    it('rejects a missing or wrong proof of work, and a solved challenge used twice', async () => {
      const missing = await target.request('/api/v1/public/feedback', post({ kind: 'question', subjectType: 'project', subjectRef: PROJECT_CODE, body: '这条路什么时候开始修？' }));
      expect(missing.status).toBe(400);
      expect(((await missing.json()) as { code: string }).code).toBe('CHALLENGE_FAILED');
      const challengeRes = await target.request('/api/v1/public/feedback/challenge');
      const { challenge, difficulty } = (await challengeRes.json()) as { challenge: string; difficulty: number };
      const wrong = await submit({}, { challenge, nonce: notASolution(challenge, difficulty) });
      expect(wrong.status).toBe(400);
      expect(((await wrong.json()) as { code: string }).code).toBe('CHALLENGE_FAILED');
      const fresh = await solved();
      expect((await submit({}, fresh)).status).toBe(201);
      const again = await submit({}, fresh);
      expect(again.status).toBe(409);
      expect(((await again.json()) as { code: string }).code).toBe('ALREADY_RECEIVED');
    });

    it('throttles a client after 3 messages in 10 minutes', async () => {
      // Four messages inside one fixed window, whatever the minute the suite runs.
      await target.clock.stayInOneWindow(FEEDBACK_CLIENT_RULES[0]!.windowSeconds);
      for (let i = 0; i < 3; i++) expect((await submit({})).status).toBe(201);
      const res = await submit({});
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    });

    it('lets staff triage received → handling → answered → closed with a responsible unit, audited, and refuses skipped or backward steps', async () => {
      const { id } = (await (await submit({})).json()) as { id: number };
      const village = await token('village', VILLAGE_A);
      const list = await target.request('/api/v1/feedback?status=received', { headers: { authorization: `Bearer ${village}` } });
      expect(list.status).toBe(200);
      expect(((await list.json()) as { items: Array<{ id: number }> }).items.map((i) => i.id)).toEqual([id]);

      const noUnit = await patch(id, village, { status: 'handling' });
      expect(noUnit.status).toBe(409);
      expect(((await noUnit.json()) as { code: string }).code).toBe('UNIT_REQUIRED');
      expect((await patch(id, village, { status: 'handling', responsibleUnit: '柏坊镇人民政府' })).status).toBe(200);
      const noAnswer = await patch(id, village, { status: 'answered' });
      expect(((await noAnswer.json()) as { code: string }).code).toBe('ANSWER_REQUIRED');
      const answered = await patch(id, village, { status: 'answered', answer: '已列入明年春耕前施工计划，预计3月开工。' });
      expect(answered.status).toBe(200);
      expect(await answered.json()).toMatchObject({ status: 'answered', statusLabel: '已答复', responsibleUnit: '柏坊镇人民政府' });
      expect((await patch(id, village, { status: 'closed' })).status).toBe(200);
      const back = await patch(id, village, { status: 'received' });
      expect(back.status).toBe(409);
      expect(((await back.json()) as { code: string }).code).toBe('INVALID_TRANSITION');
      const audit = await target.db.all<{ n: number }>(sql`select count(*) as n from audit_log where action = 'feedback.triage'`);
      expect(audit[0]!.n).toBe(3);
    });

    it('answers triage with 401 without a token, 403 for an inspector or another village, 404 for an unknown id', async () => {
      const { id } = (await (await submit({})).json()) as { id: number };
      expect((await target.request('/api/v1/feedback')).status).toBe(401);
      expect((await patch(id, await token('inspector', '430482'), { status: 'closed' })).status).toBe(403);
      const other = await patch(id, await token('village', VILLAGE_B), { status: 'closed' });
      expect(other.status).toBe(403);
      expect(((await other.json()) as { code: string }).code).toBe('OUT_OF_SCOPE');
      expect((await patch(9999, await token('county', '430482'), { status: 'closed' })).status).toBe(404);
      const bad = await patch(id, await token('county', '430482'), { status: 'done' });
      expect(bad.status).toBe(400);
    });
  });
}
