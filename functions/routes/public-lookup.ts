/**
 * "My direct subsidy", unauthenticated:
 * - `POST /api/v1/public/lookup` (JSON in, JSON out) for the page's script;
 * - `POST /lookup/` (form in, HTML out) for the same form without JavaScript.
 *
 * Both: validate → throttle per client and per village → look up (equal work whatever the outcome)
 * → audit (never the ID characters) → answer. "No such person" and "wrong second factor" get the
 * same status (200) and the same body `{ found: false, message }`.
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { Hono, type Context } from 'hono';
import { ApiError } from '../api-error.ts';
import type { AppEnv } from '../app-env.ts';
import { loadCountySettings, rosterKeyFor } from '../../src/data/county-settings.ts';
import { lookupSubsidy, requestVillageCode } from '../../src/data/subsidy-lookup.ts';
import { throttle, throttleStoreFor } from '../../src/data/throttle-store.ts';
import { maskPersonName } from '../../src/domain/villager/masking.ts';
import { lookupRequestSchema, parseLookupRequest, type LookupAnswer } from '../../src/domain/villager/subsidy-lookup.ts';
import { LOOKUP_CLIENT_RULES, LOOKUP_VILLAGE_RULES, type ThrottleVerdict } from '../../src/domain/access/throttle.ts';
import { clientKey } from './public-client.ts';
import { appendPublicAudit } from './public-audit.ts';
import { renderLookupHtml } from './public-lookup-html.ts';
import { errorResponses } from './schemas.ts';

const PaymentLineSchema = z
  .object({
    year: z.number().int(),
    persons: z.number().int(),
    amountFen: z.number().int().describe('金额（分）'),
    amountText: z.string().meta({ example: '1,800.00元' }),
    paymentDate: z.string().nullable(),
    paymentDateText: z.string().nullable(),
    status: z.enum(['paid', 'failed', 'pending']),
    statusText: z.string().describe('已发放 / 没有发放成功 / 还没有发放 / 已补发'),
    reason: z.string().nullable(),
    advice: z.string().nullable(),
  })
  .openapi('SubsidyPaymentLine');

export const LookupAnswerSchema = z
  .union([
    z.object({ found: z.literal(true), name: z.string().describe('打码：张*'), villageName: z.string(), headName: z.string().describe('户主，打码'), payments: z.array(PaymentLineSchema) }),
    z.object({ found: z.literal(false), message: z.string().describe('查不到时的统一说法（无论哪里不对都一样）') }),
  ])
  .openapi('SubsidyLookupAnswer');

// The answer the handler sends is the domain's LookupAnswer: keep the documented shape in step.
const documentedAnswer = (a: LookupAnswer): z.infer<typeof LookupAnswerSchema> => a;

/** Documents `POST /public/lookup` from the schema that validates it (src/domain/villager/subsidy-lookup.ts). */
export function registerPublicLookupDocs(api: OpenAPIHono<AppEnv>): void {
  api.openAPIRegistry.registerPath({
    method: 'post',
    path: '/public/lookup',
    tags: ['公众'],
    summary: '查我的直补（无需令牌）',
    description:
      '用村 + 姓名 + 身份证后6位（mode=id），或户编号 + 姓名（mode=household）查自家的直补。查不到、第二项不对、户编号不存在，回答都一样（200，found=false）。' +
      '每个客户端每10分钟10次、每天30次，每个村每小时120次；每次查询都记入审计日志（不记身份证字符）。没有 JavaScript 的网页表单是 POST /lookup/（不在本接口内）。',
    request: { body: { required: true, content: { 'application/json': { schema: lookupRequestSchema } } } },
    responses: {
      200: { description: '查到或查不到', content: { 'application/json': { schema: LookupAnswerSchema } } },
      ...errorResponses(400, 429),
    },
  });
}

type Step =
  | { kind: 'invalid'; problems: { field: string; problem: string }[] }
  | { kind: 'throttled'; verdict: ThrottleVerdict }
  | { kind: 'answered'; answer: LookupAnswer };

