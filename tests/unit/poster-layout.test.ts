import { describe, expect, it } from 'vitest';
import { breakUnits, wrapText } from '../../src/posters/wrap.ts';
import { balancedLines, layoutPoster, LABELS, PAPER, posterCharacters, qrRuns, STYLE, type PosterPage, type TextNode } from '../../src/posters/layout.ts';
import { buildPosterModel } from '../../src/posters/model.ts';
import { fakeMeasure, POSTER_SETTINGS, RELEASE, villageContent } from '../support/poster-fixtures.ts';

const texts = (page: PosterPage) => page.nodes.filter((n): n is TextNode => n.kind === 'text');
const allText = (page: PosterPage) => texts(page).map((t) => t.text).join('\n');
const layout = (projects: number, release = RELEASE) => {
  const model = buildPosterModel(villageContent(projects), release, POSTER_SETTINGS);
  return { model, pages: layoutPoster(model, fakeMeasure) };
};

describe('poster layout (fake measure, no fonts)', () => {
  it('puts title, table header, totals, subsidy, supervision and sign-off on a one-page poster', () => {
    const { model, pages } = layout(3);
    expect(pages).toHaveLength(1);
    const text = allText(pages[0]!).replace(/\n/g, '');
    expect(text).toContain('关于𬌗㙟村2022年度水库移民后期扶持项目实施情况的公示');
    for (const column of LABELS.columns) expect(text).toContain(column);
    expect(text).toContain(LABELS.total);
    expect(text).toContain(model.totals!.budget);
    expect(text).toContain('现将𬌗㙟村2022年度');
    expect(text).toContain('请予监督。');
    expect(text).toContain('如有异议，请在公示期内向');
    expect(text).toContain('常宁市库区移民事务中心');
    expect(text).toContain('2023年9月6日');
    expect(text).toContain('核对码 7KQ4-M2XD');
    expect(text).toContain('第 1 页 共 1 页');
  });

  it('puts the 样张 notice in the footer without covering the QR code or its lines', () => {
    const model = buildPosterModel(villageContent(3), RELEASE, { ...POSTER_SETTINGS, siteUrl: 'http://localhost:4321' });
    const [page] = layoutPoster(model, fakeMeasure);
    const notice = texts(page!).find((t) => t.text === model.notice)!;
    expect(model.notice).toBe('示例数据\u3000样张（地址未设置，勿张贴）');
    const footer = texts(page!).filter((t) => t.text === LABELS.scan || model.verifyLines.includes(t.text));
    expect(footer).toHaveLength(4);
    for (const t of footer) expect(t.x + fakeMeasure(t.text, t.size), t.text).toBeLessThan(notice.x - 8);
  });

  it('never leaves the 落款 alone on a page: 三、公示期和监督 goes with it', () => {
    const footer = (model: ReturnType<typeof buildPosterModel>) => new Set([LABELS.scan, ...model.verifyLines]);
    let multiPage = 0;
    for (let n = 1; n <= 16; n++) {
      const model = buildPosterModel(villageContent(n, { isSample: false }), RELEASE, POSTER_SETTINGS);
      const pages = layoutPoster(model, fakeMeasure);
      if (pages.length > 1) multiPage++;
      const body = texts(pages.at(-1)!).filter((t) => !t.decorative && !footer(model).has(t.text) && !/^第 \d+ 页/.test(t.text)).map((t) => t.text);
      expect(body.slice(-2), `${n} projects`).toEqual([model.issuer, model.issueDate]);
      expect(body.length, `${n} projects: the last page holds more than the 落款`).toBeGreaterThan(2);
    }
    expect(multiPage).toBeGreaterThan(3);
  });

  it('keeps every text at 11 pt or more and inside the margins (the watermark aside)', () => {
    const { pages } = layout(12);
    const { width } = PAPER.A4;
    for (const page of pages) {
      for (const t of texts(page).filter((n) => !n.decorative)) {
        expect(t.size, t.text).toBeGreaterThanOrEqual(11);
        expect(t.x, t.text).toBeGreaterThanOrEqual(STYLE.margin.left - 0.01);
        expect(t.x + fakeMeasure(t.text, t.size), t.text).toBeLessThanOrEqual(width - STYLE.margin.right + 0.01);
        expect(t.y).toBeLessThanOrEqual(PAPER.A4.height - STYLE.margin.bottom);
      }
    }
  });

  it('continues a long table on further pages with the header repeated and 第 n 页 共 m 页', () => {
    const { model, pages } = layout(40);
    expect(pages.length).toBeGreaterThan(2);
    pages.forEach((page, i) => {
      const text = allText(page);
      expect(text).toContain(LABELS.page(i + 1, pages.length));
      expect(page.nodes.filter((n) => n.kind === 'qr')).toHaveLength(1);
    });
    const tablePages = pages.filter((p) => texts(p).some((t) => t.text === model.rows[0]!.budget || /^塅垱组\d+号/.test(t.text)));
    for (const page of tablePages.slice(1)) {
      expect(allText(page)).toContain(LABELS.continued);
      expect(texts(page).some((t) => t.text === '序号')).toBe(true);
    }
    // Every row appears exactly once, in order.
    const indexes = pages.flatMap((p) => texts(p).filter((t) => /^\d+$/.test(t.text) && t.x < STYLE.margin.left + 32).map((t) => Number(t.text)));
    expect(indexes).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(allText(pages.at(-1)!)).toContain(model.issuer);
  });

  it('says so when a village has no projects, without a totals row', () => {
    const model = buildPosterModel(villageContent(0), RELEASE, POSTER_SETTINGS);
    const text = allText(layoutPoster(model, fakeMeasure)[0]!);
    expect(text).toContain(LABELS.noProjects);
    expect(text).not.toContain(LABELS.total);
  });

  it('marks sample data and drafts on every page', () => {
    const sample = layout(40).pages;
    for (const page of sample) expect(texts(page).some((t) => t.decorative && t.text === '示例数据')).toBe(true);
    const draft = layout(1, null as never).pages;
    expect(texts(draft[0]!).some((t) => t.decorative && t.text === '草稿')).toBe(true);
    expect(allText(draft[0]!)).toContain('草稿');
  });

  it('prints only characters that posterCharacters announced (so the font subset has them all)', () => {
    const { model, pages } = layout(40);
    const known = new Set(posterCharacters(model));
    const printed = new Set(pages.flatMap((p) => texts(p).flatMap((t) => [...t.text])));
    expect([...printed].filter((ch) => !known.has(ch))).toEqual([]);
  });
});

describe('line breaking', () => {
  it('keeps amounts and phone numbers whole and punctuation off the start of a line', () => {
    expect(breakUnits('金额 1,234.56 元。')).toEqual(['金', '额', ' ', '1,234.56', ' ', '元。']);
    const lines = wrapText('现将有关情况公示如下，请予监督。', 5 * 12, 12, 'regular', fakeMeasure);
    for (const line of lines.slice(1)) expect(line).not.toMatch(/^[，。、]/);
    expect(lines.join('')).toBe('现将有关情况公示如下，请予监督。');
  });

  it('balances a two-line title', () => {
    const lines = balancedLines('关于𬌗㙟村2022年度水库移民后期扶持项目实施情况的公示', 505, 20, 'bold', fakeMeasure);
    expect(lines).toHaveLength(2);
    expect(Math.abs(fakeMeasure(lines[0]!, 20) - fakeMeasure(lines[1]!, 20))).toBeLessThanOrEqual(40);
  });

  it('turns QR modules into horizontal runs', () => {
    expect(qrRuns([[true, true, false, true], [false, false, false, false]])).toEqual([
      { row: 0, col: 0, length: 2 },
      { row: 0, col: 3, length: 1 },
    ]);
  });
});
