/**
 * An UploadRunner on a worker thread (functions/upload-worker.ts) for the Node entry. The thread
 * has its own database connection, and its heap is capped: a file that would need more memory
 * than `maxHeapMb` ends that thread (answered 413, "too complex"), never the server, and the next
 * upload starts a fresh thread. Jobs go one at a time, queued behind the server's own writes
 * (withWriteLock), so the two connections never wait on each other's write lock.
 */
import { Worker } from 'node:worker_threads';
import type { Database } from '../db/database.ts';
import type { UploadReport } from '../src/data/uploads.ts';
import { withWriteLock } from '../src/data/write-lock.ts';
import { ApiError, type ErrorDetail } from './api-error.ts';
import type { Logger } from './logger.ts';
import type { UploadJob, UploadRunner } from './routes/upload-run.ts';

export interface UploadThreadOptions {
  /** The server's own handle: jobs queue behind its writes. */
  db: Database;
  url: string;
  authToken?: string | undefined;
  logger: Logger;
  /** Run after each job, before its answer (the server's replica pulls what the thread wrote). */
  afterJob?: () => Promise<void>;
  /** Old-generation heap of the thread, MB (default 768). */
  maxHeapMb?: number;
}

export interface UploadThread {
  run: UploadRunner;
  close(): Promise<void>;
}

type Reply =
  | { id: number; report: UploadReport }
  | { id: number; refused: { status: number; code: string; message: string; details?: ErrorDetail[] } }
  | { id: number; failed: string }
  | { ready: true };

export function createUploadThread(options: UploadThreadOptions): UploadThread {
  let worker: Worker | null = null;
  let ready: Promise<void> | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: UploadReport) => void; reject: (e: Error) => void }>();

  const start = () => {
    const w = new Worker(new URL('./upload-worker.ts', import.meta.url), {
      workerData: { url: options.url, authToken: options.authToken },
      resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb ?? 768 },
    });
    worker = w;
    ready = new Promise<void>((resolve, reject) => {
      w.on('message', (reply: Reply) => {
        if ('ready' in reply) return resolve();
        const waiting = pending.get(reply.id);
        if (!waiting) return;
        pending.delete(reply.id);
        if ('report' in reply) waiting.resolve(reply.report);
        else if ('refused' in reply) waiting.reject(new ApiError(reply.refused.status as 400, reply.refused.code, reply.refused.message, reply.refused.details));
        else waiting.reject(new Error(`upload thread: ${reply.failed}`));
      });
      const died = (reason: string) => {
        if (worker === w) {
          worker = null;
          ready = null;
        }
        reject(new Error(reason));
        for (const [id, waiting] of pending) {
          pending.delete(id);
          options.logger.log('error', 'upload thread ended during a job', { reason });
          waiting.reject(
            /out of memory|ERR_WORKER_OUT_OF_MEMORY/i.test(reason)
              ? new ApiError(413, 'FILE_TOO_COMPLEX', '文件太复杂，读取它需要的内存超出了上限，已拒绝。请把数据分成几个文件，或删去多余的行、列和格式后再上传。')
              : new Error(`upload thread ended: ${reason}`),
          );
        }
      };
      w.on('error', (e: Error & { code?: string }) => died(`${e.code ?? e.name}: ${e.message}`));
      w.on('exit', (code) => died(`exit ${code}`));
    });
    ready.catch(() => undefined);
  };

  const run: UploadRunner = (job: UploadJob) =>
    withWriteLock(options.db, async () => {
      if (!worker) start();
      await ready;
      const id = nextId++;
      const answer = new Promise<UploadReport>((resolve, reject) => pending.set(id, { resolve, reject }));
      // The bytes are copied (the request may still hold them); a job is at most the upload limit.
      worker!.postMessage({ id, job });
      const report = await answer;
      await options.afterJob?.();
      return report;
    });

  return {
    run,
    close: async () => {
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  };
}
