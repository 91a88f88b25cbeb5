/**
 * 上次公示结果 on the poster of a corrected version (issue 7 item 2): the model's text, its place
 * in the layout (fake measure, no fonts) and the content key the files are named by.
 */
import { describe, expect, it } from 'vitest';
import { previousOutcomeOf } from '../../src/data/previous-outcome.ts';
import type { PublishedDisclosure } from '../../src/data/disclosures.ts';
import type { VillageDisclosureContent } from '../../src/domain/disclosure/disclosure-content.ts';
import { layoutPoster, posterCharacters, STYLE, type PosterPage, type TextNode } from '../../src/posters/layout.ts';
import { buildPosterModel, previousOutcomeText, type PreviousDisclosureOutcome } from '../../src/posters/model.ts';
import { villagePosterKey } from '../../src/posters/plan.ts';
import { fakeMeasure, POSTER_SETTINGS, RELEASE, villageContent } from '../support/poster-fixtures.ts';

const texts = (page: PosterPage) => page.nodes.filter((n): n is TextNode => n.kind === 'text');
const joined = (pages: PosterPage[]) => pages.flatMap(texts).map((t) => t.text).join('');

const NO_OBJECTION: PreviousDisclosureOutcome = { version: 1, periodStart: '2023-09-01', periodEnd: '2023-09-10', objections: 0, resolved: 0 };
const TWO_OF_THREE: PreviousDisclosureOutcome = { ...NO_OBJECTION, objections: 3, resolved: 2 };

describe('previous outcome text', () => {
  it.each([
    ['no objection', NO_OBJECTION, '上次公示（第1版，2023年9月1日至2023年9月10日）期满，无异议。'],
    ['all answered', { ...NO_OBJECTION, objections: 2, resolved: 2 }, '上次公示（第1版，2023年9月1日至2023年9月10日）期间收到异议 2 件，已全部答复，详见网上问答 gs.example.cn/feedback/。'],
    ['some still open', TWO_OF_THREE, '上次公示（第1版，2023年9月1日至2023年9月10日）期间收到异议 3 件，已答复 2 件，其余 1 件正在办理，详见网上问答 gs.example.cn/feedback/。'],
  ])('says it plainly: %s', (_name, previous, text) => {
    expect(previousOutcomeText(previous, POSTER_SETTINGS.siteUrl)).toBe(text);
  });

  it('exists only once the period has ended', () => {
    const period = { id: 7, version: 1, periodStart: '2023-09-01', periodEnd: '2023-09-10' };
    expect(previousOutcomeOf(period, { state: 'in_period', objections: 1, text: '' })).toBeNull();
    expect(previousOutcomeOf(period, { state: 'not_started', text: '' })).toBeNull();
    expect(previousOutcomeOf(period, { state: 'no_objection', text: '' })).toEqual(NO_OBJECTION);
    expect(previousOutcomeOf(period, { state: 'objections', objections: 3, resolved: 2, text: '', items: [] })).toEqual(TWO_OF_THREE);
  });
});

describe('poster model and layout with a previous outcome', () => {
  it('prints no 上次公示结果 section without one (a first version)', () => {
    const model = buildPosterModel(villageContent(3), RELEASE, POSTER_SETTINGS);
    expect(model.previousOutcome).toBeNull();
    expect(joined(layoutPoster(model, fakeMeasure))).not.toContain('上次公示');
  });

  it('prints the section after 公示期和监督 and before the sign-off, in body text of at least 11 pt', () => {
    const model = buildPosterModel(villageContent(3), RELEASE, POSTER_SETTINGS, TWO_OF_THREE);
    expect(model.previousOutcome).toEqual({ heading: '四、上次公示结果', text: previousOutcomeText(TWO_OF_THREE, POSTER_SETTINGS.siteUrl) });
    const pages = layoutPoster(model, fakeMeasure);
    const nodes = pages.flatMap(texts);
    const at = (predicate: (t: TextNode) => boolean) => nodes.findIndex(predicate);
    const supervision = at((t) => t.text === '三、公示期和监督');
    const heading = at((t) => t.text === '四、上次公示结果');
    const issuer = at((t) => t.text === model.issuer);
    expect(supervision).toBeGreaterThan(-1);
    expect(heading).toBeGreaterThan(supervision);
    expect(issuer).toBeGreaterThan(heading);
    // The paragraph's lines follow the heading (the page's footer comes after them).
    const body: TextNode[] = [];
    for (const t of nodes.slice(heading + 1, issuer)) {
      if (!model.previousOutcome!.text.startsWith(body.map((b) => b.text).join('') + t.text)) break;
      body.push(t);
    }
    expect(body.map((t) => t.text).join('')).toBe(model.previousOutcome!.text);
    for (const t of [nodes[heading]!, ...body]) {
      expect(t.size).toBeGreaterThanOrEqual(11);
      expect(t.grey).toBe(0);
      expect(t.x + fakeMeasure(t.text, t.size)).toBeLessThanOrEqual(595.28 - STYLE.margin.right + 0.01);
    }
  });

  it('announces the section\'s characters for the font subset', () => {
    const model = buildPosterModel(villageContent(3), RELEASE, POSTER_SETTINGS, TWO_OF_THREE);
    const chars = new Set(posterCharacters(model));
    for (const ch of model.previousOutcome!.heading + model.previousOutcome!.text) expect(chars.has(ch), ch).toBe(true);
  });

  it('keeps a long table and the section together on as many pages as needed', () => {
    const model = buildPosterModel(villageContent(40), RELEASE, POSTER_SETTINGS, NO_OBJECTION);
    const pages = layoutPoster(model, fakeMeasure);
    expect(pages.length).toBeGreaterThan(1);
    expect(joined(pages)).toContain('期满，无异议。');
    expect(joined([pages.at(-1)!])).toContain(model.issuer);
  });
});

describe('poster key', () => {
  const disclosure = {
    id: 1,
    scopeType: 'village',
    scopeCode: '430482101232',
    year: 2022,
    version: 2,
    periodStart: '2023-09-06',
    periodEnd: '2023-09-15',
    issuingUnit: '常宁市库区移民事务中心',
    publishedAt: '2023-09-06T00:00:00Z',
    contentJson: '{}',
    contentHash: 'ab'.repeat(32),
    previousHash: 'cd'.repeat(32),
    verificationCode: '7KQ4-M2XD',
    correctionReason: '更正',
    isSample: true,
    content: villageContent(1),
  } satisfies PublishedDisclosure<VillageDisclosureContent>;

  it('changes when the previous outcome changes, and not otherwise', () => {
    const none = villagePosterKey(disclosure, POSTER_SETTINGS);
    expect(villagePosterKey(disclosure, POSTER_SETTINGS, null)).toBe(none);
    const ended = villagePosterKey(disclosure, POSTER_SETTINGS, NO_OBJECTION);
    const objected = villagePosterKey(disclosure, POSTER_SETTINGS, TWO_OF_THREE);
    const answered = villagePosterKey(disclosure, POSTER_SETTINGS, { ...TWO_OF_THREE, resolved: 3 });
    expect(new Set([none, ended, objected, answered]).size).toBe(4);
    expect(villagePosterKey(disclosure, POSTER_SETTINGS, { ...TWO_OF_THREE })).toBe(objected);
  });
});
