/**
 * The content of a published disclosure (公示) snapshot, how it is serialised and hashed, and how
 * two versions differ. Pure: the caller passes the ledger, names and the cut-off date; nothing here
 * reads a database or a clock. Hashing uses Web Crypto so it runs in Node and in Workers alike.
 *
 * A snapshot is stored as `canonicalJson(content)`; its hash is `sha256(previousHash + json)`, which
 * chains every version of a scope and year to the one before, and its verification code (printed on
 * posters) is derived from that hash.
 */
import {
  FUND_SOURCE_ORDER,
  MILESTONE_ORDER,
  type DirectSubsidyRecord,
  type Disbursement,
  type FundSource,
  type Ledger,
  type Milestone,
  type MilestoneKind,
  type ProjectRecord,
  type TrainingRecord,
} from '../ledger/ledger.ts';
import { FUND_SOURCE_LABELS } from '../ledger/labels.ts';
import { maskPayee, maskPersonalDataInText } from '../villager/masking.ts';
import { formatYuan, sumFen, type Fen } from '../shared/money.ts';
import { isOnOrBefore, MILESTONE_LABELS, projectStatusAsOf } from '../ledger/project-status.ts';

/** Bumped when the content shape changes in a way readers must know about. */
export const DISCLOSURE_SCHEMA_VERSION = 1;

export type DisclosureScopeType = 'village' | 'county';

export interface DisclosureScope {
  type: DisclosureScopeType;
  /** 12-digit village code or 6-digit county code. */
  code: string;
  name: string;
  /** The village's township; null for the county. */
  townshipCode: string | null;
  townshipName: string | null;
  countyName: string;
}

/** The migrant figures of a 移民村; null in a village disclosure when the village has none on record. */
export interface VillageFigures {
  migrantPopulation: number;
  migrantHouseholds: number;
  isKeyVillage: boolean;
  /** A public office line (监督电话). */
  supervisionPhone: string | null;
}

export interface VillageDisclosureContent {
  schemaVersion: number;
  isSample: boolean;
  scope: DisclosureScope;
  year: number;
  /** Data cut-off date (ISO, Asia/Shanghai): nothing dated later is in the snapshot. */
  asOf: string;
  village: VillageFigures | null;
  /** Sorted by code; payees of private persons masked; milestones and disbursements up to `asOf`. */
  projects: ProjectRecord[];
  directSubsidy: DirectSubsidyRecord | null;
  totals: { projectCount: number; budgetFen: Fen; disbursedFen: Fen; directSubsidyFen: Fen };
}

/** One village's published version, as listed in the county snapshot. */
export interface CountyVillageEntry {
  code: string;
  name: string;
  townshipCode: string | null;
  townshipName: string | null;
  version: number;
  contentHash: string;
}

/** 指标文 as published. */
export interface AllocationDocumentEntry {
  issuer: string;
  docNumber: string;
  title: string;
  batch: number;
  dateReceived: string;
  amountFen: Fen;
  fundSource: FundSource;
}

export interface CountyDisclosureContent {
  schemaVersion: number;
  isSample: boolean;
  scope: DisclosureScope;
  year: number;
  asOf: string;
  /** The latest version of every village disclosure of the year, sorted by code. */
  villages: CountyVillageEntry[];
  trainings: TrainingRecord[];
  allocationDocuments: AllocationDocumentEntry[];
  totals: {
    villageCount: number;
    documentCount: number;
    allocatedFen: Fen;
    allocatedByFundSource: Record<FundSource, Fen>;
    trainingCount: number;
    trainees: number;
    passed: number;
  };
}

export type DisclosureContent = VillageDisclosureContent | CountyDisclosureContent;

/** A published version: its metadata and its parsed content. */
export interface PublishedDisclosure<C extends DisclosureContent = DisclosureContent> {
  id: number;
  scopeType: DisclosureScopeType;
  scopeCode: string;
  year: number;
  version: number;
  periodStart: string;
  periodEnd: string;
  issuingUnit: string;
  publishedAt: string;
  /** The exact stored text, so anyone can recompute `sha256(previousHash + contentJson)`. */
  contentJson: string;
  contentHash: string;
  previousHash: string | null;
  verificationCode: string;
  correctionReason: string | null;
  isSample: boolean;
  content: C;
}

