/**
 * What the village's share card says (发到村民群): one published village version in large plain
 * type, for a WeChat group: the village, the year's projects with how far they got and their money,
 * the totals in 万元, 示例数据 where it applies, and a QR code to the village's page. Pure strings;
 * card.ts draws them.
 */
import { sha256Hex, type PublishedDisclosure, type VillageDisclosureContent } from '../domain/disclosure/disclosure-content.ts';
import { projectBudgetFen } from '../domain/ledger/indicators.ts';
import { projectStatusAsOf, statusLabel } from '../domain/ledger/project-status.ts';
import { formatChineseDate } from '../domain/shared/dates.ts';
import { formatWanYuan } from '../domain/shared/money.ts';
import { isLoopbackOrigin } from '../domain/shared/public-origin.ts';
import { villageDisplayName } from './title.ts';

/**
 * The name a village's share card is kept under in the Worker's poster store
 * (functions/storage/poster-store.ts): it changes with what the card shows, the version's content
 * and the address its QR code prints, so a stored card never changes.
 */
export async function shareCardStoreName(d: Pick<PublishedDisclosure, 'scopeCode' | 'year' | 'contentHash'>, siteUrl: string): Promise<string> {
  return `share/${d.scopeCode}-${d.year}-${d.contentHash.slice(0, 16)}-${(await sha256Hex(siteUrl)).slice(0, 8)}.png`;
}

/** `share/<village>-<year>-<content key>-<address key>.png` ({@link shareCardStoreName}). */
export const SHARE_CARD_STORE_NAME = /^share\/(\d{12})-(\d{4})-([0-9a-f]{16})-([0-9a-f]{8})\.png$/;

/** Projects listed by name; more are counted (the QR code leads to all of them). */
export const CARD_MAX_ROWS = 4;
/** Longer names are cut with … so each row stays one line at the card's size. */
const MAX_NAME = 15;

export interface ShareCardModel {
  villageCode: string;
  year: number;
  /** 常宁市曲潭街道 */
  place: string;
  /** 书泉村 */
  village: string;
  /** 2025年 后期扶持项目 3 个 */
  heading: string;
  rows: Array<{ name: string; detail: string }>;
  /** 还有 2 个项目，扫码看全部 */
  more: string | null;
  /** 批复资金 43.00 万元 */
  budget: string;
  /** 已拨付 20.00 万元 */
  disbursed: string;
  /** 示例数据，不是真实公示 */
  notice: string | null;
  qrUrl: string;
  /** Beside the QR code. */
  qrLines: string[];
  /** 公示单位 and 数据截至. */
  footer: string[];
}

const cut = (name: string) => (name.length > MAX_NAME ? `${name.slice(0, MAX_NAME - 1)}…` : name);

export function buildShareCardModel(d: PublishedDisclosure<VillageDisclosureContent>, siteUrl: string): ShareCardModel {
  const c = d.content;
  const qrUrl = `${siteUrl}/villages/${c.scope.code}/`;
  const rows = c.projects.slice(0, CARD_MAX_ROWS).map((p) => ({ name: cut(p.name), detail: `${statusLabel(projectStatusAsOf(p, c.asOf))} · ${formatWanYuan(projectBudgetFen(p))}` }));
  const rest = c.projects.length - rows.length;
  return {
    villageCode: c.scope.code,
    year: c.year,
    place: `${c.scope.countyName}${c.scope.townshipName ?? ''}`,
    village: villageDisplayName(c.scope.name),
    heading: c.projects.length > 0 ? `${c.year}年 后期扶持项目 ${c.projects.length} 个` : `${c.year}年 没有安排后期扶持项目`,
    rows,
    more: rest > 0 ? `还有 ${rest} 个项目，扫码看全部` : null,
    budget: `批复资金 ${formatWanYuan(c.totals.budgetFen)}`,
    disbursed: `已拨付 ${formatWanYuan(c.totals.disbursedFen)}`,
    notice: c.isSample ? '示例数据，不是真实公示' : null,
    qrUrl,
    qrLines: ['扫码看本村公示', isLoopbackOrigin(siteUrl) ? '网址未设置，别人扫码打不开' : qrUrl.replace(/^https?:\/\//, '')],
    footer: [d.issuingUnit, `第${d.version}版 · 数据截至${formatChineseDate(c.asOf)}`],
  };
}

/** Every character the card prints (the fonts are cut to these). */
export function cardCharacters(m: ShareCardModel): string {
  return [m.place, m.village, m.heading, ...m.rows.flatMap((r) => [r.name, r.detail]), m.more ?? '', m.budget, m.disbursed, m.notice ?? '', ...m.qrLines, ...m.footer].join('');
}
