/**
 * The county office changing its own settings on the staff page: the stored settings (not the
 * environment's overrides), the project types and the outline. Each change is checked first
 * (src/domain/county/settings-edit.ts, src/domain/county/outline-file.ts) and written in one
 * transaction with an audit entry naming what changed from what; a change to nothing writes nothing.
 * Every function works on one county, the acting user's (`countyCode`): a database may hold
 * several, and one county's staff never read or change another's. The project types are one list
 * for the whole database, so they can be changed only while it holds one county.
 */
import { and, asc, count, eq, isNotNull, isNull, max } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import * as t from '../../db/schema.ts';
import type { Config } from '../config.ts';
import {
  checkProjectTypes,
  checkSettingsPatch,
  SETTING_LABELS,
  type EditableSettings,
  type ProjectTypeEdit,
  type SettingsPatch,
} from '../domain/county/settings-edit.ts';
import type { SetupCounts } from '../domain/county/setup-checklist.ts';
import type { LonLat } from '../domain/geo/geo.ts';
import { boundsOf } from '../domain/geo/geo.ts';
import { readOutlineFile } from '../domain/county/outline-file.ts';
import type { IndicatorGroup } from '../domain/ledger/ledger.ts';
import type { UploadProblem } from '../domain/upload/upload-plan.ts';
import { appendAudit } from './audit.ts';
import { codeStartsWith } from './code-prefix.ts';
import { settingsFromRow } from './county-settings.ts';
import { writeTransaction, type WriteTx } from './write-lock.ts';

export interface EditedBy {
  /** The county being changed: the acting user's (the first six digits of their scope). */
  countyCode: string;
  actorId: number;
  actorLabel: string;
  at: string;
  requestId: string | null;
}

export interface CountyForEditing {
  countyCode: string;
  countyName: string;
  isSample: boolean;
  settings: EditableSettings;
  /** Fields the environment overrides: what is stored is not what is printed until it is unset. */
  overridden: Array<keyof EditableSettings>;
  townships: Array<{ code: string; name: string }>;
  projectTypes: Array<ProjectTypeEdit & { projects: number }>;
  outline: { points: number; bounds: { minLon: number; minLat: number; maxLon: number; maxLat: number } } | null;
  updatedAt: string;
}

/**
 * A refused change: `problems` says why. `shared` marks a change that would reach the other
 * counties of the database (the project types), refused whatever its content.
 */
export type EditResult<T> = { ok: true; value: T } | { ok: false; problems: UploadProblem[]; shared?: true };

type Reader = Database | WriteTx;

async function townshipsOf(db: Reader, countyCode: string) {
  return db
    .select({ code: t.divisions.code, name: t.divisions.name })
    .from(t.divisions)
    .where(and(eq(t.divisions.level, 'township'), eq(t.divisions.parentCode, countyCode), isNull(t.divisions.retiredOn)))
    .orderBy(asc(t.divisions.code));
}

/** The shared types, each with how many projects use it: of `countyCode` when given (what its staff see), else of the whole database. */
async function projectTypesWithUse(db: Reader, countyCode?: string): Promise<Array<ProjectTypeEdit & { projects: number }>> {
  const types = await db.select().from(t.projectTypes).orderBy(asc(t.projectTypes.sortOrder), asc(t.projectTypes.code));
  const used = await db
    .select({ code: t.projects.typeCode, n: count() })
    .from(t.projects)
    .where(countyCode === undefined ? undefined : codeStartsWith(t.projects.villageCode, countyCode))
    .groupBy(t.projects.typeCode);
  const counts = new Map(used.map((u) => [u.code, u.n]));
  return types.map((p) => ({ code: p.code, name: p.name, indicatorGroup: p.indicatorGroup, projects: counts.get(p.code) ?? 0 }));
}

async function countyCount(db: Reader): Promise<number> {
  const [row] = await db.select({ n: count() }).from(t.countySettings);
  return row?.n ?? 0;
}

/** Everything the settings form shows of the county `countyCode`; null while the database holds no such county. */
export async function loadCountyForEditing(db: Reader, countyCode: string, config: Partial<Config> = {}): Promise<CountyForEditing | null> {
  const [row] = await db
    .select({ s: t.countySettings, name: t.divisions.name })
    .from(t.countySettings)
    .innerJoin(t.divisions, eq(t.divisions.code, t.countySettings.countyCode))
    .where(eq(t.countySettings.countyCode, countyCode));
  if (!row) return null;
  let ring: LonLat[] | null;
  try {
    ring = row.s.outlineJson ? (JSON.parse(row.s.outlineJson) as LonLat[]) : null;
  } catch {
    ring = null;
  }
  const overridden: Array<keyof EditableSettings> = [];
  // As in loadCountySettings: the environment overrides only a database's one county.
  if ((await countyCount(db)) > 1) config = {};
  if (config.ISSUING_UNIT !== undefined) overridden.push('issuingUnit');
  if (config.COUNTY_SUPERVISION_PHONES !== undefined) overridden.push('supervisionPhones');
  if (config.SUPERVISION_ADDRESS !== undefined) overridden.push('supervisionAddress');
  if (config.DISCLOSURE_PERIOD_DAYS !== undefined) overridden.push('disclosurePeriodDays');
  return {
    countyCode: row.s.countyCode,
    countyName: row.name,
    isSample: row.s.isSample,
    settings: settingsFromRow(row.s),
    overridden,
    townships: await townshipsOf(db, row.s.countyCode),
    projectTypes: await projectTypesWithUse(db, row.s.countyCode),
    outline: ring ? { points: ring.length, bounds: boundsOf(ring) } : null,
    updatedAt: row.s.updatedAt,
  };
}

