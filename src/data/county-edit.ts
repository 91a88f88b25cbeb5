/**
 * The county office changing its own settings on the staff page: the stored settings (not the
 * environment's overrides), the project types and the outline. Each change is checked first
 * (src/domain/county/settings-edit.ts, src/domain/county/outline-file.ts) and written in one
 * transaction with an audit entry naming what changed from what; a change to nothing writes nothing.
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
import { settingsFromRow } from './county-settings.ts';
import { writeTransaction, type WriteTx } from './write-lock.ts';

export interface EditedBy {
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

export type EditResult<T> = { ok: true; value: T } | { ok: false; problems: UploadProblem[] };

type Reader = Database | WriteTx;

async function townshipsOf(db: Reader, countyCode: string) {
  return db
    .select({ code: t.divisions.code, name: t.divisions.name })
    .from(t.divisions)
    .where(and(eq(t.divisions.level, 'township'), eq(t.divisions.parentCode, countyCode), isNull(t.divisions.retiredOn)))
    .orderBy(asc(t.divisions.code));
}

async function projectTypesWithUse(db: Reader): Promise<Array<ProjectTypeEdit & { projects: number }>> {
  const types = await db.select().from(t.projectTypes).orderBy(asc(t.projectTypes.sortOrder), asc(t.projectTypes.code));
  const used = await db.select({ code: t.projects.typeCode, n: count() }).from(t.projects).groupBy(t.projects.typeCode);
  const counts = new Map(used.map((u) => [u.code, u.n]));
  return types.map((p) => ({ code: p.code, name: p.name, indicatorGroup: p.indicatorGroup, projects: counts.get(p.code) ?? 0 }));
}

/** Everything the settings form shows; null while the database holds no county. */
export async function loadCountyForEditing(db: Reader, config: Partial<Config> = {}): Promise<CountyForEditing | null> {
  const [row] = await db
    .select({ s: t.countySettings, name: t.divisions.name })
    .from(t.countySettings)
    .innerJoin(t.divisions, eq(t.divisions.code, t.countySettings.countyCode))
    .limit(1);
  if (!row) return null;
  let ring: LonLat[] | null;
  try {
    ring = row.s.outlineJson ? (JSON.parse(row.s.outlineJson) as LonLat[]) : null;
  } catch {
    ring = null;
  }
  const overridden: Array<keyof EditableSettings> = [];
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
    projectTypes: await projectTypesWithUse(db),
    outline: ring ? { points: ring.length, bounds: boundsOf(ring) } : null,
    updatedAt: row.s.updatedAt,
  };
}

const NO_COUNTY: UploadProblem = { problem: '这个数据库里还没有县：请先运行 npm run county -- init <县代码>。' };

/** Applies a settings change; the value is the list of fields that changed (empty: nothing written). */
export async function updateCountySettings(db: Database, patch: SettingsPatch, by: EditedBy): Promise<EditResult<Array<keyof EditableSettings>>> {
  return writeTransaction(db, async (tx) => {
    const [row] = await tx.select().from(t.countySettings).limit(1);
    if (!row) return { ok: false, problems: [NO_COUNTY] };
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

/** Replaces the project types with `wanted` (its order is the display order). */
export async function replaceProjectTypes(db: Database, wanted: ReadonlyArray<{ code: string; name: string; indicatorGroup: IndicatorGroup }>, by: EditedBy): Promise<EditResult<ProjectTypesChange>> {
  return writeTransaction(db, async (tx) => {
    const [row] = await tx.select({ code: t.countySettings.countyCode }).from(t.countySettings).limit(1);
    if (!row) return { ok: false, problems: [NO_COUNTY] };
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
      subjectId: row.code,
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
    const [row] = await tx.select({ code: t.countySettings.countyCode, outline: t.countySettings.outlineJson }).from(t.countySettings).limit(1);
    if (!row) return { ok: false, problems: [NO_COUNTY] };
    let ring: LonLat[] | null = null;
    let notes: string[] = [];
    if (text !== null) {
      const centres = await tx
        .select({ name: t.divisions.name, lon: t.divisions.lon, lat: t.divisions.lat })
        .from(t.divisions)
        .where(and(eq(t.divisions.level, 'village'), isNotNull(t.divisions.lon), isNotNull(t.divisions.lat)));
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

/** The counts behind the staff page's checklist for a county (src/domain/county/setup-checklist.ts). */
export async function loadSetupCounts(db: Reader, rosterKeySet: boolean): Promise<SetupCounts> {
  const n = async (q: Promise<Array<{ n: number }>>) => (await q)[0]?.n ?? 0;
  const divisionCounts = await db.select({ level: t.divisions.level, n: count() }).from(t.divisions).where(isNull(t.divisions.retiredOn)).groupBy(t.divisions.level);
  const level = (l: string) => divisionCounts.find((d) => d.level === l)?.n ?? 0;
  const roles = await db.select({ role: t.users.role, n: count() }).from(t.users).groupBy(t.users.role);
  const role = (r: string) => roles.find((u) => u.role === r)?.n ?? 0;
  const states = await db.select({ state: t.projects.workflowState, n: count() }).from(t.projects).groupBy(t.projects.workflowState);
  const state = (s: string) => states.find((p) => p.state === s)?.n ?? 0;
  const [registry] = await db.select({ year: max(t.villageRegistry.year) }).from(t.villageRegistry);
  return {
    townships: level('township'),
    villages: level('village'),
    resettlementVillages: await n(db.select({ n: count() }).from(t.resettlementVillages)),
    registryYear: registry?.year ?? null,
    households: await n(db.select({ n: count() }).from(t.households)),
    persons: await n(db.select({ n: count() }).from(t.persons)),
    householdPayments: await n(db.select({ n: count() }).from(t.householdPayments)),
    rosterKeySet,
    users: { county: role('county'), township: role('township'), village: role('village'), inspector: role('inspector') },
    projects: states.reduce((sum, s) => sum + s.n, 0),
    approvedProjects: state('county_approved'),
    pendingProjects: state('applied') + state('village_reviewed') + state('township_reviewed') + state('returned'),
    disclosures: await n(db.select({ n: count() }).from(t.disclosures)),
  };
}
