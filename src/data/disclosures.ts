/**
 * Published disclosures (公示): publishing snapshots of the ledger, and reading them back for the
 * site, the history pages and the verification page.
 *
 * A snapshot is an immutable `disclosures` row (triggers reject UPDATE and DELETE). Each scope
 * (a village or the county) and year has versions 1, 2, …, each hash-chained to the one before;
 * a new version is only written when the content changed, and then only with a reason. What the
 * public sees is read from these rows alone, never from the internal ledger tables.
 */
import type { ResultSet } from '@libsql/client';
import { and, asc, desc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import { codeStartsWith } from './code-prefix.ts';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type { Database } from '../../db/database.ts';
import * as schema from '../../db/schema.ts';
import {
  buildCountyDisclosureContent,
  buildVillageDisclosureContent,
  canonicalJson,
  chainHash,
  diffDisclosureContent,
  normalizeVerificationCode,
  verificationCode,
  type AllocationDocumentEntry,
  type CountyDisclosureContent,
  type CountyVillageEntry,
  type DisclosureChange,
  type DisclosureContent,
  type DisclosureScopeType,
  type PublishedDisclosure,
  type VillageDisclosureContent,
} from '../domain/disclosure/disclosure-content.ts';
import { addDays } from '../domain/shared/dates.ts';
import type { Ledger } from '../domain/ledger/ledger.ts';
import { loadLedger } from './ledger.ts';

const { allocationDocuments, disbursements, disclosures, divisions, projects, publishedProjects, resettlementVillages, villageRegistry } = schema;

/** Both the database and a transaction on it. */
type Queryable = BaseSQLiteDatabase<'async', ResultSet, typeof schema>;

// Defined in the domain, where the posters may read it too; the site's readers take it from here.
export type { PublishedDisclosure };

export interface PublishOptions {
  year: number;
  /** Data cut-off day (ISO date): nothing dated later goes into the snapshots. */
  asOf: string;
  /** ISO timestamp of publication. */
  publishedAt: string;
  /** First day of the disclosure period (公示期), ISO date. */
  periodStart: string;
  /** Length of the disclosure period in days, the first day included. Default 10. */
  periodDays?: number;
  /** 公示单位, e.g. 常宁市库区移民事务中心 */
  issuingUnit: string;
  isSample: boolean;
  /** Required as soon as any scope that already has a version changed. */
  correctionReason?: string;
  /** Default: every village with projects or a direct subsidy in the ledger for `year`. */
  villageCodes?: readonly string[];
  /** Default: loaded from the internal tables with `loadLedger(db, { year, scopeCode: countyCode })`. */
  ledger?: Ledger;
  /**
   * The county publishing: its villages only (the database may hold other counties). Default: the
   * whole database, which holds one county in a database made by `npm run county -- init`.
   */
  countyCode?: string;
}

/** A row written by a publish. */
export interface PublishedRowSummary {
  id: number;
  scopeType: DisclosureScopeType;
  scopeCode: string;
  version: number;
  contentHash: string;
  verificationCode: string;
}

export interface PublishSuccess {
  ok: true;
  year: number;
  created: PublishedRowSummary[];
  /** Scopes skipped because their content equals their latest version (the cut-off date aside). */
  unchanged: Array<{ scopeType: DisclosureScopeType; scopeCode: string; version: number }>;
  createdCount: number;
  unchangedCount: number;
}

export type PublishErrorCode =
  | 'INVALID_PUBLISH_OPTIONS'
  | 'NOTHING_TO_PUBLISH'
  | 'UNKNOWN_VILLAGE'
  | 'DIVISIONS_INCOMPLETE'
  | 'CORRECTION_REASON_REQUIRED';

export interface PublishFailure {
  ok: false;
  code: PublishErrorCode;
  message: string;
  /** For CORRECTION_REASON_REQUIRED: the scopes that would get a new version, and what changed. */
  details?: Array<{ scopeType: DisclosureScopeType; scopeCode: string; latestVersion: number; changes: DisclosureChange[] }>;
}

export type PublishResult = PublishSuccess | PublishFailure;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function isIsoDate(text: string): boolean {
  if (!ISO_DATE.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

function validate(options: PublishOptions): PublishFailure | null {
  const problems: string[] = [];
  const periodDays = options.periodDays ?? 10;
  if (!Number.isInteger(options.year) || options.year < 2000 || options.year > 2100) problems.push(`年度应为 2000–2100 的整数，收到 ${options.year}`);
  if (!isIsoDate(options.asOf)) problems.push(`数据截止日期应为 YYYY-MM-DD，收到「${options.asOf}」`);
  if (!isIsoDate(options.periodStart)) problems.push(`公示期起始日应为 YYYY-MM-DD，收到「${options.periodStart}」`);
  if (!Number.isInteger(periodDays) || periodDays < 1) problems.push(`公示天数应为正整数，收到 ${periodDays}`);
  if (Number.isNaN(Date.parse(options.publishedAt))) problems.push(`发布时间应为 ISO 时间，收到「${options.publishedAt}」`);
  if (options.issuingUnit.trim() === '') problems.push('公示单位不能为空');
  if (problems.length === 0) return null;
  return { ok: false, code: 'INVALID_PUBLISH_OPTIONS', message: `发布参数有误：${problems.join('；')}。请更正后重试。` };
}

interface LatestRow {
  id: number;
  version: number;
  contentHash: string;
  contentJson: string;
}

const scopeKey = (scopeType: DisclosureScopeType, scopeCode: string) => `${scopeType}:${scopeCode}`;

/** The latest version of every scope of a year, keyed by `scopeType:scopeCode`. */
/** The latest version of each scope of one county (its villages and itself) in a year. */
async function latestVersions(db: Queryable, year: number, countyCode: string): Promise<Map<string, LatestRow & { scopeType: DisclosureScopeType; scopeCode: string }>> {
  const rows = await db
    .select({
      id: disclosures.id,
      scopeType: disclosures.scopeType,
      scopeCode: disclosures.scopeCode,
      version: disclosures.version,
      contentHash: disclosures.contentHash,
      contentJson: disclosures.contentJson,
    })
    .from(disclosures)
    // Village codes begin with their county's: another county's versions are neither read nor listed.
    .where(
      and(
        eq(disclosures.year, year),
        or(and(eq(disclosures.scopeType, 'village'), codeStartsWith(disclosures.scopeCode, countyCode)), and(eq(disclosures.scopeType, 'county'), eq(disclosures.scopeCode, countyCode))),
      ),
    )
    .orderBy(asc(disclosures.version));
  const latest = new Map<string, (typeof rows)[number]>();
  for (const row of rows) latest.set(scopeKey(row.scopeType, row.scopeCode), row);
  return latest;
}

/** Content without its cut-off date: moving the cut-off alone is not a change worth a version. */
const comparable = (content: DisclosureContent): string => canonicalJson({ ...content, asOf: '' });

/**
 * Publishes the disclosures of a year in one transaction: a new version for every village whose
 * content changed (the first version for a village never published), then the county snapshot
 * listing the latest version of every village. A scope whose content equals its latest version
 * (apart from the cut-off date) is skipped. A new version of a scope that already has one needs
 * `correctionReason`; without it nothing is written and the changes are listed in `details`.
 *
 * @example
 * await publishDisclosures(db, { year: 2023, asOf: '2023-08-31', publishedAt: '2023-09-01T02:00:00Z',
 *   periodStart: '2023-09-01', issuingUnit: '常宁市库区移民事务中心', isSample: false })
 * // { ok: true, createdCount: 58, created: [{ scopeCode: '430482105205', version: 1, verificationCode: '7KQ4-M2XD', … }, …], … }
 */
export async function publishDisclosures(db: Database, options: PublishOptions): Promise<PublishResult> {
  const invalid = validate(options);
  if (invalid) return invalid;
  const { year, asOf, isSample } = options;
  const reason = options.correctionReason?.trim() || null;
  const periodEnd = addDays(options.periodStart, (options.periodDays ?? 10) - 1);
  const ledger = options.ledger ?? (await loadLedger(db, { year, ...(options.countyCode ? { scopeCode: options.countyCode } : {}) }));

  const villageCodes = [
    ...new Set(
      options.villageCodes ?? [
        ...ledger.projects.filter((p) => p.year === year).map((p) => p.villageCode),
        ...ledger.directSubsidies.filter((s) => s.year === year).map((s) => s.villageCode),
      ],
    ),
  ].sort();
  if (villageCodes.length === 0) {
    return { ok: false, code: 'NOTHING_TO_PUBLISH', message: `${year} 年没有任何村有项目或直补资金记录，没有可发布的公示。请先录入台账。` };
  }

  return db.transaction(async (tx) => {
    const built = await buildVillageContents(tx, { year, asOf, isSample, ledger, villageCodes });
    if (!built.ok) return built;
    const { county } = built;
    const latest = await latestVersions(tx, year, county.code);

    type Pending = { scopeType: DisclosureScopeType; scopeCode: string; content: DisclosureContent; previous: LatestRow | undefined };
    const pending: Pending[] = [];
    const unchanged: PublishSuccess['unchanged'] = [];
    const consider = (scopeType: DisclosureScopeType, scopeCode: string, content: DisclosureContent) => {
      const previous = latest.get(scopeKey(scopeType, scopeCode));
      if (previous && comparable(JSON.parse(previous.contentJson) as DisclosureContent) === comparable(content)) {
        unchanged.push({ scopeType, scopeCode, version: previous.version });
        return;
      }
      pending.push({ scopeType, scopeCode, content, previous });
    };

    for (const content of built.contents) consider('village', content.scope.code, content);

    // Hashes of the village versions about to be written are needed for the county snapshot.
    const villageWrites = await Promise.all(pending.map((p) => prepareRow(p.content, p.previous)));
    const villageEntries = new Map<string, CountyVillageEntry>();
    for (const row of latest.values()) {
      if (row.scopeType !== 'village') continue;
      const c = JSON.parse(row.contentJson) as VillageDisclosureContent;
      villageEntries.set(row.scopeCode, entryOf(c, row.version, row.contentHash));
    }
    pending.forEach((p, i) => {
      const write = villageWrites[i]!;
      villageEntries.set(p.scopeCode, entryOf(p.content as VillageDisclosureContent, write.version, write.contentHash));
    });

    const documentRows = await tx
      .select()
      .from(allocationDocuments)
      // The county's own documents: another county may hold the same number with its own amount.
      .where(and(eq(allocationDocuments.countyCode, county.code), eq(allocationDocuments.year, year)))
      .orderBy(asc(allocationDocuments.dateReceived), asc(allocationDocuments.batch));
    consider(
      'county',
      county.code,
      buildCountyDisclosureContent({
        isSample,
        year,
        asOf,
        scope: { code: county.code, name: county.name },
        villages: [...villageEntries.values()],
        trainings: ledger.trainings,
        allocationDocuments: documentRows.map(
          (d): AllocationDocumentEntry => ({
            issuer: d.issuer,
            docNumber: d.docNumber,
            title: d.title,
            batch: d.batch,
            dateReceived: d.dateReceived,
            amountFen: d.amountFen,
            fundSource: d.fundSource,
          }),
        ),
      }),
    );

    const corrections = pending.filter((p) => p.previous !== undefined);
    if (corrections.length > 0 && reason === null) {
      return {
        ok: false,
        code: 'CORRECTION_REASON_REQUIRED',
        message:
          `${corrections.length} 项公示已有发布版本且内容有变化，发布新版本须填写更正原因（例如“更正项目预算录入错误”）。` +
          '请填写更正原因后重新发布；本次未写入任何内容。',
        details: corrections.map((p) => ({
          scopeType: p.scopeType,
          scopeCode: p.scopeCode,
          latestVersion: p.previous!.version,
          changes: diffDisclosureContent(JSON.parse(p.previous!.contentJson) as DisclosureContent, p.content),
        })),
      } satisfies PublishFailure;
    }

    const created: PublishedRowSummary[] = [];
    for (const [i, p] of pending.entries()) {
      const write = i < villageWrites.length ? villageWrites[i]! : await prepareRow(p.content, p.previous);
      const [inserted] = await tx
        .insert(disclosures)
        .values({
          scopeType: p.scopeType,
          scopeCode: p.scopeCode,
          year,
          version: write.version,
          periodStart: options.periodStart,
          periodEnd,
          issuingUnit: options.issuingUnit.trim(),
          publishedAt: options.publishedAt,
          contentJson: write.contentJson,
          contentHash: write.contentHash,
          previousHash: write.previousHash,
          verificationCode: write.verificationCode,
          correctionReason: write.version > 1 ? reason : null,
          isSample,
        })
        .returning({ id: disclosures.id });
      if (p.scopeType === 'village') {
        // The page of each project listed is found through this index (src/data/portal-data.ts).
        const codes = [...new Set((p.content as VillageDisclosureContent).projects.map((x) => x.code))];
        for (let at = 0; at < codes.length; at += 500) {
          await tx
            .insert(publishedProjects)
            .values(codes.slice(at, at + 500).map((projectCode) => ({ projectCode, villageCode: p.scopeCode })))
            .onConflictDoNothing();
        }
      }
      created.push({
        id: inserted!.id,
        scopeType: p.scopeType,
        scopeCode: p.scopeCode,
        version: write.version,
        contentHash: write.contentHash,
        verificationCode: write.verificationCode,
      });
    }
    return { ok: true, year, created, unchanged, createdCount: created.length, unchangedCount: unchanged.length } satisfies PublishSuccess;
  });
}

export interface VillageContentOptions {
  year: number;
  /** Data cut-off day (ISO date). */
  asOf: string;
  isSample: boolean;
  /** The ledger of `year` (approved projects only, as publishing uses it). */
  ledger: Ledger;
  /** Village codes, sorted; one county only. */
  villageCodes: readonly string[];
}

export type VillageContentsResult =
  | { ok: true; county: { code: string; name: string }; contents: VillageDisclosureContent[] }
  | PublishFailure;

/**
 * The content each village's disclosure gets when published now: what {@link publishDisclosures}
 * snapshots, and what the staff's 草稿 poster preview shows, from the same code. Checks that every
 * code is a village with its township and county, all in one county.
 */
export async function buildVillageContents(db: Queryable, options: VillageContentOptions): Promise<VillageContentsResult> {
  const { year, asOf, isSample, ledger, villageCodes } = options;
  // Only the villages asked for and their townships and counties: a province's divisions are tens
  // of thousands of rows, and a page rendered for one village should not read them all.
  const byCode = new Map<string, typeof divisions.$inferSelect>();
  let level: readonly string[] = [...new Set(villageCodes)];
  for (let step = 0; step < 3 && level.length > 0; step++) {
    const rows = await db.select().from(divisions).where(inArray(divisions.code, [...level]));
    for (const d of rows) byCode.set(d.code, d);
    level = [...new Set(rows.map((d) => d.parentCode).filter((c): c is string => c !== null && !byCode.has(c)))];
  }
  const unknown = villageCodes.filter((c) => byCode.get(c)?.level !== 'village');
  if (unknown.length > 0) {
    return fail('UNKNOWN_VILLAGE', `找不到这些村的区划代码：${unknown.join('、')}。应为 12 位村级区划代码，请检查后重试。`);
  }
  const chainOf = (code: string) => {
    const village = byCode.get(code);
    const township = village?.parentCode ? byCode.get(village.parentCode) : undefined;
    const county = township?.parentCode ? byCode.get(township.parentCode) : undefined;
    return village && township?.level === 'township' && county?.level === 'county' ? { village, township, county } : null;
  };
  const broken = villageCodes.filter((c) => chainOf(c) === null);
  if (broken.length > 0) {
    return fail('DIVISIONS_INCOMPLETE', `这些村缺少所属乡镇或县的区划记录：${broken.join('、')}。请先补全区划表。`);
  }
  const countyCodes = new Set(villageCodes.map((c) => chainOf(c)?.county.code));
  if (countyCodes.size > 1) {
    return fail('DIVISIONS_INCOMPLETE', `一次发布只能包含一个县的村，收到 ${[...countyCodes].join('、')} 多个县。`);
  }
  const county = chainOf(villageCodes[0] ?? '')!.county;

  const figureRows = await db.select().from(resettlementVillages).where(inArray(resettlementVillages.villageCode, [...villageCodes]));
  const figures = new Map(figureRows.map((r) => [r.villageCode, r]));
  // The year's own figures (人口核定 per year) win over the latest ones where the registry has them.
  const yearRows = await db.select().from(villageRegistry).where(and(eq(villageRegistry.year, year), inArray(villageRegistry.villageCode, [...villageCodes])));
  for (const r of yearRows) {
    const latest = figures.get(r.villageCode);
    figures.set(r.villageCode, { villageCode: r.villageCode, supervisionPhone: latest?.supervisionPhone ?? null, migrantPopulation: r.migrantPopulation, migrantHouseholds: r.migrantHouseholds, isKeyVillage: r.isKeyVillage });
  }
  const personVoucherRows = await db
    .select({ voucherNumber: disbursements.voucherNumber })
    .from(disbursements)
    .innerJoin(projects, eq(disbursements.projectId, projects.id))
    .where(and(eq(projects.year, year), eq(disbursements.payeeIsPerson, true), inArray(projects.villageCode, [...villageCodes])));
  const personPayeeVouchers = new Set(personVoucherRows.map((r) => r.voucherNumber));

  const contents = villageCodes.map((code) => {
    const { village, township } = chainOf(code)!;
    const f = figures.get(code);
    return buildVillageDisclosureContent({
      isSample,
      year,
      asOf,
      scope: { code, name: village.name, townshipCode: township.code, townshipName: township.name, countyName: county.name },
      village: f
        ? {
            migrantPopulation: f.migrantPopulation,
            migrantHouseholds: f.migrantHouseholds,
            isKeyVillage: f.isKeyVillage,
            supervisionPhone: f.supervisionPhone,
          }
        : null,
      ledger,
      personPayeeVouchers,
    });
  });
  return { ok: true, county: { code: county.code, name: county.name }, contents };
}

function fail(code: PublishErrorCode, message: string): PublishFailure {
  return { ok: false, code, message };
}

function entryOf(content: VillageDisclosureContent, version: number, contentHash: string): CountyVillageEntry {
  const { scope } = content;
  return { code: scope.code, name: scope.name, townshipCode: scope.townshipCode, townshipName: scope.townshipName, version, contentHash };
}

async function prepareRow(content: DisclosureContent, previous: LatestRow | undefined) {
  const contentJson = canonicalJson(content);
  const previousHash = previous?.contentHash ?? null;
  const contentHash = await chainHash(previousHash, contentJson);
  return { version: (previous?.version ?? 0) + 1, contentJson, previousHash, contentHash, verificationCode: verificationCode(contentHash) };
}

type DisclosureRow = typeof disclosures.$inferSelect;

function toPublished<C extends DisclosureContent>(row: DisclosureRow): PublishedDisclosure<C> {
  return {
    id: row.id,
    scopeType: row.scopeType,
    scopeCode: row.scopeCode,
    year: row.year,
    version: row.version,
    periodStart: row.periodStart,
    periodEnd: row.periodEnd,
    issuingUnit: row.issuingUnit,
    publishedAt: row.publishedAt,
    contentJson: row.contentJson,
    contentHash: row.contentHash,
    previousHash: row.previousHash,
    verificationCode: row.verificationCode,
    correctionReason: row.correctionReason,
    isSample: row.isSample,
    content: JSON.parse(row.contentJson) as C,
  };
}

export interface PublishedYear {
  year: number;
  /** The latest county snapshot, or null when the year has none. */
  county: PublishedDisclosure<CountyDisclosureContent> | null;
  /** The latest version of each village, sorted by village code. */
  villages: Array<PublishedDisclosure<VillageDisclosureContent>>;
  /** The ledger as published: projects and subsidies of the latest village versions, the county's trainings. */
  ledger: Ledger;
  /** The county snapshot's cut-off date (else the latest village one); null when nothing is published. */
  asOf: string | null;
}

/** Everything the site shows for a year, read from published snapshots only. */
export async function loadPublishedYear(db: Database, year: number, countyCode?: string): Promise<PublishedYear> {
  const rows = await db
    .select()
    .from(disclosures)
    .where(and(eq(disclosures.year, year), countyCode === undefined ? undefined : codeStartsWith(disclosures.scopeCode, countyCode)))
    .orderBy(asc(disclosures.version));
  const latest = new Map<string, DisclosureRow>();
  for (const row of rows) latest.set(scopeKey(row.scopeType, row.scopeCode), row);
  let county: PublishedDisclosure<CountyDisclosureContent> | null = null;
  const villages: Array<PublishedDisclosure<VillageDisclosureContent>> = [];
  for (const row of latest.values()) {
    if (row.scopeType === 'county') county = toPublished<CountyDisclosureContent>(row);
    else villages.push(toPublished<VillageDisclosureContent>(row));
  }
  villages.sort((a, b) => (a.scopeCode < b.scopeCode ? -1 : a.scopeCode > b.scopeCode ? 1 : 0));
  const ledger: Ledger = {
    projects: villages.flatMap((v) => v.content.projects),
    directSubsidies: villages.flatMap((v) => (v.content.directSubsidy ? [v.content.directSubsidy] : [])),
    trainings: county?.content.trainings ?? [],
  };
  const villageAsOf = villages.map((v) => v.content.asOf).sort().at(-1) ?? null;
  return { year, county, villages, ledger, asOf: county?.content.asOf ?? villageAsOf };
}

/** Every published village version of `year` (current and corrected), by village code, oldest version first. */
export async function listVillageVersionsOfYear(db: Database, year: number, codePrefixes?: readonly string[]): Promise<Array<PublishedDisclosure<VillageDisclosureContent>>> {
  const rows = await db
    .select()
    .from(disclosures)
    .where(and(eq(disclosures.year, year), eq(disclosures.scopeType, 'village'), codePrefixes ? scopeCodeStartsWith(codePrefixes) : undefined))
    .orderBy(asc(disclosures.scopeCode), asc(disclosures.version));
  return rows.map((r) => toPublished<VillageDisclosureContent>(r));
}

/** The scope code begins with one of `prefixes` (a township's villages, say); none matches an empty list. */
export function scopeCodeStartsWith(prefixes: readonly string[]): SQL {
  return prefixes.length === 0 ? sql`0` : or(...prefixes.map((p) => codeStartsWith(disclosures.scopeCode, p)))!;
}

/** Years that have at least one published disclosure (of `countyCode` when given), newest first. */
export async function listPublishedYears(db: Database, countyCode?: string): Promise<number[]> {
  const rows = await db
    .selectDistinct({ year: disclosures.year })
    .from(disclosures)
    .where(countyCode === undefined ? undefined : codeStartsWith(disclosures.scopeCode, countyCode))
    .orderBy(desc(disclosures.year));
  return rows.map((r) => r.year);
}

/** Every version of one scope and year, oldest first (for the permanent-history page). */
export async function listDisclosureVersions(
  db: Database,
  scopeType: DisclosureScopeType,
  scopeCode: string,
  year: number,
): Promise<PublishedDisclosure[]> {
  const rows = await db
    .select()
    .from(disclosures)
    .where(and(eq(disclosures.scopeType, scopeType), eq(disclosures.scopeCode, scopeCode), eq(disclosures.year, year)))
    .orderBy(asc(disclosures.version));
  return rows.map((r) => toPublished(r));
}

/** The current (highest) version of one scope and year, or null: one row read and parsed. */
export async function loadCurrentVersion(
  db: Database,
  scopeType: DisclosureScopeType,
  scopeCode: string,
  year: number,
): Promise<PublishedDisclosure | null> {
  const [row] = await db
    .select()
    .from(disclosures)
    .where(and(eq(disclosures.scopeType, scopeType), eq(disclosures.scopeCode, scopeCode), eq(disclosures.year, year)))
    .orderBy(desc(disclosures.version))
    .limit(1);
  return row ? toPublished(row) : null;
}

export type VerificationLookup =
  | {
      ok: true;
      disclosure: PublishedDisclosure;
      /** The newest version of the same scope and year; greater than `disclosure.version` when it was corrected. */
      latestVersion: number;
      isLatest: boolean;
      /** Whether the stored hash matches `sha256(previousHash + contentJson)`. */
      hashValid: boolean;
    }
  | { ok: false; code: 'INVALID_VERIFICATION_CODE' | 'DISCLOSURE_NOT_FOUND'; message: string };

/**
 * Looks up the disclosure a poster's verification code belongs to. Case, dashes and spaces do
 * not matter (`7kq4m2xd` finds `7KQ4-M2XD`).
 */
export async function findDisclosureByVerificationCode(db: Database, code: string): Promise<VerificationLookup> {
  const normalised = normalizeVerificationCode(code);
  if (normalised === null) {
    return {
      ok: false,
      code: 'INVALID_VERIFICATION_CODE',
      message: `核对码「${code.trim()}」格式不对：应为 8 位字母和数字（如 7KQ4-M2XD，不含 0、1、O、I、L），请对照公示牌重新输入。`,
    };
  }
  const [row] = await db.select().from(disclosures).where(eq(disclosures.verificationCode, normalised)).limit(1);
  if (!row) {
    return { ok: false, code: 'DISCLOSURE_NOT_FOUND', message: `没有找到核对码为 ${normalised} 的公示。请核对后重试；若公示牌上的码确实查不到，请向县移民事务中心反映。` };
  }
  const [newest] = await db
    .select({ version: disclosures.version })
    .from(disclosures)
    .where(and(eq(disclosures.scopeType, row.scopeType), eq(disclosures.scopeCode, row.scopeCode), eq(disclosures.year, row.year)))
    .orderBy(desc(disclosures.version))
    .limit(1);
  const latestVersion = newest?.version ?? row.version;
  return {
    ok: true,
    disclosure: toPublished(row),
    latestVersion,
    isLatest: latestVersion === row.version,
    hashValid: (await chainHash(row.previousHash, row.contentJson)) === row.contentHash,
  };
}

export type ChainProblem = 'content_not_canonical' | 'version_gap' | 'previous_hash_mismatch' | 'hash_mismatch' | 'verification_code_mismatch';

export type ChainVerification =
  | { ok: true; checked: number }
  | {
      ok: false;
      code: 'CHAIN_BROKEN';
      message: string;
      checked: number;
      broken: { id: number; scopeType: DisclosureScopeType; scopeCode: string; year: number; version: number; problem: ChainProblem };
    };

const PROBLEM_LABELS: Record<ChainProblem, string> = {
  content_not_canonical: '内容不是规范 JSON',
  version_gap: '版本号不连续',
  previous_hash_mismatch: '前序哈希与上一版本不符',
  hash_mismatch: '内容哈希与内容不符',
  verification_code_mismatch: '核对码与哈希不符',
};

/**
 * Recomputes every hash of every chain (scope + year), in insertion order, and names the first row
 * that does not hold: content that is not canonical JSON, a version gap, a previous hash that is not
 * the prior version's hash, a hash that does not match, or a verification code that does not.
 */
export async function verifyDisclosureChain(db: Database): Promise<ChainVerification> {
  const rows = await db.select().from(disclosures).orderBy(asc(disclosures.id));
  const last = new Map<string, DisclosureRow>();
  let checked = 0;
  for (const row of rows) {
    const key = `${scopeKey(row.scopeType, row.scopeCode)}:${row.year}`;
    const prior = last.get(key);
    const problem = await problemOf(row, prior);
    if (problem) {
      const broken = { id: row.id, scopeType: row.scopeType, scopeCode: row.scopeCode, year: row.year, version: row.version, problem };
      return {
        ok: false,
        code: 'CHAIN_BROKEN',
        message: `公示链校验失败：${row.year} 年 ${row.scopeCode} 第 ${row.version} 版（id ${row.id}）${PROBLEM_LABELS[problem]}。`,
        checked,
        broken,
      };
    }
    last.set(key, row);
    checked++;
  }
  return { ok: true, checked };
}

async function problemOf(row: DisclosureRow, prior: DisclosureRow | undefined): Promise<ChainProblem | null> {
  let canonical: string | null;
  try {
    canonical = canonicalJson(JSON.parse(row.contentJson));
  } catch {
    canonical = null;
  }
  if (canonical !== row.contentJson) return 'content_not_canonical';
  if (row.version !== (prior?.version ?? 0) + 1) return 'version_gap';
  if (row.previousHash !== (prior?.contentHash ?? null)) return 'previous_hash_mismatch';
  if ((await chainHash(row.previousHash, row.contentJson)) !== row.contentHash) return 'hash_mismatch';
  if (verificationCode(row.contentHash) !== row.verificationCode) return 'verification_code_mismatch';
  return null;
}