/** Narrows a parsed content by its scope type. */
export function isVillageContent(content: DisclosureContent): content is VillageDisclosureContent {
  return content.scope.type === 'village';
}

export interface VillageContentInput {
  isSample: boolean;
  year: number;
  asOf: string;
  scope: Omit<DisclosureScope, 'type'>;
  village: VillageFigures | null;
  /** Any ledger: the village's projects and direct subsidy of `year` are picked from it. */
  ledger: Ledger;
  /**
   * Vouchers of disbursements paid to a private person, whose payee is masked. A disbursement
   * object carrying `payeeIsPerson: true` is masked too.
   */
  personPayeeVouchers?: ReadonlySet<string>;
}

const onOrBefore = isOnOrBefore;
const clean = (text: string): string => maskPersonalDataInText(text);
const cleanOrNull = (text: string | null): string | null => (text === null ? null : clean(text));
const compare = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);
const milestoneRank = (kind: MilestoneKind): number => MILESTONE_ORDER.indexOf(kind);
const fundRank = (source: FundSource): number => FUND_SOURCE_ORDER.indexOf(source);

function isPersonPayee(d: Disbursement, vouchers: ReadonlySet<string> | undefined): boolean {
  return (d as Disbursement & { payeeIsPerson?: unknown }).payeeIsPerson === true || (vouchers?.has(d.voucherNumber) ?? false);
}

/** A project as published: copied field by field (no extra internal fields), cut at `asOf`, masked. */
function publishProject(p: ProjectRecord, asOf: string, vouchers: ReadonlySet<string> | undefined): ProjectRecord {
  const milestones: Milestone[] = p.milestones
    .filter((m) => onOrBefore(m.date, asOf))
    .map((m) => ({ kind: m.kind, date: m.date, actorUnit: cleanOrNull(m.actorUnit) }))
    .sort((a, b) => milestoneRank(a.kind) - milestoneRank(b.kind) || compare(a.date, b.date));
  const acceptedLater = p.milestones.some((m) => m.kind === 'accepted' && !onOrBefore(m.date, asOf));
  return {
    code: p.code,
    year: p.year,
    villageCode: p.villageCode,
    townshipCode: p.townshipCode,
    groupName: cleanOrNull(p.groupName),
    typeCode: p.typeCode,
    typeName: p.typeName,
    indicatorGroup: p.indicatorGroup,
    name: clean(p.name),
    contentScale: clean(p.contentScale),
    implementingUnit: clean(p.implementingUnit),
    lon: p.lon,
    lat: p.lat,
    locationPrecision: p.locationPrecision,
    acceptanceResult: acceptedLater ? null : p.acceptanceResult,
    beneficiaries: p.beneficiaries,
    beneficiaryHouseholds: p.beneficiaryHouseholds,
    budget: p.budget
      .map((b) => ({ fundSource: b.fundSource, amountFen: b.amountFen }))
      .sort((a, b) => fundRank(a.fundSource) - fundRank(b.fundSource)),
    milestones,
    disbursements: p.disbursements
      .filter((d) => onOrBefore(d.date, asOf))
      .map((d) => ({
        date: d.date,
        amountFen: d.amountFen,
        fundSource: d.fundSource,
        voucherNumber: d.voucherNumber,
        payee: clean(maskPayee(d.payee, isPersonPayee(d, vouchers))),
      }))
      .sort((a, b) => compare(a.date, b.date) || compare(a.voucherNumber, b.voucherNumber)),
  };
}

/**
 * Builds the content of a village disclosure: the village's figures, its projects of the year and
 * its direct subsidy, as they stood on `asOf` (later milestones, disbursements and a later payment
 * date are left out; an acceptance dated later is not yet a result).
 */
