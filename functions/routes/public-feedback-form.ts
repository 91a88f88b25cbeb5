/**
 * The question form without JavaScript (HTML in, HTML out), for old WeChat browsers and phones
 * with scripts off or broken:
 * - `GET /feedback/ask/?project=<code>` (or `?village=`, `?disclosure=`): 302 to a form that
 *   already names the subject (the project's or village's page, or the form below);
 * - `GET /feedback/send/?project=<code>` (`?village=<code>`, `?disclosure=<verification code>`):
 *   the form, rendered per request with a one-time challenge and a small sum (src/domain/villager/form-check.ts);
 * - `POST /feedback/send/` (application/x-www-form-urlencoded): the static pages' form posts here
 *   when its script did not run (the server answers with the sum to do: 还差一步), and so does the
 *   form above. Answers 201 with the reference number, 400/409 with the problems listed and the
 *   form filled in again (with a new sum), 404 for an unknown subject, 429 when throttled.
 *
 * Abuse protection without a script or a third party: the challenge must be signed by this site
 * (opening the form writes nothing and is never throttled), be 3 seconds to 30 minutes old and unused; the sum must be right; the honeypot empty;
 * and the throttles of the JSON way plus stricter ones (src/domain/villager/form-check.ts). An accepted
 * message is stored and audited by the same function as the JSON way (storeFeedback).
 */
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { loadCountySettings } from '../../src/data/county-settings.ts';
import { resolveSubject, type ResolvedSubject } from '../../src/data/feedback.ts';
import { subjectLabel } from '../../src/data/feedback-subject-label.ts';
import { throttle, throttleStoreFor } from '../../src/data/throttle-store.ts';
import { FEEDBACK_SUBJECTS, parseFeedbackSubmission, type FeedbackSubjectType } from '../../src/domain/villager/feedback.ts';
import {
  challengeAgeProblem,
  challengeIssuedAt,
  challengeUseProblem,
  FORM_CHALLENGE_MAX_AGE_MS,
  FORM_CHALLENGE_MESSAGES,
  FORM_SEND_CLIENT_RULES,
  FORM_SEND_COUNTY_RULES,
  FORM_TRY_RULES,
  isSignedFormChallenge,
  signFormChallenge,
  sumQuestion,
  type FormChallengeProblem,
} from '../../src/domain/villager/form-check.ts';
import { newChallenge } from '../../src/domain/villager/proof-of-work.ts';
import { siteSecret } from '../../src/data/site-secrets.ts';
import type { ThrottleVerdict } from '../../src/domain/access/throttle.ts';
import { clientKey } from './public-client.ts';
import { FEEDBACK_THROTTLED_MESSAGE, feedbackThrottleGroups, storeFeedback } from './public-feedback.ts';
import { renderFeedbackHtml, type FeedbackFormValues, type FeedbackPageInput } from './public-feedback-html.ts';

type Status = 200 | 201 | 400 | 404 | 409 | 429;

/** The page, with the supervision phones of the subject's county (of `subject`'s village, when it names one). */
async function page(c: Context<AppEnv>, input: FeedbackPageInput, status: Status, subject?: Pick<ResolvedSubject, 'villageCode'>) {
  const { config, db } = c.get('deps');
  const settings = await loadCountySettings(db, config, subject?.villageCode ?? undefined);
  // The page may show the message and reply phone back to its writer: never kept by a cache.
  c.header('Cache-Control', 'no-store');
  return c.html(renderFeedbackHtml(input, { phones: settings.supervisionPhones, address: settings.supervisionAddress }), status);
}

function throttled(c: Context<AppEnv>, verdict: ThrottleVerdict, message: string) {
  c.header('Retry-After', String(verdict.retryAfterSeconds));
  return page(c, { page: 'stopped', title: '请稍后再提交', message }, 429);
}

const counterExpiry = (challenge: string) => new Date((challengeIssuedAt(challenge) ?? 0) + FORM_CHALLENGE_MAX_AGE_MS).toISOString();

/** The key the form's challenges are signed with: the site's own, made on first use. */
const FORM_KEY = 'form-challenge';

/** A new challenge signed with the site's key: nothing is written. */
async function issueChallenge(c: Context<AppEnv>): Promise<string> {
  const { db, clock } = c.get('deps');
  return signFormChallenge(newChallenge(clock(), crypto.getRandomValues(new Uint8Array(16))), await siteSecret(db, FORM_KEY, clock));
}

/** The form with a fresh challenge, filled in with what was sent. */
async function formPage(
  c: Context<AppEnv>,
  subject: ResolvedSubject,
  values: FeedbackFormValues,
  outcome: { notice?: string; problems?: string[]; answerWrong?: boolean },
  status: Status,
) {
  const challenge = await issueChallenge(c);
  return page(
    c,
    {
      page: 'form',
      subject: await subjectLabel(c.get('deps').db, subject),
      values: { ...values, subjectType: subject.subjectType, subjectRef: subject.subjectRef },
      challenge,
      question: sumQuestion(challenge).text,
      notice: outcome.notice ?? null,
      problems: outcome.problems ?? [],
      answerWrong: outcome.answerWrong ?? false,
    },
    status,
    subject,
  );
}

const isSubjectType = (v: string): v is FeedbackSubjectType => (FEEDBACK_SUBJECTS as readonly string[]).includes(v);

