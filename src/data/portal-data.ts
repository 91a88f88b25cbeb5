/**
 * Every published disclosure, loaded once per build and indexed for the portal's pages (township,
 * village, project, history, verification, map, search, open data). Reads the `disclosures` table
 * only — the immutable published snapshots — never the internal ledger tables, so drafts cannot
 * appear. One query, then in-memory lookups: a few thousand pages are built from one load.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { disclosures, divisionChanges, publishedProjects } from '../../db/schema.ts';
import type {
  CountyDisclosureContent,
  DisclosureContent,
  VillageDisclosureContent,
  VillageFigures,
} from '../domain/disclosure/disclosure-content.ts';
import type { ProjectRecord } from '../domain/ledger/ledger.ts';
import type { MilestoneKind } from '../domain/ledger/ledger.ts';
import { projectStatusAsOf } from '../domain/ledger/project-status.ts';
import type { PublishedDisclosure } from './disclosures.ts';
import { siteDatabase } from './site-database.ts';
import { loadedOnce, loadedOncePer } from './site-cache.ts';
import { codeStartsWith } from './code-prefix.ts';

export type VillageVersion = PublishedDisclosure<VillageDisclosureContent>;
export type CountyVersion = PublishedDisclosure<CountyDisclosureContent>;

/** One year of a village: every published version, oldest first, and the latest. */
export interface VillageYear {
  year: number;
  latest: VillageVersion;
  versions: VillageVersion[];
}

export interface PortalVillage {
  code: string;
  name: string;
  townshipCode: string;
  townshipName: string;
  /** Migrant figures from the newest year that has them. */
  figures: VillageFigures | null;
  /** Newest year first. */
  years: VillageYear[];
  /** Mean position of the village's located projects (for the map and the small location figure). */
  location: { lon: number; lat: number } | null;
}

export interface PortalProject {
  project: ProjectRecord;
  villageCode: string;
  /** The latest published version of the project's village and year. */
  disclosure: VillageVersion;
  /** The cut-off day of that version. */
  asOf: string;
  status: MilestoneKind | null;
}

/**
 * A project that a published version listed and a later correction took out: its page keeps
 * answering (a URL once published does), saying so and where it was last published.
 */
export interface WithdrawnProject {
  code: string;
  name: string;
  year: number;
  villageCode: string;
  /** The last version that listed it. */
  lastListed: VillageVersion;
  /** The correction that took it out (the version after `lastListed`). */
  removedBy: VillageVersion;
}

export interface PortalTownship {
  code: string;
  name: string;
  /** Sorted by code. */
  villageCodes: string[];
}

export interface PortalData {
  countyCode: string;
  countyName: string;
  isSample: boolean;
  /** Newest first. */
  years: number[];
  latestYear: number | null;
  villages: PortalVillage[];
  villageByCode: ReadonlyMap<string, PortalVillage>;
  townships: PortalTownship[];
  townshipByCode: ReadonlyMap<string, PortalTownship>;
  /** Sorted by year (newest first), then code. */
  projects: PortalProject[];
  projectByCode: ReadonlyMap<string, PortalProject>;
  /** Projects listed once and corrected out since (no current version lists them), by code. */
  withdrawnProjects: WithdrawnProject[];
  /** County versions per year, oldest first. */
  countyVersions: ReadonlyMap<number, CountyVersion[]>;
  /** Every published version (village and county), in publication order. */
  allVersions: PublishedDisclosure[];
  /** Division changes (更名, 撤并, 新设) by every code they concern, oldest first. */
  divisionChanges: ReadonlyMap<string, readonly DivisionChangeNote[]>;
}

/** A recorded division change, as the pages of the villages it concerns tell it. */
export interface DivisionChangeNote {
  kind: 'rename' | 'merge' | 'new';
  effectiveOn: string;
  fromCode: string | null;
  fromName: string | null;
  toCode: string;
  toName: string;
  basis: string;
}

type DisclosureRow = typeof disclosures.$inferSelect;

function toPublished<C extends DisclosureContent>(row: DisclosureRow): PublishedDisclosure<C> {
  return { ...row, content: JSON.parse(row.contentJson) as C };
}

const byCode = (a: { code: string }, b: { code: string }) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

