// @ts-check
import { defineConfig } from 'astro/config';
import cloudflare from '@astrojs/cloudflare';
import { nodeOnDemand } from './src/on-demand/adapter.mjs';

// SITE_TARGET=node (set by src/cli/site-build.ts for `npm start`): the Node server's build, where
// the pages there is one of per village, project, version or verification code are rendered on
// demand (src/on-demand/adapter.mjs). Otherwise every page is prerendered in Node (not workerd, so
// it can read the embedded libSQL file) and the Worker serves them as static assets next to the
// Hono API (functions/worker.ts).
const nodeTarget = process.env.SITE_TARGET === 'node';

export default defineConfig({
  output: 'static',
  site: process.env.SITE_URL || 'http://localhost:4321',
  trailingSlash: 'always',
  adapter: nodeTarget ? nodeOnDemand() : cloudflare({ prerenderEnvironment: 'node', imageService: 'passthrough', configPath: 'wrangler.astro.toml' }),
  ...(nodeTarget ? { image: { service: { entrypoint: 'astro/assets/services/noop' } } } : {}),
  build: { format: 'directory' },
  server: { port: Number(process.env.PORT) || 4321 },
  devToolbar: { enabled: false },
  // The CSP allows scripts only from the site's own files ('self', no inline scripts): stop Vite
  // from inlining small bundled scripts into the HTML (functions/middleware/security-headers.ts).
  vite: { build: { assetsInlineLimit: (file) => (/\.m?js$/.test(file) ? false : undefined) } },
});
