/**
 * The poster's title and the village name as printed. The title comes from a template so a county
 * can follow its own wording; `{village}`, `{year}`, `{township}` and `{county}` are replaced.
 */

/** The conventional title of a village's post-support disclosure (公示). */
export const DEFAULT_TITLE_TEMPLATE = '关于{village}{year}年度水库移民后期扶持项目实施情况的公示';

const PLACEHOLDER = /\{(village|year|township|county)\}/g;

export interface TitleValues {
  village: string;
  year: number;
  township: string;
  county: string;
}

/**
 * Fills a title template. Unknown placeholders are left as they are, so a typo shows on the proof
 * instead of silently disappearing.
 * @example posterTitle(DEFAULT_TITLE_TEMPLATE, { village: '书泉村', year: 2022, township: '曲潭街道', county: '常宁市' })
 * // '关于书泉村2022年度水库移民后期扶持项目实施情况的公示'
 */
export function posterTitle(template: string, values: TitleValues): string {
  return template.replace(PLACEHOLDER, (_, key: keyof TitleValues) => String(values[key]));
}

/**
 * The name villagers use for their village: the statistical name of the committee
 * (`书泉村委会`, `东风居委会`) shortened to `书泉村` / `东风社区`; other names unchanged.
 */
export function villageDisplayName(officialName: string): string {
  if (officialName.endsWith('村委会')) return officialName.slice(0, -2);
  if (officialName.endsWith('社区居委会')) return officialName.slice(0, -3);
  if (officialName.endsWith('居委会')) return `${officialName.slice(0, -3)}社区`;
  return officialName;
}
