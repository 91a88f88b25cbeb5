import { describe, expect, it } from 'vitest';
import {
  challengeAgeProblem,
  challengeUseProblem,
  FORM_CHALLENGE_MAX_AGE_MS,
  isSignedFormChallenge,
  MIN_FILL_MS,
  readAnswer,
  signFormChallenge,
  sumQuestion,
} from '../../src/domain/villager/form-check.ts';

const issued = Date.parse('2026-11-26T08:00:00.000Z');
const SIGNATURE = '.0123456789abcdef';
const challenge = `${issued}.0305${'0'.repeat(28)}${SIGNATURE}`;

describe('the sum asked without JavaScript', () => {
  it('comes from the challenge, two numbers from 1 to 9 written in characters', () => {
    expect(sumQuestion(challenge)).toEqual({ text: '四加六等于几？', answer: 10 });
    for (let i = 0; i < 256; i += 17) {
      const hex = i.toString(16).padStart(2, '0');
      const q = sumQuestion(`${issued}.${hex}${hex}${'0'.repeat(28)}${SIGNATURE}`);
      expect(q.answer).toBeGreaterThanOrEqual(2);
      expect(q.answer).toBeLessThanOrEqual(18);
      expect(q.text).toMatch(/^[一二三四五六七八九]加[一二三四五六七八九]等于几？$/);
    }
  });

  it.each([
    ['10', 10],
    [' ８ ', 8],
    ['１２', 12],
    ['八', 8],
    ['十', 10],
    ['十二', 12],
    ['二十', 20],
    ['两', 2],
    ['零', 0],
    ['', null],
    ['十十', null],
    ['八九', null],
    ['abc', null],
    ['123', null],
  ])('reads the answer %j as %j', (text, value) => {
    expect(readAnswer(text)).toBe(value);
  });
});

describe('a challenge of the form without JavaScript', () => {
  const at = (ms: number) => new Date(issued + ms);

  it.each([
    ['', 0, 'missing'],
    ['12345.abc', 0, 'malformed'],
    [challenge, FORM_CHALLENGE_MAX_AGE_MS + 1, 'expired'],
    [challenge, -120_000, 'from_future'],
    [challenge, 1_000, null],
  ])('age of %j after %i ms: %s', (c, ms, problem) => {
    expect(challengeAgeProblem(c, at(ms))).toBe(problem);
  });

  it('must be at least the fill time old and answered right', () => {
    expect(challengeUseProblem(challenge, '10', at(MIN_FILL_MS - 1))).toBe('too_young');
    expect(challengeUseProblem(challenge, '9', at(MIN_FILL_MS))).toBe('wrong_answer');
    expect(challengeUseProblem(challenge, '十', at(MIN_FILL_MS))).toBeNull();
  });

  it('is signed by the site: its own signature checks, any change to it or another key does not', async () => {
    const key = 'a'.repeat(64);
    const signed = await signFormChallenge(`${issued}.${'ab'.repeat(16)}`, key);
    expect(signed).toMatch(/^\d{13}\.[0-9a-f]{32}\.[0-9a-f]{16}$/);
    expect(await isSignedFormChallenge(signed, key)).toBe(true);
    expect(await isSignedFormChallenge(signed, 'b'.repeat(64))).toBe(false);
    // Another time or random part under the same signature (a made-up or replayed-older form).
    expect(await isSignedFormChallenge(signed.replace(String(issued), String(issued - 10_000)), key)).toBe(false);
    expect(await isSignedFormChallenge(signed.replace('.abab', '.abac'), key)).toBe(false);
    const flipped = signed.slice(0, -1) + (signed.endsWith('0') ? '1' : '0');
    expect(await isSignedFormChallenge(flipped, key)).toBe(false);
    expect(await isSignedFormChallenge(`${issued}.${'ab'.repeat(16)}`, key)).toBe(false);
  });
});
