/**
 * Questions and objections from the public, no account:
 * - `GET /api/v1/public/feedback/challenge` → `{ challenge, difficulty }` (proof of work);
 * - `POST /api/v1/public/feedback` → 201 `{ id, ref, status, message }`.
 *
 * Abuse protection that needs nothing outside mainland China: a proof of work solved in the browser
 * (each challenge usable once, 30 minutes), a honeypot field, and throttling per client (3 per
 * 10 minutes, 10 a day) and per village (60 a day). Every accepted message is stored and audited
 * by {@link storeFeedback}, which the form without JavaScript (public-feedback-form.ts) shares.
 * Documented in the OpenAPI document by {@link registerPublicFeedbackDocs}.
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { Hono, type Context } from 'hono';
import { ApiError } from '../api-error.ts';
import type { AppEnv } from '../app-env.ts';
import { createFeedback, labelOf, listFeedbackRecords, resolveSubject, subjectLabels, type ResolvedSubject } from '../../src/data/feedback.ts';
import { throttle, throttleStoreFor } from '../../src/data/throttle-store.ts';
import { feedbackRef, feedbackSubmissionSchema, parseFeedbackSubmission, publicFeedbackEntry, type FeedbackSubmission } from '../../src/domain/villager/feedback.ts';
import { checkProofOfWork, CHALLENGE_MAX_AGE_MS, FEEDBACK_POW_DIFFICULTY, newChallenge } from '../../src/domain/villager/proof-of-work.ts';
import { FEEDBACK_CLIENT_RULES, FEEDBACK_VILLAGE_RULES, type ThrottleRule } from '../../src/domain/access/throttle.ts';
import { appendAudit } from '../../src/data/audit.ts';
import { writeTransaction } from '../../src/data/write-lock.ts';
import { auditInput } from './public-audit.ts';
import { clientKey } from './public-client.ts';
import { errorResponses } from './schemas.ts';

const CHALLENGE_MESSAGES = {
  malformed: '页面验证没有完成。请刷新页面，等“提交”按钮可以按了再提交。',
  expired: '页面放得太久了，请刷新页面再提交（您写的字请先复制下来）。',
  from_future: '手机时间不对，请刷新页面再提交。',
  insufficient_work: '页面验证没有完成。请刷新页面再提交。',
  reused: '这次提交已经收到过了，不用再提交。',
} as const;

export const ChallengeSchema = z
  .object({
    challenge: z.string().describe('`<毫秒时间>.<随机数>`，30分钟内有效，只能用一次'),
    difficulty: z.number().int().describe('sha256(`challenge:nonce`) 开头要有这么多个0比特'),
  })
  .openapi('FeedbackChallenge');

export const FeedbackReceivedSchema = z
  .object({
    id: z.number().int(),
    ref: z.string().meta({ example: '第12号' }),
    status: z.literal('received'),
    message: z.string().describe('给提问人看的话（中文）'),
  })
  .openapi('FeedbackReceived');

/**
 * Documents the public question endpoints in the OpenAPI document (api-v1.ts) from the schemas
 * the handlers below validate and answer with.
 */
export function registerPublicFeedbackDocs(api: OpenAPIHono<AppEnv>): void {
  api.openAPIRegistry.registerPath({
    method: 'get',
    path: '/public/feedback/challenge',
    tags: ['公众'],
    summary: '提问前取一道工作量证明题（无需令牌）',
    responses: { 200: { description: '题目', content: { 'application/json': { schema: ChallengeSchema } } } },
  });
  api.openAPIRegistry.registerPath({
    method: 'get',
    path: '/public/feedback/list',
    tags: ['公众'],
    summary: '问答公开：提问和异议的公开列表，最新的在前（无需令牌；问题原文答复后才公开，号码打码）',
    responses: { 200: { description: '列表', content: { 'application/json': { schema: z.object({ entries: z.array(z.record(z.string(), z.unknown())) }) } } } },
  });
  api.openAPIRegistry.registerPath({
    method: 'post',
    path: '/public/feedback',
    tags: ['公众'],
    summary: '提问或提出异议（无需令牌，无需账号）',
    description:
      '先取题（/public/feedback/challenge），找到 nonce 后连同题目一起提交。website 是陷阱字段，必须留空。' +
      '每道题只能用一次。每个客户端每10分钟3条、每天10条，每个村每天60条。没有 JavaScript 的手机用网页表单 /feedback/send/（不在本接口内）。',
    request: { body: { required: true, content: { 'application/json': { schema: feedbackSubmissionSchema } } } },
    responses: {
      201: { description: '已收到', content: { 'application/json': { schema: FeedbackReceivedSchema } } },
      ...errorResponses(400, 404, 409, 429),
    },
  });
}

export const FEEDBACK_THROTTLED_MESSAGE = '提交太频繁了，请过一会儿再提交。急事请打监督电话。';

