/**
 * 满意度问卷 on a village's page, without JavaScript: `GET /survey/<village code>/` renders three
 * questions, `POST` stores the answers. One answer per phone per year: the server gives the phone a
 * random survey id in a cookie (HttpOnly, a year and a bit) and stores only an HMAC of it; clearing
 * the cookie lets a phone answer again, which the per-address throttles (as for questions) bound.
 * Abuse protection is the question form's: a challenge signed by this site, a small sum, a honeypot.
 */
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { html, raw } from 'hono/html';
import type { AppEnv } from '../app-env.ts';
import { hasAnswered, recordSatisfaction, surveyVillage } from '../../src/data/satisfaction.ts';
import { siteSecret } from '../../src/data/site-secrets.ts';
import { throttle, throttleStoreFor } from '../../src/data/throttle-store.ts';
import { shanghaiDate } from '../../src/domain/shared/dates.ts';
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
import { readSatisfactionForm, SATISFACTION_CHOICES, SATISFACTION_QUESTIONS, SURVEY_ID_PATTERN, surveyDeviceKey } from '../../src/domain/villager/satisfaction.ts';
import { clientKey } from './public-client.ts';
import { FORM_STYLE } from './public-feedback-html.ts';
import { PLAIN_PAGE_STYLE } from './public-lookup-html.ts';

const COOKIE = 'survey_id';
const FORM_KEY = 'form-challenge';
const DEVICE_KEY = 'survey-device';
const VILLAGE = /^\d{12}$/;

type Status = 200 | 201 | 400 | 404 | 409 | 429;
type Page =
  | { kind: 'form'; village: { code: string; name: string }; challenge: string; question: string; chosen: Record<string, string>; problems: string[]; notice: string | null }
  | { kind: 'done'; village: { code: string; name: string }; title: string; message: string }
  | { kind: 'stopped'; title: string; message: string };

