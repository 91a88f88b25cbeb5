/** `/feeds/villages/<code>.xml`: one village's Atom feed (built statically for every village). */
import type { APIRoute, GetStaticPaths } from 'astro';
import { villageFeed } from '../../../data/feeds.ts';
import { portalData } from '../../../data/portal-data.ts';

export const getStaticPaths: GetStaticPaths = async () => (await portalData()).villages.map((v) => ({ params: { code: v.code } }));

export const GET: APIRoute = async ({ params }) =>
  new Response(await villageFeed(params.code!), { headers: { 'content-type': 'application/atom+xml; charset=utf-8' } });
