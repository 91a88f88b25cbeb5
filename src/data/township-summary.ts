/**
 * Per-village and per-year totals of a township, from the portal data (published snapshots only).
 */
import { sumFen, type Fen } from '../domain/shared/money.ts';
import { hasReached } from '../domain/ledger/project-status.ts';
import type { PortalData, PortalTownship, PortalVillage } from './portal-data.ts';

export interface VillageRow {
  village: PortalVillage;
  year: number;
  projectCount: number;
  startedCount: number;
  budgetFen: Fen;
  disbursedFen: Fen;
  subsidyBeneficiaries: number;
  /**
   * 移民人口 of `year`: the figures published for that year (its own 人口核定), else the village's
   * newest; null when it has none.
   */
  migrants: number | null;
}

export interface YearRow {
  year: number;
  villageCount: number;
  projectCount: number;
  startedCount: number;
  budgetFen: Fen;
  disbursedFen: Fen;
}

/** One village's figures for `year` (zeros when it has no disclosure that year). */
export function villageRow(village: PortalVillage, year: number): VillageRow {
  const c = village.years.find((y) => y.year === year)?.latest.content;
  return {
    village,
    year,
    projectCount: c?.totals.projectCount ?? 0,
    startedCount: c ? c.projects.filter((p) => hasReached(p, 'started', c.asOf)).length : 0,
    budgetFen: c?.totals.budgetFen ?? 0,
    disbursedFen: c?.totals.disbursedFen ?? 0,
    subsidyBeneficiaries: c?.directSubsidy?.beneficiaries ?? 0,
    migrants: (c?.village ?? village.figures)?.migrantPopulation ?? null,
  };
}

/** The township's villages for `year`, and its totals for every published year (newest first). */
export function townshipSummary(data: PortalData, township: PortalTownship, year: number) {
  const villages = township.villageCodes.map((code) => data.villageByCode.get(code)!);
  const rows = villages.map((v) => villageRow(v, year));
  const years: YearRow[] = data.years.map((y) => {
    const r = villages.map((v) => villageRow(v, y)).filter((x) => x.village.years.some((vy) => vy.year === y));
    return {
      year: y,
      villageCount: r.length,
      projectCount: r.reduce((n, x) => n + x.projectCount, 0),
      startedCount: r.reduce((n, x) => n + x.startedCount, 0),
      budgetFen: sumFen(r.map((x) => x.budgetFen)),
      disbursedFen: sumFen(r.map((x) => x.disbursedFen)),
    };
  });
  const total = {
    projectCount: rows.reduce((n, x) => n + x.projectCount, 0),
    startedCount: rows.reduce((n, x) => n + x.startedCount, 0),
    budgetFen: sumFen(rows.map((x) => x.budgetFen)),
    disbursedFen: sumFen(rows.map((x) => x.disbursedFen)),
    migrants: rows.reduce((n, x) => n + (x.migrants ?? 0), 0),
  };
  return { villages, rows, years: years.filter((y) => y.villageCount > 0), total };
}
