/**
 * How the staff page's scripts call /api/v1. With a token kept in sessionStorage (signed in with a
 * token), every request carries it as `Authorization: Bearer`. Without one, requests carry nothing
 * of their own: behind Cloudflare Access, Access adds its `Cf-Access-Jwt-Assertion` to each, and
 * the page is signed in with that Access identity. Redirects are not followed: the API never
 * redirects, but Access sends a request whose Access session has ended to its login page on
 * another origin, which a script cannot follow.
 */

export const TOKEN_KEY = 'cunshangqiang.token';

export interface ApiResult<T> {
  /** The HTTP status; 0 when there was no answer from the app (network, or Access's redirect). */
  status: number;
  body: T;
}

/** The token the page was signed in with, or null (then Access, if anything, signs the requests). */
export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY) || null;
}

/** A request to `/api/v1{path}`; null when it got no answer from the app (see ApiResult.status). */
export async function staffFetch(path: string, init: RequestInit = {}): Promise<Response | null> {
  const token = storedToken();
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  const res = await fetch(`/api/v1${path}`, { ...init, headers, redirect: 'manual' }).catch(() => null);
  return res && res.type !== 'opaqueredirect' ? res : null;
}

/** What to say when a request got no answer from the app. */
export const NO_ANSWER = '没有收到服务器的答复：可能是网络断了，或者 Cloudflare Access 登录已过期。请刷新本页后再试。';

/** A JSON request to `/api/v1{path}`: the status and the parsed body (an error body when unreadable). */
export async function staffApi<T extends object = Record<string, unknown>>(path: string, init: RequestInit = {}): Promise<ApiResult<T>> {
  const res = await staffFetch(path, init);
  if (!res) return { status: 0, body: { message: NO_ANSWER } as unknown as T };
  const body = (await res.json().catch(() => ({ message: `服务器返回 ${res.status}` }))) as T;
  return { status: res.status, body };
}
