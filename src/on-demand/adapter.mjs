// @ts-check
/**
 * The Node build's adapter (SITE_TARGET=node, used by `npm start`): the pages there are one per
 * village, project, version or verification code are rendered by the Node server when asked
 * (functions/node-on-demand.ts) instead of being written as files at every publish. Every other
 * page is still prerendered. The Worker build (@astrojs/cloudflare) prerenders everything.
 */

/** The routes rendered on demand, by their page file. */
export const ON_DEMAND_PAGES = [
  'src/pages/villages/[code].astro',
  'src/pages/villages/[code]/[year]/v[version].astro',
  'src/pages/villages/[code]/history/[year].astro',
  'src/pages/projects/[code].astro',
  'src/pages/verify/[code].astro',
  'src/pages/data/villages/[code]/[dataset].csv.ts',
  'src/pages/data/villages/[code]/projects.geojson.ts',
  'src/pages/data/villages/[code]/village.json.ts',
  'src/pages/data/villages/[code]/versions/[release].json.ts',
  'src/pages/feeds/villages/[code].xml.ts',
];

/** @returns {import('astro').AstroIntegration} */
export function nodeOnDemand() {
  return {
    name: 'cunshangqiang:node-on-demand',
    hooks: {
      'astro:route:setup': ({ route }) => {
        if (ON_DEMAND_PAGES.includes(route.component)) route.prerender = false;
      },
      'astro:config:done': ({ setAdapter }) => {
        setAdapter({
          name: 'cunshangqiang:node-on-demand',
          entrypointResolution: 'auto',
          serverEntrypoint: new URL('./entry.ts', import.meta.url),
          adapterFeatures: { buildOutput: 'server' },
          supportedAstroFeatures: { hybridOutput: 'stable', staticOutput: 'stable', serverOutput: 'stable', sharpImageService: 'unsupported' },
        });
      },
    },
  };
}
