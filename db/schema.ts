/**
 * The whole data model of the portal, as drizzle tables over SQLite/libSQL.
 *
 * Conventions (docs/glossary.md):
 * - money is integer fen in `*_fen` columns, never a float;
 * - dates are ISO `YYYY-MM-DD` strings, timestamps ISO 8601 strings in UTC;
 * - division codes are the official 统计用区划代码: 6-digit county, 9-digit township, 12-digit village.
 *
 * The ledger tables (projects, budget lines, milestones, disbursements, direct subsidies, trainings)
 * are internal and mutable through the workflow. What the public sees is only ever a published
 * `disclosures` row, which is immutable (enforced by triggers in the migrations).
 */
import { sql } from 'drizzle-orm';
import {
  check,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';

export const DIVISION_LEVELS = ['province', 'city', 'county', 'township', 'village'] as const;
export const FUND_SOURCES = ['central', 'provincial', 'county', 'other'] as const;
export const COORD_SYSTEMS = ['WGS84', 'CGCS2000', 'GCJ02', 'BD09'] as const;
export const LOCATION_PRECISIONS = ['exact', 'village_centre'] as const;
export const MILESTONE_KINDS = [
  'applied',
  'village_reviewed',
  'township_reviewed',
  'county_approved',
  'started',
  'completed',
  'accepted',
  'settled',
] as const;
export const WORKFLOW_STATES = [
  'draft',
  'applied',
  'village_reviewed',
  'township_reviewed',
  'county_approved',
  'returned',
] as const;
export const ROLES = ['county', 'township', 'village', 'inspector'] as const;

const nowIso = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;
const createdAt = () => text('created_at').notNull().default(nowIso);

/**
 * County → township → village, keyed by the official division code; above the counties of a
 * database, their city (4 digits) and province (2 digits), the scope of an inspector who oversees
 * several counties.
 */
export const divisions = sqliteTable(
  'divisions',
  {
    code: text('code').primaryKey(),
    name: text('name').notNull(),
    level: text('level', { enum: DIVISION_LEVELS }).notNull(),
    parentCode: text('parent_code'),
    /** Longitude/latitude in CGCS2000 (= WGS-84 at this precision). */
    lon: real('lon'),
    lat: real('lat'),
    /** Where the coordinates came from, e.g. `sample` (generated, 示例数据) or `survey`. */
    coordSource: text('coord_source'),
    /**
     * The day the division ceased to exist (村撤并, or a new code), or null while current. A retired
     * division keeps its row, so its published history stays; uploads name its successor instead.
     */
    retiredOn: text('retired_on'),
    /** The division it was merged into or renumbered as, when retired. */
    successorCode: text('successor_code'),
  },
  (t) => [
    index('divisions_parent_idx').on(t.parentCode),
    check(
      'divisions_level_code_len',
      sql`(${t.level} = 'province' AND length(${t.code}) = 2) OR (${t.level} = 'city' AND length(${t.code}) = 4) OR (${t.level} = 'county' AND length(${t.code}) = 6) OR (${t.level} = 'township' AND length(${t.code}) = 9) OR (${t.level} = 'village' AND length(${t.code}) = 12)`,
    ),
  ],
);

/**
 * Division changes as the county records them (`npm run county -- changes`): a rename (same code),
 * a merge or renumbering (from → to, the old code retired) or a new division. Public facts: the
 * pages of the villages concerned say what happened and link old and new.
 */
export const divisionChanges = sqliteTable(
  'division_changes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind', { enum: ['rename', 'merge', 'new'] }).notNull(),
    effectiveOn: text('effective_on').notNull(),
    /** The division before the change (null for a new one). */
    fromCode: text('from_code').references(() => divisions.code),
    fromName: text('from_name'),
    toCode: text('to_code')
      .notNull()
      .references(() => divisions.code),
    toName: text('to_name').notNull(),
    /** 依据, e.g. the approving document's number. */
    basis: text('basis').notNull().default(''),
    recordedAt: text('recorded_at').notNull().default(nowIso),
  },
  (t) => [index('division_changes_from_idx').on(t.fromCode), index('division_changes_to_idx').on(t.toCode)],
);