const noCounty = (countyCode: string): UploadProblem => ({
  problem: `这个数据库里没有县 ${countyCode}：请先运行 npm run county -- init ${countyCode}。`,
  received: countyCode,
  expected: '已建立的县的代码',
});

async function settingsRow(tx: Reader, countyCode: string) {
  const [row] = await tx.select().from(t.countySettings).where(eq(t.countySettings.countyCode, countyCode));
  return row;
}

/** Applies a settings change; the value is the list of fields that changed (empty: nothing written). */
export async function updateCountySettings(db: Database, patch: SettingsPatch, by: EditedBy): Promise<EditResult<Array<keyof EditableSettings>>> {
  return writeTransaction(db, async (tx) => {
    const row = await settingsRow(tx, by.countyCode);
    if (!row) return { ok: false, problems: [noCounty(by.countyCode)] };
    const townships = new Map((await townshipsOf(tx, row.countyCode)).map((d) => [d.code, d.name]));
    const current = settingsFromRow(row);
    const check = checkSettingsPatch(current, patch, townships);
    if (!check.ok) return check;
    if (check.changed.length === 0) return { ok: true, value: [] };
    const n = check.next;
    await tx
      .update(t.countySettings)
      .set({
        issuingUnit: n.issuingUnit,
        supervisionPhones: n.supervisionPhones.join(';'),
        townshipPhones: JSON.stringify(n.townshipPhones),
        supervisionAddress: n.supervisionAddress,
        disclosurePeriodDays: n.disclosurePeriodDays,
        posterTitleTemplate: n.posterTitleTemplate,
        subsidyStandardFen: n.subsidyStandardFen,
        updatedAt: by.at,
      })
      .where(eq(t.countySettings.countyCode, row.countyCode));
    await appendAudit(tx, {
      at: by.at,
      actorId: by.actorId,
      actorLabel: by.actorLabel,
      action: 'county.settings',
      subjectType: 'county',
      subjectId: row.countyCode,
      detail: { changes: Object.fromEntries(check.changed.map((k) => [SETTING_LABELS[k], { from: current[k], to: n[k] }])) },
      requestId: by.requestId,
    });
    return { ok: true, value: check.changed };
  });
}

export interface ProjectTypesChange {
  added: string[];
  removed: string[];
  renamed: string[];
  reordered: boolean;
}

/**
 * Replaces the project types with `wanted` (its order is the display order). The types are one
 * list for the whole database: in a database with more than one county this is refused (`shared`)
 * and writes nothing, since one county's staff must not change the types of the others.
 */
export async function replaceProjectTypes(db: Database, wanted: ReadonlyArray<{ code: string; name: string; indicatorGroup: IndicatorGroup }>, by: EditedBy): Promise<EditResult<ProjectTypesChange>> {
  return writeTransaction(db, async (tx) => {
    const row = await settingsRow(tx, by.countyCode);
    if (!row) return { ok: false, problems: [noCounty(by.countyCode)] };
    const counties = await countyCount(tx);
    if (counties > 1) {
      return {
        ok: false,
        shared: true,
        problems: [
          {
            problem: `改项目类型会影响同一平台上的其他县：这个平台上有 ${counties} 个县共用一套项目类型，不能由一个县单独修改。`,
            received: `${counties} 个县`,
            expected: '平台上只有本县时才能在这里修改',
            hint: '需要增改项目类型，请联系平台管理员与各县商定后统一修改。',
          },
        ],
      };
    }
    const current = await projectTypesWithUse(tx);
    const check = checkProjectTypes(current, wanted, new Map(current.map((c) => [c.code, c.projects])));
    if (!check.ok) return check;
    const reordered = current.map((c) => c.code).filter((c) => !check.removed.includes(c)).join() !== check.types.map((c) => c.code).filter((c) => !check.added.includes(c)).join();
    const change = { added: check.added, removed: check.removed, renamed: check.renamed, reordered };
    if (change.added.length + change.removed.length + change.renamed.length === 0 && !reordered) return { ok: true, value: change };
    for (const code of check.removed) await tx.delete(t.projectTypes).where(eq(t.projectTypes.code, code));
    for (const type of check.types) {
      await tx
        .insert(t.projectTypes)
        .values(type)
        .onConflictDoUpdate({ target: t.projectTypes.code, set: { name: type.name, indicatorGroup: type.indicatorGroup, sortOrder: type.sortOrder } });
    }
    await appendAudit(tx, {
      at: by.at,
      actorId: by.actorId,
      actorLabel: by.actorLabel,
      action: 'county.project_types',
      subjectType: 'county',
      subjectId: row.countyCode,
      detail: { ...change, types: check.types.map((p) => `${p.code}:${p.name}:${p.indicatorGroup}`) },
      requestId: by.requestId,
    });
    return { ok: true, value: change };
  });
}

