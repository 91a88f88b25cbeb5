/**
 * What a poster says, as plain strings: built from one village disclosure (published or draft) and
 * the county's settings. Pure; the layout only places these strings, so everything printed on a
 * poster can be checked here (and every character is known before fonts are subset).
 */
import type { VillageDisclosureContent } from '../domain/disclosure/disclosure-content.ts';
import { formatChineseDate } from '../domain/shared/dates.ts';
import { projectBudgetFen, projectDisbursedFen } from '../domain/ledger/indicators.ts';
import { FUND_SOURCE_LABELS } from '../domain/ledger/labels.ts';
import { formatYuan, type Fen } from '../domain/shared/money.ts';
import { isLoopbackOrigin } from '../domain/shared/public-origin.ts';
import { villageVersionPath } from '../domain/disclosure/version-paths.ts';
import { projectStatusAsOf, statusLabel } from '../domain/ledger/project-status.ts';
import { qrModules } from './qr.ts';
import { DEFAULT_TITLE_TEMPLATE, posterTitle, villageDisplayName } from './title.ts';

/** The published facts of a disclosure a poster needs besides its content; all null for a draft. */
export interface PosterRelease {
  version: number;
  verificationCode: string;
  periodStart: string;
  periodEnd: string;
  issuingUnit: string;
}

/**
 * How the version before this one ended (the 公示期 of version N, printed on the poster of N+1):
 * objections raised inside that period, and how many of them are answered or closed. Only for a
 * period that has ended; a period still running has no outcome yet.
 */
export interface PreviousDisclosureOutcome {
  version: number;
  periodStart: string;
  periodEnd: string;
  objections: number;
  resolved: number;
}

/** Poster settings, or how to read them when they are wanted (they can change while a server runs). */
export type PosterSettingsSource = PosterSettings | (() => Promise<PosterSettings>);

/** The settings a {@link PosterSettingsSource} gives now. */
export function readPosterSettings(source: PosterSettingsSource): Promise<PosterSettings> {
  return typeof source === 'function' ? source() : Promise.resolve(source);
}

export interface PosterSettings {
  /** Public origin without trailing slash, e.g. https://ymgs.example.cn */
  siteUrl: string;
  /** 公示单位 for drafts (a published poster prints the unit stored with the disclosure). */
  issuingUnit: string;
  countySupervisionPhones: readonly string[];
  supervisionAddress: string;
  /** Township supervision phones by township code, when the county keeps them. */
  townshipSupervisionPhones?: Readonly<Record<string, string>>;
  titleTemplate?: string;
  /**
   * In a site over several counties, each county's own settings by its 6-digit code: a poster is
   * drawn with its village's ({@link posterSettingsOf}). Absent when the site serves one county.
   */
  byCounty?: Readonly<Record<string, PosterSettings>>;
}

/** The settings a village's (or township's) poster is drawn with: its county's, when the site has several. */
export function posterSettingsOf(settings: PosterSettings, code: string): PosterSettings {
  return settings.byCounty?.[code.slice(0, 6)] ?? settings;
}

export interface PosterRow {
  index: string;
  name: string;
  contentScale: string;
  fundSources: string;
  budget: string;
  disbursed: string;
  status: string;
}

export interface PosterModel {
  villageCode: string;
  year: number;
  title: string;
  /** The official division, e.g. 常宁市曲潭街道书泉村委会（区划代码 430482005203） */
  subtitle: string;
  intro: string[];
  projectsHeading: string;
  rows: PosterRow[];
  totals: { budget: string; disbursed: string } | null;
  subsidyHeading: string;
  subsidyText: string;
  supervisionHeading: string;
  supervisionLines: string[];
  /** 上次公示结果: how the previous version's period ended; null for a first version or while it runs. */
  previousOutcome: { heading: string; text: string } | null;
  issuer: string;
  issueDate: string;
  qrUrl: string;
  qr: boolean[][];
  /** Printed beside the QR code. */
  verifyLines: string[];
  /** Large faint diagonal word behind the content, e.g. 示例数据 or 草稿. */
  watermark: string | null;
  /** Boxed notice at the top of every page, e.g. 示例数据，非真实公示. */
  notice: string | null;
}

const yuan = (amount: Fen): string => formatYuan(amount, { unit: false });

/** 曲潭街道 → 曲潭街道办事处, 柏坊镇 → 柏坊镇人民政府 */
function townshipOffice(name: string): string {
  return name.endsWith('街道') ? `${name}办事处` : `${name}人民政府`;
}