export function buildVillageDisclosureContent(input: VillageContentInput): VillageDisclosureContent {
  const { asOf, year, scope } = input;
  const projects = input.ledger.projects
    .filter((p) => p.villageCode === scope.code && p.year === year)
    .map((p) => publishProject(p, asOf, input.personPayeeVouchers))
    .sort((a, b) => compare(a.code, b.code));
  const subsidy = input.ledger.directSubsidies.find((s) => s.villageCode === scope.code && s.year === year);
  const directSubsidy: DirectSubsidyRecord | null = subsidy
    ? {
        villageCode: subsidy.villageCode,
        townshipCode: subsidy.townshipCode,
        year: subsidy.year,
        beneficiaries: subsidy.beneficiaries,
        standardFenPerPerson: subsidy.standardFenPerPerson,
        amountFen: subsidy.amountFen,
        dueDate: subsidy.dueDate,
        paymentDate: subsidy.paymentDate !== null && onOrBefore(subsidy.paymentDate, asOf) ? subsidy.paymentDate : null,
        channel: clean(subsidy.channel),
      }
    : null;
  return {
    schemaVersion: DISCLOSURE_SCHEMA_VERSION,
    isSample: input.isSample,
    scope: { type: 'village', ...scope },
    year,
    asOf,
    village: input.village
      ? {
          migrantPopulation: input.village.migrantPopulation,
          migrantHouseholds: input.village.migrantHouseholds,
          isKeyVillage: input.village.isKeyVillage,
          supervisionPhone: input.village.supervisionPhone,
        }
      : null,
    projects,
    directSubsidy,
    totals: {
      projectCount: projects.length,
      budgetFen: sumFen(projects.flatMap((p) => p.budget.map((b) => b.amountFen))),
      disbursedFen: sumFen(projects.flatMap((p) => p.disbursements.map((d) => d.amountFen))),
      directSubsidyFen: directSubsidy?.amountFen ?? 0,
    },
  };
}

export interface CountyContentInput {
  isSample: boolean;
  year: number;
  asOf: string;
  scope: { code: string; name: string };
  villages: readonly CountyVillageEntry[];
  /** Trainings of the year; those starting after `asOf` are left out. */
  trainings: readonly TrainingRecord[];
  /** Allocation documents of the year; those received after `asOf` are left out. */
  allocationDocuments: readonly AllocationDocumentEntry[];
}

/** Builds the content of the county disclosure: the village versions, trainings and 指标文 with totals. */
export function buildCountyDisclosureContent(input: CountyContentInput): CountyDisclosureContent {
  const { asOf, year } = input;
  const villages = input.villages
    .map((v) => ({
      code: v.code,
      name: v.name,
      townshipCode: v.townshipCode,
      townshipName: v.townshipName,
      version: v.version,
      contentHash: v.contentHash,
    }))
    .sort((a, b) => compare(a.code, b.code));
  const trainings = input.trainings
    .filter((t) => t.year === year && onOrBefore(t.startDate, asOf))
    .map((t) => ({
      year: t.year,
      course: clean(t.course),
      organizer: clean(t.organizer),
      startDate: t.startDate,
      endDate: t.endDate,
      townshipCode: t.townshipCode,
      trainees: t.trainees,
      passed: t.passed,
    }))
    .sort((a, b) => compare(a.startDate, b.startDate) || compare(a.course, b.course));
  const allocationDocuments = input.allocationDocuments
    .filter((d) => onOrBefore(d.dateReceived, asOf))
    .map((d) => ({
      issuer: d.issuer,
      docNumber: d.docNumber,
      title: clean(d.title),
      batch: d.batch,
      dateReceived: d.dateReceived,
      amountFen: d.amountFen,
      fundSource: d.fundSource,
    }))
    .sort((a, b) => compare(a.dateReceived, b.dateReceived) || a.batch - b.batch || compare(a.docNumber, b.docNumber));
  const allocatedByFundSource = Object.fromEntries(
    FUND_SOURCE_ORDER.map((s) => [s, sumFen(allocationDocuments.filter((d) => d.fundSource === s).map((d) => d.amountFen))]),
  ) as Record<FundSource, Fen>;
  return {
    schemaVersion: DISCLOSURE_SCHEMA_VERSION,
    isSample: input.isSample,
    scope: {
      type: 'county',
      code: input.scope.code,
      name: input.scope.name,
      townshipCode: null,
      townshipName: null,
      countyName: input.scope.name,
    },
    year,
    asOf,
    villages,
    trainings,
    allocationDocuments,
    totals: {
      villageCount: villages.length,
      documentCount: allocationDocuments.length,
      allocatedFen: sumFen(allocationDocuments.map((d) => d.amountFen)),
      allocatedByFundSource,
      trainingCount: trainings.length,
      trainees: trainings.reduce((n, t) => n + t.trainees, 0),
      passed: trainings.reduce((n, t) => n + t.passed, 0),
    },
  };
}

