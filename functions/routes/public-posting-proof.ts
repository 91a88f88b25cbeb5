/**
 * `GET /posting-proofs/:id.jpg` — the published photo of an accepted poster proof (re-encoded,
 * no metadata), for the 已张贴 link on village pages. Anything not accepted is a 404.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { getProof } from '../../src/data/posting-proof.ts';

export const publicPostingProofRoutes = new Hono<AppEnv>().get('/posting-proofs/:file{[0-9]+\\.jpg}', async (c) => {
  const { db, files } = c.get('deps');
  const proof = await getProof(db, Number(c.req.param('file').replace(/\.jpg$/, '')));
  const file = proof?.status === 'accepted' && files ? await files.storage.get(proof.imageKey) : null;
  if (!file) return c.notFound();
  return c.body(file.bytes as Uint8Array<ArrayBuffer>, 200, { 'content-type': 'image/jpeg', 'cache-control': 'public, max-age=3600' });
});
