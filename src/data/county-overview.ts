/**
 * Everything the county overview page shows for one year, from published disclosures only.
 */
import type { Database } from '../../db/database.ts';
import { computeIndicators, type YearIndicators } from '../domain/ledger/indicators.ts';
import type { ProjectRecord } from '../domain/ledger/ledger.ts';
import { sumFen, type Fen } from '../domain/shared/money.ts';
import { projectDisbursedFen, projectBudgetFen } from '../domain/ledger/indicators.ts';
import { listPublishedYears, loadPublishedYear, type PublishedDisclosure } from './disclosures.ts';

export interface TownshipTotals {
  code: string;
  name: string;
  villageCount: number;
  projectCount: number;
  budgetFen: Fen;
  disbursedFen: Fen;
  directSubsidyBeneficiaries: number;
}

export interface CountyOverview {
  year: number;
  years: number[];
  asOf: string;
  countyName: string;
  isSample: boolean;
  indicators: YearIndicators;
  townships: TownshipTotals[];
  county: PublishedDisclosure | null;
  latestDisclosures: PublishedDisclosure[];
  projects: ProjectRecord[];
}

/**
 * Loads the overview of `year` (`years` lists every published year, newest first), or null when
 * nothing of that year has been published: of `countyCode` in a database that holds several.
 */
export async function loadCountyOverview(db: Database, year: number, countyCode?: string): Promise<CountyOverview | null> {
  const years = await listPublishedYears(db, countyCode);
  const published = await loadPublishedYear(db, year, countyCode);
  const { ledger, asOf } = published;
  if (asOf === null || (!published.county && published.villages.length === 0)) return null;
  const indicators = computeIndicators(ledger, { year, asOf });

  const byTownship = new Map<string, TownshipTotals>();
  for (const v of published.villages) {
    const c = v.content;
    if (c.scope.type !== 'village' || !c.scope.townshipCode) continue;
    const t = byTownship.get(c.scope.townshipCode) ?? {
      code: c.scope.townshipCode,
      name: c.scope.townshipName ?? c.scope.townshipCode,
      villageCount: 0,
      projectCount: 0,
      budgetFen: 0,
      disbursedFen: 0,
      directSubsidyBeneficiaries: 0,
    };
    t.villageCount += 1;
    byTownship.set(t.code, t);
  }
  for (const p of ledger.projects) {
    const t = byTownship.get(p.townshipCode);
    if (!t) continue;
    t.projectCount += 1;
    t.budgetFen = sumFen([t.budgetFen, projectBudgetFen(p)]);
    t.disbursedFen = sumFen([t.disbursedFen, projectDisbursedFen(p, asOf)]);
  }
  for (const s of ledger.directSubsidies) {
    const t = byTownship.get(s.townshipCode);
    if (t) t.directSubsidyBeneficiaries += s.beneficiaries;
  }

  const all = [...(published.county ? [published.county] : []), ...published.villages];
  const latestDisclosures = all.sort((a, b) => b.publishedAt.localeCompare(a.publishedAt) || a.scopeCode.localeCompare(b.scopeCode)).slice(0, 8);

  return {
    year,
    years,
    asOf,
    countyName: published.county?.content.scope.name ?? published.villages[0]?.content.scope.countyName ?? '',
    isSample: all.some((d) => d.isSample),
    indicators,
    townships: [...byTownship.values()].sort((a, b) => a.code.localeCompare(b.code)),
    county: published.county,
    latestDisclosures,
    projects: ledger.projects.filter((p) => p.year === year),
  };
}