/**
 * Serialises a JSON value with object keys sorted (by UTF-16 code unit) and no whitespace, so the
 * same content always gives the same text and hash. `undefined` properties are dropped as in
 * `JSON.stringify`; a non-finite number or a non-plain value is a bug and throws.
 * @example canonicalJson({ b: 1, a: [true, null] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number ${value}`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) {
        throw new TypeError(`canonicalJson: not a plain object (${Object.prototype.toString.call(value)})`);
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: cannot serialise a ${typeof value}`);
  }
}

/** sha256 of a UTF-8 text as lower-case hex, with Web Crypto. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The chained hash of a version: sha256 hex of `previousHash + contentJson` (`''` for the first
 * version), so changing any earlier version breaks every later hash.
 */
export function chainHash(previousHash: string | null, contentJson: string): Promise<string> {
  return sha256Hex((previousHash ?? '') + contentJson);
}

/** Characters of verification codes: no 0/O, 1/I/L, which people misread on a printed poster. */
export const VERIFICATION_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/**
 * A short code for posters (核对码, printed beside the QR code), derived from the content hash: 8 characters of
 * {@link VERIFICATION_ALPHABET} from the hash's first 64 bits, grouped 4-4.
 * @example verificationCode('9f86d081884c7d65…') // e.g. '7KQ4-M2XD'
 */
