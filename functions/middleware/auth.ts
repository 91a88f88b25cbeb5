/**
 * Staff authentication for the routes behind it; sets `actor`. Two credentials:
 * - `Authorization: Bearer <token>` (tokens from `npm run token -- create`);
 * - when ACCESS_TEAM_DOMAIN and ACCESS_AUD are configured, a Cloudflare Access identity: the
 *   `Cf-Access-Jwt-Assertion` header, verified against the team's keys, whose email has a grant
 *   (`npm run access -- grant`). When both are sent, the bearer token decides and the assertion is
 *   ignored: the client chose it explicitly (e.g. the staff page signed in with a token behind Access).
 * A bearer token is a header only the page's own script adds, so a cross-site request cannot carry
 * it. The Access assertion is different: Access adds it to every request it forwards, taken from
 * the browser's `CF_Authorization` cookie, so a form on another site posting here from a signed-in
 * browser would arrive with it. A request that changes something (POST, PUT, PATCH, DELETE) with
 * the assertion and no bearer token is therefore refused with 403 `CROSS_SITE_REQUEST` when
 * `Sec-Fetch-Site` or `Origin` says it came from another site (cross-site.ts), before the assertion
 * is looked at and without counting a failed attempt.
 *
 * Failed attempts are counted per client address in the database (failed-auth-throttle.ts); a
 * client over the limit gets 429 with Retry-After whatever it presents, valid or not.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { findActorByAccessEmail, findActorByToken } from '../../src/data/users.ts';
import type { Actor } from '../../src/domain/access/access.ts';
import { ApiError } from '../api-error.ts';
import type { AppDeps, AppEnv } from '../app-env.ts';
import { clientKey } from '../routes/public-client.ts';
import { verifyAccessJwt } from './access-jwt.ts';
import { AccessKeySet, AccessKeysUnavailableError } from './access-keys.ts';
import { crossSiteSignal } from './cross-site.ts';
import { FailureThrottle } from './failed-auth-throttle.ts';

export { FailureThrottle } from './failed-auth-throttle.ts';

/** Clock difference allowed for an Access assertion's `exp` and `nbf`. */
export const ACCESS_LEEWAY_SECONDS = 60;

type Outcome =
  | { kind: 'actor'; actor: Actor }
  | { kind: 'missing' }
  /** A wrong credential: counted as a failed attempt. */
  | { kind: 'invalid'; error: ApiError; wwwAuthenticate: string }
  /**
   * A verified Access identity without a grant (known person, no permission), or an Access request
   * from another site: not counted.
   */
  | { kind: 'forbidden'; error: ApiError };

const INVALID_TOKEN = () => new ApiError(401, 'INVALID_TOKEN', '令牌无效或已被停用。请核对令牌，或联系县移民事务中心重新发放。');
const INVALID_ACCESS = () =>
  new ApiError(401, 'INVALID_ACCESS_IDENTITY', 'Cloudflare Access 登录凭据无效或已过期。请重新打开页面登录后再试；仍不行请联系县移民事务中心。');

const CROSS_SITE = () =>
  new ApiError(
    403,
    'CROSS_SITE_REQUEST',
    '这个请求是从其他网站发来的，已拒绝。通过 Cloudflare Access 登录时，只能在本系统自己的页面上提交或修改数据。如果您是在本系统的页面上操作时看到这条提示，请联系县移民事务中心。',
  );

const keySets = new WeakMap<AppDeps, AccessKeySet>();

/** One key cache per app (per process or Worker isolate), built on first use. */
function accessKeys(deps: AppDeps, teamDomain: string): AccessKeySet {
  let keys = keySets.get(deps);
  if (!keys) {
    keys = new AccessKeySet({ teamDomain, fetch: deps.fetch ?? ((input, init) => fetch(input, init)), clock: deps.clock });
    keySets.set(deps, keys);
  }
  return keys;
}

async function checkBearer(deps: AppDeps, header: string): Promise<Outcome> {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const actor = m ? await findActorByToken(deps.db, m[1]!) : null;
  return actor ? { kind: 'actor', actor } : { kind: 'invalid', error: INVALID_TOKEN(), wwwAuthenticate: 'Bearer error="invalid_token"' };
}

