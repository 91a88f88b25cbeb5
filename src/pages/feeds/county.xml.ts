/** `/feeds/county.xml`: the county's Atom feed (built statically). */
import type { APIRoute } from 'astro';
import { countyFeed } from '../../data/feeds.ts';

export const GET: APIRoute = async () =>
  new Response(await countyFeed(), { headers: { 'content-type': 'application/atom+xml; charset=utf-8' } });
