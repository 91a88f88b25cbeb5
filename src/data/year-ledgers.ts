/**
 * The published ledger and indicators of every year, loaded once per build (loadPublishedYear is
 * one query per year) for the charts and the "records behind an indicator" pages.
 */
import { computeIndicators, type YearIndicators } from '../domain/ledger/indicators.ts';
import { loadPublishedYear, listPublishedYears, type PublishedYear } from './disclosures.ts';
import { siteDatabase } from './site-database.ts';
import { loadedOncePer } from './site-cache.ts';

export interface YearFigures {
  year: number;
  published: PublishedYear;
  asOf: string;
  indicators: YearIndicators;
}

async function loadYearFigures(countyCode: string | undefined): Promise<YearFigures[]> {
  const { db } = await siteDatabase();
  const years = await listPublishedYears(db, countyCode);
  const out: YearFigures[] = [];
  for (const year of years) {
    const published = await loadPublishedYear(db, year, countyCode);
    if (published.asOf === null) continue;
    out.push({ year, published, asOf: published.asOf, indicators: computeIndicators(published.ledger, { year, asOf: published.asOf }) });
  }
  return out;
}

// Keyed by county code; '' is the whole site.
const figuresOf = loadedOncePer((key) => loadYearFigures(key === '' ? undefined : key));

/** Every published year with its ledger and indicators, newest first: of one county when given (a site with several). */
export function yearFigures(countyCode?: string): Promise<YearFigures[]> {
  return figuresOf(countyCode ?? '');
}
