/**
 * The internal API under /api/v1: public parts (templates, the OpenAPI document) first, then the
 * bearer-token wall, then every authenticated route. The OpenAPI 3.1 document is generated from
 * the same zod schemas that validate the requests.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { ApiError } from '../api-error.ts';
import type { AppEnv } from '../app-env.ts';
import { FailureThrottle, requireToken } from '../middleware/auth.ts';
import { registerAuditRoutes } from './audit.ts';
import { registerCountyRoutes } from './county.ts';
import { registerFeedbackTriageDocs } from './feedback-triage.ts';
import { registerPostingProofDocs } from './posting-proof.ts';
import { registerPublicFeedbackDocs } from './public-feedback.ts';
import { registerPublicLookupDocs } from './public-lookup.ts';
import { registerDraftPosterRoutes } from './draft-poster.ts';
import { registerPosterStoreRoutes } from './poster-store.ts';
import { registerGapRoutes } from './gaps.ts';
import { registerLedgerBookRoutes } from './ledger-books.ts';
import { registerMeRoutes } from './me.ts';
import { registerProjectRoutes } from './projects.ts';
import { registerProjectDocumentRoutes } from './project-documents.ts';
import { registerPublishRoutes } from './publish.ts';
import { registerSatisfactionRoutes } from './satisfaction.ts';
import { registerSelfEvaluationRoutes } from './self-evaluation.ts';
import { registerStaffAccountRoutes } from './staff-accounts.ts';
import { registerTemplateRoutes } from './templates.ts';
import { registerUploadRoutes } from './uploads.ts';

export const OPENAPI_INFO = {
  title: '村上墙、县上网 内部接口',
  version: '1.0.0',
  description:
    '县、乡镇、村工作人员上传台账（项目、拨付、进度、直补、培训、指标文）、逐级审批并发布公示的接口。' +
    '除模板、本文档和“公众”一组（查直补、提问）外，所有接口都要在请求头带 `Authorization: Bearer <令牌>`；令牌由县里在工作人员页面的“工作人员账号”里开通，或在服务器上用 `npm run token -- create` 发放。' +
    '所有错误都是同一种 JSON：`{ code, message, details?, requestId }`。',
};

/** Builds the /api/v1 sub-app; `authFailureLimit` bounds failed token attempts per address. */
export function createApiV1(options: { authFailureLimit?: number | undefined } = {}): OpenAPIHono<AppEnv> {
  const api = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const details = result.error.issues.map((i) => ({ column: i.path.join('.') || '（请求体）', problem: i.message }));
        throw new ApiError(400, 'BAD_REQUEST', `请求参数有误（${details.length} 处）。`, details);
      }
    },
  });
  api.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', description: '县里在工作人员页面（工作人员账号）或用 npm run token -- create 发放的令牌' });

  registerTemplateRoutes(api);
  // Mounted beside this sub-app (functions/app.ts) with their own token wall; documented here
  // from the same schemas their handlers validate with.
  registerPublicFeedbackDocs(api);
  registerPublicLookupDocs(api);
  registerFeedbackTriageDocs(api);
  registerPostingProofDocs(api);
  api.doc31('/openapi.json', { openapi: '3.1.0', info: OPENAPI_INFO, servers: [{ url: '/api/v1' }] });

  const throttle = new FailureThrottle(options.authFailureLimit ?? 20);
  const wall = requireToken(throttle);
  for (const path of ['/me', '/divisions', '/uploads/*', '/projects', '/projects/*', '/workflow/*', '/publish', '/audit', '/audit/*', '/villages/*', '/county', '/county/*', '/staff-accounts', '/staff-accounts/*', '/self-evaluation/*', '/gaps', '/gaps/*', '/satisfaction/*', '/ledger-books/*', '/posters/*']) api.use(path, wall);

  registerMeRoutes(api);
  registerUploadRoutes(api);
  registerProjectRoutes(api);
  registerProjectDocumentRoutes(api);
  registerPublishRoutes(api);
  registerDraftPosterRoutes(api);
  registerPosterStoreRoutes(api);
  registerAuditRoutes(api);
  registerCountyRoutes(api);
  registerSelfEvaluationRoutes(api);
  registerGapRoutes(api);
  registerSatisfactionRoutes(api);
  registerStaffAccountRoutes(api);
  registerLedgerBookRoutes(api);
  return api;
}
