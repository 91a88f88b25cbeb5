/**
 * "My direct subsidy", unauthenticated:
 * - `POST /api/v1/public/lookup` (JSON in, JSON out) for the page's script;
 * - `POST /lookup/` (form in, HTML out) for the same form without JavaScript.
 *
 * Both: validate → throttle per client and per village → look up (equal work whatever the outcome)
 * → audit (never the ID characters) → answer. "No such person" and "wrong second factor" get the
 * same status (200) and the same body `{ found: false, message }`.
 */
import { Hono, type Context } from 'hono';
import { ApiError } from '../api-error.ts';
import type { AppEnv } from '../app-env.ts';
import { lookupSubsidy, requestVillageCode } from '../../src/data/subsidy-lookup.ts';
import { throttle, throttleStoreFor } from '../../src/data/throttle-store.ts';
import { maskPersonName } from '../../src/domain/masking.ts';
import { parseLookupRequest, type LookupAnswer } from '../../src/domain/subsidy-lookup.ts';
import { LOOKUP_CLIENT_RULES, LOOKUP_VILLAGE_RULES, type ThrottleVerdict } from '../../src/domain/throttle.ts';
import { clientKey } from './public-client.ts';
import { appendPublicAudit } from './public-audit.ts';
import { renderLookupHtml } from './public-lookup-html.ts';

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
  const outcome = await lookupSubsidy(db, req);
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
    return c.json(step.answer, 200);
  })
  .post('/lookup/', async (c) => {
    const form = await c.req.parseBody();
    const input: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(form)) if (typeof v === 'string') input[k] = v;
    const step = await runLookup(c, input);
    if (step.kind === 'throttled') c.header('Retry-After', String(step.verdict.retryAfterSeconds));
    const status = step.kind === 'invalid' ? 400 : step.kind === 'throttled' ? 429 : 200;
    return c.html(renderLookupHtml(step.kind === 'answered' ? { answer: step.answer } : step.kind === 'invalid' ? { problems: step.problems } : { throttled: THROTTLED_MESSAGE }), status);
  });