function render(c: Context<AppEnv>, p: Page, status: Status) {
  c.header('Cache-Control', 'no-store');
  const title = p.kind === 'form' ? '满意度问卷' : p.title;
  const back = p.kind === 'stopped' ? html`<a href="/">回到首页</a>` : html`<a href="/villages/${p.village.code}/">回到${p.village.name}</a>`;
  let main;
  if (p.kind === 'form') {
    const questions = SATISFACTION_QUESTIONS.map(
      (q, i) => html`<fieldset><legend>${i + 1}. ${q.text}</legend>${SATISFACTION_CHOICES.map(
        (choice) => html`<label class="choice"><input type="radio" name="q-${q.key}" value="${choice.key}" required${p.chosen[`q-${q.key}`] === choice.key ? raw(' checked') : ''}> ${choice.label}</label>`,
      )}</fieldset>`,
    );
    main = html`<h1>满意度问卷</h1>
<p>${p.village.name}：三道题，选一选就行。不用留名字，一部手机一年填一次。结果只按村统计，用来给县里的工作打分。</p>
${p.problems.length > 0 ? html`<div class="msg" role="alert"><p><strong>还没有提交成功：</strong></p><ul>${p.problems.map((x) => html`<li>${x}</li>`)}</ul></div>` : p.notice ? html`<p class="msg" role="status">${p.notice}</p>` : ''}
<form method="post" action="/survey/${p.village.code}/">
<input type="hidden" name="check" value="${p.challenge}">
${questions}
<p class="trap"><label for="website">网址（请不要填写）</label><input id="website" name="website" type="text" tabindex="-1" autocomplete="off"></p>
<p><label for="answer" class="q">算一算：${p.question}</label><input id="answer" name="answer" type="text" inputmode="numeric" autocomplete="off" maxlength="4" required aria-describedby="answer-hint">
<span id="answer-hint" class="hint">写数字就行。这是为了防止有人用机器乱填。</span></p>
<p><button type="submit">提交</button></p>
</form>`;
  } else {
    main = html`<h1>${p.title}</h1><p class="msg${p.kind === 'done' ? ' ok' : ''}" role="${p.kind === 'done' ? 'status' : 'alert'}">${p.message}</p>`;
  }
  return c.html(
    html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${title}｜水库移民后期扶持公示</title><style>${raw(PLAIN_PAGE_STYLE)}${raw(FORM_STYLE)}</style></head>
<body><main>${main}<p>${back}</p></main></body></html>`.toString(),
    status,
  );
}

/** The phone's survey id, handed out (and renewed for a year and a bit) on every visit. */
function surveyId(c: Context<AppEnv>): { id: string; isNew: boolean } {
  const existing = getCookie(c, COOKIE);
  const isNew = !existing || !SURVEY_ID_PATTERN.test(existing);
  const id = isNew ? Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('') : existing;
  setCookie(c, COOKIE, id, { path: '/survey/', httpOnly: true, sameSite: 'Lax', secure: new URL(c.req.url).protocol === 'https:', maxAge: 400 * 86_400 });
  return { id, isNew };
}

async function form(c: Context<AppEnv>, village: { code: string; name: string }, chosen: Record<string, string>, outcome: { problems?: string[]; notice?: string }, status: Status) {
  const { db, clock } = c.get('deps');
  const challenge = await signFormChallenge(newChallenge(clock(), crypto.getRandomValues(new Uint8Array(16))), await siteSecret(db, FORM_KEY, clock));
  return render(c, { kind: 'form', village, challenge, question: sumQuestion(challenge).text, chosen, problems: outcome.problems ?? [], notice: outcome.notice ?? null }, status);
}

const ALREADY = (year: number) => `这部手机今年（${year} 年）已经填过问卷了，谢谢您！明年还可以再填。`;
const THROTTLED = '这一会儿提交的太多了，请过一会儿再试。';

export const publicSurveyRoutes = new Hono<AppEnv>()
  .get('/survey/:code/', async (c) => {
    const { db, clock } = c.get('deps');
    const code = c.req.param('code');
    const village = VILLAGE.test(code) ? await surveyVillage(db, code) : null;
    if (!village) return render(c, { kind: 'stopped', title: '没有这个村的问卷', message: `没有找到这个移民村（收到：${code.slice(0, 20)}）。` }, 404);
    const { id, isNew } = surveyId(c);
    const year = Number(shanghaiDate(clock()).slice(0, 4));
    if (!isNew && (await hasAnswered(db, year, await surveyDeviceKey(id, await siteSecret(db, DEVICE_KEY, clock))))) {
      return render(c, { kind: 'done', village, title: '已经填过了', message: ALREADY(year) }, 200);
    }
    return form(c, village, {}, {}, 200);
  })
  .post('/survey/:code/', async (c) => {
    const { db, clock } = c.get('deps');
    const now = clock();
    const code = c.req.param('code');
    const village = VILLAGE.test(code) ? await surveyVillage(db, code) : null;
    if (!village) return render(c, { kind: 'stopped', title: '没有这个村的问卷', message: `没有找到这个移民村（收到：${code.slice(0, 20)}）。` }, 404);
    const raw = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const field = (name: string) => (typeof raw[name] === 'string' ? (raw[name] as string).slice(0, 100) : '');
    const chosen = Object.fromEntries(SATISFACTION_QUESTIONS.map((q) => [`q-${q.key}`, field(`q-${q.key}`)]));
    if (field('website') !== '') return render(c, { kind: 'stopped', title: '提交没有成功', message: '提交没有成功。请打监督电话反映。' }, 400);

    const store = throttleStoreFor(db, clock);
    const client = await clientKey(c);
    const tries = await throttle(store, [{ subject: `survey:try:${client}`, rules: FORM_TRY_RULES }], now);
    if (!tries.allowed) {
      c.header('Retry-After', String(tries.retryAfterSeconds));
      return render(c, { kind: 'stopped', title: '请稍后再提交', message: THROTTLED }, 429);
    }

    const challenge = field('check');
    let problem: FormChallengeProblem | null = challengeAgeProblem(challenge, now);
    if (!problem) {
      if (!(await isSignedFormChallenge(challenge, await siteSecret(db, FORM_KEY, clock)))) problem = 'unknown';
      else {
        const expires = new Date((challengeIssuedAt(challenge) ?? 0) + FORM_CHALLENGE_MAX_AGE_MS).toISOString();
        const [used = 0] = await store.increment([`form:used:${challenge}`], [expires]);
        problem = used === 1 ? challengeUseProblem(challenge, field('answer'), now) : 'reused';
      }
    }
    const answers = readSatisfactionForm(chosen);
    if (problem || !answers.ok) {
      const problems = [...(answers.ok ? [] : [answers.message]), ...(problem ? [FORM_CHALLENGE_MESSAGES[problem]] : [])];
      return form(c, village, chosen, { problems }, problem === 'reused' ? 409 : 400);
    }

    const { id, isNew } = surveyId(c);
    if (isNew) {
      // A phone that refuses cookies (or a first visit straight to POST) gets an id now and is asked once more.
      return form(c, village, chosen, { notice: '还差一步：请再算一次，点“提交”。' }, 200);
    }
    const verdict = await throttle(
      store,
      [
        { subject: `survey:send:${client}`, rules: FORM_SEND_CLIENT_RULES },
        { subject: 'survey:send:county', rules: FORM_SEND_COUNTY_RULES },
      ],
      now,
    );
    if (!verdict.allowed) {
      c.header('Retry-After', String(verdict.retryAfterSeconds));
      return render(c, { kind: 'stopped', title: '请稍后再提交', message: THROTTLED }, 429);
    }
    const year = Number(shanghaiDate(now).slice(0, 4));
    const deviceKey = await surveyDeviceKey(id, await siteSecret(db, DEVICE_KEY, clock));
    const outcome = await recordSatisfaction(db, { year, villageCode: village.code, deviceKey, answers: answers.answers, at: now.toISOString() });
    if (outcome === 'already') return render(c, { kind: 'done', village, title: '已经填过了', message: ALREADY(year) }, 409);
    return render(c, { kind: 'done', village, title: '已收到，谢谢您', message: '您的问卷已经收到。结果只按村统计，不会公开是谁填的。' }, 201);
  });
