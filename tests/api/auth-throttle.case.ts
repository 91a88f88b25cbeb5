/**
 * Failed-authentication throttling as a client sees it, on every runtime: the counters are in the
 * database, so in workerd they hold across isolates just as in Node.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiTarget } from '../support/api-target.ts';
import { AUTH_FAILURE_WINDOW_SECONDS } from '../../functions/middleware/failed-auth-throttle.ts';
import { auth, COUNTY, mint, seedCounty } from './fixtures.ts';

export function runAuthThrottleContract(newTarget: () => Promise<ApiTarget>): void {
  describe('failed-authentication throttling', () => {
    let target: ApiTarget;
    beforeEach(async () => {
      target = await newTarget();
      await seedCounty(target.db);
    });
    afterEach(() => target.dispose());

    it('answers 429 with Retry-After after 20 failed attempts from one client, whatever it presents next', async () => {
      const token = await mint(target.db, 'county', COUNTY);
      const forged = auth(`csq_${'B'.repeat(43)}`);
      // Twenty-two attempts inside one fixed 15-minute window, whatever the minute the suite runs.
      await target.clock.stayInOneWindow(AUTH_FAILURE_WINDOW_SECONDS);
      for (let i = 0; i < 20; i++) expect((await target.request('/api/v1/me', { headers: forged })).status).toBe(401);
      for (const headers of [forged, auth(token)]) {
        const res = await target.request('/api/v1/me', { headers });
        expect(res.status).toBe(429);
        const wait = Number(res.headers.get('retry-after'));
        expect(wait).toBeGreaterThanOrEqual(1);
        expect(wait).toBeLessThanOrEqual(15 * 60);
        expect(await res.json()).toEqual({ code: 'TOO_MANY_FAILED_ATTEMPTS', message: expect.stringMatching(/^登录失败次数过多，请 \d+ 分钟后再试。$/), requestId: expect.any(String) });
      }
    });
  });
}
