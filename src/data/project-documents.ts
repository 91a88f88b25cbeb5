/**
 * 项目档案 in the database: a project's documents (the bytes are in the file storage under
 * `storageKey`), each county's per-type setting of what is public (a document follows the setting
 * of its project's county), the review, removal, the
 * checklist of what a project still lacks (`listMissingDocuments`, for the gaps screen) and the
 * public documents the site lists on project pages.
 *
 * Whether a document is public is decided in one place (isDocumentShown); every write that can
 * change it records the moment: `publishedAt` the first time a document is shown, `withdrawnAt`
 * each time it stops being shown, so its address can say 已撤下 and when (410), never 404.
 */
import { and, asc, eq, inArray, isNull, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { projectDocumentPolicies, projectDocuments, projectMilestones, projects } from '../../db/schema.ts';
import {
  DEFAULT_DOCUMENT_POLICY,
  documentPublicPath,
  isDocumentShown,
  missingDocumentTypes,
  PROJECT_DOCUMENT_TYPE_LABELS,
  PROJECT_DOCUMENT_TYPES,
  type DocumentContentType,
  type DocumentPolicy,
  type ProjectDocumentType,
} from '../domain/ledger/project-documents.ts';
import type { WriteTx } from './write-lock.ts';
import { loadedOnce } from './site-cache.ts';
import { codeStartsWith } from './code-prefix.ts';
import { countyOfCode } from './county-settings.ts';

type Db = Database | WriteTx;
export type ProjectDocumentRow = typeof projectDocuments.$inferSelect;

/** The setting per type of county `countyCode`: its stored rows over the defaults. */
export async function loadDocumentPolicy(db: Db, countyCode: string): Promise<DocumentPolicy> {
  return (await loadDocumentPolicies(db, countyCode)).get(countyCode) ?? { ...DEFAULT_DOCUMENT_POLICY };
}

/** Every county's setting (of `countyCode` only, when given) by county code; a county with no stored row is absent (the defaults). */
async function loadDocumentPolicies(db: Db, countyCode?: string): Promise<Map<string, DocumentPolicy>> {
  const rows = await db
    .select({ countyCode: projectDocumentPolicies.countyCode, docType: projectDocumentPolicies.docType, isPublic: projectDocumentPolicies.isPublic })
    .from(projectDocumentPolicies)
    .where(countyCode === undefined ? undefined : eq(projectDocumentPolicies.countyCode, countyCode));
  const byCounty = new Map<string, DocumentPolicy>();
  for (const r of rows) {
    const policy = byCounty.get(r.countyCode) ?? { ...DEFAULT_DOCUMENT_POLICY };
    policy[r.docType] = r.isPublic;
    byCounty.set(r.countyCode, policy);
  }
  return byCounty;
}

/** The setting that applies to the documents of project `projectCode`: its county's (the defaults for an unknown project). */
export async function loadDocumentPolicyOfProject(db: Db, projectCode: string): Promise<DocumentPolicy> {
  const [project] = await db.select({ villageCode: projects.villageCode }).from(projects).where(eq(projects.code, projectCode));
  return project ? loadDocumentPolicy(db, countyOfCode(project.villageCode)) : { ...DEFAULT_DOCUMENT_POLICY };
}

/** A project as the documents need it: where it is and how far it got. */
export interface DocumentProject {
  code: string;
  name: string;
  year: number;
  villageCode: string;
  workflowState: string;
  milestones: string[];
}

export async function getDocumentProject(db: Db, code: string): Promise<DocumentProject | null> {
  const [p] = await db
    .select({ id: projects.id, code: projects.code, name: projects.name, year: projects.year, villageCode: projects.villageCode, workflowState: projects.workflowState })
    .from(projects)
    .where(eq(projects.code, code))
    .limit(1);
  if (!p) return null;
  const kinds = await db.select({ kind: projectMilestones.kind }).from(projectMilestones).where(eq(projectMilestones.projectId, p.id));
  const { id: _id, ...rest } = p;
  return { ...rest, milestones: kinds.map((k) => k.kind) };
}

export interface NewProjectDocument {
  projectCode: string;
  docType: ProjectDocumentType;
  title: string;
  storageKey: string;
  contentType: DocumentContentType;
  byteSize: number;
  sha256: string;
  uploadedBy: number;
  uploadedAt: string;
  /** The type's setting at upload: public once reviewed, unless the county turns it off. */
  isPublic: boolean;
}

export async function insertProjectDocument(tx: Db, doc: NewProjectDocument): Promise<number> {
  const [row] = await tx.insert(projectDocuments).values(doc).returning({ id: projectDocuments.id });
  return row!.id;
}

export async function getProjectDocument(db: Db, id: number): Promise<ProjectDocumentRow | null> {
  const [row] = await db.select().from(projectDocuments).where(eq(projectDocuments.id, id)).limit(1);
  return row ?? null;
}

/** A project's documents, removed ones included (the staff page shows them as 已删除), oldest first. */
export async function listProjectDocuments(db: Db, projectCode: string): Promise<ProjectDocumentRow[]> {
  return db.select().from(projectDocuments).where(eq(projectDocuments.projectCode, projectCode)).orderBy(asc(projectDocuments.uploadedAt), asc(projectDocuments.id));
}

/** What the visibility bookkeeping sets when a document goes from shown `before` to shown `after`. */
function visibilityStamp(doc: Pick<ProjectDocumentRow, 'publishedAt'>, before: boolean, after: boolean, at: string): Partial<ProjectDocumentRow> {
  if (!before && after) return { publishedAt: doc.publishedAt ?? at, withdrawnAt: null };
  if (before && !after) return { withdrawnAt: at };
  return {};
}

export interface ReviewChange {
  reviewed: boolean;
  isPublic: boolean;
  by: number;
  at: string;
}

/** Sets the county's tick and the public switch; says whether the document was shown before and is now. */
export async function reviewProjectDocument(tx: WriteTx, doc: ProjectDocumentRow, change: ReviewChange, policy: DocumentPolicy): Promise<{ before: boolean; after: boolean }> {
  const before = isDocumentShown(doc, policy);
  const next = {
    isPublic: change.isPublic,
    reviewedAt: change.reviewed ? (doc.reviewedAt ?? change.at) : null,
    reviewedBy: change.reviewed ? (doc.reviewedAt ? doc.reviewedBy : change.by) : null,
  };
  const after = isDocumentShown({ ...doc, ...next }, policy);
  await tx
    .update(projectDocuments)
    .set({ ...next, ...visibilityStamp(doc, before, after, change.at) })
    .where(eq(projectDocuments.id, doc.id));
  return { before, after };
}

/** Marks a document removed (its row stays, so a public address answers 410); says whether it was shown. */
export async function removeProjectDocument(tx: WriteTx, doc: ProjectDocumentRow, by: number, at: string, policy: DocumentPolicy): Promise<{ wasShown: boolean }> {
  const wasShown = isDocumentShown(doc, policy);
  await tx
    .update(projectDocuments)
    .set({ removedAt: at, removedBy: by, ...visibilityStamp(doc, wasShown, false, at) })
    .where(eq(projectDocuments.id, doc.id));
  return { wasShown };
}

/**
 * Saves county `countyCode`'s per-type setting and stamps the documents of its projects it shows or
 * hides; returns the codes and years of the projects whose public documents changed (none: no
 * rebuild needed). Another county's documents are untouched.
 */
export async function saveDocumentPolicy(
  tx: WriteTx,
  countyCode: string,
  next: DocumentPolicy,
  by: string,
  at: string,
): Promise<{ before: DocumentPolicy; changedProjects: Array<{ code: string; year: number }> }> {
  const before = await loadDocumentPolicy(tx, countyCode);
  for (const type of PROJECT_DOCUMENT_TYPES) {
    await tx
      .insert(projectDocumentPolicies)
      .values({ countyCode, docType: type, isPublic: next[type], updatedAt: at, updatedBy: by })
      .onConflictDoUpdate({ target: [projectDocumentPolicies.countyCode, projectDocumentPolicies.docType], set: { isPublic: next[type], updatedAt: at, updatedBy: by } });
  }
  const flipped = PROJECT_DOCUMENT_TYPES.filter((t) => before[t] !== next[t]);
  if (flipped.length === 0) return { before, changedProjects: [] };
  const docs = (
    await tx
      .select({ doc: projectDocuments })
      .from(projectDocuments)
      .innerJoin(projects, eq(projects.code, projectDocuments.projectCode))
      .where(and(inArray(projectDocuments.docType, flipped), isNull(projectDocuments.removedAt), codeStartsWith(projects.villageCode, countyCode)))
  ).map((r) => r.doc);
  const changed = new Map<string, number>();
  for (const doc of docs) {
    const was = isDocumentShown(doc, before);
    const is = isDocumentShown(doc, next);
    if (was === is) continue;
    await tx.update(projectDocuments).set(visibilityStamp(doc, was, is, at)).where(eq(projectDocuments.id, doc.id));
    changed.set(doc.projectCode, 0);
  }
  if (changed.size === 0) return { before, changedProjects: [] };
  const years = await tx.select({ code: projects.code, year: projects.year }).from(projects).where(inArray(projects.code, [...changed.keys()]));
  return { before, changedProjects: years };
}

/** Per project, the types it should have by its stage and has no (unremoved) document of. */
export interface MissingDocuments {
  projectCode: string;
  projectName: string;
  year: number;
  villageCode: string;
  townshipCode: string;
  workflowState: string;
  missing: ProjectDocumentType[];
  /** The same in Chinese, e.g. ['批复文件', '合同']. */
  missingLabels: string[];
}

/**
 * The 项目档案 checklist for the gaps screen: every project (of a year, within a county, township or
 * village, when given) that lacks a document its stage calls for (src/domain/ledger/project-documents.ts
 * expectedDocumentTypes), by project code. Projects with nothing missing are left out. A document
 * counts whether or not it is public; a removed one does not.
 */
export async function listMissingDocuments(db: Database, filter: { year?: number | undefined; scopeCode?: string | undefined } = {}): Promise<MissingDocuments[]> {
  const where: SQL | undefined = and(
    filter.year !== undefined ? eq(projects.year, filter.year) : undefined,
    filter.scopeCode ? codeStartsWith(projects.villageCode, filter.scopeCode) : undefined,
  );
  const [rows, milestones, docs] = await db.batch([
    db
      .select({ id: projects.id, code: projects.code, name: projects.name, year: projects.year, villageCode: projects.villageCode, workflowState: projects.workflowState })
      .from(projects)
      .where(where)
      .orderBy(asc(projects.code)),
    db
      .select({ projectId: projectMilestones.projectId, kind: projectMilestones.kind })
      .from(projectMilestones)
      .innerJoin(projects, eq(projects.id, projectMilestones.projectId))
      .where(where),
    db
      .select({ projectCode: projectDocuments.projectCode, docType: projectDocuments.docType })
      .from(projectDocuments)
      .innerJoin(projects, eq(projects.code, projectDocuments.projectCode))
      .where(and(where, isNull(projectDocuments.removedAt))),
  ]);
  const kindsById = new Map<number, string[]>();
  for (const m of milestones) kindsById.set(m.projectId, [...(kindsById.get(m.projectId) ?? []), m.kind]);
  const typesByCode = new Map<string, ProjectDocumentType[]>();
  for (const d of docs) typesByCode.set(d.projectCode, [...(typesByCode.get(d.projectCode) ?? []), d.docType]);
  const out: MissingDocuments[] = [];
  for (const p of rows) {
    const missing = missingDocumentTypes({ workflowState: p.workflowState, milestones: kindsById.get(p.id) ?? [] }, typesByCode.get(p.code) ?? []);
    if (missing.length === 0) continue;
    out.push({
      projectCode: p.code,
      projectName: p.name,
      year: p.year,
      villageCode: p.villageCode,
      townshipCode: p.villageCode.slice(0, 9),
      workflowState: p.workflowState,
      missing,
      missingLabels: missing.map((t) => PROJECT_DOCUMENT_TYPE_LABELS[t]),
    });
  }
  return out;
}

/** A document as the public site lists it. */
export interface PublicProjectDocument {
  id: number;
  projectCode: string;
  docType: ProjectDocumentType;
  title: string;
  contentType: DocumentContentType;
  byteSize: number;
  /** The first time it was public (ISO instant). */
  publishedAt: string;
  path: string;
}

/**
 * Every document on the public site now, by project code, in type order then oldest first; each
 * as its project's county sets its type.
 */
export async function listPublicDocuments(db: Database): Promise<Map<string, PublicProjectDocument[]>> {
  const policies = await loadDocumentPolicies(db);
  const rows = await db
    .select({ doc: projectDocuments, villageCode: projects.villageCode })
    .from(projectDocuments)
    .innerJoin(projects, eq(projects.code, projectDocuments.projectCode))
    .where(and(isNull(projectDocuments.removedAt), eq(projectDocuments.isPublic, true)))
    .orderBy(asc(projectDocuments.projectCode), asc(projectDocuments.uploadedAt), asc(projectDocuments.id));
  const byCode = new Map<string, PublicProjectDocument[]>();
  for (const { doc, villageCode } of rows) {
    if (!isDocumentShown(doc, policies.get(countyOfCode(villageCode)) ?? DEFAULT_DOCUMENT_POLICY)) continue;
    const list = byCode.get(doc.projectCode) ?? [];
    list.push({
      id: doc.id,
      projectCode: doc.projectCode,
      docType: doc.docType,
      title: doc.title,
      contentType: doc.contentType,
      byteSize: doc.byteSize,
      publishedAt: doc.publishedAt ?? doc.reviewedAt ?? doc.uploadedAt,
      path: documentPublicPath(doc),
    });
    byCode.set(doc.projectCode, list);
  }
  const order = (t: ProjectDocumentType) => PROJECT_DOCUMENT_TYPES.indexOf(t);
  for (const list of byCode.values()) list.sort((a, b) => order(a.docType) - order(b.docType));
  return byCode;
}

/** The public documents, loaded once per site build or data change. */
export const sitePublicDocuments: () => Promise<Map<string, PublicProjectDocument[]>> = loadedOnce(async () => {
  const { siteDatabase } = await import('./site-database.ts');
  return listPublicDocuments((await siteDatabase()).db);
});
