/**
 * What a question is about, in words, and where its page is: for the form served without
 * JavaScript (`/feedback/send/`), which is rendered per request and cannot take the label from
 * the static page. Reads published names only (projects, divisions, disclosures).
 */
import { eq } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { disclosures, divisions, projects } from '../../db/schema.ts';
import type { ResolvedSubject } from './feedback.ts';

export interface SubjectLabel {
  /** e.g. `沙水村委会 · 村道硬化` */
  label: string;
  /** The public page of the subject. */
  href: string;
}

async function divisionName(db: Database, code: string | null): Promise<string> {
  if (!code) return '';
  const [d] = await db.select({ name: divisions.name }).from(divisions).where(eq(divisions.code, code));
  return d?.name ?? code;
}

/** The label and page of a resolved subject. */
export async function subjectLabel(db: Database, subject: ResolvedSubject): Promise<SubjectLabel> {
  const village = await divisionName(db, subject.villageCode);
  if (subject.subjectType === 'project') {
    const [p] = await db.select({ name: projects.name }).from(projects).where(eq(projects.code, subject.subjectRef));
    return { label: `${village} · ${p?.name ?? subject.subjectRef}`, href: `/projects/${encodeURIComponent(subject.subjectRef)}/` };
  }
  if (subject.subjectType === 'village') return { label: village, href: `/villages/${subject.subjectRef}/` };
  const [d] = subject.disclosureId === null ? [] : await db.select({ year: disclosures.year }).from(disclosures).where(eq(disclosures.id, subject.disclosureId));
  const what = `${d ? `${d.year}年度` : ''}公示（核对码 ${subject.subjectRef}）`;
  return {
    label: village ? `${village} ${what}` : `全县${what}`,
    href: subject.villageCode ? `/villages/${subject.villageCode}/` : `/verify/${encodeURIComponent(subject.subjectRef)}/`,
  };
}
