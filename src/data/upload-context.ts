/** Loads what the upload checks need to know (src/domain/upload-plan.ts UploadContext). */
import { inArray, sql } from 'drizzle-orm';
import * as t from '../../db/schema.ts';
import type { Actor, UploadKind } from '../domain/access.ts';
import { COUNTY_OUTLINE_RING } from '../domain/county-outline.ts';
import type { FundSource, MilestoneKind } from '../domain/ledger.ts';
import type { ExistingDisbursement, ExistingProject, UploadContext, VillageInfo } from '../domain/upload-plan.ts';
import type { Database } from '../../db/database.ts';
import type { WriteTx } from './write-lock.ts';

type Reader = WriteTx | Database;

const CHUNK = 500;
function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

export async function loadUploadContext(
  db: Reader,
  input: { actor: Pick<Actor, 'role' | 'scopeCode'>; kind: UploadKind; today: string; projectCodes: readonly string[]; voucherNumbers: readonly string[] },
): Promise<UploadContext> {
  const { kind } = input;
  const divisionRows = await db.select({ code: t.divisions.code, name: t.divisions.name, level: t.divisions.level, parentCode: t.divisions.parentCode }).from(t.divisions);
  const villages = new Map<string, VillageInfo>();
  const townships = new Map<string, string>();
  for (const d of divisionRows) {
    if (d.level === 'village') villages.set(d.code, { code: d.code, name: d.name, townshipCode: d.parentCode ?? '' });
    else if (d.level === 'township') townships.set(d.code, d.name);
  }
  const projectTypes = new Map<string, string>();
  if (kind === 'projects') {
    for (const pt of await db.select().from(t.projectTypes)) {
      projectTypes.set(pt.code, pt.code);
      projectTypes.set(pt.name, pt.code);
    }
  }
  const projects = new Map<string, ExistingProject>();
  if (kind === 'projects' || kind === 'disbursements' || kind === 'milestones' || kind === 'allocations') {
    for (const codes of chunks(input.projectCodes)) await loadProjects(db, codes, projects);
  }
  const disbursements = new Map<string, ExistingDisbursement>();
  if (kind === 'disbursements') {
    for (const vouchers of chunks(input.voucherNumbers)) {
      const rows = await db
        .select({ voucherNumber: t.disbursements.voucherNumber, projectId: t.disbursements.projectId, date: t.disbursements.date, amountFen: t.disbursements.amountFen, fundSource: t.disbursements.fundSource, payee: t.disbursements.payee, payeeIsPerson: t.disbursements.payeeIsPerson })
        .from(t.disbursements)
        .where(inArray(t.disbursements.voucherNumber, vouchers));
      for (const { voucherNumber, ...r } of rows) disbursements.set(voucherNumber, r);
    }
  }
  const directSubsidies = new Map<string, UploadContext['directSubsidies'] extends ReadonlyMap<string, infer V> ? V : never>();
  if (kind === 'direct-subsidies') {
    for (const r of await db.select().from(t.directSubsidies)) directSubsidies.set(`${r.villageCode}:${r.year}`, r);
  }
  const trainings = new Map<string, UploadContext['trainings'] extends ReadonlyMap<string, infer V> ? V : never>();
  if (kind === 'trainings') {
    for (const r of await db.select().from(t.trainings)) trainings.set(`${r.year}:${r.course}:${r.startDate}:${r.townshipCode ?? ''}`, r);
  }
  const documents = new Map<string, UploadContext['documents'] extends ReadonlyMap<string, infer V> ? V : never>();
  if (kind === 'allocations') {
    const rows = await db
      .select({
        id: t.allocationDocuments.id,
        docNumber: t.allocationDocuments.docNumber,
        issuer: t.allocationDocuments.issuer,
        title: t.allocationDocuments.title,
        year: t.allocationDocuments.year,
        batch: t.allocationDocuments.batch,
        dateReceived: t.allocationDocuments.dateReceived,
        amountFen: t.allocationDocuments.amountFen,
        fundSource: t.allocationDocuments.fundSource,
        allocatedFen: sql<number>`coalesce((select sum(${t.allocations.amountFen}) from ${t.allocations} where ${t.allocations.documentId} = ${t.allocationDocuments.id}), 0)`,
      })
      .from(t.allocationDocuments);
    for (const { docNumber, ...r } of rows) documents.set(docNumber, r);
  }
  return { actor: input.actor, today: input.today, outline: COUNTY_OUTLINE_RING, villages, townships, projectTypes, projects, disbursements, directSubsidies, trainings, documents };
}

async function loadProjects(db: Reader, codes: string[], into: Map<string, ExistingProject>): Promise<void> {
  if (codes.length === 0) return;
  const rows = await db.select().from(t.projects).where(inArray(t.projects.code, codes));
  if (rows.length === 0) return;
  const ids = rows.map((r) => r.id);
  const byId = new Map<number, ExistingProject>();
  for (const r of rows) {
    const p: ExistingProject = {
      id: r.id,
      code: r.code,
      year: r.year,
      villageCode: r.villageCode,
      workflowState: r.workflowState,
      typeCode: r.typeCode,
      name: r.name,
      contentScale: r.contentScale,
      implementingUnit: r.implementingUnit,
      groupName: r.groupName,
      lon: r.lon,
      lat: r.lat,
      sourceCoordSystem: r.sourceCoordSystem === 'CGCS2000' || r.sourceCoordSystem === 'WGS84' || r.sourceCoordSystem === 'GCJ02' || r.sourceCoordSystem === 'BD09' ? r.sourceCoordSystem : 'CGCS2000',
      beneficiaries: r.beneficiaries,
      beneficiaryHouseholds: r.beneficiaryHouseholds,
      budget: {},
      paid: {},
      milestones: {},
      acceptanceResult: r.acceptanceResult,
    };
    byId.set(r.id, p);
    into.set(r.code, p);
  }
  const budgets = await db.select().from(t.projectBudgets).where(inArray(t.projectBudgets.projectId, ids));
  for (const b of budgets) byId.get(b.projectId)!.budget[b.fundSource as FundSource] = b.amountFen;
  const paid = await db
    .select({ projectId: t.disbursements.projectId, fundSource: t.disbursements.fundSource, total: sql<number>`sum(${t.disbursements.amountFen})` })
    .from(t.disbursements)
    .where(inArray(t.disbursements.projectId, ids))
    .groupBy(t.disbursements.projectId, t.disbursements.fundSource);
  for (const p of paid) byId.get(p.projectId)!.paid[p.fundSource as FundSource] = Number(p.total);
  const milestones = await db.select().from(t.projectMilestones).where(inArray(t.projectMilestones.projectId, ids));
  for (const m of milestones) byId.get(m.projectId)!.milestones[m.kind as MilestoneKind] = m.date;
}
