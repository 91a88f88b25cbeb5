/**
 * Cross-site request forgery (CSRF) check for requests signed in with Cloudflare Access. Access
 * adds `Cf-Access-Jwt-Assertion` to every request it forwards, taken from the browser's
 * `CF_Authorization` cookie, so a form on any other site that posts to the API from a signed-in
 * staff member's browser would arrive authenticated. Browsers say where a request comes from
 * (`Sec-Fetch-Site`, and `Origin` on every cross-origin POST), and a page cannot change either, so a
 * request that changes something is refused when either says it came from elsewhere.
 *
 * A request with neither header is let through: it comes from a program (a script, `curl`), which
 * could send any header it liked, or from a browser too old to send them.
 */

/** RFC 9110's safe methods: they change nothing, so a forged one gains an attacker nothing. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** `Sec-Fetch-Site` values that mean the request came from the site itself or from the user. */
const FIRST_PARTY_FETCH_SITES = new Set(['same-origin', 'none']);

export interface RequestOrigin {
  method: string;
  /** The URL the server saw (Node builds it from `Host`; a Worker sees the URL the browser asked for). */
  url: string;
  /** The `Origin` header, when sent. */
  origin: string | undefined;
  /** The `Sec-Fetch-Site` header, when sent. */
  secFetchSite: string | undefined;
  /** The configured public origin (`SITE_URL`). */
  siteUrl: string;
}

/**
 * The origins that count as the site itself: `SITE_URL`'s, the request URL's, and the request
 * URL's host over https. The last is for the Node server behind a proxy that ends TLS (Cloudflare
 * Tunnel passes the browser's `Host` on but speaks plain HTTP to the server, so the URL the server
 * sees is `http://<host>` while the page's origin is `https://<host>`); a page on another site can
 * set neither the `Host` its request carries nor its own origin, so none of them can be borrowed.
 */
function ownOrigins(url: string, siteUrl: string): Set<string> {
  const own = new Set<string>([new URL(siteUrl).origin]);
  const requested = new URL(url);
  own.add(requested.origin);
  own.add(`https://${requested.host}`);
  return own;
}

/** The origin in its serialised form, or null for `null` and anything else that is not a URL. */
function normalisedOrigin(value: string): string | null {
  try {
    return new URL(value).origin;
  } catch {
    return null;
  }
}

/**
 * Why a request looks as if it came from another site, or null when nothing says so: a safe
 * method, both headers absent, or both naming the site itself.
 *
 * @example
 * crossSiteSignal({ method: 'POST', url: 'https://gongshi.example.gov.cn/api/v1/publish',
 *   origin: 'https://evil.example', secFetchSite: 'cross-site', siteUrl: 'https://gongshi.example.gov.cn' })
 * // 'Sec-Fetch-Site: cross-site'
 */
export function crossSiteSignal(request: RequestOrigin): string | null {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return null;
  const fetchSite = request.secFetchSite?.trim().toLowerCase();
  if (fetchSite && !FIRST_PARTY_FETCH_SITES.has(fetchSite)) return `Sec-Fetch-Site: ${fetchSite.slice(0, 40)}`;
  if (request.origin !== undefined) {
    const origin = normalisedOrigin(request.origin.trim());
    if (origin === null || !ownOrigins(request.url, request.siteUrl).has(origin)) return `Origin: ${request.origin.slice(0, 200)}`;
  }
  return null;
}
