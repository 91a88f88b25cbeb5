/**
 * Each published village version's snapshot, at a permanent address (villageVersionDataPath):
 * /data/villages/<code>/versions/<year>-v<version>.json. The content is the snapshot exactly as
 * published (payees of private persons already masked), with the fields that chain it: anyone can
 * check that sha256(previousHash + contentJson) is contentHash. The file never changes once
 * written; whether a later version corrected it is on the version's page.
 */
import type { APIRoute, GetStaticPaths } from 'astro';
import { portalData } from '../../../../../data/portal-data.ts';
import { exportMeta } from '../../../../../data/open-data.ts';
import { villagePageData } from '../../../../../data/page-data.ts';
import { villageVersionPath } from '../../../../../domain/disclosure/version-paths.ts';

export const getStaticPaths = (async () => {
  const data = await portalData();
  return data.villages.flatMap((v) => v.years.flatMap((y) => y.versions.map((d) => ({ params: { code: v.code, release: `${y.year}-v${d.version}` } }))));
}) satisfies GetStaticPaths;

export const GET: APIRoute = async ({ params, isPrerendered }) => {
  const data = await villagePageData(params.code!, isPrerendered);
  // Served on demand in the Node build (src/on-demand/adapter.mjs): any path can be asked for.
  const village = data.villageByCode.get(params.code!);
  const [, year, version] = /^(\d{4})-v(\d+)$/.exec(params.release!) ?? [];
  const d = village?.years.find((y) => String(y.year) === year)?.versions.find((x) => String(x.version) === version);
  if (!village || !d) return new Response(null, { status: 404 });
  const body = {
    meta: { ...exportMeta(data, `${village.townshipName}${village.name}${year}年度公示第${version}版`), page: villageVersionPath(village.code, d.year, d.version) },
    release: {
      villageCode: village.code,
      year: d.year,
      version: d.version,
      verificationCode: d.verificationCode,
      publishedAt: d.publishedAt,
      periodStart: d.periodStart,
      periodEnd: d.periodEnd,
      issuingUnit: d.issuingUnit,
      correctionReason: d.correctionReason,
      previousHash: d.previousHash,
      contentHash: d.contentHash,
      hashRule: 'contentHash = sha256(previousHash + contentJson)，previousHash 为空时只算 contentJson',
    },
    contentJson: d.contentJson,
  };
  return new Response(JSON.stringify(body, null, 1), { headers: { 'Content-Type': 'application/json; charset=utf-8' } });
};
