/**
 * The form without JavaScript on a controlled clock: what the contract cases (tests/api/
 * villager-feedback-form.case.ts, real clock) cannot do: a challenge issued and then left past its
 * 30 minutes, and the throttles.
 */
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { challengeIn } from '../api/villager-feedback-form.case.ts';
import { PROJECT_CODE, seedVillagerDisclosure, seedVillagerRoster } from '../api/villager-roster.case.ts';
import { sumQuestion } from '../../src/domain/villager/form-check.ts';
import { createNodeTarget, type ApiTarget } from '../support/api-target.ts';
import { InjectedClock } from '../support/test-clock.ts';

describe('questions without JavaScript on a controlled clock', () => {
  let clock: InjectedClock;
  let target: ApiTarget;
  beforeEach(async () => {
    clock = InjectedClock.at('2026-11-26T08:00:00.000Z');
    target = await createNodeTarget({ clock });
    await seedVillagerRoster(target.db);
    await seedVillagerDisclosure(target.db, '2026-11-26');
  });
  afterEach(async () => target.dispose());

  const open = async () => challengeIn(await (await target.request(`/feedback/send/?project=${PROJECT_CODE}`)).text());
  const send = (challenge: string, answer = String(sumQuestion(challenge).answer)) =>
    target.request('/feedback/send/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ subjectType: 'project', subjectRef: PROJECT_CODE, kind: 'question', body: '机耕道什么时候开始修？', check: challenge, answer }).toString(),
    });
  const stored = async () => (await target.db.all<{ n: number }>(sql`select count(*) as n from feedback`))[0]!.n;

  it('refuses a challenge it issued once it is older than 30 minutes', async () => {
    const challenge = await open();
    await clock.pass(30 * 60_000 + 1);
    const res = await send(challenge);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('放得太久了');
    expect(await stored()).toBe(0);
  });

  it('allows 2 messages per client in 10 minutes without JavaScript (stricter than with it), then 429 with Retry-After', async () => {
    for (let i = 0; i < 2; i++) {
      const challenge = await open();
      await clock.pass(5_000);
      expect((await send(challenge)).status).toBe(201);
    }
    const challenge = await open();
    await clock.pass(5_000);
    const res = await send(challenge);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await res.text()).toContain('提交太频繁了');
    expect(await stored()).toBe(2);
  });

  it('bounds guessing the sum: after 10 tries in 10 minutes even a right answer waits', async () => {
    for (let i = 0; i < 10; i++) {
      const challenge = await open();
      await clock.pass(5_000);
      expect((await send(challenge, '99')).status).toBe(400);
    }
    const challenge = await open();
    await clock.pass(5_000);
    expect((await send(challenge)).status).toBe(429);
    expect(await stored()).toBe(0);
  });
});