/** The form for a subject named in the address: the project's or village's own page, else the plain form. */
function formAddress(subject: ResolvedSubject): string {
  if (subject.subjectType === 'project') return `/projects/${encodeURIComponent(subject.subjectRef)}/#fb-title`;
  if (subject.subjectType === 'village') return `/villages/${encodeURIComponent(subject.subjectRef)}/#fb-title`;
  return `/feedback/send/?${new URLSearchParams({ disclosure: subject.subjectRef }).toString()}`;
}

export const publicFeedbackFormRoutes = new Hono<AppEnv>()
  // 我要提问 links name their subject in the query, which a static page can only read with a
  // script: the server sends them to a form that names it already (works without JavaScript).
  .get('/feedback/ask/', async (c, next) => {
    const chosen = FEEDBACK_SUBJECTS.map((type) => ({ type, ref: c.req.query(type)?.trim() ?? '' })).find((s) => s.ref !== '');
    if (!chosen) return next();
    const subject = await resolveSubject(c.get('deps').db, chosen.type, chosen.ref.slice(0, 40), c.get('deps').clock());
    return c.redirect(subject ? formAddress(subject) : `/feedback/send/?${new URLSearchParams({ [chosen.type]: chosen.ref.slice(0, 40) }).toString()}`, 302);
  })
  .get('/feedback/send', (c) => c.redirect(`/feedback/send/${new URL(c.req.url).search}`, 301))
  .get('/feedback/send/', async (c) => {
    const { db, clock } = c.get('deps');
    const now = clock();
    const chosen = FEEDBACK_SUBJECTS.map((type) => ({ type, ref: c.req.query(type)?.trim() ?? '' })).find((s) => s.ref !== '');
    if (!chosen) return page(c, { page: 'no_subject', message: '不知道您要问哪个项目或哪个村。', body: '' }, 200);
    const subject = await resolveSubject(db, chosen.type, chosen.ref.slice(0, 40), now);
    if (!subject) return page(c, { page: 'no_subject', message: `没有找到这个项目或公示（收到：${chosen.ref.slice(0, 40)}）。`, body: '' }, 404);
    return formPage(c, subject, { kind: 'question', subjectType: subject.subjectType, subjectRef: subject.subjectRef, body: '', contactPhone: '' }, {}, 200);
  })
  .post('/feedback/send/', async (c) => {
    const { db, clock } = c.get('deps');
    const now = clock();
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const field = (name: string) => {
      const v = form[name];
      return typeof v === 'string' ? v : '';
    };
    const values: FeedbackFormValues = {
      kind: field('kind'),
      subjectType: field('subjectType'),
      subjectRef: field('subjectRef').slice(0, 40),
      body: field('body').slice(0, 2000),
      contactPhone: field('contactPhone').slice(0, 40),
    };
    if (field('website') !== '') return page(c, { page: 'stopped', title: '提交没有成功', message: '提交没有成功。请打监督电话反映。' }, 400);

    const store = throttleStoreFor(db, clock);
    const client = await clientKey(c);
    const tries = await throttle(store, [{ subject: `feedback-form:try:${client}`, rules: FORM_TRY_RULES }], now);
    if (!tries.allowed) return throttled(c, tries, FEEDBACK_THROTTLED_MESSAGE);

    const subjectType = values.subjectType;
    const subject = isSubjectType(subjectType) && values.subjectRef.trim() !== '' ? await resolveSubject(db, subjectType, values.subjectRef.trim(), now) : null;
    if (!subject) {
      const message = values.subjectRef.trim() === '' ? '不知道您要问哪个项目或哪个村。' : `没有找到这个项目或公示（收到：${values.subjectRef}）。`;
      return page(c, { page: 'no_subject', message, body: values.body }, values.subjectRef.trim() === '' ? 400 : 404);
    }

    const challenge = field('check');
    let problem: FormChallengeProblem | null = challengeAgeProblem(challenge, now);
    if (!problem) {
      if (!(await isSignedFormChallenge(challenge, await siteSecret(db, FORM_KEY, clock)))) problem = 'unknown';
      else {
        // Used up now, right or wrong: one try per challenge, so the sum cannot be guessed on it.
        const [used = 0] = await store.increment([`form:used:${challenge}`], [counterExpiry(challenge)]);
        problem = used === 1 ? challengeUseProblem(challenge, field('answer'), now) : 'reused';
      }
    }
    const parsed = parseFeedbackSubmission({ ...values, website: '' });
    const fieldProblems = parsed.ok ? [] : parsed.problems.map((p) => p.problem);
    if (problem || !parsed.ok) {
      // From a static page whose script did not run: nothing is wrong yet, one step is left.
      const onlyStepLeft = problem === 'missing' && fieldProblems.length === 0;
      return formPage(
        c,
        subject,
        values,
        onlyStepLeft
          ? { notice: FORM_CHALLENGE_MESSAGES.missing }
          : { problems: [...fieldProblems, ...(problem ? [FORM_CHALLENGE_MESSAGES[problem]] : [])], answerWrong: problem === 'wrong_answer' },
        onlyStepLeft ? 200 : problem === 'reused' ? 409 : 400,
      );
    }

    const verdict = await throttle(
      store,
      [
        ...feedbackThrottleGroups(client, subject),
        { subject: `feedback-form:send:${client}`, rules: FORM_SEND_CLIENT_RULES },
        { subject: 'feedback-form:send:county', rules: FORM_SEND_COUNTY_RULES },
      ],
      now,
    );
    if (!verdict.allowed) return throttled(c, verdict, FEEDBACK_THROTTLED_MESSAGE);

    const received = await storeFeedback(c, subject, parsed.value, client, now);
    return page(c, { page: 'received', ref: received.ref, message: received.message, subject: await subjectLabel(db, subject) }, 201, subject);
  });
