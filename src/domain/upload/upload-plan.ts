/**
 * What checking an upload produces: every problem found (all of them, in one answer) and, when
 * there is none, the plan of writes. Types only, shared by the per-kind checks and the data layer.
 */
import type { Actor, UploadKind } from '../access/access.ts';
import type { LonLat, CoordSystem } from '../geo/geo.ts';
import type { DirectSubsidyRecord, FundSource, MilestoneKind } from '../ledger/ledger.ts';
import type { Fen } from '../shared/money.ts';
import type { WorkflowState } from '../ledger/workflow.ts';

/** One problem, located by row (as numbered in the file: header = row 1) and column header. */
export interface UploadProblem {
  /** Set on problems that are about scope (the route answers 403 for those). */
  code?: 'OUT_OF_SCOPE';
  row?: number;
  column?: string;
  problem: string;
  received?: string;
  expected?: string;
  hint?: string;
}

/** A row read from the file, with its row number there. */
export interface ParsedRow {
  row: number;
  values: Record<string, unknown>;
}

export interface VillageInfo {
  code: string;
  name: string;
  townshipCode: string;
  /** Set when the village was merged away (村撤并): from its year on, uploads must name the successor. */
  retired?: { on: string; successorCode: string | null; successorName: string | null };
}

export type BudgetBySource = Partial<Record<FundSource, Fen>>;

/** What every check needs to know about a stored project: where it is, its state and its money. */
export interface ExistingProject {
  id: number;
  code: string;
  villageCode: string;
  workflowState: WorkflowState;
  budget: BudgetBySource;
  paid: BudgetBySource;
  /** Dates by milestone; for a payment upload only 县级审批 (all its checks use). */
  milestones: Partial<Record<MilestoneKind, string>>;
  acceptanceResult: 'pass' | 'fail' | null;
}

/** The rest of a stored project's columns, which only a project upload compares (is a re-sent row unchanged?). */
export interface ExistingProjectDetails {
  year: number;
  typeCode: string;
  name: string;
  contentScale: string;
  implementingUnit: string;
  groupName: string | null;
  lon: number | null;
  lat: number | null;
  beneficiaries: number;
  beneficiaryHouseholds: number;
}

export interface ExistingDisbursement {
  projectId: number;
  date: string;
  amountFen: Fen;
  fundSource: FundSource;
  payee: string;
  payeeIsPerson: boolean;
}

export type ExistingSubsidy = { id: number } & Pick<
  DirectSubsidyRecord,
  'beneficiaries' | 'standardFenPerPerson' | 'amountFen' | 'dueDate' | 'paymentDate' | 'channel'
>;

export interface ExistingTraining {
  id: number;
  organizer: string;
  endDate: string;
  trainees: number;
  passed: number;
}

export interface ExistingDocument {
  id: number;
  issuer: string;
  title: string;
  year: number;
  batch: number;
  dateReceived: string;
  amountFen: Fen;
  fundSource: FundSource;
}

/** Everything the checks need to know about the database, loaded by src/data/upload-context.ts. */
export interface UploadContext {
  actor: Pick<Actor, 'role' | 'scopeCode'>;
  /** Today in Asia/Shanghai, ISO date: nothing may be dated later. */
  today: string;
  outline: readonly LonLat[];
  /** What `outline` is: the county's uploaded outline, its village centres' extent with a margin, or nothing better than China. */
  outlineSource: 'outline' | 'village_extent' | 'none';
  villages: ReadonlyMap<string, VillageInfo>;
  townships: ReadonlyMap<string, string>;
  /** Project type by code and by name → code. */
  projectTypes: ReadonlyMap<string, string>;
  projects: ReadonlyMap<string, ExistingProject>;
  /** By project code: loaded for project uploads only. */
  projectDetails: ReadonlyMap<string, ExistingProjectDetails>;
  /** By voucher number. */
  disbursements: ReadonlyMap<string, ExistingDisbursement>;
  /** By `villageCode:year`. */
  directSubsidies: ReadonlyMap<string, ExistingSubsidy>;
  /** By `year:course:startDate:townshipCode`. */
  trainings: ReadonlyMap<string, ExistingTraining>;
  /** By document number. */
  documents: ReadonlyMap<string, ExistingDocument>;
  /** 直补标准 of the county, fen per person per year (household-payments uploads). */
  subsidyStandardFen?: Fen;
  /** 移民村名册 by `villageCode:year` (villages uploads). */
  registry?: ReadonlyMap<string, ExistingRegistry>;
  /** Village centres by code, where known (villages uploads). */
  centres?: ReadonlyMap<string, LonLat>;
  /** Roster households by 户编号 (households and household-payments uploads). */
  households?: ReadonlyMap<string, ExistingHousehold>;
  /** Roster members by the hash of their ID number (households uploads). */
  persons?: ReadonlyMap<string, ExistingPerson>;
  /** 一卡通 results by `householdNumber:year` (household-payments uploads). */
  householdPayments?: ReadonlyMap<string, ExistingHouseholdPayment>;
}