export function verificationCode(contentHash: string): string {
  if (!/^[0-9a-f]{16}/i.test(contentHash)) throw new TypeError(`verificationCode: not a hex hash: ${contentHash}`);
  let n = BigInt(`0x${contentHash.slice(0, 16)}`);
  const base = BigInt(VERIFICATION_ALPHABET.length);
  let code = '';
  for (let i = 0; i < 8; i++) {
    code += VERIFICATION_ALPHABET[Number(n % base)];
    n /= base;
  }
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * Normalises what a person typed (any case, with or without the dash, spaces) to the stored form
 * `XXXX-XXXX`, or null when it cannot be a verification code.
 * @example normalizeVerificationCode(' 7kq4 m2xd ') // '7KQ4-M2XD'
 */
export function normalizeVerificationCode(input: string): string | null {
  const compact = input.replace(/[\s\-－—_]/g, '').toUpperCase();
  if (compact.length !== 8 || ![...compact].every((c) => VERIFICATION_ALPHABET.includes(c))) return null;
  return `${compact.slice(0, 4)}-${compact.slice(4)}`;
}

export type DisclosureChangeKind =
  | 'first_version'
  | 'as_of_changed'
  | 'village_figures_changed'
  | 'project_added'
  | 'project_removed'
  | 'project_budget_changed'
  | 'project_status_changed'
  | 'project_disbursed_changed'
  | 'project_detail_changed'
  | 'subsidy_added'
  | 'subsidy_removed'
  | 'subsidy_changed'
  | 'village_added'
  | 'village_removed'
  | 'village_version_changed'
  | 'document_added'
  | 'document_removed'
  | 'document_changed'
  | 'training_added'
  | 'training_removed'
  | 'training_changed';

/** One readable change between two versions, for the permanent-history page. */
export interface DisclosureChange {
  kind: DisclosureChangeKind;
  /** What changed: a project code, village code, document number, or the scope code. */
  subject: string;
  /** Plain Chinese, e.g. 项目 CN2023-001「…」预算由 100,000.00 元 改为 120,000.00 元 */
  description: string;
}

const ACCEPTANCE_LABELS = { pass: '合格', fail: '不合格' } as const;

/** The latest step reached, by its official name (申请 … 决算), so every step shows as a change. */
const statusOf = (p: ProjectRecord): string => {
  const reached = projectStatusAsOf(p);
  return reached === null ? '未申报' : `已${MILESTONE_LABELS[reached]}`;
};
const budgetOf = (p: ProjectRecord): Fen => sumFen(p.budget.map((b) => b.amountFen));
const disbursedOf = (p: ProjectRecord): Fen => sumFen(p.disbursements.map((d) => d.amountFen));
const yuan = (amount: Fen): string => formatYuan(amount);
const quoted = (text: string | null | undefined): string => `「${text === null || text === undefined || text === '' ? '空' : text}」`;
const fromTo = (label: string, from: string, to: string): string => `${label}由 ${from} 改为 ${to}`;

function byKey<T>(items: readonly T[], key: (item: T) => string): Map<string, T> {
  return new Map(items.map((item) => [key(item), item]));
}

function diffProjects(prev: readonly ProjectRecord[], next: readonly ProjectRecord[]): DisclosureChange[] {
  const changes: DisclosureChange[] = [];
  const before = byKey(prev, (p) => p.code);
  const after = byKey(next, (p) => p.code);
  for (const [code, p] of before) {
    if (!after.has(code)) {
      changes.push({ kind: 'project_removed', subject: code, description: `撤下项目 ${code}${quoted(p.name)}（原预算 ${yuan(budgetOf(p))}）` });
    }
  }
  for (const [code, p] of after) {
    const label = `项目 ${code}${quoted(p.name)}`;
    const old = before.get(code);
    if (!old) {
      changes.push({ kind: 'project_added', subject: code, description: `新增${label}，预算 ${yuan(budgetOf(p))}，当前${statusOf(p)}` });
      continue;
    }
    const detail = (field: string, from: string, to: string) => {
      if (from !== to) changes.push({ kind: 'project_detail_changed', subject: code, description: fromTo(`${label}${field}`, from, to) });
    };
    detail('名称', quoted(old.name), quoted(p.name));
    detail('建设内容及规模', quoted(old.contentScale), quoted(p.contentScale));
    detail('实施单位', quoted(old.implementingUnit), quoted(p.implementingUnit));
    detail('项目类型', quoted(old.typeName), quoted(p.typeName));
    detail('所在组', quoted(old.groupName), quoted(p.groupName));
    detail('受益人数', `${old.beneficiaries} 人`, `${p.beneficiaries} 人`);
    detail('受益户数', `${old.beneficiaryHouseholds} 户`, `${p.beneficiaryHouseholds} 户`);
    detail(
      '验收结果',
      old.acceptanceResult ? ACCEPTANCE_LABELS[old.acceptanceResult] : '未验收',
      p.acceptanceResult ? ACCEPTANCE_LABELS[p.acceptanceResult] : '未验收',
    );
    if (old.lon !== p.lon || old.lat !== p.lat) {
      changes.push({ kind: 'project_detail_changed', subject: code, description: `${label}位置已更正` });
    }
    const oldBudget = budgetOf(old);
    const newBudget = budgetOf(p);
    if (oldBudget !== newBudget) {
      changes.push({ kind: 'project_budget_changed', subject: code, description: fromTo(`${label}预算`, yuan(oldBudget), yuan(newBudget)) });
    } else if (canonicalJson(old.budget) !== canonicalJson(p.budget)) {
      const split = (p2: ProjectRecord) =>
        p2.budget.map((b) => `${FUND_SOURCE_LABELS[b.fundSource]} ${yuan(b.amountFen)}`).join('、') || '无';
      changes.push({ kind: 'project_budget_changed', subject: code, description: fromTo(`${label}资金来源`, split(old), split(p)) });
    }
    const oldStatus = statusOf(old);
    const newStatus = statusOf(p);
    if (oldStatus !== newStatus) {
      changes.push({ kind: 'project_status_changed', subject: code, description: `${label}进度由${quoted(oldStatus)}变为${quoted(newStatus)}` });
    } else if (canonicalJson(old.milestones) !== canonicalJson(p.milestones)) {
      changes.push({ kind: 'project_status_changed', subject: code, description: `${label}进度节点日期已更正` });
    }
    const oldPaid = disbursedOf(old);
    const newPaid = disbursedOf(p);
    if (oldPaid !== newPaid) {
      changes.push({ kind: 'project_disbursed_changed', subject: code, description: fromTo(`${label}累计拨付`, yuan(oldPaid), yuan(newPaid)) });
    } else if (canonicalJson(old.disbursements) !== canonicalJson(p.disbursements)) {
      changes.push({ kind: 'project_disbursed_changed', subject: code, description: `${label}拨付明细已更正（合计不变）` });
    }
  }
  return changes;
}

function diffSubsidy(scopeCode: string, old: DirectSubsidyRecord | null, next: DirectSubsidyRecord | null): DisclosureChange[] {
  if (!old && !next) return [];
  if (!old && next) {
    return [{ kind: 'subsidy_added', subject: scopeCode, description: `新增直补资金 ${yuan(next.amountFen)}，${next.beneficiaries} 人` }];
  }
  if (old && !next) return [{ kind: 'subsidy_removed', subject: scopeCode, description: `撤下直补资金记录（原 ${yuan(old.amountFen)}）` }];
  const changes: DisclosureChange[] = [];
  const push = (label: string, from: string, to: string) => {
    if (from !== to) changes.push({ kind: 'subsidy_changed', subject: scopeCode, description: fromTo(label, from, to) });
  };
  if (old && next) {
    push('直补资金', yuan(old.amountFen), yuan(next.amountFen));
    push('直补人数', `${old.beneficiaries} 人`, `${next.beneficiaries} 人`);
    push('直补标准', `${yuan(old.standardFenPerPerson)}/人·年`, `${yuan(next.standardFenPerPerson)}/人·年`);
    push('直补发放日期', quoted(old.paymentDate ?? '未发放'), quoted(next.paymentDate ?? '未发放'));
    push('直补应发日期', old.dueDate, next.dueDate);
    push('直补发放渠道', quoted(old.channel), quoted(next.channel));
  }
  return changes;
}

function diffVillageFigures(scopeCode: string, old: VillageFigures | null, next: VillageFigures | null): DisclosureChange[] {
  const changes: DisclosureChange[] = [];
  const push = (label: string, from: string, to: string) => {
    if (from !== to) changes.push({ kind: 'village_figures_changed', subject: scopeCode, description: fromTo(label, from, to) });
  };
  const count = (n: number | undefined, unit: string) => (n === undefined ? '无记录' : `${n} ${unit}`);
  push('移民人口', count(old?.migrantPopulation, '人'), count(next?.migrantPopulation, '人'));
  push('移民户数', count(old?.migrantHouseholds, '户'), count(next?.migrantHouseholds, '户'));
  push('重点移民村', old?.isKeyVillage ? '是' : '否', next?.isKeyVillage ? '是' : '否');
  push('监督电话', quoted(old?.supervisionPhone), quoted(next?.supervisionPhone));
  return changes;
}

function diffCounty(old: CountyDisclosureContent, next: CountyDisclosureContent): DisclosureChange[] {
  const changes: DisclosureChange[] = [];
  const oldVillages = byKey(old.villages, (v) => v.code);
  const newVillages = byKey(next.villages, (v) => v.code);
  for (const [code, v] of oldVillages) {
    if (!newVillages.has(code)) changes.push({ kind: 'village_removed', subject: code, description: `不再列出${v.name}的公示` });
  }
  for (const [code, v] of newVillages) {
    const prev = oldVillages.get(code);
    if (!prev) changes.push({ kind: 'village_added', subject: code, description: `新增${v.name}的公示（第 ${v.version} 版）` });
    else if (prev.version !== v.version || prev.contentHash !== v.contentHash) {
      changes.push({ kind: 'village_version_changed', subject: code, description: `${v.name}的公示由第 ${prev.version} 版更新为第 ${v.version} 版` });
    }
  }
  const oldDocs = byKey(old.allocationDocuments, (d) => d.docNumber);
  const newDocs = byKey(next.allocationDocuments, (d) => d.docNumber);
  for (const [no, d] of oldDocs) {
    if (!newDocs.has(no)) changes.push({ kind: 'document_removed', subject: no, description: `撤下指标文 ${no}${quoted(d.title)}（${yuan(d.amountFen)}）` });
  }
  for (const [no, d] of newDocs) {
    const prev = oldDocs.get(no);
    if (!prev) {
      changes.push({ kind: 'document_added', subject: no, description: `新增指标文 ${no}${quoted(d.title)}，${FUND_SOURCE_LABELS[d.fundSource]} ${yuan(d.amountFen)}` });
    } else if (prev.amountFen !== d.amountFen) {
      changes.push({ kind: 'document_changed', subject: no, description: fromTo(`指标文 ${no} 金额`, yuan(prev.amountFen), yuan(d.amountFen)) });
    } else if (canonicalJson(prev) !== canonicalJson(d)) {
      changes.push({ kind: 'document_changed', subject: no, description: `指标文 ${no} 的文件信息已更正` });
    }
  }
  const trainingKey = (t: TrainingRecord) => `${t.startDate} ${t.course}`;
  const oldTrainings = byKey(old.trainings, trainingKey);
  const newTrainings = byKey(next.trainings, trainingKey);
  for (const [key, t] of oldTrainings) {
    if (!newTrainings.has(key)) changes.push({ kind: 'training_removed', subject: key, description: `撤下培训${quoted(t.course)}（${t.startDate}）` });
  }
  for (const [key, t] of newTrainings) {
    const prev = oldTrainings.get(key);
    if (!prev) {
      changes.push({ kind: 'training_added', subject: key, description: `新增培训${quoted(t.course)}（${t.startDate}），培训 ${t.trainees} 人` });
    } else if (prev.trainees !== t.trainees || prev.passed !== t.passed) {
      changes.push({
        kind: 'training_changed',
        subject: key,
        description: fromTo(`培训${quoted(t.course)}人数`, `${prev.trainees} 人（合格 ${prev.passed} 人）`, `${t.trainees} 人（合格 ${t.passed} 人）`),
      });
    } else if (canonicalJson(prev) !== canonicalJson(t)) {
      changes.push({ kind: 'training_changed', subject: key, description: `培训${quoted(t.course)}的信息已更正` });
    }
  }
  return changes;
}

/**
 * Lists what changed between two versions of the same disclosure, in plain Chinese, for the
 * permanent-history page. `previous` null means `next` is the first version.
 * @example diffDisclosureContent(v1, v2)
 * // [{ kind: 'project_budget_changed', subject: 'CN2023-001', description: '项目 CN2023-001「…」预算由 100,000.00 元 改为 120,000.00 元' }]
 */
export function diffDisclosureContent(previous: DisclosureContent | null, next: DisclosureContent): DisclosureChange[] {
  const subject = next.scope.code;
  if (previous === null) return [{ kind: 'first_version', subject, description: '首次公示' }];
  if (previous.scope.type !== next.scope.type || previous.scope.code !== subject) {
    throw new TypeError(`diffDisclosureContent: ${previous.scope.type} ${previous.scope.code} vs ${next.scope.type} ${subject}`);
  }
  const changes: DisclosureChange[] = [];
  if (previous.asOf !== next.asOf) {
    changes.push({ kind: 'as_of_changed', subject, description: fromTo('数据截止日期', previous.asOf, next.asOf) });
  }
  if (isVillageContent(previous) && isVillageContent(next)) {
    changes.push(...diffVillageFigures(subject, previous.village, next.village));
    changes.push(...diffProjects(previous.projects, next.projects));
    changes.push(...diffSubsidy(subject, previous.directSubsidy, next.directSubsidy));
  } else if (!isVillageContent(previous) && !isVillageContent(next)) {
    changes.push(...diffCounty(previous, next));
  }
  return changes;
}
