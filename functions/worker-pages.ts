/**
 * The Worker deployed: functions/worker.ts with the site's on-demand pages (village, project,
 * version, history and verification pages, the villages' open data and feeds) rendered in the
 * Worker from the published snapshots, as the Node server renders them (functions/node-on-demand.ts).
 * A publish is live at the next request with no redeploy, and the Worker's static assets are only
 * the index pages and the posters, whatever the number of villages.
 *
 * Built by `npm run build` (SITE_TARGET=worker): Astro's Vite bundles this file, the app and the
 * pages into `dist/server/entry.mjs`, with `dist/server/wrangler.json` made from wrangler.toml, which
 * `npm run deploy` and `npm run preview` use. `@astrojs/cloudflare/handler` only exists inside that
 * build, so wrangler alone cannot bundle this file (the contract tests run functions/worker.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { handle } from '@astrojs/cloudflare/handler';
import { provideSiteDatabase } from '../src/data/site-database.ts';
import { newSiteCacheScope, useSiteCacheScope } from '../src/data/site-cache.ts';
import { useSitePosterParts } from '../src/posters/site-poster-parts.ts';
import { createWorker } from './worker.ts';
// HarfBuzz's subsetter, compiled by the bundler: workerd compiles no WebAssembly at run time.
import posterSubsetter from 'harfbuzzjs/dist/harfbuzz-subset.wasm?module';

/** One per build (astro.config.mjs, Vite's `define`). */
declare const __SITE_BUILD_ID__: string;

/** Each page request's own site data (src/data/site-cache.ts). */
const requestData = new AsyncLocalStorage<ReturnType<typeof newSiteCacheScope>>();

export default createWorker({
  pages: {
    setUp({ db, config, posterManifestPart }) {
      provideSiteDatabase({ db, config });
      useSitePosterParts(posterManifestPart);
      useSiteCacheScope(() => requestData.getStore());
    },
    withRequestData: (work) => requestData.run(newSiteCacheScope(), work),
    buildId: __SITE_BUILD_ID__,
    render: (request, env, ctx) => handle(request as never, env as never, ctx as never) as Promise<Response>,
  },
  posterSubsetter,
});
