/**
 * 满意度问卷 answers in the database: one row per phone per year from the village pages, and the
 * paper results the county enters per village. Only counts ever leave this module.
 */
import { and, eq } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { divisions, resettlementVillages, satisfactionPaperResults, satisfactionResponses } from '../../db/schema.ts';
import type { PaperResultInput, SatisfactionAnswers } from '../domain/villager/satisfaction.ts';
import { appendAudit } from './audit.ts';
import { codeStartsWith } from './code-prefix.ts';
import { writeTransaction } from './write-lock.ts';

/** The village's name when it is a resettlement village (the survey is for those), else null. */
export async function surveyVillage(db: Database, villageCode: string): Promise<{ code: string; name: string } | null> {
  const [row] = await db
    .select({ code: divisions.code, name: divisions.name })
    .from(resettlementVillages)
    .innerJoin(divisions, eq(divisions.code, resettlementVillages.villageCode))
    .where(eq(resettlementVillages.villageCode, villageCode))
    .limit(1);
  return row ?? null;
}

/** Whether this phone has answered this year. */
export async function hasAnswered(db: Database, year: number, deviceKey: string): Promise<boolean> {
  const [row] = await db.select({ id: satisfactionResponses.id }).from(satisfactionResponses).where(and(eq(satisfactionResponses.year, year), eq(satisfactionResponses.deviceKey, deviceKey))).limit(1);
  return row !== undefined;
}

/** Stores one phone's answers for the year; `already` when it answered this year before. */
export async function recordSatisfaction(db: Database, input: { year: number; villageCode: string; deviceKey: string; answers: SatisfactionAnswers; at: string }): Promise<'recorded' | 'already'> {
  const inserted = await db
    .insert(satisfactionResponses)
    .values({ year: input.year, villageCode: input.villageCode, deviceKey: input.deviceKey, answersJson: JSON.stringify(input.answers), createdAt: input.at })
    .onConflictDoNothing()
    .returning({ id: satisfactionResponses.id });
  return inserted.length > 0 ? 'recorded' : 'already';
}

/** The resettlement villages within `scopeCode` (the staff member's county), code → name, for checking paper results. */
export async function resettlementVillageNames(db: Database, scopeCode: string): Promise<Map<string, string>> {
  const rows = await db
    .select({ code: divisions.code, name: divisions.name })
    .from(resettlementVillages)
    .innerJoin(divisions, eq(divisions.code, resettlementVillages.villageCode))
    .where(codeStartsWith(resettlementVillages.villageCode, scopeCode));
  return new Map(rows.map((r) => [r.code, r.name]));
}

/** Paper results of a year per village within `scopeCode`. */
export async function listPaperResults(db: Database, year: number, scopeCode: string) {
  return db
    .select()
    .from(satisfactionPaperResults)
    .where(and(eq(satisfactionPaperResults.year, year), codeStartsWith(satisfactionPaperResults.villageCode, scopeCode)))
    .orderBy(satisfactionPaperResults.villageCode);
}

/** Replaces the paper results of the given villages for a year (checked rows), audited, in one transaction. */
export async function savePaperResults(db: Database, input: { year: number; rows: readonly PaperResultInput[]; actorId: number | null; actorLabel: string; at: string; requestId: string | null }): Promise<void> {
  await writeTransaction(db, async (tx) => {
    for (const r of input.rows) {
      const values = { respondents: r.respondents, satisfied: r.satisfied, updatedAt: input.at, updatedBy: input.actorLabel };
      await tx
        .insert(satisfactionPaperResults)
        .values({ year: input.year, villageCode: r.villageCode, ...values })
        .onConflictDoUpdate({ target: [satisfactionPaperResults.year, satisfactionPaperResults.villageCode], set: values });
    }
    await appendAudit(tx, {
      at: input.at,
      actorId: input.actorId,
      actorLabel: input.actorLabel,
      action: 'satisfaction.paper',
      subjectType: 'satisfaction',
      subjectId: String(input.year),
      detail: { year: input.year, villages: input.rows.length, respondents: input.rows.reduce((s, r) => s + r.respondents, 0) },
      requestId: input.requestId,
    });
  });
}
