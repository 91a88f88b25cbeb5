/**
 * Debian's Chromium driven by playwright-core. Off-site requests (map tiles, anything not on the
 * test server) are blocked and recorded, so no test depends on the network.
 */
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Voices from speech-dispatcher (espeak-ng's Mandarin among them) for 听一听, as a desktop has.
      '--enable-speech-dispatcher',
    ],
  });
}

export interface PhoneContext {
  context: BrowserContext;
  /** URLs of off-site requests that were blocked. */
  blocked: string[];
}

/** A 360×640 phone-sized context that only lets requests to `baseUrl` through. */
export async function newPhoneContext(browser: Browser, baseUrl: string, options: { javaScriptEnabled?: boolean } = {}): Promise<PhoneContext> {
  const context = await browser.newContext({
    viewport: { width: 360, height: 640 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    userAgent:
      'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0.0.0 Mobile Safari/537.36 MicroMessenger/8.0.47',
  });
  const blocked: string[] = [];
  const origin = new URL(baseUrl).origin;
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    blocked.push(url);
    return route.abort('blockedbyclient');
  });
  return { context, blocked };
}

/** Runs axe (WCAG 2.0–2.2 A/AA rules, target-size included, and best practices) on the page, or the part `include` selects, and returns the violations. */
export async function axeViolations(page: Page, include?: string) {
  const builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']);
  // `include`: a CSS selector to check only that part of the page (e.g. one section of the staff page).
  const result = await (include ? builder.include(include) : builder).analyze();
  return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
}

/** True when the page's content is wider than its viewport (sideways scrolling). */
export async function hasHorizontalScroll(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1);
}
