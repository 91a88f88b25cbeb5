/**
 * The portal data a page reads. Prerendered (a static build, or the index pages of the Node
 * build), it is the whole portal's, loaded once and shared by every page the build writes. Rendered
 * on demand (src/on-demand/), it is only what the page shows, read by index: one village, the
 * villages that listed a project, or the scope of a verification code. Either way the page is the
 * same (tests/e2e/on-demand.test.ts compares every one).
 */
import { indexPortalData, loadCountyPortalData, loadVillagesPortalData, portalData, scopeOfVerificationCode, villagesListingProject, type PortalData } from './portal-data.ts';
import { siteDatabase } from './site-database.ts';

/** For the pages of one village (its page, versions, history, open data and feed). */
export async function villagePageData(villageCode: string, prerendered: boolean): Promise<PortalData> {
  if (prerendered) return portalData();
  const { db } = await siteDatabase();
  return loadVillagesPortalData(db, [villageCode]);
}

/** For a project's page: the villages whose versions listed it. */
export async function projectPageData(projectCode: string, prerendered: boolean): Promise<PortalData> {
  if (prerendered) return portalData();
  const { db } = await siteDatabase();
  return loadVillagesPortalData(db, await villagesListingProject(db, projectCode));
}

/** For a verification code's page: the versions of its village, or of its county. */
export async function verificationPageData(code: string, prerendered: boolean): Promise<PortalData> {
  if (prerendered) return portalData();
  const { db } = await siteDatabase();
  const scope = await scopeOfVerificationCode(db, code);
  if (!scope) return indexPortalData([]);
  return scope.scopeType === 'village' ? loadVillagesPortalData(db, [scope.scopeCode]) : loadCountyPortalData(db, scope.scopeCode);
}
