/**
 * The server entry of the Node build (SITE_TARGET=node, see ./adapter.mjs): what the Node server
 * imports from `<build>/server/entry.mjs` to render the on-demand pages (functions/node-on-demand.ts).
 */
import { createApp } from 'astro/app/entrypoint';

export { forgetSiteData } from '../data/site-cache.ts';
export { provideSiteDatabase } from '../data/site-database.ts';
export { useSitePosterDir } from '../posters/manifest-store.ts';

const app = createApp({ streaming: false });

/** The page at the request's path, rendered now; 404 when no on-demand page answers it. */
export function renderPage(request: Request): Promise<Response> {
  return app.render(request);
}
