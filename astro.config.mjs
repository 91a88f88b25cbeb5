// @ts-check
import { defineConfig } from 'astro/config';
import cloudflare from '@astrojs/cloudflare';

// Pages are prerendered in Node (not workerd) so they can read the embedded libSQL file;
// the Worker serves them as static assets next to the Hono API (functions/worker.ts).
export default defineConfig({
  output: 'static',
  site: process.env.SITE_URL || 'http://localhost:4321',
  trailingSlash: 'always',
  adapter: cloudflare({ prerenderEnvironment: 'node', imageService: 'passthrough', configPath: 'wrangler.astro.toml' }),
  build: { format: 'directory' },
  server: { port: Number(process.env.PORT) || 4321 },
  devToolbar: { enabled: false },
  // The CSP allows scripts only from the site's own files ('self', no inline scripts): stop Vite
  // from inlining small bundled scripts into the HTML (functions/middleware/security-headers.ts).
  vite: { build: { assetsInlineLimit: (file) => (/\.m?js$/.test(file) ? false : undefined) } },
});