/** Per village with resettled migrants (移民村): its migrant figures. */
export const resettlementVillages = sqliteTable('resettlement_villages', {
  villageCode: text('village_code')
    .primaryKey()
    .references(() => divisions.code),
  migrantPopulation: integer('migrant_population').notNull(),
  migrantHouseholds: integer('migrant_households').notNull(),
  /** 重点移民村 */
  isKeyVillage: integer('is_key_village', { mode: 'boolean' }).notNull().default(false),
  /** Supervision phone of the village (a public office line, never a private mobile). */
  supervisionPhone: text('supervision_phone'),
});

/**
 * 移民村名册 by year: the migrant figures are verified again every year (人口核定核减), so each
 * year keeps its own; `resettlement_villages` holds the latest year's figures.
 */
export const villageRegistry = sqliteTable(
  'village_registry',
  {
    villageCode: text('village_code')
      .notNull()
      .references(() => divisions.code),
    year: integer('year').notNull(),
    migrantPopulation: integer('migrant_population').notNull(),
    migrantHouseholds: integer('migrant_households').notNull(),
    isKeyVillage: integer('is_key_village', { mode: 'boolean' }).notNull().default(false),
    note: text('note'),
  },
  (t) => [
    primaryKey({ columns: [t.villageCode, t.year] }),
    check('village_registry_counts', sql`${t.migrantPopulation} >= 0 AND ${t.migrantHouseholds} >= 0 AND ${t.migrantHouseholds} <= ${t.migrantPopulation}`),
  ],
);

/**
 * The counties this database serves and their settings (one row per county). `is_sample` marks the
 * sample county (示例数据); the sample never shares a database with a real county.
 */
export const countySettings = sqliteTable('county_settings', {
  countyCode: text('county_code')
    .primaryKey()
    .references(() => divisions.code),
  isSample: integer('is_sample', { mode: 'boolean' }).notNull().default(false),
  /** 公示单位, e.g. 某某县水库移民事务中心 */
  issuingUnit: text('issuing_unit').notNull(),
  /** County 监督电话, `;`-separated. */
  supervisionPhones: text('supervision_phones').notNull().default(''),
  /** Township 监督电话 as JSON {"<9-digit code>": "0734-…"}. */
  townshipPhones: text('township_phones').notNull().default('{}'),
  /** 受理地址 */
  supervisionAddress: text('supervision_address').notNull().default(''),
  disclosurePeriodDays: integer('disclosure_period_days').notNull().default(10),
  /** Null: the default title template (src/posters/title.ts). */
  posterTitleTemplate: text('poster_title_template'),
  /** 直补标准, fen per person per year (600 元 = 60000). */
  subsidyStandardFen: integer('subsidy_standard_fen').notNull().default(60000),
  /** The county outline as a GeoJSON Polygon's outer ring `[[lon, lat], …]` (WGS-84), or null. */
  outlineJson: text('outline_json'),
  updatedAt: text('updated_at').notNull().default(nowIso),
});

/** Configurable project types; `indicatorGroup` says which self-evaluation count a type feeds. */
export const projectTypes = sqliteTable('project_types', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  indicatorGroup: text('indicator_group', {
    enum: ['beautiful_home', 'production_infrastructure', 'training', 'hazard_relief', 'other'],
  }).notNull(),
  sortOrder: integer('sort_order').notNull().default(0),
});

/**
 * 指标文: a document that allocates post-support money to a county. A province's document number
 * allocates to many counties, so the number is unique per county: two counties in one database
 * each record 湘财农指〔2022〕12号 with their own amount.
 */
