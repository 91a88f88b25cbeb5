/** `/feeds/villages/<code>.xml`: one village's Atom feed (built for every village, or rendered on demand in the Node build). */
import type { APIRoute, GetStaticPaths } from 'astro';
import { villageFeed } from '../../../data/feeds.ts';
import { portalData } from '../../../data/portal-data.ts';
import { villagePageData } from '../../../data/page-data.ts';

export const getStaticPaths: GetStaticPaths = async () => (await portalData()).villages.map((v) => ({ params: { code: v.code } }));

// Served on demand in the Node build (src/on-demand/adapter.mjs): only for a village with a page.
export const GET: APIRoute = async ({ params, isPrerendered }) => {
  const data = await villagePageData(params.code!, isPrerendered);
  if (!data.villageByCode.has(params.code!)) return new Response(null, { status: 404 });
  return new Response(await villageFeed(params.code!, data), { headers: { 'content-type': 'application/atom+xml; charset=utf-8' } });
};
