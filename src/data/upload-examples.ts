/**
 * The county's own codes for the upload templates and the code cells' messages
 * (src/domain/upload/upload-examples.ts): its first current resettlement village in code order
 * (else its first current village), that village's township and centre. Nothing without a
 * county: the templates then show placeholders. With `scopeCode` (a staff member's scope, in a
 * database of several counties), its county's first such village.
 */
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import * as t from '../../db/schema.ts';
import { codeStartsWith } from './code-prefix.ts';
import { isWithinOneCounty } from '../domain/access/access.ts';
import { NO_EXAMPLES, type UploadExamples } from '../domain/upload/upload-examples.ts';

export async function loadUploadExamples(db: Database, scopeCode?: string): Promise<UploadExamples> {
  // A retired division (村撤并) is no example: uploads name its successor.
  const county = scopeCode && isWithinOneCounty(scopeCode) ? scopeCode.slice(0, 6) : undefined;
  const level = (l: 'village' | 'township') => and(eq(t.divisions.level, l), isNull(t.divisions.retiredOn), county ? codeStartsWith(t.divisions.code, county) : undefined);
  const columns = { code: t.divisions.code, name: t.divisions.name, parentCode: t.divisions.parentCode, lon: t.divisions.lon, lat: t.divisions.lat };
  const [resettlement, village, township] = await db.batch([
    db.select(columns).from(t.divisions).innerJoin(t.resettlementVillages, eq(t.resettlementVillages.villageCode, t.divisions.code)).where(level('village')).orderBy(asc(t.divisions.code)).limit(1),
    db.select(columns).from(t.divisions).where(level('village')).orderBy(asc(t.divisions.code)).limit(1),
    db.select({ code: t.divisions.code }).from(t.divisions).where(level('township')).orderBy(asc(t.divisions.code)).limit(1),
  ]);
  const v = resettlement[0] ?? village[0];
  if (!v) return township[0] ? { ...NO_EXAMPLES, townshipCode: township[0].code } : NO_EXAMPLES;
  return {
    villageCode: v.code,
    villageName: v.name,
    townshipCode: v.parentCode ?? township[0]?.code ?? null,
    centre: v.lon !== null && v.lat !== null ? [round4(v.lon), round4(v.lat)] : null,
  };
}

/** Four decimals (about 10 m), as a person would type a point read off a map. */
const round4 = (x: number) => Math.round(x * 1e4) / 1e4;
