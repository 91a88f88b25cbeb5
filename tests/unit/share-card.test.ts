/**
 * The share card (发到村民群): what it says, built from a published village version, and the PNG it
 * is drawn as: 1080 × 1440, its QR code read back with zbarimg, its words read back with tesseract.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PublishedDisclosure, VillageDisclosureContent } from '../../src/domain/disclosure/disclosure-content.ts';
import { buildShareCardModel, CARD_MAX_ROWS } from '../../src/posters/card-model.ts';
import { drawShareCard } from '../../src/posters/card.ts';
import { RELEASE, villageContent } from '../support/poster-fixtures.ts';

const published = (content: VillageDisclosureContent): PublishedDisclosure<VillageDisclosureContent> =>
  ({ ...RELEASE, id: 1, scopeType: 'village', scopeCode: content.scope.code, year: content.year, publishedAt: '2023-09-06T02:00:00.000Z', contentJson: '', contentHash: 'h', previousHash: null, correctionReason: null, isSample: content.isSample, content }) as PublishedDisclosure<VillageDisclosureContent>;

describe('the share card', () => {
  const dir = mkdtempSync(join(tmpdir(), 'share-card-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the village, counts its projects, lists a few and leads to the village page', () => {
    const many = villageContent(CARD_MAX_ROWS + 3, { isSample: false });
    const m = buildShareCardModel(published(many), 'https://gs.example.cn');
    expect(m.village).toBe('𬌗㙟村');
    expect(m.heading).toBe(`2022年 后期扶持项目 ${CARD_MAX_ROWS + 3} 个`);
    expect(m.rows).toHaveLength(CARD_MAX_ROWS);
    expect(m.more).toBe('还有 3 个项目，扫码看全部');
    expect(m.budget).toMatch(/^批复资金 [\d,]+\.\d\d 万元$/);
    expect(m.qrUrl).toBe(`https://gs.example.cn/villages/${many.scope.code}/`);
    expect(m.notice).toBeNull();
    // The sample says so; a card without a public address says its code leads nowhere.
    const sample = buildShareCardModel(published(villageContent(1, { isSample: true })), 'http://localhost:4321');
    expect(sample.notice).toBe('示例数据，不是真实公示');
    expect(sample.qrLines[1]).toBe('网址未设置，别人扫码打不开');
  });

  it('draws a 1080 × 1440 PNG whose QR code and words read back', async () => {
    const content = villageContent(3, { isSample: false });
    const m = buildShareCardModel(published(content), 'https://gs.example.cn');
    const png = Buffer.from(await drawShareCard(m));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1080, 1440]);
    const file = join(dir, 'card.png');
    writeFileSync(file, png);
    expect(execFileSync('zbarimg', ['--quiet', '--raw', file], { encoding: 'utf8' }).trim()).toBe(m.qrUrl);
    const text = execFileSync('tesseract', [file, '-', '-l', 'chi_sim'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).replace(/\s+/g, '');
    expect(text).toContain('后期扶持项目3个');
    expect(text).toContain(m.budget.replace(/\s+/g, ''));
  }, 60_000);
});
