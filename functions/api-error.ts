/**
 * The one error type of the API. Every error answer has the same JSON shape:
 * `{ code, message, details?, requestId }`; a 500 never says anything about internals.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export interface ErrorDetail {
  row?: number;
  column?: string;
  problem: string;
  received?: string;
  expected?: string;
  /** What to do about it, when there is something specific to say. */
  hint?: string;
}

export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: ContentfulStatusCode;
  readonly code: string;
  readonly details: ErrorDetail[] | undefined;

  constructor(status: ContentfulStatusCode, code: string, message: string, details?: ErrorDetail[]) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export interface ErrorBody {
  code: string;
  message: string;
  details?: ErrorDetail[];
  requestId: string;
}
