/**
 * Whether the site's public origin (SITE_URL) is an address only this machine can reach: a poster
 * whose QR code leads there leads nowhere on a village wall, so it is printed as 样张.
 *
 * @example isLoopbackOrigin('http://localhost:4321') // true
 * @example isLoopbackOrigin('https://ymgs.example.gov.cn') // false
 */
export function isLoopbackOrigin(origin: string): boolean {
  let host: string;
  try {
    host = new URL(origin).hostname.toLowerCase();
  } catch {
    return true;
  }
  return host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '0.0.0.0' || host === '[::1]' || host === '[::]';
}

/** The public origin when none is configured: this machine on the port it serves. */
export const localOrigin = (port: number): string => `http://localhost:${port}`;