function periodDays(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/**
 * The 上次公示结果 paragraph, e.g. 上次公示（第1版，2023年9月6日至2023年9月15日）期满，无异议。
 * Objections are counted in 件 and pointed to the public tracker, where each answer is.
 */
export function previousOutcomeText(previous: PreviousDisclosureOutcome, siteUrl: string): string {
  const period = `上次公示（第${previous.version}版，${formatChineseDate(previous.periodStart)}至${formatChineseDate(previous.periodEnd)}）`;
  if (previous.objections === 0) return `${period}期满，无异议。`;
  const where = `详见网上问答 ${siteUrl.replace(/^https?:\/\//, '')}/feedback/`;
  const answered =
    previous.resolved >= previous.objections
      ? '已全部答复'
      : `已答复 ${previous.resolved} 件，其余 ${previous.objections - previous.resolved} 件正在办理`;
  return `${period}期间收到异议 ${previous.objections} 件，${answered}，${where}。`;
}

/**
 * Builds the text of a village poster. `release` is null for a draft (草稿) preview: no version,
 * no verification code, no disclosure period yet. `previous` is how the version before ended (see
 * {@link PreviousDisclosureOutcome}); it is printed as 四、上次公示结果.
 */
/**
 * A poster printed while the site has no public address: 样张 across it (large and short, so the
 * table stays readable), the reason in the footer's notice, and no dead address under the QR code.
 */
export const UNREACHABLE_WATERMARK = '样张';
export const UNREACHABLE_NOTICE = '样张（地址未设置，勿张贴）';

export function buildPosterModel(
  content: VillageDisclosureContent,
  release: PosterRelease | null,
  settings: PosterSettings,
  previous: PreviousDisclosureOutcome | null = null,
): PosterModel {
  const { scope, year, asOf } = content;
  const village = villageDisplayName(scope.name);
  const township = scope.townshipName ?? '';
  const title = posterTitle(settings.titleTemplate ?? DEFAULT_TITLE_TEMPLATE, { village, year, township, county: scope.countyName });

  const figures = content.village
    ? `本村登记移民 ${content.village.migrantPopulation} 人、${content.village.migrantHouseholds} 户${content.village.isKeyVillage ? '，为重点移民村' : ''}。`
    : '';
  const intro = [
    `根据《国务院关于完善大中型水库移民后期扶持政策的意见》（国发〔2006〕17号）和村务公开的有关规定，现将${village}${year}年度水库移民后期扶持项目实施和直补资金发放情况公示如下，请予监督。`,
    `数据截至${formatChineseDate(asOf)}。${figures}`,
  ];

  const rows = content.projects.map((p, i): PosterRow => ({
    index: String(i + 1),
    name: p.name,
    contentScale: p.contentScale,
    fundSources: p.budget.map((b) => FUND_SOURCE_LABELS[b.fundSource]).join('、') || '—',
    budget: yuan(projectBudgetFen(p)),
    disbursed: yuan(projectDisbursedFen(p, asOf)),
    status: statusLabel(projectStatusAsOf(p, asOf)),
  }));

  const s = content.directSubsidy;
  const subsidyText = s
    ? `${year}年度本村直补资金核定 ${s.beneficiaries} 人，标准 ${yuan(s.standardFenPerPerson)} 元/人·年，金额 ${yuan(s.amountFen)} 元，` +
      (s.paymentDate
        ? `已于${formatChineseDate(s.paymentDate)}通过${s.channel}发放到人。`
        : `截至${formatChineseDate(asOf)}尚未发放（应于${formatChineseDate(s.dueDate)}前通过${s.channel}发放）。`)
    : `${year}年度本村没有直补资金发放记录。`;

  const issuer = release?.issuingUnit ?? settings.issuingUnit;
  const villagePhone = content.village?.supervisionPhone ?? null;
  const townshipPhone = scope.townshipCode ? settings.townshipSupervisionPhones?.[scope.townshipCode] : undefined;
  const phones = [
    villagePhone ? `村：${villagePhone}` : null,
    townshipPhone ? `乡镇：${townshipPhone}` : null,
    settings.countySupervisionPhones.length > 0 ? `县：${settings.countySupervisionPhones.join('、')}` : null,
  ].filter((x): x is string => x !== null);
  const supervisionLines = [
    release
      ? `公示期：${formatChineseDate(release.periodStart)}至${formatChineseDate(release.periodEnd)}（共 ${periodDays(release.periodStart, release.periodEnd)} 天）。`
      : '公示期：发布时确定。',
    `如有异议，请在公示期内向${village}村民委员会、${township ? `${townshipOffice(township)}或` : ''}${issuer}反映${settings.supervisionAddress ? `（地址：${settings.supervisionAddress}）` : ''}。`,
    `监督电话\u3000${phones.join('\u3000')}`,
  ];

  // The QR code names the version it was printed from: after a correction it still answers, and
  // says that a newer version exists (villageVersionPath pages are never removed).
  const qrUrl = `${settings.siteUrl}${release ? villageVersionPath(scope.code, year, release.version) : `/villages/${scope.code}/`}`;
  // A QR code that leads to this machine leads nowhere on a village wall: such a poster is a 样张.
  const unreachable = isLoopbackOrigin(settings.siteUrl);
  const verifyLines = release
    ? [`核对码 ${release.verificationCode}`, `第 ${release.version} 版\u3000数据截至${formatChineseDate(asOf)}`, unreachable ? '网址未设置，别人扫码打不开' : qrUrl.replace(/^https?:\/\//, '')]
    : ['草稿，未发布', '不作为公示依据', qrUrl.replace(/^https?:\/\//, '')];

  return {
    villageCode: scope.code,
    year,
    title,
    subtitle: `${scope.countyName}${township}${scope.name}（区划代码 ${scope.code}）`,
    intro,
    projectsHeading: `一、后期扶持项目（${rows.length} 个）`,
    rows,
    totals: rows.length > 0 ? { budget: yuan(content.totals.budgetFen), disbursed: yuan(content.totals.disbursedFen) } : null,
    subsidyHeading: '二、直补资金发放情况',
    subsidyText,
    supervisionHeading: '三、公示期和监督',
    supervisionLines,
    previousOutcome: previous ? { heading: '四、上次公示结果', text: previousOutcomeText(previous, settings.siteUrl) } : null,
    issuer,
    issueDate: release ? formatChineseDate(release.periodStart) : '（发布时填写）',
    qrUrl,
    qr: qrModules(qrUrl),
    verifyLines,
    // The sample keeps 示例数据 across it (never a real poster anyway); its notice adds the 样张.
    watermark: release === null ? '草稿' : content.isSample ? '示例数据' : unreachable ? UNREACHABLE_WATERMARK : null,
    notice: release === null
      ? '草稿\u3000未发布，不作为公示依据'
      : unreachable
        ? `${content.isSample ? '示例数据\u3000' : ''}${UNREACHABLE_NOTICE}`
        : content.isSample
          ? '示例数据\u3000非真实公示'
          : null,
  };
}