/** The throttle counters every accepted message counts against, with or without JavaScript. */
export function feedbackThrottleGroups(client: string, subject: ResolvedSubject): Array<{ subject: string; rules: readonly ThrottleRule[] }> {
  return [
    { subject: `feedback:client:${client}`, rules: FEEDBACK_CLIENT_RULES },
    { subject: `feedback:village:${subject.villageCode ?? 'county'}`, rules: FEEDBACK_VILLAGE_RULES },
  ];
}

/**
 * Stores a checked message and its `feedback.receive` audit entry in one transaction: the one
 * write of both ways in (JSON with proof of work, and the form without JavaScript), so the audit
 * log and the objection counts cannot differ between them.
 */
export async function storeFeedback(
  c: Context<AppEnv>,
  subject: ResolvedSubject,
  sub: FeedbackSubmission,
  client: string,
  now: Date,
): Promise<{ id: number; ref: string; message: string }> {
  const id = await writeTransaction(c.get('deps').db, async (tx) => {
    const created = await createFeedback(tx, subject, sub, now);
    await appendAudit(
      tx,
      auditInput(c, {
        action: 'feedback.receive',
        subjectType: 'feedback',
        subjectId: String(created),
        detail: { kind: sub.kind, subjectType: subject.subjectType, subjectRef: subject.subjectRef, disclosureId: subject.disclosureId, client, withPhone: sub.contactPhone !== null, length: sub.body.length },
      }),
    );
    return created;
  });
  const ref = feedbackRef(id);
  return { id, ref, message: `已收到，编号${ref}。答复后会在“问答公开”页上公布${sub.contactPhone ? '，也可能打电话告诉您' : ''}。` };
}

/** The most entries the live list sends (newest first); the built page has them all. */
export const FEEDBACK_LIST_LIMIT = 500;

export const publicFeedbackRoutes = new Hono<AppEnv>()
  // The 问答公开 list as the database has it now: what was sent since the last build shows at once.
  .get('/api/v1/public/feedback/list', async (c) => {
    const { db } = c.get('deps');
    const records = (await listFeedbackRecords(db)).slice(0, FEEDBACK_LIST_LIMIT);
    const labels = await subjectLabels(db, records);
    c.header('Cache-Control', 'no-store');
    return c.json({ entries: records.map((r) => publicFeedbackEntry(r, labelOf(labels, r))) });
  })
  .get('/api/v1/public/feedback/challenge', (c) => {
    const { clock } = c.get('deps');
    const body: z.infer<typeof ChallengeSchema> = { challenge: newChallenge(clock(), crypto.getRandomValues(new Uint8Array(16))), difficulty: FEEDBACK_POW_DIFFICULTY };
    return c.json(body);
  })
  .post('/api/v1/public/feedback', async (c) => {
    const { db, clock } = c.get('deps');
    const now = clock();
    const input: unknown = await c.req.json().catch(() => null);
    const parsed = parseFeedbackSubmission(input);
    if (!parsed.ok) {
      throw new ApiError(400, 'VALIDATION_FAILED', '填写的内容有问题，请改正后再提交。', parsed.problems.map((p) => ({ column: p.field, problem: p.problem })));
    }
    const sub = parsed.value;
    if (sub.website !== '') throw new ApiError(400, 'REJECTED', '提交没有成功。请打监督电话反映。');
    const problem = await checkProofOfWork(sub.challenge, sub.nonce, now);
    if (problem) throw new ApiError(400, 'CHALLENGE_FAILED', CHALLENGE_MESSAGES[problem]);

    const subject = await resolveSubject(db, sub.subjectType, sub.subjectRef, now);
    if (!subject) throw new ApiError(404, 'SUBJECT_NOT_FOUND', `没有找到您说的项目或公示（收到：${sub.subjectRef}）。请从项目或村的页面上提交。`);

    const client = await clientKey(c);
    const store = throttleStoreFor(db, clock);
    const verdict = await throttle(store, feedbackThrottleGroups(client, subject), now);
    if (!verdict.allowed) {
      c.header('Retry-After', String(verdict.retryAfterSeconds));
      throw new ApiError(429, 'TOO_MANY_REQUESTS', FEEDBACK_THROTTLED_MESSAGE);
    }
    // A challenge is good once: its counter lives until the challenge would have expired anyway.
    const issuedAt = Number(sub.challenge.split('.')[0]);
    const [uses] = await store.increment([`pow:${sub.challenge}`], [new Date(issuedAt + CHALLENGE_MAX_AGE_MS).toISOString()]);
    if ((uses ?? 0) > 1) throw new ApiError(409, 'ALREADY_RECEIVED', CHALLENGE_MESSAGES.reused);

    const { id, ref, message } = await storeFeedback(c, subject, sub, client, now);
    const body: z.infer<typeof FeedbackReceivedSchema> = { id, ref, status: 'received', message };
    return c.json(body, 201);
  });
