/**
 * The one error type of the API. Every error answer has the same JSON shape:
 * `{ code, message, details?, requestId }`; a 500 never says anything about internals.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { UploadProblem } from '../src/domain/upload/upload-plan.ts';

/** A located problem (row, column, what was received and expected): the upload checks' shape. */
export type ErrorDetail = Omit<UploadProblem, 'code'>;

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
