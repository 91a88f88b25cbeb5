/**
 * What makes the public site follow a change: the app calls its `onPublished` hook after a publish
 * that created versions, after an answer to a question, and after a poster photo is accepted (the
 * Node entry then rebuilds, src/cli/site-rebuild.ts, exercised for real by the e2e suite); the
 * Worker's hook POSTs to the Cloudflare deploy hook (functions/deploy-hook.ts).
 */
import { createServer, type IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { deployHookOnPublished } from '../../functions/deploy-hook.ts';
import type { PublishedEvent } from '../../functions/app-env.ts';
import { createMemoryLogger } from '../../functions/logger.ts';
import { mintToken } from '../../src/data/users.ts';
import { approve, mintAll, postJson, projectRow, seedCounty, VILLAGE_A1 } from '../api/fixtures.ts';
import { solveFast } from '../api/villager-feedback.case.ts';
import { PROJECT_CODE, seedVillagerDisclosure, seedVillagerRoster, VILLAGE_A } from '../api/villager-roster.case.ts';
import { createNodeTarget, type ApiTarget } from '../support/api-target.ts';
import { InjectedClock } from '../support/test-clock.ts';

/** Waits until the hook has been called `n` times (it runs after the answer, not awaited). */
async function calledTimes(events: PublishedEvent[], n: number): Promise<void> {
  await expect.poll(() => events.length, { timeout: 5_000 }).toBe(n);
}

describe('the app asks for a rebuild when something public changed', () => {
  let target: ApiTarget;
  const events: PublishedEvent[] = [];
  afterEach(async () => {
    events.length = 0;
    await target?.dispose();
  });
  const start = async () => {
    target = await createNodeTarget({ clock: InjectedClock.at('2026-11-26T08:00:00.000Z'), onPublished: (e) => void events.push(e) });
  };

  it('after a publish that created versions, with what it created; not after one that changed nothing', async () => {
    await start();
    await seedCounty(target.db);
    const tokens = await mintAll(target.db);
    await postJson(target, '/api/v1/uploads/projects', tokens.county, { rows: [projectRow('HK-1', VILLAGE_A1)] });
    await approve(target, { county: tokens.county, township: tokens.townshipA }, ['HK-1']);
    const res = await postJson(target, '/api/v1/publish', tokens.county, { year: 2025 });
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as { createdCount: number; rebuild: string };
    expect(body).toMatchObject({ createdCount: 2, rebuild: 'scheduled' });
    await calledTimes(events, 1);
    expect(events[0]).toMatchObject({ year: 2025, createdCount: 2, publishedAt: '2026-11-26T08:00:00.000Z', requestId: expect.any(String) });

    const again = await postJson(target, '/api/v1/publish', tokens.county, { year: 2025 });
    expect(await again.json()).toMatchObject({ createdCount: 0, rebuild: 'not_needed' });
    await new Promise((r) => setTimeout(r, 50));
    expect(events).toHaveLength(1);
  });

  it('says the site is not rebuilt when the hook rebuilds nothing (the Worker without a deploy hook), and still calls it', async () => {
    target = await createNodeTarget({ clock: InjectedClock.at('2026-11-26T08:00:00.000Z'), onPublished: (e) => void events.push(e), rebuildsSite: false });
    await seedCounty(target.db);
    const tokens = await mintAll(target.db);
    await postJson(target, '/api/v1/uploads/projects', tokens.county, { rows: [projectRow('HK-2', VILLAGE_A1)] });
    await approve(target, { county: tokens.county, township: tokens.townshipA }, ['HK-2']);
    const res = await postJson(target, '/api/v1/publish', tokens.county, { year: 2025 });
    expect(await res.json()).toMatchObject({ createdCount: 2, rebuild: 'not_configured' });
    await calledTimes(events, 1);
  });

  it('after a question is answered, not when it is only received or taken in hand', async () => {
    await start();
    await seedVillagerRoster(target.db);
    await seedVillagerDisclosure(target.db, '2026-11-26');
    const challenge = (await (await target.request('/api/v1/public/feedback/challenge')).json()) as { challenge: string; difficulty: number };
    const sent = await target.request('/api/v1/public/feedback', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'question', subjectType: 'project', subjectRef: PROJECT_CODE, body: '这条路什么时候开始修？', challenge: challenge.challenge, nonce: solveFast(challenge.challenge, challenge.difficulty) }),
    });
    expect(sent.status).toBe(201);
    const { id } = (await sent.json()) as { id: number };
    const { token } = await mintToken(target.db, { role: 'village', scopeCode: VILLAGE_A, name: '村干部', at: '2026-11-26T08:00:00.000Z' });
    const patch = (body: unknown) =>
      target.request(`/api/v1/feedback/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    expect((await patch({ status: 'handling', responsibleUnit: '柏坊镇人民政府' })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    expect(events).toHaveLength(0);
    expect((await patch({ status: 'answered', answer: '明年3月开工。' })).status).toBe(200);
    await calledTimes(events, 1);
    expect(events[0]).toMatchObject({ createdCount: 0, publishedAt: '2026-11-26T08:00:00.000Z' });
  });
});

describe('the Worker’s deploy hook', () => {
  const received: Array<{ method: string; url: string }> = [];
  async function hookServer(status: number) {
    const server = createServer((req: IncomingMessage, res) => {
      received.push({ method: req.method ?? '', url: req.url ?? '' });
      res.writeHead(status).end();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return { url: `http://127.0.0.1:${port}/hooks/deploy/abc`, close: () => new Promise<void>((done) => server.close(() => done())) };
  }
  const event: PublishedEvent = { reason: 'publish', year: 2025, createdCount: 3, publishedAt: '2026-11-26T08:00:00.000Z', requestId: 'req-1' };

  it('is not set without a URL', () => {
    expect(deployHookOnPublished(undefined, createMemoryLogger())).toBeUndefined();
  });

  it.each([
    [200, 'info'],
    [500, 'error'],
  ])('POSTs to the hook once per publish and logs the answer (%i as %s)', async (status, level) => {
    received.length = 0;
    const server = await hookServer(status);
    try {
      const logger = createMemoryLogger();
      await deployHookOnPublished(server.url, logger)!(event);
      expect(received).toEqual([{ method: 'POST', url: '/hooks/deploy/abc' }]);
      expect(logger.entries).toEqual([{ level, message: 'deploy hook called after publish', fields: { status, reason: 'publish', year: 2025, requestId: 'req-1' } }]);
    } finally {
      await server.close();
    }
  });
});