export const allocationDocuments = sqliteTable(
  'allocation_documents',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The county the money was allocated to. */
    countyCode: text('county_code')
      .notNull()
      .references(() => divisions.code),
    issuer: text('issuer').notNull(),
    /** e.g. 湘财农指〔2022〕12号 */
    docNumber: text('doc_number').notNull(),
    title: text('title').notNull(),
    year: integer('year').notNull(),
    batch: integer('batch').notNull(),
    dateReceived: text('date_received').notNull(),
    amountFen: integer('amount_fen').notNull(),
    fundSource: text('fund_source', { enum: FUND_SOURCES }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('allocation_documents_county_doc_number_uq').on(t.countyCode, t.docNumber),
    check('allocation_documents_amount_nonneg', sql`${t.amountFen} >= 0`),
  ],
);

/** How a document's money is split: to a project, or to a village's direct subsidy for a year. */
export const allocations = sqliteTable(
  'allocations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    documentId: integer('document_id')
      .notNull()
      .references(() => allocationDocuments.id),
    target: text('target', { enum: ['project', 'direct_subsidy'] }).notNull(),
    projectId: integer('project_id').references(() => projects.id),
    villageCode: text('village_code').references(() => divisions.code),
    year: integer('year').notNull(),
    amountFen: integer('amount_fen').notNull(),
  },
  (t) => [
    index('allocations_document_idx').on(t.documentId),
    index('allocations_project_idx').on(t.projectId),
    check('allocations_amount_nonneg', sql`${t.amountFen} >= 0`),
    check(
      'allocations_target_ref',
      sql`(${t.target} = 'project' AND ${t.projectId} IS NOT NULL) OR (${t.target} = 'direct_subsidy' AND ${t.villageCode} IS NOT NULL)`,
    ),
  ],
);

export const projects = sqliteTable(
  'projects',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Stable public code, printed on posters and used in `/projects/<code>/`. */
    code: text('code').notNull(),
    year: integer('year').notNull(),
    villageCode: text('village_code')
      .notNull()
      .references(() => divisions.code),
    /** Optional 组 (villager group) within the village. */
    groupName: text('group_name'),
    typeCode: text('type_code')
      .notNull()
      .references(() => projectTypes.code),
    name: text('name').notNull(),
    /** 建设内容及规模, e.g. 硬化道路1.2公里 */
    contentScale: text('content_scale').notNull(),
    implementingUnit: text('implementing_unit').notNull(),
    lon: real('lon'),
    lat: real('lat'),
    locationPrecision: text('location_precision', { enum: LOCATION_PRECISIONS })
      .notNull()
      .default('village_centre'),
    /** The coordinate system the location was captured in; stored lon/lat are converted to CGCS2000. */
    sourceCoordSystem: text('source_coord_system', { enum: COORD_SYSTEMS }).notNull().default('CGCS2000'),
    workflowState: text('workflow_state', { enum: WORKFLOW_STATES }).notNull().default('draft'),
    /** 验收结果: null until inspected. */
    acceptanceResult: text('acceptance_result', { enum: ['pass', 'fail'] }),
    beneficiaries: integer('beneficiaries').notNull().default(0),
    beneficiaryHouseholds: integer('beneficiary_households').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: text('updated_at').notNull().default(nowIso),
  },
  (t) => [
    uniqueIndex('projects_code_uq').on(t.code),
    index('projects_village_year_idx').on(t.villageCode, t.year),
    index('projects_year_idx').on(t.year),
  ],
);

/** Approved budget of a project, per fund source. */
export const projectBudgets = sqliteTable(
  'project_budgets',
  {
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    fundSource: text('fund_source', { enum: FUND_SOURCES }).notNull(),
    amountFen: integer('amount_fen').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.fundSource] }),
    check('project_budgets_amount_nonneg', sql`${t.amountFen} >= 0`),
  ],
);

/** Dated lifecycle milestones (申请, 复核, 审核, 审批, 开工, 完工, 验收, 决算). */
export const projectMilestones = sqliteTable(
  'project_milestones',
  {
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: MILESTONE_KINDS }).notNull(),
    date: text('date').notNull(),
    /** Public role label of who took the step, e.g. 常宁市库区移民事务中心 (never a private person's full name). */
    actorUnit: text('actor_unit'),
    note: text('note'),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.kind] })],
);

