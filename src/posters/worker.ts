/** Worker thread: opens the run's subset fonts once, then renders the jobs it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import { openPosterFonts, type PosterFontBytes } from './fonts.ts';
import { runPosterJob, type PosterJob } from './jobs.ts';

const fonts = openPosterFonts(workerData as PosterFontBytes);
parentPort!.on('message', (message: { id: number; job: PosterJob }) => {
  runPosterJob(message.job, fonts).then(
    (result) => parentPort!.postMessage({ id: message.id, result }),
    (error: unknown) => parentPort!.postMessage({ id: message.id, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }),
  );
});
