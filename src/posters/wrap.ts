/**
 * Line breaking for Chinese text with embedded numbers and Latin: a line may break between any two
 * Chinese characters, never inside a run of digits/Latin (an amount or a phone number stays whole
 * unless it alone is wider than the line), never before closing punctuation and never after opening
 * punctuation (the usual 避头尾 rules). Pure: widths come from the `measure` passed in.
 */

export type FontWeight = 'regular' | 'bold';

/** Advance width in points of `text` set at `size` points. */
export type Measure = (text: string, size: number, weight: FontWeight) => number;

const CLOSING = new Set([...'，。、；：？！）》」』”’】〕%‰·…,.;:?!)]}']);
const OPENING = new Set([...'（《「『“‘【〔([{']);
const WORD = /[A-Za-z0-9@#&*+=_/\\.,:%~-]/u;

/** Splits text into unbreakable pieces. */
export function breakUnits(text: string): string[] {
  const chars = [...text];
  const units: string[] = [];
  let word = '';
  const flush = () => {
    if (word !== '') units.push(word);
    word = '';
  };
  for (const ch of chars) {
    if (WORD.test(ch) && !(word === '' && CLOSING.has(ch))) {
      word += ch;
      continue;
    }
    flush();
    units.push(ch);
  }
  flush();
  // Glue closing punctuation to what precedes it and opening punctuation to what follows.
  const glued: string[] = [];
  let pendingOpen = '';
  for (const unit of units) {
    if (CLOSING.has([...unit][0]!) && glued.length > 0 && pendingOpen === '') {
      glued[glued.length - 1] += unit;
    } else if (OPENING.has(unit)) {
      pendingOpen += unit;
    } else {
      glued.push(pendingOpen + unit);
      pendingOpen = '';
    }
  }
  if (pendingOpen !== '') glued.push(pendingOpen);
  return glued;
}

/**
 * Wraps `text` into lines no wider than `maxWidth` points. `firstIndent` narrows the first line
 * (a paragraph's two-character indent). Never returns an empty list.
 * @example wrapText('现将有关情况公示如下，请予监督。', 60, 12, 'regular', measure) // ['现将有关情', '况公示如下，', …]
 */
export function wrapText(text: string, maxWidth: number, size: number, weight: FontWeight, measure: Measure, firstIndent = 0): string[] {
  const lines: string[] = [];
  let line = '';
  let width = 0;
  const limit = () => maxWidth - (lines.length === 0 ? firstIndent : 0);
  for (const unit of breakUnits(text)) {
    const w = measure(unit, size, weight);
    if (line !== '' && width + w > limit() + 0.01) {
      lines.push(line.trimEnd());
      line = '';
      width = 0;
      if (unit === ' ' || unit === '\u3000') continue;
    }
    if (w > limit() + 0.01) {
      // A single unit wider than the line (a long code or URL): break it by characters.
      for (const ch of unit) {
        const cw = measure(ch, size, weight);
        if (line !== '' && width + cw > limit() + 0.01) {
          lines.push(line);
          line = '';
          width = 0;
        }
        line += ch;
        width += cw;
      }
      continue;
    }
    line += unit;
    width += w;
  }
  lines.push(line.trimEnd());
  return lines;
}
