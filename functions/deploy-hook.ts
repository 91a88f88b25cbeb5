/**
 * The Worker's publish hook: after a publish commits, POST to the configured Cloudflare deploy hook
 * so the static site is rebuilt from the new snapshots. Pass as `onPublished` to createApp.
 */
import type { AppDeps, PublishedEvent } from './app-env.ts';

export function deployHookOnPublished(url: string | undefined, logger: AppDeps['logger']): AppDeps['onPublished'] {
  if (!url) return undefined;
  return async (event: PublishedEvent) => {
    const res = await fetch(url, { method: 'POST' });
    logger.log(res.ok ? 'info' : 'error', 'deploy hook called after publish', { status: res.status, reason: event.reason, year: event.year, requestId: event.requestId });
  };
}
