/** The prebuilt search index read by /search/ in the browser. */
import type { APIRoute } from 'astro';
import { portalData } from '../../data/portal-data.ts';
import { buildSearchIndex } from '../../data/search-index.ts';

export const GET: APIRoute = async () => {
  const data = await portalData();
  return new Response(JSON.stringify({ isSample: data.isSample, entries: buildSearchIndex(data) }), {
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  });
};