/** 拨付: a payment of project money. */
export const disbursements = sqliteTable(
  'disbursements',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    projectId: integer('project_id')
      .notNull()
      .references(() => projects.id),
    date: text('date').notNull(),
    amountFen: integer('amount_fen').notNull(),
    fundSource: text('fund_source', { enum: FUND_SOURCES }).notNull().default('central'),
    voucherNumber: text('voucher_number').notNull(),
    /** The receiving unit or contractor; a private person's name is masked before publication. */
    payee: text('payee').notNull(),
    payeeIsPerson: integer('payee_is_person', { mode: 'boolean' }).notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    index('disbursements_project_idx').on(t.projectId),
    uniqueIndex('disbursements_voucher_uq').on(t.voucherNumber),
    check('disbursements_amount_pos', sql`${t.amountFen} > 0`),
  ],
);

/** 直补: the direct subsidy paid to a village's migrants for a year (the aggregate that is published). */
export const directSubsidies = sqliteTable(
  'direct_subsidies',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    villageCode: text('village_code')
      .notNull()
      .references(() => divisions.code),
    year: integer('year').notNull(),
    beneficiaries: integer('beneficiaries').notNull(),
    /** 600 元/人/年 by default = 60000 fen. */
    standardFenPerPerson: integer('standard_fen_per_person').notNull().default(60000),
    amountFen: integer('amount_fen').notNull(),
    dueDate: text('due_date').notNull(),
    paymentDate: text('payment_date'),
    channel: text('channel').notNull().default('一卡通'),
  },
  (t) => [
    uniqueIndex('direct_subsidies_village_year_uq').on(t.villageCode, t.year),
    check('direct_subsidies_amount_nonneg', sql`${t.amountFen} >= 0 AND ${t.beneficiaries} >= 0`),
  ],
);

/** Internal roster: households of registered migrants. Identifying fields never leave the internal side. */
export const households = sqliteTable(
  'households',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    villageCode: text('village_code')
      .notNull()
      .references(() => divisions.code),
    /** 户编号, e.g. 430482105205-0012 */
    householdNumber: text('household_number').notNull(),
    headName: text('head_name').notNull(),
    /** 人口 as the roster states it (members 在册). */
    population: integer('population'),
    /** Bank / 一卡通 account: internal only. */
    accountNumber: text('account_number'),
  },
  (t) => [uniqueIndex('households_number_uq').on(t.householdNumber), index('households_village_idx').on(t.villageCode)],
);

/**
 * Members of a roster household. The resident ID number is never stored: only a keyed hash of it
 * (to find the same person again), its masked form (430****3X, for staff) and a keyed hash of its
 * last 6 characters (what 查直补 asks for). The key is ROSTER_KEY (src/domain/villager/roster-key.ts).
 */
export const persons = sqliteTable(
  'persons',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    householdId: integer('household_id')
      .notNull()
      .references(() => households.id),
    name: text('name').notNull(),
    /** HMAC-SHA-256 (hex) of the upper-case 18-character ID number under the roster key. */
    idHash: text('id_hash').notNull(),
    /** e.g. 430****3X: first 3 and last 2 characters. */
    idMasked: text('id_masked').notNull(),
    /** HMAC-SHA-256 (hex) of the ID number's last 6 characters (upper case) under the roster key. */
    idTailHash: text('id_tail_hash').notNull(),
    relation: text('relation').notNull().default('户主'),
    /** 在册 (true) or 核减 (false); a 核减 member keeps their row and payment history. */
    registered: integer('registered', { mode: 'boolean' }).notNull().default(true),
    removedReason: text('removed_reason'),
    removedDate: text('removed_date'),
  },
  (t) => [uniqueIndex('persons_id_hash_uq').on(t.idHash), index('persons_household_idx').on(t.householdId)],
);

/** Per-household direct-subsidy payment for a year (the detail behind `direct_subsidies`). */
export const householdPayments = sqliteTable(
  'household_payments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    householdId: integer('household_id')
      .notNull()
      .references(() => households.id),
    year: integer('year').notNull(),
    persons: integer('persons').notNull(),
    amountFen: integer('amount_fen').notNull(),
    paymentDate: text('payment_date'),
    status: text('status', { enum: ['paid', 'failed', 'pending'] }).notNull(),
    failureReason: text('failure_reason'),
    /** 处理办法 of a failed payment, e.g. 核实后补发. */
    remedy: text('remedy'),
  },
  (t) => [uniqueIndex('household_payments_hh_year_uq').on(t.householdId, t.year)],
);

