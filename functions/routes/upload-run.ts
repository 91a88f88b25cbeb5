/**
 * One upload from bytes to report: read the file (upload-body.ts), check it against the ledger and
 * write it all or nothing (src/data/uploads.ts). The route hands the job to an UploadRunner: in
 * process by default (the Worker, within its CPU limit), or on a worker thread with its own
 * database connection in the Node entry (functions/upload-worker.ts), so that reading and
 * checking a large file never holds up the thread that serves the public site.
 */
import type { Database } from '../../db/database.ts';
import type { Actor, UploadKind } from '../../src/domain/access/access.ts';
import type { UploadExamples } from '../../src/domain/upload/upload-examples.ts';
import { shanghaiDate } from '../../src/domain/shared/dates.ts';
import { IdempotencyConflictError, processUpload, type UploadReport } from '../../src/data/uploads.ts';
import { ApiError } from '../api-error.ts';
import { readUpload } from './upload-body.ts';

/** Everything an upload needs, as plain data (it crosses to a worker thread). */
export interface UploadJob {
  kind: UploadKind;
  bytes: Uint8Array;
  actor: Actor;
  idempotencyKey: string | null;
  dryRun: boolean;
  requestId: string;
  /** The request's instant, ISO (the app's clock). */
  at: string;
  countyUnit: string;
  /** The county's own codes, which the code cells' problems give as examples. */
  examples: UploadExamples;
  /** The roster key, or null while ROSTER_KEY is unset (roster uploads are then refused). */
  rosterKey: string | null;
}

/** Runs a job; refusals of the file itself are thrown as ApiError, row problems are in the report. */
export type UploadRunner = (job: UploadJob) => Promise<UploadReport>;

/**
 * The runner on the calling thread, over `db`. `maxRows` refuses larger files once read, before
 * the checks and writes (the Worker's CPU limit: a clear 413 instead of a killed request).
 */
export function inProcessUploadRunner(db: Database, options: { maxRows?: number } = {}): UploadRunner {
  return async (job) => {
    const { format, encoding, read } = await readUpload(job.kind, job.bytes, job.examples);
    if (options.maxRows !== undefined && read.dataRows > options.maxRows) {
      throw new ApiError(
        413,
        'TOO_MANY_ROWS',
        `这份文件有 ${read.dataRows.toLocaleString('en-US')} 行，在线上传一次最多 ${options.maxRows.toLocaleString('en-US')} 行。请把数据分成几个文件分别上传。`,
        [{ row: options.maxRows + 1, problem: `超过每次上传的行数上限（${options.maxRows.toLocaleString('en-US')} 行）`, expected: '分成几个文件上传' }],
      );
    }
    try {
      return await processUpload(db, {
        actor: job.actor,
        kind: job.kind,
        format,
        encoding,
        read,
        contentHash: await hashBytes(job.bytes),
        idempotencyKey: job.idempotencyKey,
        dryRun: job.dryRun,
        requestId: job.requestId,
        at: job.at,
        today: shanghaiDate(new Date(job.at)),
        countyUnit: job.countyUnit,
        rosterKey: job.rosterKey,
      });
    } catch (e) {
      if (e instanceof IdempotencyConflictError) {
        throw new ApiError(409, 'IDEMPOTENCY_KEY_REUSED', '这个 Idempotency-Key 已用于另一份不同的上传。请换一个键。');
      }
      throw e;
    }
  };
}

async function hashBytes(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
