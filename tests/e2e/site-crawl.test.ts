/**
 * A reader's crawl of the whole sample site as the e2e server serves it: every page reached by
 * following links from /, and every address those pages link to, must answer (2xx, or a redirect
 * that ends in 2xx), the question-form pages included: reading is never throttled. Poster files
 * and share cards are drawn when first asked for (about a second and half a second each), so the
 * crawl checks that each poster link is one the poster server has planned (its manifest), and
 * fetches a few posters and share cards for real.
 */
import { describe, expect, inject, it } from 'vitest';
import { manifestFiles } from '../../src/posters/manifest.ts';
import { readPosterManifest } from '../../src/posters/manifest-store.ts';

const baseUrl = inject('baseUrl');
const posterDir = inject('posterDir');

describe('a crawl of every page', () => {
  it('finds no address that does not answer, and no form page turned away', async () => {
    const planned = manifestFiles(readPosterManifest(posterDir));
    const seen = new Set<string>(['/']);
    const queue: Array<{ path: string; from: string }> = [{ path: '/', from: '(start)' }];
    const broken: string[] = [];
    const posterLinks: string[] = [];
    const cardLinks: string[] = [];
    let pages = 0;
    let fetched = 0;
    const visit = async ({ path, from }: { path: string; from: string }) => {
      const res = await fetch(`${baseUrl}${path}`);
      fetched++;
      if (!res.ok) {
        broken.push(`${res.status} ${path} (linked from ${from})`);
        await res.body?.cancel();
        return;
      }
      if (!(res.headers.get('content-type') ?? '').startsWith('text/html')) {
        await res.body?.cancel();
        return;
      }
      pages++;
      for (const [, raw] of (await res.text()).matchAll(/(?:href|src)="(\/[^"#]*)/g)) {
        const href = raw!.replaceAll('&amp;', '&');
        if (seen.has(href) || href.startsWith('/api/')) continue;
        seen.add(href);
        if (href.startsWith('/posters/') && href !== '/posters/manifest.json') posterLinks.push(href);
        else if (href.startsWith('/share/')) cardLinks.push(href);
        else queue.push({ path: href, from: path });
      }
    };
    while (queue.length > 0) await Promise.all(queue.splice(0, 4).map(visit));

    expect(broken).toEqual([]);
    // The whole site was reached: thousands of pages, the form pages among them.
    expect(pages).toBeGreaterThan(3000);
    expect([...seen].filter((p) => p.startsWith('/feedback/send/?')).length).toBeGreaterThan(100);
    const unplanned = posterLinks.filter((p) => !planned.has(p.replace(/^\/posters\//, '')));
    expect(unplanned).toEqual([]);
    for (const p of [...posterLinks.slice(0, 3), ...cardLinks.slice(0, 3)]) expect((await fetch(`${baseUrl}${p}`, { method: 'HEAD' })).status, p).toBe(200);
    expect(cardLinks.length).toBeGreaterThan(100);
    expect(fetched).toBeGreaterThan(pages);
  }, 900_000);
});