export interface ExistingRegistry {
  migrantPopulation: number;
  migrantHouseholds: number;
  isKeyVillage: boolean;
  note: string | null;
}

export interface ExistingHousehold {
  id: number;
  villageCode: string;
  headName: string;
  population: number | null;
  /** Members 在册 now. */
  registeredMembers: number;
}

export interface ExistingPerson {
  id: number;
  householdNumber: string;
  name: string;
  relation: string;
  registered: boolean;
  removedReason: string | null;
  removedDate: string | null;
}

export interface ExistingHouseholdPayment {
  id: number;
  amountFen: Fen;
  paymentDate: string | null;
  status: 'paid' | 'failed' | 'pending';
  failureReason: string | null;
  remedy: string | null;
}

/** What the roster keeps of a member's ID number (src/domain/villager/roster-key.ts), set on the row before the checks. */
export interface RowIdentity {
  idHash: string;
  idMasked: string;
  idTailHash: string;
}

export interface RegistryWrite {
  villageCode: string;
  year: number;
  migrantPopulation: number;
  migrantHouseholds: number;
  isKeyVillage: boolean;
  note: string | null;
}

export interface PersonWrite extends RowIdentity {
  householdNumber: string;
  name: string;
  relation: string;
  registered: boolean;
  removedReason: string | null;
  removedDate: string | null;
}

export interface HouseholdPaymentWrite {
  householdNumber: string;
  year: number;
  persons: number;
  amountFen: Fen;
  paymentDate: string | null;
  status: 'paid' | 'failed';
  failureReason: string | null;
  remedy: string | null;
}

export interface ProjectWrite {
  code: string;
  year: number;
  villageCode: string;
  groupName: string | null;
  typeCode: string;
  name: string;
  contentScale: string;
  implementingUnit: string;
  lon: number | null;
  lat: number | null;
  locationPrecision: 'exact' | 'village_centre';
  sourceCoordSystem: CoordSystem;
  beneficiaries: number;
  beneficiaryHouseholds: number;
  budget: BudgetBySource;
  appliedDate: string;
  villageReviewedDate: string | null;
  /** State after the write. */
  workflowState: WorkflowState;
}

export type WritePlan =
  | { kind: 'projects'; create: ProjectWrite[]; update: Array<ProjectWrite & { id: number; from: WorkflowState }> }
  | {
      kind: 'disbursements';
      create: Array<{ projectId: number; date: string; amountFen: Fen; fundSource: FundSource; voucherNumber: string; payee: string; payeeIsPerson: boolean }>;
    }
  | {
      kind: 'milestones';
      upsert: Array<{ projectId: number; kind: MilestoneKind; date: string; note: string | null; acceptanceResult: 'pass' | 'fail' | null }>;
    }
  | {
      kind: 'direct-subsidies';
      create: Array<{ villageCode: string; year: number; beneficiaries: number; standardFenPerPerson: Fen; amountFen: Fen; dueDate: string; paymentDate: string | null; channel: string }>;
      update: Array<{ id: number; beneficiaries: number; standardFenPerPerson: Fen; amountFen: Fen; dueDate: string; paymentDate: string | null; channel: string }>;
    }
  | {
      kind: 'trainings';
      create: Array<{ year: number; course: string; organizer: string; startDate: string; endDate: string; townshipCode: string | null; trainees: number; passed: number }>;
      update: Array<{ id: number; organizer: string; endDate: string; trainees: number; passed: number }>;
    }
  | {
      kind: 'allocations';
      documents: Array<{
        existingId: number | null;
        docNumber: string;
        issuer: string;
        title: string;
        year: number;
        batch: number;
        dateReceived: string;
        amountFen: Fen;
        fundSource: FundSource;
        allocations: Array<{ target: 'project' | 'direct_subsidy'; projectId: number | null; villageCode: string | null; year: number; amountFen: Fen }>;
      }>;
    };

export type RosterPlan =
  | { kind: 'villages'; upsert: RegistryWrite[]; centres: Array<{ villageCode: string; lon: number; lat: number }> }
  | {
      kind: 'households';
      createHouseholds: Array<{ householdNumber: string; villageCode: string; headName: string; population: number }>;
      updateHouseholds: Array<{ id: number; headName: string; population: number }>;
      createPersons: PersonWrite[];
      updatePersons: Array<PersonWrite & { id: number }>;
    }
  | { kind: 'household-payments'; create: HouseholdPaymentWrite[]; update: Array<HouseholdPaymentWrite & { id: number }> };

export interface CheckResult {
  kind: UploadKind;
  errors: UploadProblem[];
  warnings: UploadProblem[];
  plan: WritePlan | RosterPlan;
  /** Rows that are already recorded exactly so (re-sent): nothing to write for them. */
  unchanged: number;
}

export function sumBudget(b: BudgetBySource): Fen {
  let sum = 0;
  for (const source in b) sum += b[source as keyof BudgetBySource] ?? 0;
  return sum;
}
