/**
 * Project workflow steps (申请 → 复核 → 审核 → 审批, or back for revision): each transition
 * updates the project, records a workflow step (actor, time, comment), the lifecycle milestone and
 * an audit entry, all in one transaction.
 */
import { and, asc, desc, eq, inArray, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import * as t from '../../db/schema.ts';
import { actorUnit, inScope, type Actor } from '../domain/access/access.ts';
import { ACTION_MILESTONE, decideTransition, type WorkflowAction, type WorkflowState } from '../domain/ledger/workflow.ts';
import { appendAudit } from './audit.ts';
import { writeTransaction } from './write-lock.ts';
import { codeStartsWith } from './code-prefix.ts';

export type TransitionOutcome =
  | { ok: true; code: string; from: WorkflowState; to: WorkflowState; stepId: number }
  | { ok: false; code: 'NOT_FOUND' | 'OUT_OF_SCOPE' | 'TRANSITION_NOT_ALLOWED' | 'REASON_REQUIRED' | 'WRONG_ROLE'; message: string };

export interface TransitionInput {
  actor: Actor;
  projectCode: string;
  action: WorkflowAction;
  comment: string | null;
  at: string;
  today: string;
  requestId: string | null;
  countyUnit: string;
}

export async function transitionProject(db: Database, input: TransitionInput): Promise<TransitionOutcome> {
  return writeTransaction(db, async (tx) => {
    const [project] = await tx.select().from(t.projects).where(eq(t.projects.code, input.projectCode)).limit(1);
    if (!project) return { ok: false, code: 'NOT_FOUND', message: `没有编号为 ${input.projectCode} 的项目。` };
    if (!inScope(input.actor, project.villageCode)) {
      return { ok: false, code: 'OUT_OF_SCOPE', message: `项目 ${project.code} 所在的村不在您的管理范围内。` };
    }
    const decision = decideTransition(project.workflowState, input.action, input.actor.role, input.comment);
    if (!decision.ok) return decision;
    const [scope] = await tx.select({ name: t.divisions.name }).from(t.divisions).where(eq(t.divisions.code, input.actor.scopeCode)).limit(1);
    const unit = actorUnit(input.actor.role, scope?.name ?? input.actor.scopeCode, input.countyUnit);
    await tx.update(t.projects).set({ workflowState: decision.to, updatedAt: input.at }).where(eq(t.projects.id, project.id));
    const [step] = await tx
      .insert(t.workflowSteps)
      .values({
        subjectType: 'project',
        subjectId: project.id,
        fromState: project.workflowState,
        toState: decision.to,
        action: input.action,
        actorId: input.actor.userId,
        actorUnit: unit,
        comment: input.comment?.trim() || null,
        at: input.at,
      })
      .returning({ id: t.workflowSteps.id });
    const milestone = ACTION_MILESTONE[input.action];
    if (input.action === 'return') {
      await tx
        .delete(t.projectMilestones)
        .where(and(eq(t.projectMilestones.projectId, project.id), inArray(t.projectMilestones.kind, ['village_reviewed', 'township_reviewed', 'county_approved'])));
    } else if (milestone) {
      await tx
        .insert(t.projectMilestones)
        .values({ projectId: project.id, kind: milestone, date: input.today, actorUnit: unit })
        .onConflictDoUpdate({ target: [t.projectMilestones.projectId, t.projectMilestones.kind], set: { date: input.today, actorUnit: unit } });
    }
    await appendAudit(tx, {
      at: input.at,
      actorId: input.actor.userId,
      actorLabel: input.actor.name,
      action: `workflow.${input.action}`,
      subjectType: 'project',
      subjectId: project.code,
      detail: { from: project.workflowState, to: decision.to, comment: input.comment?.trim() || null },
      requestId: input.requestId,
    });
    return { ok: true, code: project.code, from: project.workflowState, to: decision.to, stepId: step!.id };
  });
}

export interface ProjectListFilter {
  states?: readonly WorkflowState[];
  year?: number;
  villageCode?: string;
  limit?: number;
  offset?: number;
}

/** Projects within the actor's scope (newest first), with budget total. */
export async function listProjects(db: Database, actor: Pick<Actor, 'scopeCode'>, filter: ProjectListFilter = {}) {
  const where: SQL | undefined = and(
    codeStartsWith(t.projects.villageCode, actor.scopeCode),
    filter.states && filter.states.length > 0 ? inArray(t.projects.workflowState, [...filter.states]) : undefined,
    filter.year !== undefined ? eq(t.projects.year, filter.year) : undefined,
    filter.villageCode ? eq(t.projects.villageCode, filter.villageCode) : undefined,
  );
  const rows = await db
    .select({
      code: t.projects.code,
      year: t.projects.year,
      villageCode: t.projects.villageCode,
      villageName: t.divisions.name,
      name: t.projects.name,
      typeCode: t.projects.typeCode,
      workflowState: t.projects.workflowState,
      updatedAt: t.projects.updatedAt,
    })
    .from(t.projects)
    .innerJoin(t.divisions, eq(t.divisions.code, t.projects.villageCode))
    .where(where)
    .orderBy(desc(t.projects.updatedAt), asc(t.projects.code))
    .limit(Math.min(filter.limit ?? 100, 1000))
    .offset(filter.offset ?? 0);
  const ids = rows.length === 0 ? [] : await db.select({ id: t.projects.id, code: t.projects.code }).from(t.projects).where(inArray(t.projects.code, rows.map((r) => r.code)));
  const idByCode = new Map(ids.map((r) => [r.code, r.id]));
  const budgets = ids.length === 0 ? [] : await db.select().from(t.projectBudgets).where(inArray(t.projectBudgets.projectId, ids.map((r) => r.id)));
  const totals = new Map<number, number>();
  for (const b of budgets) totals.set(b.projectId, (totals.get(b.projectId) ?? 0) + b.amountFen);
  return rows.map((r) => ({ ...r, budgetFen: totals.get(idByCode.get(r.code)!) ?? 0 }));
}

/** One project with budget lines, milestones, disbursements and workflow history; null if absent. */
export async function getProject(db: Database, code: string) {
  const [project] = await db.select().from(t.projects).where(eq(t.projects.code, code)).limit(1);
  if (!project) return null;
  const [budget, milestones, disbursements, steps] = await db.batch([
    db.select({ fundSource: t.projectBudgets.fundSource, amountFen: t.projectBudgets.amountFen }).from(t.projectBudgets).where(eq(t.projectBudgets.projectId, project.id)),
    db.select({ kind: t.projectMilestones.kind, date: t.projectMilestones.date, actorUnit: t.projectMilestones.actorUnit, note: t.projectMilestones.note }).from(t.projectMilestones).where(eq(t.projectMilestones.projectId, project.id)),
    db
      .select({ date: t.disbursements.date, amountFen: t.disbursements.amountFen, fundSource: t.disbursements.fundSource, voucherNumber: t.disbursements.voucherNumber, payee: t.disbursements.payee })
      .from(t.disbursements)
      .where(eq(t.disbursements.projectId, project.id))
      .orderBy(asc(t.disbursements.date)),
    db
      .select({ fromState: t.workflowSteps.fromState, toState: t.workflowSteps.toState, action: t.workflowSteps.action, actorUnit: t.workflowSteps.actorUnit, comment: t.workflowSteps.comment, at: t.workflowSteps.at })
      .from(t.workflowSteps)
      .where(and(eq(t.workflowSteps.subjectType, 'project'), eq(t.workflowSteps.subjectId, project.id)))
      .orderBy(asc(t.workflowSteps.id)),
  ]);
  const { id: _id, ...rest } = project;
  return { ...rest, budget, milestones, disbursements, steps };
}
