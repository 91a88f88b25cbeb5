/**
 * The upload worker thread (Node entry): opens its own connection to the database and runs upload
 * jobs with the in-process runner, so that reading, checking and writing a file happen off the
 * thread that serves the site. Started by upload-thread.ts; one job at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../db/client.ts';
import { ApiError } from './api-error.ts';
import { inProcessUploadRunner, type UploadJob } from './routes/upload-run.ts';

interface Init {
  url: string;
  authToken?: string;
}

const { url, authToken } = workerData as Init;
const opened = await openDatabase({ url, authToken });
const run = inProcessUploadRunner(opened.db);

parentPort!.on('message', async (message: { id: number; job: UploadJob }) => {
  try {
    const report = await run(message.job);
    parentPort!.postMessage({ id: message.id, report });
  } catch (e) {
    if (e instanceof ApiError) {
      parentPort!.postMessage({ id: message.id, refused: { status: e.status, code: e.code, message: e.message, details: e.details } });
    } else {
      parentPort!.postMessage({ id: message.id, failed: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
    }
  }
});
parentPort!.postMessage({ ready: true });
