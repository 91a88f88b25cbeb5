/** The health check and the one error shape, the same on every runtime. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiTarget } from '../support/api-target.ts';

export function runHealthContract(newTarget: () => Promise<ApiTarget>) {
  describe('health check and errors', () => {
  let current: ApiTarget;
  beforeAll(async () => {
    current = await newTarget();
  });
  afterAll(async () => current.dispose());
  const target = () => current;

  it('answers the health check with the database reachable', async () => {
    const clock = target().clock;
    const before = clock.now().getTime() - clock.uncertaintyMs;
    const res = await target().request('/api/v1/health');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as { status: string; database: string; runtime: string; time: string };
    expect(body).toMatchObject({ status: 'ok', database: 'ok', runtime: target().runtime });
    expect(Date.parse(body.time)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(body.time)).toBeLessThanOrEqual(clock.now().getTime() + clock.uncertaintyMs);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers many concurrent requests that each query the database', async () => {
    // In workerd a database client shared between requests makes queued requests hang.
    const statuses = await Promise.all(
      Array.from({ length: 48 }, async () => {
        const res = await target().request('/api/v1/health');
        await res.arrayBuffer();
        return res.status;
      }),
    );
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });

  it('echoes a well-formed request ID and replaces a malformed one', async () => {
    const echoed = await target().request('/api/v1/health', { headers: { 'X-Request-Id': 'trace-12345678' } });
    expect(echoed.headers.get('x-request-id')).toBe('trace-12345678');
    const replaced = await target().request('/api/v1/health', { headers: { 'X-Request-Id': 'bad id <script>' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ['GET', '/api/v1/nothing-here'],
    ['POST', '/api/v1/nothing-here'],
    ['GET', '/api/v2/health'],
    ['DELETE', '/api/'],
  ])('answers %s %s with the one JSON error shape and a 404', async (method, path) => {
    const res = await target().request(path, { method });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['code', 'message', 'requestId']);
    expect(body.code).toBe('NOT_FOUND');
    expect(body.message).toMatch(/没有这个接口/);
    expect(body.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('answers an unknown page with the HTML 404 page', async () => {
    const res = await target().request('/no-such-page/');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('没有找到这个页面');
  });
  });
}
