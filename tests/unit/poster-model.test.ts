import { describe, expect, it } from 'vitest';
import { buildPosterModel } from '../../src/posters/model.ts';
import { DEFAULT_TITLE_TEMPLATE, posterTitle, villageDisplayName } from '../../src/posters/title.ts';
import { POSTER_SETTINGS, project, RELEASE, villageContent } from '../support/poster-fixtures.ts';

describe('poster text', () => {
  it.each([
    ['书泉村委会', '书泉村'],
    ['东风社区居委会', '东风社区'],
    ['城关居委会', '城关社区'],
    ['东风社区', '东风社区'],
  ])('shows %s as %s', (official, shown) => expect(villageDisplayName(official)).toBe(shown));

  it('fills the configurable title template', () => {
    expect(posterTitle(DEFAULT_TITLE_TEMPLATE, { village: '书泉村', year: 2022, township: '曲潭街道', county: '常宁市' })).toBe(
      '关于书泉村2022年度水库移民后期扶持项目实施情况的公示',
    );
    expect(posterTitle('{county}{township}{village}{year}年移民项目公示{unknown}', { village: '书泉村', year: 2022, township: '曲潭街道', county: '常宁市' })).toBe(
      '常宁市曲潭街道书泉村2022年移民项目公示{unknown}',
    );
    const model = buildPosterModel(villageContent(1), RELEASE, { ...POSTER_SETTINGS, titleTemplate: '{village}{year}年度公示' });
    expect(model.title).toBe('𬌗㙟村2022年度公示');
  });

  it('names the address only when the county has set one', () => {
    const withAddress = buildPosterModel(villageContent(0), RELEASE, { ...POSTER_SETTINGS, supervisionAddress: '县移民中心一楼' });
    expect(withAddress.supervisionLines.join('')).toContain('反映（地址：县移民中心一楼）。');
    const without = buildPosterModel(villageContent(0), RELEASE, { ...POSTER_SETTINGS, supervisionAddress: '' });
    expect(without.supervisionLines.join('')).not.toContain('地址');
    expect(without.supervisionLines.join('')).toMatch(/反映。/);
  });

  it('formats the table in 元 with the status in words', () => {
    const content = villageContent(0, {});
    content.projects = [project(1, { milestones: [{ kind: 'accepted', date: '2023-07-01', actorUnit: null }] })];
    content.totals = { ...content.totals, budgetFen: 12_345_601, disbursedFen: 1_000_000 };
    const model = buildPosterModel(content, RELEASE, POSTER_SETTINGS);
    expect(model.rows[0]).toMatchObject({ index: '1', budget: '123,456.01', disbursed: '10,000.00', status: '已验收', fundSources: '中央水库移民扶持基金' });
    expect(model.totals).toEqual({ budget: '123,456.01', disbursed: '10,000.00' });
  });

  it('summarises the direct subsidy, paid or not yet', () => {
    const paid = buildPosterModel(villageContent(0), RELEASE, POSTER_SETTINGS);
    expect(paid.subsidyText).toBe('2022年度本村直补资金核定 221 人，标准 600.00 元/人·年，金额 132,600.00 元，已于2022年5月12日通过一卡通发放到人。');
    const content = villageContent(0);
    content.directSubsidy = { ...content.directSubsidy!, paymentDate: null };
    expect(buildPosterModel(content, RELEASE, POSTER_SETTINGS).subsidyText).toContain('尚未发放（应于2022年6月30日前通过一卡通发放）');
    expect(buildPosterModel(villageContent(0, { directSubsidy: null }), RELEASE, POSTER_SETTINGS).subsidyText).toBe('2022年度本村没有直补资金发放记录。');
  });

  it('prints the disclosure period, where to object and the village, township and county phones', () => {
    const model = buildPosterModel(villageContent(1), RELEASE, POSTER_SETTINGS);
    expect(model.supervisionLines[0]).toBe('公示期：2023年9月6日至2023年9月15日（共 10 天）。');
    expect(model.supervisionLines[1]).toContain('如有异议，请在公示期内向𬌗㙟村村民委员会、柏坊镇人民政府或常宁市库区移民事务中心反映');
    expect(model.supervisionLines[2]).toBe('监督电话\u3000村：0734-7448334\u3000乡镇：0734-7001234\u3000县：0734-7212345');
    // The QR code names the version it was printed from (RELEASE is version 2 of 2022).
    expect(model.qrUrl).toBe('https://gs.example.cn/villages/430482101232/2022/v2/');
    expect(model.verifyLines[2]).toBe('gs.example.cn/villages/430482101232/2022/v2/');
    // A draft has no version yet: its code leads to the village.
    expect(buildPosterModel(villageContent(1), null, POSTER_SETTINGS).qrUrl).toBe('https://gs.example.cn/villages/430482101232/');
    expect(model.verifyLines[0]).toBe('核对码 7KQ4-M2XD');
    expect(model.qr.length).toBeGreaterThanOrEqual(21);
  });

  it('marks a draft as unpublished and a real disclosure without the sample notice', () => {
    const draft = buildPosterModel(villageContent(1), null, POSTER_SETTINGS);
    expect(draft.watermark).toBe('草稿');
    expect(draft.verifyLines[0]).toBe('草稿，未发布');
    const real = buildPosterModel(villageContent(1, { isSample: false }), RELEASE, POSTER_SETTINGS);
    expect(real.watermark).toBeNull();
    expect(real.notice).toBeNull();
  });

  it('prints a poster whose QR code leads to this machine as a 样张, not to be posted', () => {
    for (const siteUrl of ['http://localhost:4321', 'http://127.0.0.1:4501', 'http://0.0.0.0:8080']) {
      const real = buildPosterModel(villageContent(1, { isSample: false }), RELEASE, { ...POSTER_SETTINGS, siteUrl });
      expect(real.watermark, siteUrl).toBe('样张');
      expect(real.notice).toBe('样张（地址未设置，勿张贴）');
      expect(real.verifyLines[2]).toBe('网址未设置，别人扫码打不开');
    }
    const sample = buildPosterModel(villageContent(1, { isSample: true }), RELEASE, { ...POSTER_SETTINGS, siteUrl: 'http://localhost:4321' });
    expect(sample.notice).toBe('示例数据\u3000样张（地址未设置，勿张贴）');
    // A draft stays a 草稿 whatever the address.
    expect(buildPosterModel(villageContent(1), null, { ...POSTER_SETTINGS, siteUrl: 'http://localhost:4321' }).watermark).toBe('草稿');
    const public_ = buildPosterModel(villageContent(1, { isSample: false }), RELEASE, { ...POSTER_SETTINGS, siteUrl: 'http://ymgs.example.gov.cn' });
    expect([public_.watermark, public_.notice, public_.verifyLines[2]]).toEqual([null, null, 'ymgs.example.gov.cn/villages/430482101232/2022/v2/']);
  });
});
