/**
 * Bearer-token authentication (no cookies, so no CSRF surface) with throttling of failed
 * attempts per client address. Sets `actor` for the routes behind it.
 */
import type { MiddlewareHandler } from 'hono';
import { findActorByToken } from '../../src/data/users.ts';
import { ApiError } from '../api-error.ts';
import type { AppEnv } from '../app-env.ts';

const WINDOW_MS = 15 * 60_000;

/** Failed attempts per client address, in one app instance (one process or isolate). */
export class FailureThrottle {
  private readonly failures = new Map<string, { count: number; since: number }>();
  private readonly limit: number;
  constructor(limit: number) {
    this.limit = limit;
  }

  blockedFor(key: string, now: number): number {
    const f = this.failures.get(key);
    if (!f || now - f.since > WINDOW_MS) return 0;
    return f.count >= this.limit ? Math.ceil((f.since + WINDOW_MS - now) / 1000) : 0;
  }

  fail(key: string, now: number): void {
    const f = this.failures.get(key);
    if (!f || now - f.since > WINDOW_MS) this.failures.set(key, { count: 1, since: now });
    else f.count++;
    if (this.failures.size > 10_000) this.failures.clear();
  }
}

function clientKey(header: (name: string) => string | undefined): string {
  return header('cf-connecting-ip') ?? header('x-forwarded-for')?.split(',')[0]?.trim() ?? header('x-real-ip') ?? 'local';
}

export function requireToken(throttle: FailureThrottle): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { db, clock } = c.get('deps');
    const now = clock().getTime();
    const key = clientKey((n) => c.req.header(n));
    const wait = throttle.blockedFor(key, now);
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      throw new ApiError(429, 'TOO_MANY_FAILED_ATTEMPTS', `登录失败次数过多，请 ${Math.ceil(wait / 60)} 分钟后再试。`);
    }
    const header = c.req.header('authorization');
    if (!header) {
      c.header('WWW-Authenticate', 'Bearer');
      throw new ApiError(401, 'UNAUTHENTICATED', '需要登录：请在请求头 Authorization 中提供令牌（Bearer <令牌>）。令牌由县移民事务中心发放。');
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const actor = m ? await findActorByToken(db, m[1]!) : null;
    if (!actor) {
      throttle.fail(key, now);
      c.header('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw new ApiError(401, 'INVALID_TOKEN', '令牌无效或已被停用。请核对令牌，或联系县移民事务中心重新发放。');
    }
    c.set('actor', actor);
    await next();
  };
}
