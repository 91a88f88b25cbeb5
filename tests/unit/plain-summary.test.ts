/** The plain summaries printed on village and project pages (and read aloud by 听一听). */
import { describe, expect, it } from 'vitest';
import { projectSummary, villageSummary } from '../../src/domain/disclosure/plain-summary.ts';
import { project, villageContent } from '../support/poster-fixtures.ts';
import { formatChineseDate } from '../../src/domain/shared/dates.ts';

describe('plain summaries', () => {
  it('counts a village’s projects by how far they got, with the money in 万元', () => {
    const content = villageContent(3);
    const text = villageSummary('塘口村', content);
    expect(text).toMatch(/^塘口村2022年有3个项目，(已完工|在建|未开工|已验收)\d个/);
    expect(text).toContain(`批复资金一共 ${(content.totals.budgetFen / 1_000_000).toFixed(2)} 万元`);
    expect(text).toContain(`已经拨付 ${(content.totals.disbursedFen / 1_000_000).toFixed(2)} 万元。`);
    expect(text.endsWith(`数据截至${formatChineseDate(content.asOf)}。`)).toBe(true);
    expect(villageSummary('塘口村', villageContent(0))).toBe(`塘口村2022年没有安排后期扶持项目。数据截至${formatChineseDate(villageContent(0).asOf)}。`);
  });

  it('says where a project is, how far it got and its money', () => {
    const p = project(1);
    expect(projectSummary('塘口村', p, '2023-08-31')).toMatch(/^塅垱组1号机耕道建设是塘口村2022年的项目，现在(已完工|在建|未开工|已验收)。批复资金 \d+\.\d\d 万元，已经拨付 \d+\.\d\d 万元。$/);
  });
});