export const THROTTLED_MESSAGE = '查询太频繁了，请过一会儿再查。急用请问村委会或打监督电话。';

async function runLookup(c: Context<AppEnv>, input: Record<string, unknown>): Promise<Step> {
  const parsed = parseLookupRequest(input);
  if (!parsed.ok) return { kind: 'invalid', problems: parsed.problems };
  const { db, clock } = c.get('deps');
  const req = parsed.value;
  const villageCode = requestVillageCode(req);
  const client = await clientKey(c);
  const now = clock();
  const verdict = await throttle(
    throttleStoreFor(db, clock),
    [
      { subject: `lookup:client:${client}`, rules: LOOKUP_CLIENT_RULES },
      { subject: `lookup:village:${villageCode}`, rules: LOOKUP_VILLAGE_RULES },
    ],
    now,
  );
  const base = { mode: req.mode, client, name: maskPersonName(req.name) };
  if (!verdict.allowed) {
    await appendPublicAudit(c, { action: 'subsidy.lookup', subjectType: 'village', subjectId: villageCode, detail: { ...base, outcome: 'throttled', exceeded: verdict.exceeded } });
    return { kind: 'throttled', verdict };
  }
  const { config } = c.get('deps');
  // The key of the village's county (in a database of several, each is the sample's or a real one's).
  // A code of no county here finds nothing whatever the key: the first county's, as before.
  const ofVillage = await loadCountySettings(db, config, villageCode);
  const rosterKey = rosterKeyFor(ofVillage.countyCode === null ? await loadCountySettings(db, config) : ofVillage, config);
  if (rosterKey === null) throw new ApiError(503, 'LOOKUP_NOT_CONFIGURED', '查直补暂时不能用：县里还没有设置好。请打监督电话问。');
  const outcome = await lookupSubsidy(db, req, rosterKey);
  await appendPublicAudit(c, {
    action: 'subsidy.lookup',
    subjectType: 'village',
    subjectId: villageCode,
    detail: { ...base, outcome: outcome.answer.found ? 'found' : 'not_found', householdId: outcome.householdId },
  });
  return { kind: 'answered', answer: outcome.answer };
}

export const publicLookupRoutes = new Hono<AppEnv>()
  .post('/api/v1/public/lookup', async (c) => {
    let input: unknown;
    try {
      input = await c.req.json();
    } catch {
      throw new ApiError(400, 'VALIDATION_FAILED', '请求不是 JSON。', [{ problem: 'body must be a JSON object', expected: '{"mode":"id","villageCode":"…","name":"…","idTail":"…"}' }]);
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw new ApiError(400, 'VALIDATION_FAILED', '请求内容不对。', [{ problem: 'body must be a JSON object' }]);
    }
    const step = await runLookup(c, input as Record<string, unknown>);
    if (step.kind === 'invalid') {
      throw new ApiError(400, 'VALIDATION_FAILED', '填写的内容有问题，请改正后再查。', step.problems.map((p) => ({ column: p.field, problem: p.problem })));
    }
    if (step.kind === 'throttled') {
      c.header('Retry-After', String(step.verdict.retryAfterSeconds));
      throw new ApiError(429, 'TOO_MANY_REQUESTS', THROTTLED_MESSAGE);
    }
    return c.json(documentedAnswer(step.answer), 200);
  })
  .post('/lookup/', async (c) => {
    const form = await c.req.parseBody();
    const input: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(form)) if (typeof v === 'string') input[k] = v;
    const step = await runLookup(c, input);
    if (step.kind === 'throttled') c.header('Retry-After', String(step.verdict.retryAfterSeconds));
    const status = step.kind === 'invalid' ? 400 : step.kind === 'throttled' ? 429 : 200;
    // One household's payments: no browser or proxy may keep the page.
    c.header('Cache-Control', 'no-store');
    return c.html(renderLookupHtml(step.kind === 'answered' ? { answer: step.answer } : step.kind === 'invalid' ? { problems: step.problems } : { throttled: THROTTLED_MESSAGE }), status);
  });
