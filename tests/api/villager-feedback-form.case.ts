/**
 * Contract cases for the question form without JavaScript (`GET`/`POST /feedback/send/`): HTML in
 * and out, a one-time challenge signed by the site with a fill time and a sum, nothing written when
 * any check fails, and opening the form never throttled. Run on the Node entry (injected clock: the 3-second fill time passes at once) and on
 * the Worker in workerd (real clock: `target.clock.pass` waits it out).
 */
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIN_FILL_MS, sumQuestion } from '../../src/domain/villager/form-check.ts';
import type { ApiTarget } from '../support/api-target.ts';
import { InjectedClock } from '../support/test-clock.ts';
import { shanghaiDate } from '../../src/domain/shared/dates.ts';
import { DISCLOSURE_CODE, PROJECT_CODE, seedVillagerDisclosure, seedVillagerRoster, VILLAGE_A } from './villager-roster.case.ts';

const formPost = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

/** The challenge in a rendered form. */
export function challengeIn(html: string): string {
  const m = /name="check" value="([^"]+)"/.exec(html);
  if (!m) throw new Error(`no challenge in the page:\n${html.slice(0, 400)}`);
  return m[1]!;
}

export function runFeedbackFormContract(newTarget: () => Promise<ApiTarget>) {
  describe('questions without JavaScript (/feedback/send/)', () => {
    let target: ApiTarget;
    beforeEach(async () => {
      target = await newTarget();
      await seedVillagerRoster(target.db);
      await seedVillagerDisclosure(target.db, shanghaiDate(target.clock.now()));
    });
    afterEach(async () => target.dispose());

    const openForm = async (query = `project=${PROJECT_CODE}`) => {
      const res = await target.request(`/feedback/send/?${query}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      const html = await res.text();
      return { html, challenge: challengeIn(html) };
    };
    const send = (challenge: string, answer: string, fields: Record<string, string> = {}) =>
      target.request(
        '/feedback/send/',
        formPost({ subjectType: 'project', subjectRef: PROJECT_CODE, kind: 'question', body: '机耕道什么时候开始修？', contactPhone: '', website: '', check: challenge, answer, ...fields }),
      );
    const counts = async () => {
      const [row] = await target.db.all<{ f: number; a: number }>(
        sql`select (select count(*) from feedback) as f, (select count(*) from audit_log where action = 'feedback.receive') as a`,
      );
      return row!;
    };

    it('serves the form with the project named, a one-time challenge and the sum as text in the answer’s label, no script', async () => {
      const { html, challenge } = await openForm();
      expect(html).toContain('禄福村机耕道硬化');
      expect(html).toContain(`<label for="answer" class="q">算一算：${sumQuestion(challenge).text}</label>`);
      expect(html).toContain('action="/feedback/send/"');
      expect(html).not.toContain('<script');
    });

    it('accepts a message sent after the fill time with the right answer: 201, the reference number, stored as received and audited like the JSON way; the same page sent again is refused', async () => {
      const { challenge } = await openForm();
      await target.clock.pass(MIN_FILL_MS + 200);
      const res = await send(challenge, String(sumQuestion(challenge).answer), { kind: 'objection', contactPhone: '138 0000 1234' });
      expect(res.status).toBe(201);
      const html = await res.text();
      const [row] = await target.db.all<{ id: number; status: string; kind: string; contact_phone: string; village_code: string }>(
        sql`select id, status, kind, contact_phone, village_code from feedback`,
      );
      expect(row).toMatchObject({ status: 'received', kind: 'objection', contact_phone: '13800001234', village_code: VILLAGE_A });
      expect(html).toContain(`第${row!.id}号`);
      expect(html).toContain('href="/feedback/"');
      expect(html).not.toContain('13800001234');
      const audit = await target.db.all<{ subject_id: string; detail_json: string; actor_label: string }>(
        sql`select subject_id, detail_json, actor_label from audit_log where action = 'feedback.receive'`,
      );
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ subject_id: String(row!.id), actor_label: '公众' });
      expect(Object.keys(JSON.parse(audit[0]!.detail_json)).sort()).toEqual(['client', 'disclosureId', 'kind', 'length', 'subjectRef', 'subjectType', 'withPhone']);

      const again = await send(challenge, String(sumQuestion(challenge).answer));
      expect(again.status).toBe(409);
      expect(await again.text()).toContain('这一页已经提交过一次了');
      expect(await counts()).toEqual({ f: 1, a: 1 });
    });

    it('refuses a form sent back at once (too young) and a wrong answer, fills it in again with a new sum, and writes nothing', async () => {
      // Sent back at once: on the injected clock no time passes at all; on the real clock the two
      // requests take milliseconds of the 3 seconds.
      if (target.clock instanceof InjectedClock) target.clock.set(target.clock.now());
      const first = await openForm();
      const young = await send(first.challenge, String(sumQuestion(first.challenge).answer), { body: '机耕道什么时候修？<b>急</b>' });
      expect(young.status).toBe(400);
      const youngHtml = await young.text();
      expect(youngHtml).toContain('提交得太快了');
      expect(youngHtml).toContain('机耕道什么时候修？&lt;b&gt;急&lt;/b&gt;</textarea>');
      expect(challengeIn(youngHtml)).not.toBe(first.challenge);

      const second = await openForm();
      await target.clock.pass(MIN_FILL_MS + 200);
      const wrong = await send(second.challenge, String(sumQuestion(second.challenge).answer + 1));
      expect(wrong.status).toBe(400);
      const wrongHtml = await wrong.text();
      expect(wrongHtml).toContain('算术题答错了');
      expect(wrongHtml).toContain('aria-invalid="true"');
      expect(wrongHtml).toContain('role="alert"');
      expect(await counts()).toEqual({ f: 0, a: 0 });
    });

    it.each([
      ['a project', `project=${PROJECT_CODE}`, `/projects/${PROJECT_CODE}/#fb-title`],
      ['a village', `village=${VILLAGE_A}`, `/villages/${VILLAGE_A}/#fb-title`],
      ['a disclosure by its 核对码', `disclosure=${DISCLOSURE_CODE.toLowerCase()}`, `/feedback/send/?disclosure=${DISCLOSURE_CODE}`],
      ['an unknown project (the plain form says so)', 'project=XM-NOPE', '/feedback/send/?project=XM-NOPE'],
    ])('sends 我要提问 about %s to a form that names it, which needs no script', async (_what, query, to) => {
      const res = await target.request(`/feedback/ask/?${query}`);
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe(to);
    });

    it('opens for a reader as often as they like (a crawl, a family sharing one phone), writing nothing', async () => {
      const rows = async () => (await target.db.all<{ n: number }>(sql`select count(*) as n from throttle_counters`))[0]!.n;
      const before = await rows();
      const challenges = new Set<string>();
      for (let i = 0; i < 40; i++) challenges.add((await openForm()).challenge);
      expect(challenges.size).toBe(40);
      expect(await rows()).toBe(before);
    });

    it('refuses an expired challenge and one the server never issued, however often it is sent', async () => {
      const { challenge } = await openForm();
      const [, random, signature] = challenge.split('.');
      const old = `${target.clock.now().getTime() - 31 * 60_000}.${random}.${signature}`;
      const expired = await send(old, String(sumQuestion(old).answer));
      expect(expired.status).toBe(400);
      expect(await expired.text()).toContain('放得太久了');
      const forged = `${target.clock.now().getTime() - 10_000}.${'ab'.repeat(16)}.${'0'.repeat(16)}`;
      for (let i = 0; i < 2; i++) {
        const res = await send(forged, String(sumQuestion(forged).answer));
        expect(res.status).toBe(400);
        expect(await res.text()).toContain('已经失效');
      }
      expect(await counts()).toEqual({ f: 0, a: 0 });
    });

    it('answers a static page’s form sent without its script with the last step (the sum), keeping what was written', async () => {
      const res = await target.request('/feedback/send/', formPost({ subjectType: 'village', subjectRef: VILLAGE_A, kind: 'question', body: '今年的项目什么时候公示？', contactPhone: '', website: '' }));
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const html = await res.text();
      expect(html).toContain('还差一步');
      expect(html).toContain('今年的项目什么时候公示？</textarea>');
      expect(html).toContain(`name="subjectRef" value="${VILLAGE_A}"`);
      expect(await counts()).toEqual({ f: 0, a: 0 });
    });

    it.each([
      ['a filled honeypot', { website: 'http://spam.example' }, 400, '提交没有成功'],
      ['an unknown project', { subjectRef: 'XM-NOPE' }, 404, '没有找到这个项目或公示'],
      ['a message too short', { body: '修' }, 400, '至少5个字'],
    ])('refuses %s with an HTML page and writes nothing', async (_label, fields, status, text) => {
      const { challenge } = await openForm();
      const res = await send(challenge, String(sumQuestion(challenge).answer), fields);
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(await res.text()).toContain(text);
      expect(await counts()).toEqual({ f: 0, a: 0 });
    });

    it('says which project it could not find when the form is opened with an unknown code', async () => {
      const res = await target.request('/feedback/send/?project=%3Cscript%3EXM');
      expect(res.status).toBe(404);
      const html = await res.text();
      expect(html).toContain('&lt;script&gt;XM');
      expect(html).not.toContain('<script>XM');
    });
  });
}