/** Builds the portal's indexes from published rows (pure apart from JSON parsing; tested directly). */
export function indexPortalData(rows: readonly DisclosureRow[], changes: readonly DivisionChangeNote[] = []): PortalData {
  const allVersions = rows.map((r) => toPublished(r));
  const countyVersions = new Map<number, CountyVersion[]>();
  const villageVersions = new Map<string, Map<number, VillageVersion[]>>();
  for (const d of allVersions) {
    if (d.scopeType === 'county') {
      const list = countyVersions.get(d.year) ?? [];
      list.push(d as CountyVersion);
      countyVersions.set(d.year, list);
    } else {
      const years = villageVersions.get(d.scopeCode) ?? new Map<number, VillageVersion[]>();
      const list = years.get(d.year) ?? [];
      list.push(d as VillageVersion);
      years.set(d.year, list);
      villageVersions.set(d.scopeCode, years);
    }
  }
  for (const list of countyVersions.values()) list.sort((a, b) => a.version - b.version);

  const villages: PortalVillage[] = [];
  const projects: PortalProject[] = [];
  for (const [code, yearMap] of villageVersions) {
    const years: VillageYear[] = [...yearMap.entries()]
      .map(([year, versions]) => {
        versions.sort((a, b) => a.version - b.version);
        return { year, versions, latest: versions[versions.length - 1]! };
      })
      .sort((a, b) => b.year - a.year);
    const scope = years[0]!.latest.content.scope;
    const figures = years.map((y) => y.latest.content.village).find((f) => f !== null) ?? null;
    const located: Array<{ lon: number; lat: number }> = [];
    for (const y of years) {
      for (const p of y.latest.content.projects) {
        projects.push({ project: p, villageCode: code, disclosure: y.latest, asOf: y.latest.content.asOf, status: projectStatusAsOf(p, y.latest.content.asOf) });
        if (p.lon !== null && p.lat !== null) located.push({ lon: p.lon, lat: p.lat });
      }
    }
    const mean = (xs: number[]) => Math.round((xs.reduce((s, x) => s + x, 0) / xs.length) * 1e6) / 1e6;
    villages.push({
      code,
      name: scope.name,
      townshipCode: scope.townshipCode ?? '',
      townshipName: scope.townshipName ?? '',
      figures,
      years,
      location: located.length ? { lon: mean(located.map((l) => l.lon)), lat: mean(located.map((l) => l.lat)) } : null,
    });
  }
  villages.sort(byCode);
  projects.sort((a, b) => b.project.year - a.project.year || byCode(a.project, b.project));
  const current = new Set(projects.map((p) => p.project.code));
  const withdrawn = new Map<string, WithdrawnProject>();
  for (const v of villages) {
    for (const y of v.years) {
      y.versions.forEach((d, i) => {
        const next = y.versions[i + 1];
        if (!next) return;
        for (const p of d.content.projects) {
          if (current.has(p.code) || next.content.projects.some((q) => q.code === p.code)) continue;
          withdrawn.set(p.code, { code: p.code, name: p.name, year: p.year, villageCode: v.code, lastListed: d, removedBy: next });
        }
      });
    }
  }

  const townshipMap = new Map<string, PortalTownship>();
  for (const v of villages) {
    const t = townshipMap.get(v.townshipCode) ?? { code: v.townshipCode, name: v.townshipName, villageCodes: [] };
    t.villageCodes.push(v.code);
    townshipMap.set(v.townshipCode, t);
  }
  const townships = [...townshipMap.values()].sort(byCode);
  const years = [...new Set(allVersions.map((d) => d.year))].sort((a, b) => b - a);
  const anyCounty = [...countyVersions.values()][0]?.[0];
  const anyVillage = villages[0]?.years[0]?.latest.content.scope;
  return {
    countyCode: anyCounty?.scopeCode ?? anyVillage?.code.slice(0, 6) ?? '',
    countyName: anyCounty?.content.scope.name ?? anyVillage?.countyName ?? '',
    isSample: allVersions.some((d) => d.isSample),
    years,
    latestYear: years[0] ?? null,
    villages,
    villageByCode: new Map(villages.map((v) => [v.code, v])),
    townships,
    townshipByCode: new Map(townships.map((t) => [t.code, t])),
    projects,
    projectByCode: new Map(projects.map((p) => [p.project.code, p])),
    withdrawnProjects: [...withdrawn.values()].sort(byCode),
    countyVersions,
    allVersions,
    divisionChanges: changesByCode(changes),
  };
}

/** The change that merged village `code` away (村撤并), or null while it is current. */
export function mergedAway(data: Pick<PortalData, 'divisionChanges'>, code: string): DivisionChangeNote | null {
  return data.divisionChanges.get(code)?.find((c) => c.kind === 'merge' && c.fromCode === code) ?? null;
}

