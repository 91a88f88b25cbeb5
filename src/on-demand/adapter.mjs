// @ts-check
/**
 * The pages there are one per village, project, version, verification code, township or county
 * (on a site over several) are rendered when asked instead of being written as files at every
 * publish: by the Node server in the Node build (SITE_TARGET=node, `npm start`; this adapter), by
 * the Worker in the Worker build (SITE_TARGET=worker, `npm run build`; {@link onDemandPages} beside
 * @astrojs/cloudflare). Every other page is still prerendered. A static build (SITE_TARGET=static)
 * prerenders everything.
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
  'src/pages/townships/[code].astro',
  // A county's own pages on a site over several counties (most of a province's index files): only
  // the pages over the whole site are built at a publish, however many counties it serves.
  'src/pages/counties/[county]/index.astro',
  'src/pages/counties/[county]/years/[year].astro',
  'src/pages/counties/[county]/years/[year]/indicators/[key].astro',
  'src/pages/counties/[county]/data/[dataset].csv.ts',
  'src/pages/counties/[county]/data/[dataset].json.ts',
  'src/pages/counties/[county]/data/[dataset].geojson.ts',
  'src/pages/counties/[county]/search/index.astro',
  'src/pages/counties/[county]/search/index.json.ts',
];

/** @param {{ component: string; prerender?: boolean }} route */
const renderOnDemand = (route) => {
  if (ON_DEMAND_PAGES.includes(route.component)) route.prerender = false;
};

/** @returns {import('astro').AstroIntegration} The on-demand pages, for another adapter's build (the Worker's). */
export function onDemandPages() {
  return { name: 'cunshangqiang:on-demand-pages', hooks: { 'astro:route:setup': ({ route }) => renderOnDemand(route) } };
}

/** @returns {import('astro').AstroIntegration} */
export function nodeOnDemand() {
  return {
    name: 'cunshangqiang:node-on-demand',
    hooks: {
      'astro:route:setup': ({ route }) => renderOnDemand(route),
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
