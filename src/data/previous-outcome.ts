/**
 * How the previous version of a village disclosure ended, for the poster of the version after it
 * (issue 7: "when the period ends, the disclosure shows its outcome … in the next poster version").
 * Judged on a given day, never on the wall clock here: the caller passes `today` (Asia/Shanghai),
 * so a poster planned on a day can be drawn again, identically, on any other day.
 */
import { and, asc, desc, eq } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { disclosures } from '../../db/schema.ts';
import { disclosureOutcome, type DisclosureOutcome } from '../domain/villager/feedback.ts';
import type { PreviousDisclosureOutcome } from '../posters/model.ts';
import { listFeedbackRecords, loadDisclosureOutcome } from './feedback.ts';
import { scopeCodeStartsWith } from './disclosures.ts';

/** The period of one published version, as the outcome needs it. */
export interface VersionPeriod {
  id: number;
  version: number;
  periodStart: string;
  periodEnd: string;
}

/** The printable outcome of `version`, or null while its period has not ended on the day `outcome` was judged. */
export function previousOutcomeOf(version: VersionPeriod, outcome: DisclosureOutcome): PreviousDisclosureOutcome | null {
  const { version: v, periodStart, periodEnd } = version;
  if (outcome.state === 'no_objection') return { version: v, periodStart, periodEnd, objections: 0, resolved: 0 };
  if (outcome.state === 'objections') return { version: v, periodStart, periodEnd, objections: outcome.objections, resolved: outcome.resolved };
  return null;
}

/**
 * For every village version of `year` after the first: the outcome on `today` of the version just
 * before it, keyed `<villageCode>/v<version>` (what that version's poster prints as 上次公示结果).
 * Versions whose previous period has not ended are left out. One query for the versions' periods,
 * one for the feedback.
 */
export async function loadPreviousOutcomes(db: Database, year: number, today: string, codePrefixes?: readonly string[]): Promise<Map<string, PreviousDisclosureOutcome>> {
  const rows = await db
    .select({ id: disclosures.id, scopeCode: disclosures.scopeCode, version: disclosures.version, periodStart: disclosures.periodStart, periodEnd: disclosures.periodEnd })
    .from(disclosures)
    .where(and(eq(disclosures.year, year), eq(disclosures.scopeType, 'village'), codePrefixes ? scopeCodeStartsWith(codePrefixes) : undefined))
    .orderBy(asc(disclosures.version));
  const versions = new Map<string, VersionPeriod[]>();
  for (const row of rows) versions.set(row.scopeCode, [...(versions.get(row.scopeCode) ?? []), row]);
  const out = new Map<string, PreviousDisclosureOutcome>();
  if (![...versions.values()].some((list) => list.length > 1)) return out;
  const records = await listFeedbackRecords(db);
  for (const [code, list] of versions) {
    for (let i = 1; i < list.length; i++) {
      const previous = list[i - 1]!;
      const outcome = previousOutcomeOf(previous, disclosureOutcome(previous, records, today, list));
      if (outcome) out.set(`${code}/v${list[i]!.version}`, outcome);
    }
  }
  return out;
}

/**
 * The latest published version of a village and year and its outcome on `today`: what the poster
 * of the next version (a draft preview, say) prints as 上次公示结果. `latest` is null when the
 * village has no published version of that year.
 */
export async function loadLatestOutcome(
  db: Database,
  villageCode: string,
  year: number,
  today: string,
): Promise<{ latest: VersionPeriod | null; outcome: PreviousDisclosureOutcome | null }> {
  const versions = await db
    .select({ id: disclosures.id, version: disclosures.version, periodStart: disclosures.periodStart, periodEnd: disclosures.periodEnd })
    .from(disclosures)
    .where(and(eq(disclosures.year, year), eq(disclosures.scopeType, 'village'), eq(disclosures.scopeCode, villageCode)))
    .orderBy(desc(disclosures.version));
  const latest = versions[0];
  if (!latest) return { latest: null, outcome: null };
  return { latest, outcome: previousOutcomeOf(latest, await loadDisclosureOutcome(db, latest, today, versions)) };
}