/** 技能培训: a training course for migrant labour. */
export const trainings = sqliteTable(
  'trainings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The county that ran the course (a county-wide course has no township). */
    countyCode: text('county_code')
      .notNull()
      .references(() => divisions.code),
    year: integer('year').notNull(),
    course: text('course').notNull(),
    organizer: text('organizer').notNull(),
    startDate: text('start_date').notNull(),
    endDate: text('end_date').notNull(),
    /** Township the course served, or null for county-wide. */
    townshipCode: text('township_code').references(() => divisions.code),
    trainees: integer('trainees').notNull(),
    passed: integer('passed').notNull(),
  },
  (t) => [
    index('trainings_county_year_idx').on(t.countyCode, t.year),
    check('trainings_passed_le_trainees', sql`${t.passed} >= 0 AND ${t.passed} <= ${t.trainees}`),
    check('trainings_township_in_county', sql`${t.townshipCode} IS NULL OR substr(${t.townshipCode}, 1, 6) = ${t.countyCode}`),
  ],
);

/** Who took which workflow step on which object, when, with what comment. */
export const workflowSteps = sqliteTable(
  'workflow_steps',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    subjectType: text('subject_type', { enum: ['project', 'direct_subsidy', 'allocation_document'] }).notNull(),
    subjectId: integer('subject_id').notNull(),
    fromState: text('from_state').notNull(),
    toState: text('to_state').notNull(),
    action: text('action').notNull(),
    actorId: integer('actor_id').references(() => users.id),
    actorUnit: text('actor_unit').notNull(),
    comment: text('comment'),
    at: text('at').notNull(),
  },
  (t) => [index('workflow_steps_subject_idx').on(t.subjectType, t.subjectId)],
);

/**
 * 公示: a published snapshot for a scope (a village or the county) and a year. Immutable once
 * inserted (triggers reject UPDATE and DELETE); a correction is a new version with a reason.
 */
export const disclosures = sqliteTable(
  'disclosures',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    scopeType: text('scope_type', { enum: ['county', 'village'] }).notNull(),
    scopeCode: text('scope_code')
      .notNull()
      .references(() => divisions.code),
    year: integer('year').notNull(),
    version: integer('version').notNull(),
    periodStart: text('period_start').notNull(),
    periodEnd: text('period_end').notNull(),
    issuingUnit: text('issuing_unit').notNull(),
    publishedAt: text('published_at').notNull(),
    /** Canonical JSON of the published content (see src/domain/disclosure/disclosure-content.ts). */
    contentJson: text('content_json').notNull(),
    /** sha256 hex of `previousHash + contentJson` (chained). */
    contentHash: text('content_hash').notNull(),
    previousHash: text('previous_hash'),
    /** Short code printed on posters (扫码核验). */
    verificationCode: text('verification_code').notNull(),
    correctionReason: text('correction_reason'),
    isSample: integer('is_sample', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [
    uniqueIndex('disclosures_scope_version_uq').on(t.scopeType, t.scopeCode, t.year, t.version),
    uniqueIndex('disclosures_verification_code_uq').on(t.verificationCode),
    uniqueIndex('disclosures_content_hash_uq').on(t.contentHash),
  ],
);

/**
 * Which villages' published versions list a project, so that the project's page (rendered on
 * demand) reads only those villages' disclosures. Written with each village version in the same
 * transaction; a row is never changed or removed, since a published project's page never dies.
 */
export const publishedProjects = sqliteTable(
  'published_projects',
  {
    projectCode: text('project_code').notNull(),
    villageCode: text('village_code')
      .notNull()
      .references(() => divisions.code),
  },
  (t) => [primaryKey({ columns: [t.projectCode, t.villageCode] })],
);

/** Append-only, hash-chained record of every write (triggers reject UPDATE and DELETE). */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: text('at').notNull(),
    actorId: integer('actor_id'),
    actorLabel: text('actor_label').notNull(),
    action: text('action').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id'),
    detailJson: text('detail_json').notNull().default('{}'),
    requestId: text('request_id'),
    previousHash: text('previous_hash'),
    hash: text('hash').notNull(),
    /**
     * The division the entry belongs to, for reading the log by scope: the county (or, for an
     * account above the counties, its city or province). Not part of the hash: it routes reads,
     * it does not record what happened. Null for an entry of no county (a whole-database step).
     */
    scopeCode: text('scope_code'),
  },
  (t) => [
    index('audit_log_subject_idx').on(t.subjectType, t.subjectId),
    index('audit_log_scope_idx').on(t.scopeCode, t.id),
    // Each entry can be the successor of at most one other: a forked chain fails to insert.
    uniqueIndex('audit_log_previous_hash_uq').on(t.previousHash),
    uniqueIndex('audit_log_hash_uq').on(t.hash),
  ],
);

