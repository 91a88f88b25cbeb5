/**
 * The entries of the Atom feeds, read at build time from published disclosures and answered
 * messages (src/pages/feeds/**).
 */
import { loadConfig } from '../config.ts';
import { answeredEntry, disclosureEntry, renderAtomFeed, type AtomEntry } from '../domain/disclosure/atom-feed.ts';
import { labelOf, siteFeedback } from './feedback.ts';
import { portalData, type PortalData } from './portal-data.ts';
import { siteScopeName } from './roll-up.ts';
import { siteSettingsFor } from './site-database.ts';

const site = () => loadConfig(process.env).SITE_URL;

/** Atom XML for one village: its disclosure versions and its answered messages. */
export async function villageFeed(code: string, data: PortalData): Promise<string> {
  const { records, labels } = await siteFeedback();
  const village = data.villageByCode.get(code);
  const name = village?.name ?? code;
  const base = site();
  const entries: AtomEntry[] = [
    ...(village?.years ?? []).flatMap((y) => y.versions.map((d) => disclosureEntry(base, { ...d, scopeName: name }))),
    ...records.filter((r) => r.villageCode === code).flatMap((r) => answeredEntry(base, r, labelOf(labels, r).label) ?? []),
  ];
  return renderAtomFeed(
    {
      id: `${base}/villages/${code}/`,
      title: `${village?.townshipName ?? ''}${name}公示更新${data.isSample ? '（示例数据）' : ''}`,
      subtitle: '新的公示、更正和答复',
      selfUrl: `${base}/feeds/villages/${code}.xml`,
      alternateUrl: `${base}/villages/${code}/`,
      author: (await siteSettingsFor(code)).issuingUnit,
      entries,
    },
    data.allVersions[0]?.publishedAt ?? new Date(0).toISOString(),
  );
}

/** Atom XML for the county: county disclosures, every village disclosure and every answer (newest 50). */
export async function countyFeed(): Promise<string> {
  const data = await portalData();
  const { records, labels } = await siteFeedback();
  const base = site();
  const nameOf = (code: string) => (code === data.countyCode ? data.countyName : (data.villageByCode.get(code)?.name ?? code));
  const entries: AtomEntry[] = [
    ...data.allVersions.map((d) => disclosureEntry(base, { ...d, scopeName: nameOf(d.scopeCode) })),
    ...records.flatMap((r) => answeredEntry(base, r, labelOf(labels, r).label) ?? []),
  ];
  return renderAtomFeed(
    {
      id: `${base}/`,
      title: `${await siteScopeName(data.countyName)}水库移民后期扶持公示更新${data.isSample ? '（示例数据）' : ''}`,
      subtitle: '全县新的公示、更正和答复',
      selfUrl: `${base}/feeds/county.xml`,
      alternateUrl: `${base}/`,
      author: (await siteSettingsFor()).issuingUnit,
      entries,
    },
    data.allVersions[0]?.publishedAt ?? new Date(0).toISOString(),
  );
}
