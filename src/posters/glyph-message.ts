/**
 * What staff are told when a poster would print characters no poster font has. Free of fonts and
 * Node APIs, so the Worker's API routes can say it too.
 */

/**
 * The Chinese message naming each missing character with its code point.
 *
 * @example
 * missingGlyphMessage(['\uE000']) // 海报字体中没有这些字：「」（U+E000），…
 */
export function missingGlyphMessage(characters: readonly string[]): string {
  const listed = characters.map((c) => `「${c}」（U+${c.codePointAt(0)!.toString(16).toUpperCase()}）`).join(' ');
  return `海报字体中没有这些字：${listed}，印出来会是空白。请在台账中改用常用字，或联系县移民事务中心添加字体。`;
}