/** Staff identities with a role and a scope (division code). */
export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  role: text('role', { enum: ROLES }).notNull(),
  scopeCode: text('scope_code')
    .notNull()
    .references(() => divisions.code),
  createdAt: createdAt(),
});

/** Bearer tokens, stored as sha256 hashes only. */
export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    tokenHash: text('token_hash').notNull(),
    label: text('label').notNull(),
    createdAt: createdAt(),
    revokedAt: text('revoked_at'),
    lastUsedAt: text('last_used_at'),
  },
  (t) => [uniqueIndex('api_tokens_hash_uq').on(t.tokenHash)],
);

/**
 * Processed uploads, for idempotency: the same uploader re-sending the same content (or the same
 * Idempotency-Key) gets the stored result and changes nothing. Keyed per user, so another user's
 * identical file is checked against that user's own scope instead of replayed.
 */
export const uploads = sqliteTable(
  'uploads',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind').notNull(),
    contentHash: text('content_hash').notNull(),
    idempotencyKey: text('idempotency_key'),
    userId: integer('user_id').references(() => users.id),
    rows: integer('rows').notNull(),
    resultJson: text('result_json').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('uploads_user_kind_hash_uq').on(t.userId, t.kind, t.contentHash),
    uniqueIndex('uploads_user_idempotency_uq').on(t.userId, t.idempotencyKey),
  ],
);

/** 意见/异议: questions and objections from the public, with the official answer. */
export const feedback = sqliteTable(
  'feedback',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind', { enum: ['question', 'objection'] }).notNull(),
    subjectType: text('subject_type', { enum: ['project', 'disclosure', 'village'] }).notNull(),
    subjectRef: text('subject_ref').notNull(),
    villageCode: text('village_code').references(() => divisions.code),
    disclosureId: integer('disclosure_id').references(() => disclosures.id),
    body: text('body').notNull(),
    /** Optional reply phone: internal only, never published. */
    contactPhone: text('contact_phone'),
    status: text('status', { enum: ['received', 'handling', 'answered', 'closed'] })
      .notNull()
      .default('received'),
    responsibleUnit: text('responsible_unit'),
    answer: text('answer'),
    answeredAt: text('answered_at'),
    receivedAt: text('received_at').notNull(),
  },
  (t) => [index('feedback_village_idx').on(t.villageCode), index('feedback_status_idx').on(t.status)],
);

/**
 * 张贴照片: proof that a disclosure's poster went up on the village notice board. Only the
 * re-encoded image (metadata stripped) is stored, under `imageKey` in the file storage; the EXIF
 * time and place are kept here for staff, and the checks against the period and the village.
 */