async function checkAccess(c: Context<AppEnv>, deps: AppDeps, assertion: string, now: Date): Promise<Outcome> {
  const { ACCESS_TEAM_DOMAIN: issuer, ACCESS_AUD: audience } = deps.config;
  const keys = accessKeys(deps, issuer!);
  let result;
  try {
    result = await verifyAccessJwt(assertion, (kid) => keys.key(kid), { issuer: issuer!, audience: audience!, now, leewaySeconds: ACCESS_LEEWAY_SECONDS });
  } catch (error) {
    if (!(error instanceof AccessKeysUnavailableError)) throw error;
    deps.logger.log('error', 'Cloudflare Access keys unavailable', { requestId: c.get('requestId'), error: error.message });
    throw new ApiError(503, 'ACCESS_UNAVAILABLE', '暂时无法核验 Cloudflare Access 登录（取不到签名公钥）。请稍后再试，或改用令牌登录。');
  }
  if (!result.ok) {
    // The reason helps an operator spot a wrong ACCESS_AUD or team domain; the client is not told.
    deps.logger.log('warn', 'Cloudflare Access assertion refused', { requestId: c.get('requestId'), reason: result.reason });
    return { kind: 'invalid', error: INVALID_ACCESS(), wwwAuthenticate: 'Bearer' };
  }
  const actor = result.email ? await findActorByAccessEmail(deps.db, result.email) : null;
  if (actor) return { kind: 'actor', actor };
  const who = result.email ?? '（Access 服务令牌，没有邮箱）';
  return {
    kind: 'forbidden',
    error: new ApiError(403, 'ACCESS_NOT_GRANTED', `Cloudflare Access 账号 ${who} 还没有开通本系统的权限。请联系县移民事务中心为这个邮箱开通。`),
  };
}

async function authenticate(c: Context<AppEnv>, deps: AppDeps, now: Date): Promise<Outcome> {
  const bearer = c.req.header('authorization');
  if (bearer) return checkBearer(deps, bearer);
  const assertion = deps.config.ACCESS_TEAM_DOMAIN && deps.config.ACCESS_AUD ? c.req.header('cf-access-jwt-assertion') : undefined;
  if (assertion) {
    // Refused before the assertion is checked: the assertion is the victim's own, valid one, and
    // counting it would let any web page a staff member opens lock out their office's address.
    const signal = crossSiteSignal({
      method: c.req.method,
      url: c.req.url,
      origin: c.req.header('origin'),
      secFetchSite: c.req.header('sec-fetch-site'),
      siteUrl: deps.config.SITE_URL,
    });
    if (signal) {
      deps.logger.log('warn', 'cross-site request with a Cloudflare Access identity refused', { requestId: c.get('requestId'), signal });
      return { kind: 'forbidden', error: CROSS_SITE() };
    }
    return checkAccess(c, deps, assertion, now);
  }
  return { kind: 'missing' };
}

function tooMany(c: Context<AppEnv>, wait: number): ApiError {
  c.header('Retry-After', String(wait));
  return new ApiError(429, 'TOO_MANY_FAILED_ATTEMPTS', `登录失败次数过多，请 ${Math.ceil(wait / 60)} 分钟后再试。`);
}

/**
 * The authentication wall. `throttle` keeps the in-memory front of the failure counters; the limit
 * is the app's `authFailureLimit` when set, else the throttle's own.
 */
export function requireToken(throttle: FailureThrottle = new FailureThrottle()): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const deps = c.get('deps');
    const now = deps.clock();
    const limit = deps.authFailureLimit ?? throttle.limit;
    const client = await clientKey(c);
    const known = throttle.knownBlockedFor(deps.db, client, now);
    if (known > 0) throw tooMany(c, known);
    // The counter is read while the credential is checked, so a good credential waits for neither
    // in turn; a blocked client's answer is 429 whatever the check found.
    const checking = authenticate(c, deps, now);
    // Marked handled at once: it may fail while the counter is still being read (awaited below).
    checking.catch(() => undefined);
    const wait = await throttle.blockedFor(deps.db, client, now, limit);
    if (wait > 0) throw tooMany(c, wait);
    const outcome = await checking;
    switch (outcome.kind) {
      case 'actor':
        c.set('actor', outcome.actor);
        return next();
      case 'missing':
        c.header('WWW-Authenticate', 'Bearer');
        throw new ApiError(
          401,
          'UNAUTHENTICATED',
          `需要登录：请在请求头 Authorization 中提供令牌（Bearer <令牌>）${deps.config.ACCESS_AUD ? '，或通过 Cloudflare Access 登录' : ''}。令牌由县移民事务中心发放。`,
        );
      case 'forbidden':
        throw outcome.error;
      case 'invalid':
        await throttle.fail(deps.db, client, now, deps.clock, limit);
        c.header('WWW-Authenticate', outcome.wwwAuthenticate);
        throw outcome.error;
    }
  };
}
