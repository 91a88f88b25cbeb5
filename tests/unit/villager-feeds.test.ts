import { describe, expect, it } from 'vitest';
import { answeredEntry, disclosureEntry, renderAtomFeed, xmlText } from '../../src/domain/disclosure/atom-feed.ts';
import type { FeedbackRecord } from '../../src/domain/villager/feedback.ts';
import { findPersonalData } from '../../src/domain/villager/masking.ts';
import { fakeId } from '../api/villager-roster.case.ts';

const answered: FeedbackRecord = {
  id: 3, kind: 'objection', subjectType: 'village', subjectRef: '430482105003', villageCode: '430482105003', disclosureId: 1,
  body: `人数不对，我的身份证 ${fakeId('19580312', '031')}，电话 13812345678，卡号 6217000012345678901`,
  status: 'answered', responsibleUnit: '柏坊镇人民政府', answer: '已核实 & 更正 <见第2版>\u0001', answeredAt: '2026-11-27T01:00:00.000Z', receivedAt: '2026-11-25T01:00:00.000Z',
};

describe('Atom feeds', () => {
  const xml = renderAtomFeed(
    {
      id: 'https://example.org/villages/430482105003/',
      title: '禄福村公示更新',
      selfUrl: 'https://example.org/feeds/villages/430482105003.xml',
      alternateUrl: 'https://example.org/villages/430482105003/',
      author: '常宁市库区移民事务中心',
      entries: [
        disclosureEntry('https://example.org', { scopeType: 'village', scopeCode: '430482105003', scopeName: '禄福村', year: 2026, version: 2, periodStart: '2026-11-20', periodEnd: '2026-11-30', publishedAt: '2026-11-19T02:00:00.000Z', correctionReason: '更正人数', verificationCode: 'K7M2-Q9PX' }),
        answeredEntry('https://example.org', answered, '禄福村公示')!,
      ],
    },
    '2026-01-01T00:00:00.000Z',
  );

  it('puts the newest entry first and uses it as the feed’s updated time', () => {
    expect(xml.indexOf('第3号异议已答复')).toBeLessThan(xml.indexOf('2026年度公示更正（第2版）'));
    expect(xml).toMatch(/<feed[^>]*>\s*<id>[^<]+<\/id>\s*<title>[^<]+<\/title>\s*<updated>2026-11-27T01:00:00.000Z<\/updated>/);
  });

  it('escapes markup and drops characters XML cannot hold', () => {
    expect(xml).toContain('已核实 &amp; 更正 &lt;见第2版&gt;');
    expect(xml).not.toContain('\u0001');
    expect(xmlText(`a"b'c`)).toBe('a&quot;b&apos;c');
  });

  it('leaves no personal data in a feed, even from what a villager typed', () => {
    expect(findPersonalData(xml)).toEqual([]);
    expect(xml).toContain('138****5678');
  });

  it('does not announce an unanswered message', () => {
    expect(answeredEntry('https://example.org', { ...answered, status: 'handling', answer: null, answeredAt: null }, 'x')).toBeNull();
  });
});