export const postingProofs = sqliteTable(
  'posting_proofs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    disclosureId: integer('disclosure_id')
      .notNull()
      .references(() => disclosures.id),
    villageCode: text('village_code')
      .notNull()
      .references(() => divisions.code),
    uploadedBy: integer('uploaded_by').references(() => users.id),
    uploadedAt: text('uploaded_at').notNull(),
    imageKey: text('image_key').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    /** EXIF DateTimeOriginal as an ISO instant; null when the photo has none. */
    takenAt: text('taken_at'),
    /** EXIF GPS (WGS-84); null when the photo has none. Internal only. */
    lon: real('lon'),
    lat: real('lat'),
    /** Distance from the village's location in metres, when both are known. */
    distanceM: integer('distance_m'),
    timeCheck: text('time_check', { enum: ['inside_period', 'outside_period', 'missing'] }).notNull(),
    placeCheck: text('place_check', { enum: ['near_village', 'far_from_village', 'missing', 'no_village_location'] }).notNull(),
    /** accepted: shown as 已张贴; needs_review: a check failed or was missing; rejected by staff. */
    status: text('status', { enum: ['accepted', 'needs_review', 'rejected'] }).notNull(),
    reviewedBy: integer('reviewed_by').references(() => users.id),
    reviewNote: text('review_note'),
  },
  (t) => [index('posting_proofs_village_idx').on(t.villageCode), index('posting_proofs_disclosure_idx').on(t.disclosureId)],
);

/** Fixed-window throttle counters shared by every process and isolate (src/domain/access/throttle.ts). */
export const throttleCounters = sqliteTable(
  'throttle_counters',
  {
    key: text('key').primaryKey(),
    count: integer('count').notNull(),
    /** ISO instant after which the row can be swept. */
    expiresAt: text('expires_at').notNull(),
  },
  (t) => [index('throttle_counters_expires_idx').on(t.expiresAt)],
);

/**
 * Secrets the site makes for itself on first use and shares between its processes and isolates
 * through the database, e.g. the key that signs the no-JavaScript form's challenges
 * (src/data/site-secrets.ts). Never published or exported to the site.
 */
export const siteSecrets = sqliteTable('site_secrets', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
  createdAt: text('created_at').notNull(),
});

/**
 * The county's own figures for a year's 绩效自评表 (src/domain/ledger/self-evaluation.ts): per line
 * the 年度指标值 (target), the 分值 (weight) and the 偏差原因 note; the 效益 lines, which the ledger
 * cannot measure, with what the office entered. One row per county and year, the lines as checked JSON, so a
 * change of the table's shape needs no migration. Internal: never published or exported.
 */
export const selfEvaluationTargets = sqliteTable(
  'self_evaluation_targets',
  {
    countyCode: text('county_code')
      .notNull()
      .references(() => divisions.code),
    year: integer('year').notNull(),
    linesJson: text('lines_json').notNull(),
    updatedAt: text('updated_at').notNull(),
    updatedBy: text('updated_by').notNull(),
  },
  (t) => [primaryKey({ columns: [t.countyCode, t.year] })],
);

/**
 * 满意度问卷 answered on a village page: one row per phone per year (`device_key` is an HMAC of a
 * random id the phone keeps, never an address or a phone number). Internal: only the counts per
 * village feed the 绩效自评表.
 */
export const satisfactionResponses = sqliteTable(
  'satisfaction_responses',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    year: integer('year').notNull(),
    villageCode: text('village_code')
      .notNull()
      .references(() => divisions.code),
    deviceKey: text('device_key').notNull(),
    /** Answers as JSON {"<question key>": "<choice key>"}. */
    answersJson: text('answers_json').notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [uniqueIndex('satisfaction_responses_device_year_idx').on(t.year, t.deviceKey), index('satisfaction_responses_village_idx').on(t.year, t.villageCode)],
);

/** 满意度 results of paper questionnaires, uploaded per village and year (the last upload wins). */
export const satisfactionPaperResults = sqliteTable(
  'satisfaction_paper_results',
  {
    year: integer('year').notNull(),
    villageCode: text('village_code')
      .notNull()
      .references(() => divisions.code),
    respondents: integer('respondents').notNull(),
    satisfied: integer('satisfied').notNull(),
    updatedAt: text('updated_at').notNull(),
    updatedBy: text('updated_by').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.year, t.villageCode] }),
    check('satisfaction_paper_counts', sql`${t.respondents} >= 0 AND ${t.satisfied} >= 0 AND ${t.satisfied} <= ${t.respondents}`),
  ],
);

