// @ts-check
import { defineConfig } from 'astro/config';
import { randomUUID } from 'node:crypto';
import cloudflare from '@astrojs/cloudflare';
import { nodeOnDemand, onDemandPages } from './src/on-demand/adapter.mjs';

// SITE_TARGET (set by src/cli/site-build.ts) says who serves the pages there is one of per village,
// project, version or verification code (src/on-demand/adapter.mjs):
//   node    `npm start`: the Node server renders them when asked (functions/node-on-demand.ts);
//   worker  `npm run build` (the default): the Worker renders them (functions/worker-pages.ts,
//           bundled by Astro's Vite with the pages into dist/server);
//   static  nobody: every page is a file, for a plain static host.
// Every other page is prerendered in Node (not workerd, so it can read the embedded libSQL file).
const target = process.env.SITE_TARGET || 'worker';
const nodeTarget = target === 'node';
// `astro dev` reads wrangler.astro.toml (see the note there); a build makes the deployment's
// configuration (dist/server/wrangler.json) from wrangler.toml.
const devServer = process.argv.includes('dev');

export default defineConfig({
  output: 'static',
  site: process.env.SITE_URL || 'http://localhost:4321',
  trailingSlash: 'always',
  // No Astro sessions: nothing here uses them, and the Worker would need a KV namespace for them.
  session: false,
  adapter: nodeTarget
    ? nodeOnDemand()
    : cloudflare({ prerenderEnvironment: 'node', imageService: 'passthrough', configPath: devServer ? 'wrangler.astro.toml' : 'wrangler.toml' }),
  // `astro dev` renders every page itself, in Node, as it always did.
  integrations: target === 'worker' && !devServer ? [onDemandPages()] : [],
  ...(nodeTarget ? { image: { service: { entrypoint: 'astro/assets/services/noop' } } } : {}),
  build: { format: 'directory' },
  server: { port: Number(process.env.PORT) || 4321 },
  devToolbar: { enabled: false },
  // The CSP allows scripts only from the site's own files ('self', no inline scripts): stop Vite
  // from inlining small bundled scripts into the HTML (functions/middleware/security-headers.ts).
  vite: {
    build: { assetsInlineLimit: (file) => (/\.m?js$/.test(file) ? false : undefined) },
    // One id per build: the Worker keys the pages it keeps by it (functions/worker-pages.ts).
    define: { __SITE_BUILD_ID__: JSON.stringify(randomUUID()) },
  },
});
