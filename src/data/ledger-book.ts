/**
 * Reads what the 台账 workbook (src/domain/ledger/ledger-book.ts) is built from: the year's
 * projects in every workflow state (loadLedger), their states, the township and village names, the
 * 指标文 and how they were split, and the payments those allocations are set against. Reads no
 * roster table (households, persons, household payments) and no payee or voucher: the workbook
 * names no person.
 */
import { and, eq, inArray, or } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { allocationDocuments, allocations, directSubsidies, disbursements, divisions, projects } from '../../db/schema.ts';
import type { BookPayment, BookProject, FundingAllocation, LedgerBookSource } from '../domain/ledger/ledger-book.ts';
import { codeStartsWith } from './code-prefix.ts';
import type { CountySettings } from './county-settings.ts';
import { loadLedger } from './ledger.ts';

/** A township of the county, or null when `code` is not one (wrong level, another county, unknown). */
export async function findTownship(db: Database, countyCode: string, code: string): Promise<{ code: string; name: string } | null> {
  const [row] = await db
    .select({ code: divisions.code, name: divisions.name })
    .from(divisions)
    .where(and(eq(divisions.code, code), eq(divisions.level, 'township'), eq(divisions.parentCode, countyCode)))
    .limit(1);
  return row ?? null;
}

/** The townships of the county (current and retired), for messages that list what may be asked for. */
export async function listTownships(db: Database, countyCode: string): Promise<Array<{ code: string; name: string }>> {
  return db
    .select({ code: divisions.code, name: divisions.name })
    .from(divisions)
    .where(and(eq(divisions.level, 'township'), eq(divisions.parentCode, countyCode)))
    .orderBy(divisions.code);
}

/**
 * Everything the workbook of `year` needs, for the whole county (the scope is chosen when
 * building): that county's projects, places, documents and payments only, whatever else the
 * database holds.
 */
export async function loadLedgerBookSource(
  db: Database,
  county: Pick<CountySettings, 'countyName' | 'issuingUnit' | 'isSample' | 'subsidyStandardFen'> & { countyCode: string },
  year: number,
): Promise<LedgerBookSource> {
  const { countyCode } = county;
  const ledger = await loadLedger(db, { year, includeUnapproved: true, scopeCode: countyCode });
  // The projects the year's documents fund, whatever their own year: their payments are set
  // against the documents, and their other allocations come first or after.
  const fundedByYear = db
    .select({ id: allocations.projectId })
    .from(allocations)
    .innerJoin(allocationDocuments, eq(allocationDocuments.id, allocations.documentId))
    .where(and(eq(allocationDocuments.countyCode, countyCode), eq(allocationDocuments.year, year), eq(allocations.target, 'project')));

  const documentColumns = {
    id: allocationDocuments.id,
    docNumber: allocationDocuments.docNumber,
    issuer: allocationDocuments.issuer,
    title: allocationDocuments.title,
    year: allocationDocuments.year,
    batch: allocationDocuments.batch,
    dateReceived: allocationDocuments.dateReceived,
    amountFen: allocationDocuments.amountFen,
    fundSource: allocationDocuments.fundSource,
  };
  const [states, places, yearDocuments, allocationRows, otherPayments, subsidyRows] = await db.batch([
    db
      .select({ code: projects.code, workflowState: projects.workflowState })
      .from(projects)
      .where(and(eq(projects.year, year), codeStartsWith(projects.villageCode, countyCode))),
    db
      .select({ code: divisions.code, name: divisions.name, level: divisions.level, parentCode: divisions.parentCode })
      .from(divisions)
      .where(and(inArray(divisions.level, ['township', 'village']), codeStartsWith(divisions.code, countyCode))),
    // The year's documents, also those not split yet.
    db
      .select(documentColumns)
      .from(allocationDocuments)
      .where(and(eq(allocationDocuments.countyCode, countyCode), eq(allocationDocuments.year, year))),
    db
      .select({
        documentId: allocations.documentId,
        target: allocations.target,
        projectCode: projects.code,
        projectVillage: projects.villageCode,
        villageCode: allocations.villageCode,
        year: allocations.year,
        amountFen: allocations.amountFen,
        document: documentColumns,
      })
      .from(allocations)
      .innerJoin(allocationDocuments, eq(allocationDocuments.id, allocations.documentId))
      .leftJoin(projects, eq(projects.id, allocations.projectId))
      // Every allocation to a direct subsidy (a village a year: few) and every one to a project
      // the year's documents fund.
      .where(and(eq(allocationDocuments.countyCode, countyCode), or(eq(allocations.target, 'direct_subsidy'), inArray(allocations.projectId, fundedByYear))))
      .orderBy(allocations.id),
    db
      .select({ code: projects.code, date: disbursements.date, amountFen: disbursements.amountFen, fundSource: disbursements.fundSource })
      .from(disbursements)
      .innerJoin(projects, eq(projects.id, disbursements.projectId))
      .where(inArray(disbursements.projectId, fundedByYear)),
    db
      .select({ villageCode: directSubsidies.villageCode, year: directSubsidies.year, amountFen: directSubsidies.amountFen, paymentDate: directSubsidies.paymentDate })
      .from(directSubsidies)
      .where(codeStartsWith(directSubsidies.villageCode, countyCode)),
  ]);

  const state = new Map(states.map((s) => [s.code, s.workflowState]));
  const bookProjects: BookProject[] = ledger.projects.map((p) => ({ ...p, workflowState: state.get(p.code) ?? 'draft' }));
  const ofYear = new Set(bookProjects.map((p) => p.code));

  // The year's documents, and the other years' ones that fund the same projects or subsidies.
  const documents = new Map<number, LedgerBookSource['documents'][number]>(yearDocuments.map((d) => [d.id, d]));
  const funding: FundingAllocation[] = [];
  for (const a of allocationRows) {
    documents.set(a.document.id, a.document);
    const villageCode = a.target === 'project' ? a.projectVillage : a.villageCode;
    if (!villageCode) continue;
    funding.push({ documentId: a.documentId, target: a.target, projectCode: a.target === 'project' ? a.projectCode : null, villageCode, year: a.year, amountFen: a.amountFen });
  }

  const otherProjectPayments = new Map<string, BookPayment[]>();
  for (const d of otherPayments) {
    if (ofYear.has(d.code)) continue;
    const list = otherProjectPayments.get(d.code) ?? [];
    list.push({ date: d.date, amountFen: d.amountFen, fundSource: d.fundSource });
    otherProjectPayments.set(d.code, list);
  }

  const names = new Map(places.map((p) => [p.code, p.name]));
  const townshipOf = new Map(places.filter((p) => p.level === 'village' && p.parentCode).map((p) => [p.code, p.parentCode!]));
  return {
    countyCode: county.countyCode,
    countyName: county.countyName,
    issuingUnit: county.issuingUnit,
    isSample: county.isSample,
    subsidyStandardFen: county.subsidyStandardFen,
    year,
    names,
    townshipOf,
    projects: bookProjects,
    directSubsidies: ledger.directSubsidies,
    documents: [...documents.values()],
    allocations: funding,
    otherProjectPayments,
    subsidyPayments: subsidyRows,
  };
}