/** 项目档案 document types (src/domain/ledger/project-documents.ts has their labels and rules). */
export const PROJECT_DOCUMENT_TYPES = ['application', 'approval', 'contract', 'acceptance', 'settlement', 'photo', 'other'] as const;
/** The only kinds of file a project document may be, sniffed from its bytes. */
export const PROJECT_DOCUMENT_CONTENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;

/**
 * 项目档案: a project's documents (立项申请报告, 批复文件, 合同, 验收表, 结算单, 照片, 其他) in the file
 * storage under `storage_key`. Photos are stored re-encoded or stripped of metadata, PDFs as
 * uploaded; `byte_size` and `sha256` are those of the stored bytes (what is served). A document is
 * on the public site only while not removed, ticked reviewed by the county (no personal data),
 * `is_public`, and of a type the county publishes (project_document_policies). `published_at` is
 * the first time it was public: from then on its address answers, 410 once it no longer is
 * (`withdrawn_at`, or `removed_at` for a removed one).
 */
export const projectDocuments = sqliteTable(
  'project_documents',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    projectCode: text('project_code')
      .notNull()
      .references(() => projects.code),
    docType: text('doc_type', { enum: PROJECT_DOCUMENT_TYPES }).notNull(),
    title: text('title').notNull(),
    storageKey: text('storage_key').notNull(),
    contentType: text('content_type', { enum: PROJECT_DOCUMENT_CONTENT_TYPES }).notNull(),
    byteSize: integer('byte_size').notNull(),
    /** Hex sha256 of the stored bytes; its first 8 characters are in the public address. */
    sha256: text('sha256').notNull(),
    uploadedBy: integer('uploaded_by').references(() => users.id),
    uploadedAt: text('uploaded_at').notNull(),
    isPublic: integer('is_public', { mode: 'boolean' }).notNull().default(false),
    /** The county's tick: 已核对，不含身份证号、银行卡号、手机号等个人信息. */
    reviewedAt: text('reviewed_at'),
    reviewedBy: integer('reviewed_by').references(() => users.id),
    publishedAt: text('published_at'),
    withdrawnAt: text('withdrawn_at'),
    removedAt: text('removed_at'),
    removedBy: integer('removed_by').references(() => users.id),
  },
  (t) => [
    uniqueIndex('project_documents_storage_key_uq').on(t.storageKey),
    index('project_documents_project_idx').on(t.projectCode),
    check('project_documents_size_positive', sql`${t.byteSize} > 0`),
  ],
);

/** Per county and document type, whether the county publishes that type; a type without a row uses the default in code. */
export const projectDocumentPolicies = sqliteTable(
  'project_document_policies',
  {
    countyCode: text('county_code')
      .notNull()
      .references(() => divisions.code),
    docType: text('doc_type', { enum: PROJECT_DOCUMENT_TYPES }).notNull(),
    isPublic: integer('is_public', { mode: 'boolean' }).notNull(),
    updatedAt: text('updated_at').notNull(),
    updatedBy: text('updated_by').notNull(),
  },
  (t) => [primaryKey({ columns: [t.countyCode, t.docType] })],
);

/**
 * The Worker's own plan of one township's posters in a year, made when a publish changes it
 * (functions/worker-posters.ts): the part of the posters' manifest its pages link from then on, in
 * place of the one in its static assets, until a new build (another `build_id`) plans them all.
 * A part planned again is a new row (the old one deleted), so the newest id says when pages change.
 */
export const posterPlanParts = sqliteTable(
  'poster_plan_parts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    buildId: text('build_id').notNull(),
    year: integer('year').notNull(),
    townshipCode: text('township_code').notNull(),
    manifestJson: text('manifest_json').notNull(),
    plannedAt: text('planned_at').notNull(),
  },
  (t) => [uniqueIndex('poster_plan_parts_uq').on(t.buildId, t.year, t.townshipCode)],
);
