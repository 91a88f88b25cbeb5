/**
 * The approval workflow of a project as a state machine:
 * 村申请 (applied) → 村理财小组复核 (village_reviewed) → 乡镇审核 (township_reviewed) → 县级审批
 * (county_approved). At each step the reviewer whose turn it is may instead return the project
 * for revision, with a reason; the village (or whoever uploads for it) then resubmits it.
 */
import type { Role } from '../access/access.ts';

export const WORKFLOW_STATES = ['draft', 'applied', 'village_reviewed', 'township_reviewed', 'county_approved', 'returned'] as const;
export type WorkflowState = (typeof WORKFLOW_STATES)[number];

export const WORKFLOW_ACTIONS = ['village_review', 'township_review', 'county_approve', 'return', 'resubmit'] as const;
export type WorkflowAction = (typeof WORKFLOW_ACTIONS)[number];

export const STATE_LABELS: Readonly<Record<WorkflowState, string>> = {
  draft: '草稿',
  applied: '村申请（待村理财小组复核）',
  village_reviewed: '村理财小组已复核（待乡镇审核）',
  township_reviewed: '乡镇已审核（待县级审批）',
  county_approved: '县级已审批',
  returned: '已退回修改',
};

export const ACTION_LABELS: Readonly<Record<WorkflowAction, string>> = {
  village_review: '村理财小组复核',
  township_review: '乡镇审核',
  county_approve: '县级审批',
  return: '退回修改',
  resubmit: '重新提交',
};

/** Whose turn it is in each state that waits for a review. */
const REVIEWER: Partial<Record<WorkflowState, Role>> = {
  applied: 'village',
  village_reviewed: 'township',
  township_reviewed: 'county',
};

const FORWARD: Partial<Record<WorkflowState, { action: WorkflowAction; to: WorkflowState }>> = {
  applied: { action: 'village_review', to: 'village_reviewed' },
  village_reviewed: { action: 'township_review', to: 'township_reviewed' },
  township_reviewed: { action: 'county_approve', to: 'county_approved' },
};

/** The milestone a forward step records (the lifecycle milestones of src/domain/ledger/ledger.ts). */
export const ACTION_MILESTONE: Partial<Record<WorkflowAction, 'applied' | 'village_reviewed' | 'township_reviewed' | 'county_approved'>> = {
  village_review: 'village_reviewed',
  township_review: 'township_reviewed',
  county_approve: 'county_approved',
  resubmit: 'applied',
};

export type TransitionResult =
  | { ok: true; to: WorkflowState }
  | { ok: false; code: 'TRANSITION_NOT_ALLOWED' | 'REASON_REQUIRED' | 'WRONG_ROLE'; message: string };

/**
 * Decides a transition. Scope (is this project in the actor's township/village?) is checked by the
 * caller; this decides whether the role may take this action from this state.
 *
 * @example decideTransition('village_reviewed', 'township_review', 'township', null) // { ok: true, to: 'township_reviewed' }
 */
export function decideTransition(from: WorkflowState, action: WorkflowAction, role: Role, comment: string | null): TransitionResult {
  const state = STATE_LABELS[from];
  if (action === 'resubmit') {
    if (from !== 'returned') return notAllowed(`只有“已退回修改”的项目可以重新提交，这个项目当前是“${state}”。`);
    if (role === 'inspector') return wrongRole(role, action);
    return { ok: true, to: 'applied' };
  }
  const reviewer = REVIEWER[from];
  if (!reviewer) return notAllowed(`项目当前是“${state}”，不能${ACTION_LABELS[action]}。`);
  if (action === 'return') {
    if (role !== reviewer) return wrongRole(role, action, reviewer);
    if (!comment || comment.trim().length < 2) {
      return { ok: false, code: 'REASON_REQUIRED', message: '退回修改必须写明原因（例如“预算与实施方案不符，请核实”）。' };
    }
    return { ok: true, to: 'returned' };
  }
  const forward = FORWARD[from]!;
  if (forward.action !== action) {
    return notAllowed(`项目当前是“${state}”，下一步应是“${ACTION_LABELS[forward.action]}”，不能“${ACTION_LABELS[action]}”。`);
  }
  if (role !== reviewer) return wrongRole(role, action, reviewer);
  return { ok: true, to: forward.to };
}

/** The action a role would take next on a project in `state`, if it is that role's turn. */
export function pendingActionFor(state: WorkflowState, role: Role): WorkflowAction | null {
  return REVIEWER[state] === role ? FORWARD[state]!.action : null;
}

const ROLE_NAMES: Readonly<Record<Role, string>> = { county: '县级', township: '乡镇', village: '村', inspector: '监督检查员' };

function notAllowed(message: string): TransitionResult {
  return { ok: false, code: 'TRANSITION_NOT_ALLOWED', message };
}

function wrongRole(role: Role, action: WorkflowAction, expected?: Role): TransitionResult {
  const who = expected ? `这一步应由${ROLE_NAMES[expected]}办理` : '监督检查员只能查看';
  return { ok: false, code: 'WRONG_ROLE', message: `${ROLE_NAMES[role]}账号不能“${ACTION_LABELS[action]}”：${who}。` };
}
