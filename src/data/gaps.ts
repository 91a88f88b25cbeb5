/**
 * The gaps screen's data (数据缺漏和滞后): every finding of src/domain/ledger/gaps.ts within a
 * staff member's scope, counted per township and village, each count opening the records it counts.
 * The ledger rules run over the county-approved ledger; the others read posting proofs, objections,
 * one-card payments and project documents here. Internal: findings name no person.
 */
import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import type { Database } from '../../db/database.ts';
import { disclosures, divisions, feedback, householdPayments, households, postingProofs, resettlementVillages, villageRegistry } from '../../db/schema.ts';
import { GAP_KINDS, gapLabels, idleVillageGaps, projectGaps, registryMismatchGaps, type GapFinding, type GapKind, type GapOptions } from '../domain/ledger/gaps.ts';
import { addDays } from '../domain/shared/dates.ts';
import { loadLedger } from './ledger.ts';
import { listMissingDocuments } from './project-documents.ts';

export interface GapCounts {
  code: string;
  name: string;
  counts: Record<GapKind, number>;
}

export interface GapReport {
  options: GapOptions;
  kinds: Array<{ key: GapKind; label: string; rule: string; total: number }>;
  /** Per township in scope (with its villages that have any finding). */
  townships: Array<GapCounts & { villages: GapCounts[] }>;
  findings: Array<GapFinding & { townshipCode: string; villageName: string }>;
}

const zero = (): Record<GapKind, number> => Object.fromEntries(GAP_KINDS.map((k) => [k, 0])) as Record<GapKind, number>;

