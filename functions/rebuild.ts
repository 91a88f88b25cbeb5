/**
 * Asking for the public site to follow a change (a publish, an answer, a posting proof, the
 * county's settings): the app's `onPublished` hook (Node: rebuild and swap; Worker: deploy hook),
 * not awaited by the request, kept alive by the Worker's execution context, errors logged.
 */
import type { Context } from 'hono';
import type { AppEnv, PublishedEvent } from './app-env.ts';

/** 'scheduled' when the hook was called, 'not_configured' when this server has none (or one that rebuilds nothing). */
export function scheduleRebuild(c: Context<AppEnv>, event: Omit<PublishedEvent, 'requestId'>): 'scheduled' | 'not_configured' {
  const { onPublished, logger, rebuildsSite } = c.get('deps');
  if (!onPublished) return 'not_configured';
  const requestId = c.get('requestId');
  const task = Promise.resolve()
    .then(() => onPublished({ ...event, requestId }))
    .catch((e: unknown) => logger.log('error', 'rebuild failed', { reason: event.reason, requestId, error: e instanceof Error ? e.message : String(e) }));
  try {
    c.executionCtx.waitUntil(task);
  } catch {
    // Node has no execution context: the promise simply runs on.
  }
  return rebuildsSite === false ? 'not_configured' : 'scheduled';
}
