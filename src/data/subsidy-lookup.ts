/**
 * The roster queries behind "my direct subsidy". Every lookup runs the same three queries in the
 * same order whether the person exists, the second factor is wrong or everything matches: the
 * candidate query, the village name and the payments/head of the matched household (household
 * id -1 when nothing matched). Candidates are compared in constant time over a fixed number of
 * slots (src/domain/villager/subsidy-lookup.ts). No ID number is stored at all: the typed last 6
 * characters are hashed with the roster key and compared with the stored hash of each candidate's.
 */
import { and, eq } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { divisions, householdPayments, households, persons } from '../../db/schema.ts';
import {
  foundAnswer,
  matchCandidates,
  notFoundAnswer,
  type Candidate,
  type HouseholdPayment,
  type LookupAnswer,
  type LookupRequest,
} from '../domain/villager/subsidy-lookup.ts';
import { idTailHash } from '../domain/villager/roster-key.ts';

export interface LookupOutcome {
  answer: LookupAnswer;
  /** The matched household, for the audit log; null when nothing matched. */
  householdId: number | null;
  /** The village the request is about (from the form or the household number). */
  villageCode: string;
}

/** The village a request is about: chosen in id mode, the first 12 digits of a household number. */
export function requestVillageCode(req: LookupRequest): string {
  return req.mode === 'id' ? req.villageCode : req.householdNumber.slice(0, 12);
}

async function candidatesFor(db: Database, req: LookupRequest): Promise<Candidate[]> {
  if (req.mode === 'id') {
    return db
      .select({
        householdId: persons.householdId,
        name: persons.name,
        secret: persons.idTailHash,
      })
      .from(persons)
      .innerJoin(households, eq(households.id, persons.householdId))
      .where(and(eq(households.villageCode, req.villageCode), eq(persons.name, req.name)));
  }
  // Household mode: the name is both the identifier and the factor; every member is a candidate.
  return db
    .select({ householdId: persons.householdId, name: persons.name, secret: persons.name })
    .from(persons)
    .innerJoin(households, eq(households.id, persons.householdId))
    .where(eq(households.householdNumber, req.householdNumber));
}

/** Looks up one household's direct-subsidy payments; see the module comment for the equal-work rule. */
export async function lookupSubsidy(db: Database, req: LookupRequest, rosterKey: string): Promise<LookupOutcome> {
  const villageCode = requestVillageCode(req);
  const candidates = await candidatesFor(db, req);
  const secret = req.mode === 'id' ? await idTailHash(rosterKey, req.idTail) : req.name;
  const householdId = matchCandidates(candidates, req.name, secret);

  const [village] = await db.select({ name: divisions.name }).from(divisions).where(eq(divisions.code, villageCode));
  const [head] = await db
    .select({ headName: households.headName, villageCode: households.villageCode })
    .from(households)
    .where(eq(households.id, householdId));
  const payments: HouseholdPayment[] = await db
    .select({
      year: householdPayments.year,
      persons: householdPayments.persons,
      amountFen: householdPayments.amountFen,
      paymentDate: householdPayments.paymentDate,
      status: householdPayments.status,
      failureReason: householdPayments.failureReason,
    })
    .from(householdPayments)
    .where(eq(householdPayments.householdId, householdId));

  // A household outside the chosen village cannot match in id mode (the query filters on it); the
  // check below guards household mode against a number whose prefix is not its village.
  if (householdId < 0 || !head || !village || head.villageCode !== villageCode) {
    return { answer: notFoundAnswer(), householdId: null, villageCode };
  }
  return {
    answer: foundAnswer({ personName: req.name, headName: head.headName, villageName: village.name, payments }),
    householdId,
    villageCode,
  };
}
