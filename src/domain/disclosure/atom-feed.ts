/**
 * Atom 1.0 feeds (RFC 4287) for "follow a village": new disclosures and answered questions. Pure:
 * builds the XML text from entries; the pages choose the entries.
 */
import { formatChineseDate, shanghaiDate } from '../shared/dates.ts';
import { feedbackRef, KIND_LABELS, type FeedbackRecord } from '../villager/feedback.ts';
import { maskPersonalDataInText } from '../villager/masking.ts';
import { villageVersionPath } from './version-paths.ts';

export interface AtomEntry {
  /** A permanent IRI, e.g. the entry's URL. */
  id: string;
  title: string;
  /** RFC 3339 instant. */
  updated: string;
  url: string;
  summary: string;
}

export interface AtomFeed {
  id: string;
  title: string;
  subtitle?: string;
  selfUrl: string;
  alternateUrl: string;
  author: string;
  entries: readonly AtomEntry[];
}

// Characters XML 1.0 does not allow at all (controls other than tab, LF, CR; lone surrogates).
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escapes text for XML content and attribute values, dropping characters XML cannot hold. */
export function xmlText(text: string): string {
  return text
    .replace(INVALID_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Newest entries first, at most `limit`. */
export function newestEntries(entries: readonly AtomEntry[], limit = 50): AtomEntry[] {
  return [...entries].sort((a, b) => (a.updated < b.updated ? 1 : a.updated > b.updated ? -1 : a.id < b.id ? 1 : -1)).slice(0, limit);
}

/** The feed as an XML document. `updated` is the newest entry's (or `fallbackUpdated` when empty). */
export function renderAtomFeed(feed: AtomFeed, fallbackUpdated: string): string {
  const entries = newestEntries(feed.entries);
  const updated = entries[0]?.updated ?? fallbackUpdated;
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">',
    `  <id>${xmlText(feed.id)}</id>`,
    `  <title>${xmlText(feed.title)}</title>`,
    ...(feed.subtitle ? [`  <subtitle>${xmlText(feed.subtitle)}</subtitle>`] : []),
    `  <updated>${xmlText(updated)}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${xmlText(feed.selfUrl)}"/>`,
    `  <link rel="alternate" type="text/html" href="${xmlText(feed.alternateUrl)}"/>`,
    `  <author><name>${xmlText(feed.author)}</name></author>`,
    ...entries.flatMap((e) => [
      '  <entry>',
      `    <id>${xmlText(e.id)}</id>`,
      `    <title>${xmlText(e.title)}</title>`,
      `    <updated>${xmlText(e.updated)}</updated>`,
      `    <link rel="alternate" type="text/html" href="${xmlText(e.url)}"/>`,
      `    <summary>${xmlText(e.summary)}</summary>`,
      '  </entry>',
    ]),
    '</feed>',
    '',
  ];
  return lines.join('\n');
}

/** A published disclosure version as a feed entry. */
export function disclosureEntry(
  site: string,
  d: { scopeType: 'county' | 'village'; scopeCode: string; scopeName: string; year: number; version: number; periodStart: string; periodEnd: string; publishedAt: string; correctionReason: string | null; verificationCode: string },
): AtomEntry {
  const url = d.scopeType === 'village' ? `${site}${villageVersionPath(d.scopeCode, d.year, d.version)}` : `${site}/years/${d.year}/`;
  const what = d.version === 1 ? '发布' : `更正（第${d.version}版）`;
  return {
    id: `${url}#v${d.version}`,
    title: `${d.scopeName}${d.year}年度公示${what}`,
    updated: d.publishedAt,
    url,
    summary:
      `公示期 ${formatChineseDate(d.periodStart)} 至 ${formatChineseDate(d.periodEnd)}，核对码 ${d.verificationCode}。` +
      (d.correctionReason ? `更正原因：${maskPersonalDataInText(d.correctionReason)}` : ''),
  };
}

/** An answered question or objection as a feed entry (masked as on the tracker). */
export function answeredEntry(site: string, f: FeedbackRecord, subjectLabel: string): AtomEntry | null {
  if (!f.answer || !f.answeredAt || (f.status !== 'answered' && f.status !== 'closed')) return null;
  const url = `${site}/feedback/#fb-${f.id}`;
  return {
    id: url,
    title: `${feedbackRef(f.id)}${KIND_LABELS[f.kind]}已答复：${subjectLabel}`,
    updated: f.answeredAt,
    url,
    summary: `问：${maskPersonalDataInText(f.body)}；答：${maskPersonalDataInText(f.answer)}（${formatChineseDate(shanghaiDate(new Date(f.answeredAt)))}）`,
  };
}