function changesByCode(changes: readonly DivisionChangeNote[]): Map<string, DivisionChangeNote[]> {
  const map = new Map<string, DivisionChangeNote[]>();
  const add = (code: string, c: DivisionChangeNote) => map.set(code, [...(map.get(code) ?? []), c]);
  for (const c of [...changes].sort((a, b) => (a.effectiveOn < b.effectiveOn ? -1 : a.effectiveOn > b.effectiveOn ? 1 : 0))) {
    add(c.toCode, c);
    if (c.fromCode && c.fromCode !== c.toCode) add(c.fromCode, c);
  }
  return map;
}

/** Loads every published disclosure with one query and indexes it. */
export async function loadPortalData(db: Database): Promise<PortalData> {
  const rows = await db.select().from(disclosures).orderBy(asc(disclosures.id));
  return indexPortalData(rows, await loadDivisionChanges(db));
}

function loadDivisionChanges(db: Database): Promise<DivisionChangeNote[]> {
  return db
    .select({ kind: divisionChanges.kind, effectiveOn: divisionChanges.effectiveOn, fromCode: divisionChanges.fromCode, fromName: divisionChanges.fromName, toCode: divisionChanges.toCode, toName: divisionChanges.toName, basis: divisionChanges.basis })
    .from(divisionChanges)
    .orderBy(asc(divisionChanges.id));
}

/**
 * What a page rendered on demand needs, read by the index: the published versions of the villages
 * given (and of the villages their division changes name, whose pages they link), indexed as
 * {@link loadPortalData} indexes everything. For those villages it holds what the whole portal's
 * data holds, at a cost that does not grow with the number of villages in the database.
 */
export async function loadVillagesPortalData(db: Database, villageCodes: readonly string[]): Promise<PortalData> {
  const changes = await loadDivisionChanges(db);
  const codes = new Set(villageCodes);
  for (const c of changes) {
    if (!codes.has(c.toCode) && !(c.fromCode && codes.has(c.fromCode))) continue;
    codes.add(c.toCode);
    if (c.fromCode) codes.add(c.fromCode);
  }
  if (codes.size === 0) return indexPortalData([], changes);
  const rows = await db
    .select()
    .from(disclosures)
    .where(and(eq(disclosures.scopeType, 'village'), inArray(disclosures.scopeCode, [...codes])))
    .orderBy(asc(disclosures.id));
  return indexPortalData(rows, changes);
}

/** The villages whose published versions list the project (one, unless it moved). */
export async function villagesListingProject(db: Database, projectCode: string): Promise<string[]> {
  const rows = await db.select({ villageCode: publishedProjects.villageCode }).from(publishedProjects).where(eq(publishedProjects.projectCode, projectCode));
  return rows.map((r) => r.villageCode);
}

/** The scope of the version with this verification code, or null. */
export async function scopeOfVerificationCode(db: Database, code: string): Promise<{ scopeType: 'village' | 'county'; scopeCode: string; year: number } | null> {
  const [row] = await db.select({ scopeType: disclosures.scopeType, scopeCode: disclosures.scopeCode, year: disclosures.year }).from(disclosures).where(eq(disclosures.verificationCode, code)).limit(1);
  return row ?? null;
}

/** The county's published versions (county scope), indexed: what a county version's verification page needs. */
export async function loadCountyPortalData(db: Database, countyCode: string): Promise<PortalData> {
  const rows = await db
    .select()
    .from(disclosures)
    .where(and(eq(disclosures.scopeType, 'county'), eq(disclosures.scopeCode, countyCode)))
    .orderBy(asc(disclosures.id));
  return indexPortalData(rows, []);
}

/**
 * Everything published under one division, a county or a township (its villages' versions, and
 * the county's own for a county), with the division changes of its codes, indexed: a county's open
 * data and search, a township's page, in a site over several counties or rendered on demand.
 */
export async function loadDivisionPortalData(db: Database, code: string): Promise<PortalData> {
  const changes = (await loadDivisionChanges(db)).filter((c) => c.toCode.startsWith(code) || c.fromCode?.startsWith(code));
  const rows = await db.select().from(disclosures).where(codeStartsWith(disclosures.scopeCode, code)).orderBy(asc(disclosures.id));
  return indexPortalData(rows, changes);
}

/** The portal data of this build process (or data change), loaded on first use and shared by every page. */
export const portalData: () => Promise<PortalData> = loadedOnce(() => siteDatabase().then(({ db }) => loadPortalData(db)));

/** One county's or township's portal data ({@link loadDivisionPortalData}), loaded once per build or data change. */
export const divisionPortalData: (code: string) => Promise<PortalData> = loadedOncePer((code) => siteDatabase().then(({ db }) => loadDivisionPortalData(db, code)));
