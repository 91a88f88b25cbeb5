/**
 * What the verification page needs to know about every published version: which disclosure a
 * poster's code belongs to, whether that version is still the current one, and whether its
 * stored hash still matches its content. Computed at build time from the published snapshots.
 */
import { chainHash } from '../domain/disclosure/disclosure-content.ts';
import type { PortalData } from './portal-data.ts';
import { siteCounties } from './site-database.ts';
import { villageVersionPath } from '../domain/disclosure/version-paths.ts';

export interface VerificationEntry {
  code: string;
  /** e.g. 洋泉镇陈桥村委会 or 常宁市 */
  scopeName: string;
  scopeType: 'village' | 'county';
  /** The village's or county's division code. */
  scopeCode: string;
  year: number;
  version: number;
  latestVersion: number;
  periodStart: string;
  periodEnd: string;
  /** Where the version can be read. */
  url: string;
  /** sha256(previousHash + contentJson) equals the stored hash. */
  hashValid: boolean;
}

/**
 * Every published version's verification entry, sorted by code. `severalCounties`: the site serves
 * more than one county, so a county version is read on its county's pages (`/counties/<code>/…`).
 */
export async function buildVerificationIndex(data: PortalData, severalCounties = false): Promise<VerificationEntry[]> {
  const latest = new Map<string, number>();
  const key = (d: { scopeType: string; scopeCode: string; year: number }) => `${d.scopeType}:${d.scopeCode}:${d.year}`;
  for (const d of data.allVersions) latest.set(key(d), Math.max(latest.get(key(d)) ?? 0, d.version));
  const entries = await Promise.all(
    data.allVersions.map(async (d): Promise<VerificationEntry> => {
      const scope = d.content.scope;
      return {
        code: d.verificationCode,
        scopeName: scope.type === 'village' ? `${scope.townshipName ?? ''}${scope.name}` : scope.name,
        scopeType: d.scopeType,
        scopeCode: d.scopeCode,
        year: d.year,
        version: d.version,
        latestVersion: latest.get(key(d))!,
        periodStart: d.periodStart,
        periodEnd: d.periodEnd,
        url:
          d.scopeType === 'village'
            ? villageVersionPath(d.scopeCode, d.year, d.version)
            : severalCounties
              ? `/counties/${d.scopeCode}/years/${d.year}/`
              : d.year === data.latestYear
                ? '/'
                : `/years/${d.year}/`,
        hashValid: (await chainHash(d.previousHash, d.contentJson)) === d.contentHash,
      };
    }),
  );
  return entries.sort((a, b) => (a.code < b.code ? -1 : 1));
}

const computed = new WeakMap<PortalData, Promise<VerificationEntry[]>>();

/** The verification index of this portal data, computed once. */
export function verificationIndex(data: PortalData): Promise<VerificationEntry[]> {
  let index = computed.get(data);
  if (!index) computed.set(data, (index = siteCounties().then((counties) => buildVerificationIndex(data, counties.length > 1))));
  return index;
}