/** Finds every gap within `scopeCode` (a county, township or village code) as of `options.asOf`. */
export async function loadGaps(db: Database, scopeCode: string, options: GapOptions): Promise<GapReport> {
  const inScope = (code: string) => code.startsWith(scopeCode);
  const [ledger, divisionRows, villages, registry, failed, current, proofs, objections, documents] = await Promise.all([
    loadLedger(db, { scopeCode }),
    db.select({ code: divisions.code, name: divisions.name, level: divisions.level, parentCode: divisions.parentCode }).from(divisions),
    db.select({ code: resettlementVillages.villageCode, name: divisions.name }).from(resettlementVillages).innerJoin(divisions, eq(divisions.code, resettlementVillages.villageCode)),
    db
      .select({ villageCode: villageRegistry.villageCode, villageName: divisions.name, migrantPopulation: villageRegistry.migrantPopulation })
      .from(villageRegistry)
      .innerJoin(divisions, eq(divisions.code, villageRegistry.villageCode))
      .where(eq(villageRegistry.year, options.year)),
    db
      .select({ id: householdPayments.id, year: householdPayments.year, villageCode: households.villageCode, householdNumber: households.householdNumber, persons: householdPayments.persons, amountFen: householdPayments.amountFen, failureReason: householdPayments.failureReason, remedy: householdPayments.remedy })
      .from(householdPayments)
      .innerJoin(households, eq(households.id, householdPayments.householdId))
      .where(eq(householdPayments.status, 'failed')),
    // The current (highest) version of every village disclosure whose period has begun.
    db
      .select({ id: disclosures.id, villageCode: disclosures.scopeCode, year: disclosures.year, version: disclosures.version, periodStart: disclosures.periodStart })
      .from(disclosures)
      .where(
        and(
          eq(disclosures.scopeType, 'village'),
          sql`${disclosures.version} = (SELECT MAX(d2.version) FROM disclosures d2 WHERE d2.scope_type = 'village' AND d2.scope_code = ${disclosures.scopeCode} AND d2.year = ${disclosures.year})`,
          sql`${disclosures.periodStart} <= ${options.asOf}`,
        ),
      ),
    db.select({ disclosureId: postingProofs.disclosureId }).from(postingProofs).where(eq(postingProofs.status, 'accepted')),
    db
      .select({ id: feedback.id, villageCode: feedback.villageCode, receivedAt: feedback.receivedAt, body: feedback.body, status: feedback.status })
      .from(feedback)
      .where(and(eq(feedback.kind, 'objection'), isNull(feedback.answeredAt), ne(feedback.status, 'closed'))),
    listMissingDocuments(db, { scopeCode }),
  ]);

  const projects = ledger.projects.filter((p) => inScope(p.villageCode));
  const findings: GapFinding[] = [
    ...projectGaps(projects, options),
    ...idleVillageGaps(villages.filter((v) => inScope(v.code)), projects, options),
    ...registryMismatchGaps(registry.filter((r) => inScope(r.villageCode)), ledger.directSubsidies, options),
  ];
  for (const p of failed) {
    if (!inScope(p.villageCode)) continue;
    findings.push({
      kind: 'failedPayments',
      ref: String(p.id),
      villageCode: p.villageCode,
      title: `${p.year} 年 户号 ${p.householdNumber}`,
      detail: `${p.persons} 人，${(p.amountFen / 100).toFixed(2)} 元；失败原因：${p.failureReason ?? '未填写'}${p.remedy ? `；处理：${p.remedy}` : ''}`,
      link: null,
    });
  }
  const proved = new Set(proofs.map((p) => p.disclosureId));
  for (const d of current) {
    if (!inScope(d.villageCode) || proved.has(d.id)) continue;
    findings.push({
      kind: 'noPostingPhoto',
      ref: String(d.id),
      villageCode: d.villageCode,
      title: `${d.year} 年公示第 ${d.version} 版`,
      detail: `${d.periodStart} 开始公示，还没有审核通过的张贴照片`,
      link: `/villages/${d.villageCode}/${d.year}/v${d.version}/`,
    });
  }
  for (const f of objections) {
    const received = f.receivedAt.slice(0, 10);
    if (!f.villageCode || !inScope(f.villageCode) || addDays(received, options.answerDays) >= options.asOf) continue;
    findings.push({
      kind: 'objectionsOverdue',
      ref: String(f.id),
      villageCode: f.villageCode,
      title: `异议 ${f.id}`,
      detail: `${received} 收到，到 ${options.asOf} 还没有答复：${f.body.length > 40 ? `${f.body.slice(0, 40)}…` : f.body}`,
      link: null,
    });
  }
  for (const d of documents) {
    if (!inScope(d.villageCode)) continue;
    findings.push({ kind: 'missingDocuments', ref: d.projectCode, villageCode: d.villageCode, title: `${d.year} 年 ${d.projectName}`, detail: `还缺：${d.missingLabels.join('、')}`, link: `/projects/${encodeURIComponent(d.projectCode)}/` });
  }

  const names = new Map(divisionRows.map((d) => [d.code, d]));
  const townshipOf = (villageCode: string) => names.get(villageCode)?.parentCode ?? villageCode.slice(0, 9);
  const townships = new Map<string, GapCounts & { villages: Map<string, GapCounts> }>();
  for (const d of divisionRows) {
    if (d.level === 'township' && (inScope(d.code) || scopeCode.startsWith(d.code))) townships.set(d.code, { code: d.code, name: d.name, counts: zero(), villages: new Map() });
  }
  const out: GapReport['findings'] = [];
  for (const f of findings) {
    const townshipCode = townshipOf(f.villageCode);
    const t = townships.get(townshipCode);
    const villageName = names.get(f.villageCode)?.name ?? f.villageCode;
    out.push({ ...f, townshipCode, villageName });
    if (!t) continue;
    t.counts[f.kind] += 1;
    let v = t.villages.get(f.villageCode);
    if (!v) t.villages.set(f.villageCode, (v = { code: f.villageCode, name: villageName, counts: zero() }));
    v.counts[f.kind] += 1;
  }
  const labels = gapLabels(options);
  const totals = zero();
  for (const f of findings) totals[f.kind] += 1;
  return {
    options,
    kinds: GAP_KINDS.map((key) => ({ key, ...labels[key], total: totals[key] })),
    townships: [...townships.values()]
      .sort((a, b) => a.code.localeCompare(b.code))
      .map((t) => ({ code: t.code, name: t.name, counts: t.counts, villages: [...t.villages.values()].sort((a, b) => a.code.localeCompare(b.code)) })),
    findings: out.sort((a, b) => GAP_KINDS.indexOf(a.kind) - GAP_KINDS.indexOf(b.kind) || a.villageCode.localeCompare(b.villageCode) || a.ref.localeCompare(b.ref)),
  };
}
