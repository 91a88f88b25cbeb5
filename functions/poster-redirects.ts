/**
 * A poster link that was published keeps answering. Poster files are named by a content key (so
 * they can be cached for good), and the key changes when the county's settings or the printed
 * 上次公示结果 change; a name from before such a change (or from before versions were in the name)
 * is sent, with 302, to the same version's file as it is drawn now. Used after the static site in
 * both entries: Node reads the manifest from its poster folder, the Worker from its assets. A
 * poster name carries its year and its village or township code, so only the one part of the
 * manifest that can list it is read (src/posters/manifest-store.ts).
 */
import type { MiddlewareHandler } from 'hono';
import { currentPosterPath, isManifestName, manifestPartOf, type ManifestPart, type PosterManifest } from '../src/posters/manifest.ts';
import type { AppEnv } from './app-env.ts';

export function posterRedirects(loadPart: (part: ManifestPart) => PosterManifest | null | Promise<PosterManifest | null>, urlPrefix = '/posters'): MiddlewareHandler<AppEnv> {
  const prefix = `${urlPrefix.replace(/\/+$/, '')}/`;
  return async (c, next) => {
    if ((c.req.method !== 'GET' && c.req.method !== 'HEAD') || !c.req.path.startsWith(prefix)) return next();
    const name = c.req.path.slice(prefix.length);
    const part = isManifestName(name) ? null : manifestPartOf(name);
    if (!part) return next();
    const manifest = await loadPart(part);
    const to = manifest ? currentPosterPath(manifest, name) : null;
    if (!to || to === c.req.path) return next();
    // Never cached for good (securityHeaders makes redirects no-cache): the next rebuild may move it.
    return c.redirect(to, 302);
  };
}
