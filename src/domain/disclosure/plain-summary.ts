/**
 * The plain summary printed at the top of a village's and a project's page, in short sentences a
 * villager would say, and read aloud word for word by 听一听 (src/components/ReadAloud.astro).
 *
 * @example
 * villageSummary('书泉村', content)
 * // '书泉村2025年有2个项目，已完工1个、在建1个。批复资金一共 35.00 万元，已经拨付 20.00 万元。数据截至2025年12月1日。'
 */
import type { ProjectRecord } from '../ledger/ledger.ts';
import { projectStatusAsOf, statusLabel } from '../ledger/project-status.ts';
import { projectBudgetFen, projectDisbursedFen } from '../ledger/indicators.ts';
import { formatWanYuan } from '../shared/money.ts';
import { formatChineseDate } from '../shared/dates.ts';
import type { VillageDisclosureContent } from './disclosure-content.ts';

export function villageSummary(villageName: string, content: Pick<VillageDisclosureContent, 'year' | 'asOf' | 'projects' | 'totals'>): string {
  const { year, projects, totals } = content;
  const asOf = `数据截至${formatChineseDate(content.asOf)}。`;
  if (projects.length === 0) return `${villageName}${year}年没有安排后期扶持项目。${asOf}`;
  const counts = new Map<string, number>();
  for (const p of projects) {
    const label = statusLabel(projectStatusAsOf(p, content.asOf));
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  const each = [...counts].map(([label, n]) => `${label}${n}个`).join('、');
  return `${villageName}${year}年有${projects.length}个项目，${each}。批复资金一共 ${formatWanYuan(totals.budgetFen)}，已经拨付 ${formatWanYuan(totals.disbursedFen)}。${asOf}`;
}

export function projectSummary(villageName: string, p: ProjectRecord, asOf: string): string {
  return `${p.name}是${villageName}${p.year}年的项目，现在${statusLabel(projectStatusAsOf(p, asOf))}。批复资金 ${formatWanYuan(projectBudgetFen(p))}，已经拨付 ${formatWanYuan(projectDisbursedFen(p, asOf))}。`;
}
