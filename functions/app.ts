/**
 * The per-request application: one Hono app built from its dependencies. The Node server entry
 * and the Cloudflare Worker entry differ only in what they pass here.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { compress } from 'hono/compress';
import { ApiError, type ErrorBody } from './api-error.ts';
import type { AppDeps, AppEnv } from './app-env.ts';
import { securityHeaders } from './middleware/security-headers.ts';
import { createApiV1 } from './routes/api-v1.ts';
import { healthRoutes } from './routes/health.ts';
import { publicLookupRoutes } from './routes/public-lookup.ts';
import { publicFeedbackRoutes } from './routes/public-feedback.ts';
import { publicFeedbackFormRoutes } from './routes/public-feedback-form.ts';
import { feedbackTriageRoutes } from './routes/feedback-triage.ts';
import { postingProofRoutes } from './routes/posting-proof.ts';
import { publicPostingProofRoutes } from './routes/public-posting-proof.ts';
import { publicSurveyRoutes } from './routes/public-survey.ts';
import { publicProjectDocumentRoutes } from './routes/public-project-documents.ts';

export interface CreateAppOptions extends AppDeps {
  /** Serves the built static site (file system in Node, the ASSETS binding in a Worker). */
  staticSite?: MiddlewareHandler<AppEnv>;
  /**
   * Gzip text responses that are not compressed yet (API JSON, server-rendered forms). The Node
   * entry sets it; a Worker's responses are compressed at Cloudflare's edge.
   */
  compressResponses?: boolean;
}

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{8,64}$/;

export function createApp(options: CreateAppOptions): Hono<AppEnv> {
  const { staticSite, compressResponses, ...deps } = options;
  const app = new Hono<AppEnv>();
  // Outermost, so it sees every response as sent; precompressed static files pass through as they are.
  if (compressResponses) app.use('*', compress());

  app.use('*', async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && REQUEST_ID_PATTERN.test(incoming) ? incoming : crypto.randomUUID();
    c.set('deps', deps);
    c.set('requestId', requestId);
    const started = Date.now();
    await next();
    c.header('X-Request-Id', requestId);
    if (c.req.path.startsWith('/api/')) {
      deps.logger.log('info', 'request', {
        requestId,
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Date.now() - started,
      });
    }
  });

  app.use('*', securityHeaders(deps.config));

  app.route('/api/v1', healthRoutes);
  app.route('/api/v1', createApiV1({ authFailureLimit: deps.authFailureLimit }));
  app.route('/', publicLookupRoutes);
  app.route('/', publicFeedbackRoutes);
  app.route('/', publicFeedbackFormRoutes);
  app.route('/', feedbackTriageRoutes);
  app.route('/', postingProofRoutes);
  app.route('/', publicPostingProofRoutes);
  app.route('/', publicSurveyRoutes);
  app.route('/', publicProjectDocumentRoutes);

  app.all('/api/*', (c) => {
    throw new ApiError(404, 'NOT_FOUND', `没有这个接口：${c.req.method} ${c.req.path}`);
  });

  if (staticSite) app.use('*', staticSite);

  app.notFound((c) => {
    if (c.req.path.startsWith('/api/')) {
      return c.json(errorBody('NOT_FOUND', '没有这个接口', c.get('requestId')), 404);
    }
    return c.html(NOT_FOUND_HTML, 404);
  });

  app.onError((err, c) => {
    const requestId = c.get('requestId') ?? 'unknown';
    if (err instanceof ApiError) {
      const body = errorBody(err.code, err.message, requestId);
      if (err.details) body.details = err.details;
      return c.json(body, err.status);
    }
    deps.logger.log('error', 'unhandled error', {
      requestId,
      path: c.req.path,
      error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      stack: err instanceof Error ? err.stack : undefined,
    });
    return c.json(errorBody('INTERNAL_ERROR', '服务器出错了，请稍后再试。如果一直这样，请联系县移民事务中心。', requestId), 500);
  });

  return app;
}

function errorBody(code: string, message: string, requestId: string): ErrorBody {
  return { code, message, requestId };
}

const NOT_FOUND_HTML = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>没有找到这个页面</title></head><body style="font:18px/1.6 sans-serif;max-width:40em;margin:2em auto;padding:0 1em"><main><h1>没有找到这个页面</h1><p>网址可能写错了，或者这个页面已经搬走。</p><p><a href="/">回到首页</a></p></main></body></html>`;
