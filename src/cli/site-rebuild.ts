/**
 * Rebuilds the site after a publish while the Node server keeps serving: each rebuild goes into a
 * fresh folder (dist.rebuilds/<n>/), and only when it is complete does `siteDir()` start returning
 * it, so a visitor gets either the old site or the new one, never a half-written one. Publishes
 * that arrive during a build are coalesced into one more build.
 */
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Logger } from '../../functions/logger.ts';
import { buildSite, PROJECT_ROOT, type BuildOptions } from './site-build.ts';

export interface SiteRebuilder {
  siteDir: () => string;
  onPublished: () => Promise<void>;
  /** Resolves once no rebuild is running or queued (e.g. before removing the folders). */
  idle: () => Promise<void>;
}

export interface SiteRebuilderOptions {
  initialDir: string;
  env: Record<string, string | undefined>;
  logger: Logger;
  posters?: BuildOptions['posters'];
  /** Where the rebuilt sites go, one folder each; default dist.rebuilds/ in the project. */
  rebuildRoot?: string;
  /** Told the new folder each time a rebuilt site is swapped in. */
  onSwapped?: (siteDir: string) => void;
}

export function createSiteRebuilder(options: SiteRebuilderOptions): SiteRebuilder {
  const root = resolve(PROJECT_ROOT, options.rebuildRoot ?? 'dist.rebuilds');
  let current = options.initialDir;
  let running: Promise<void> | null = null;
  let again = false;
  let serial = 0;

  const buildOnce = async () => {
    const name = resolve(root, `${Date.now()}-${++serial}`);
    const built = await buildSite({ env: options.env, outDir: name, verbose: false, posters: options.posters, precompress: true, target: 'node' });
    const previous = current;
    current = resolve(built.outDir, 'client');
    options.logger.log('info', 'site rebuilt and swapped in', { dir: current, ms: Math.round(built.ms) });
    options.onSwapped?.(current);
    // Requests already streaming files from the old folder get a minute to finish.
    if (previous.startsWith(root)) {
      setTimeout(() => rmSync(resolve(previous, '..'), { recursive: true, force: true }), 60_000).unref();
    }
  };

  const onPublished = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await buildOnce();
        } while (again);
      } finally {
        running = null;
      }
    })();
    return running;
  };

  const idle = async (): Promise<void> => {
    while (running) await running.catch(() => undefined);
  };

  return { siteDir: () => current, onPublished, idle };
}
