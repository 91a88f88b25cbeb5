/**
 * The verification codes, split by their first character (about 60 codes a file) so checking one
 * code on a slow phone downloads a few kilobytes, not the whole list.
 */
import type { APIRoute, GetStaticPaths } from 'astro';
import { portalData } from '../../../data/portal-data.ts';
import { verificationIndex } from '../../../data/verification-index.ts';
import { VERIFICATION_ALPHABET } from '../../../domain/disclosure/disclosure-content.ts';

export const getStaticPaths = (() => [...VERIFICATION_ALPHABET].map((shard) => ({ params: { shard } }))) satisfies GetStaticPaths;

export const GET: APIRoute = async ({ params }) => {
  const data = await portalData();
  // The scope's code is left out: the page needs only what it shows, and these files stay small.
  const entries = (await verificationIndex(data)).filter((e) => e.code.startsWith(params.shard!)).map(({ scopeCode: _scopeCode, ...e }) => e);
  return new Response(JSON.stringify({ isSample: data.isSample, entries }), { headers: { 'Content-Type': 'application/json; charset=utf-8' } });
};