/**
 * Stores the county outline from a GeoJSON file's text, or removes it (null): locations are then
 * checked against the village centres' extent again. The value is the notes to show (parts left
 * out, village centres outside).
 */
export async function setCountyOutline(db: Database, text: string | null, by: EditedBy): Promise<EditResult<{ points: number; notes: string[] }>> {
  return writeTransaction(db, async (tx) => {
    const [row] = await tx
      .select({ code: t.countySettings.countyCode, outline: t.countySettings.outlineJson })
      .from(t.countySettings)
      .where(eq(t.countySettings.countyCode, by.countyCode));
    if (!row) return { ok: false, problems: [noCounty(by.countyCode)] };
    let ring: LonLat[] | null = null;
    let notes: string[] = [];
    if (text !== null) {
      const centres = await tx
        .select({ name: t.divisions.name, lon: t.divisions.lon, lat: t.divisions.lat })
        .from(t.divisions)
        .where(and(eq(t.divisions.level, 'village'), codeStartsWith(t.divisions.code, row.code), isNotNull(t.divisions.lon), isNotNull(t.divisions.lat)));
      const read = readOutlineFile(text, centres.map((c) => ({ name: c.name, point: [c.lon!, c.lat!] as const })));
      if (!read.ok) return read;
      ring = read.ring;
      notes = read.notes;
    }
    const json = ring ? JSON.stringify(ring) : null;
    if (json === row.outline) return { ok: true, value: { points: ring?.length ?? 0, notes } };
    await tx.update(t.countySettings).set({ outlineJson: json, updatedAt: by.at }).where(eq(t.countySettings.countyCode, row.code));
    await appendAudit(tx, {
      at: by.at,
      actorId: by.actorId,
      actorLabel: by.actorLabel,
      action: ring ? 'county.outline' : 'county.outline_removed',
      subjectType: 'county',
      subjectId: row.code,
      detail: ring ? { points: ring.length, bounds: boundsOf(ring), notes } : {},
      requestId: by.requestId,
    });
    return { ok: true, value: { points: ring?.length ?? 0, notes } };
  });
}

/**
 * The counts behind the staff page's checklist for the county `countyCode`
 * (src/domain/county/setup-checklist.ts): its own divisions, registry, roster, users, projects and
 * disclosures only.
 */
export async function loadSetupCounts(db: Reader, countyCode: string, rosterKeySet: boolean): Promise<SetupCounts> {
  const n = async (q: Promise<Array<{ n: number }>>) => (await q)[0]?.n ?? 0;
  const divisionCounts = await db
    .select({ level: t.divisions.level, n: count() })
    .from(t.divisions)
    .where(and(codeStartsWith(t.divisions.code, countyCode), isNull(t.divisions.retiredOn)))
    .groupBy(t.divisions.level);
  const level = (l: string) => divisionCounts.find((d) => d.level === l)?.n ?? 0;
  const roles = await db.select({ role: t.users.role, n: count() }).from(t.users).where(codeStartsWith(t.users.scopeCode, countyCode)).groupBy(t.users.role);
  const role = (r: string) => roles.find((u) => u.role === r)?.n ?? 0;
  const states = await db
    .select({ state: t.projects.workflowState, n: count() })
    .from(t.projects)
    .where(codeStartsWith(t.projects.villageCode, countyCode))
    .groupBy(t.projects.workflowState);
  const state = (s: string) => states.find((p) => p.state === s)?.n ?? 0;
  const [registry] = await db.select({ year: max(t.villageRegistry.year) }).from(t.villageRegistry).where(codeStartsWith(t.villageRegistry.villageCode, countyCode));
  const ownHouseholds = codeStartsWith(t.households.villageCode, countyCode);
  return {
    townships: level('township'),
    villages: level('village'),
    resettlementVillages: await n(db.select({ n: count() }).from(t.resettlementVillages).where(codeStartsWith(t.resettlementVillages.villageCode, countyCode))),
    registryYear: registry?.year ?? null,
    households: await n(db.select({ n: count() }).from(t.households).where(ownHouseholds)),
    persons: await n(db.select({ n: count() }).from(t.persons).innerJoin(t.households, eq(t.households.id, t.persons.householdId)).where(ownHouseholds)),
    householdPayments: await n(db.select({ n: count() }).from(t.householdPayments).innerJoin(t.households, eq(t.households.id, t.householdPayments.householdId)).where(ownHouseholds)),
    rosterKeySet,
    users: { county: role('county'), township: role('township'), village: role('village'), inspector: role('inspector') },
    projects: states.reduce((sum, s) => sum + s.n, 0),
    approvedProjects: state('county_approved'),
    pendingProjects: state('applied') + state('village_reviewed') + state('township_reviewed') + state('returned'),
    disclosures: await n(db.select({ n: count() }).from(t.disclosures).where(codeStartsWith(t.disclosures.scopeCode, countyCode))),
  };
}
