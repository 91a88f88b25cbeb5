/**
 * The ledger (台账) as plain data: what indicators are computed from and what a disclosure
 * snapshot contains. No framework, database or clock here; loaders in src/data build these
 * from the drizzle tables, or read them back out of a published snapshot.
 */
import type { Fen } from '../shared/money.ts';

export type FundSource = 'central' | 'provincial' | 'county' | 'other';
export const FUND_SOURCE_ORDER: readonly FundSource[] = ['central', 'provincial', 'county', 'other'];

export type IndicatorGroup = 'beautiful_home' | 'production_infrastructure' | 'training' | 'hazard_relief' | 'other';

export type MilestoneKind =
  | 'applied'
  | 'village_reviewed'
  | 'township_reviewed'
  | 'county_approved'
  | 'started'
  | 'completed'
  | 'accepted'
  | 'settled';

/** Lifecycle order of milestones; a project's status is the latest one reached. */
export const MILESTONE_ORDER: readonly MilestoneKind[] = [
  'applied',
  'village_reviewed',
  'township_reviewed',
  'county_approved',
  'started',
  'completed',
  'accepted',
  'settled',
];

export interface Milestone {
  kind: MilestoneKind;
  /** ISO date, e.g. 2022-05-10 */
  date: string;
  /** The unit that took the step (public), e.g. 柏坊镇人民政府. */
  actorUnit: string | null;
}

export interface BudgetLine {
  fundSource: FundSource;
  amountFen: Fen;
}

export interface Disbursement {
  date: string;
  amountFen: Fen;
  fundSource: FundSource;
  voucherNumber: string;
  /** Already masked when the record comes from a published snapshot. */
  payee: string;
}

export interface ProjectRecord {
  code: string;
  year: number;
  villageCode: string;
  townshipCode: string;
  groupName: string | null;
  typeCode: string;
  typeName: string;
  indicatorGroup: IndicatorGroup;
  name: string;
  contentScale: string;
  implementingUnit: string;
  lon: number | null;
  lat: number | null;
  locationPrecision: 'exact' | 'village_centre';
  acceptanceResult: 'pass' | 'fail' | null;
  beneficiaries: number;
  beneficiaryHouseholds: number;
  budget: BudgetLine[];
  milestones: Milestone[];
  disbursements: Disbursement[];
}

export interface DirectSubsidyRecord {
  villageCode: string;
  townshipCode: string;
  year: number;
  beneficiaries: number;
  standardFenPerPerson: Fen;
  amountFen: Fen;
  dueDate: string;
  paymentDate: string | null;
  channel: string;
}

export interface TrainingRecord {
  year: number;
  course: string;
  organizer: string;
  startDate: string;
  endDate: string;
  townshipCode: string | null;
  trainees: number;
  passed: number;
}

/** Everything the indicators of one year need. */
export interface Ledger {
  projects: ProjectRecord[];
  directSubsidies: DirectSubsidyRecord[];
  trainings: TrainingRecord[];
}
