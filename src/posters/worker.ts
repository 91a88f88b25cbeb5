/** Worker thread of the render pool: opens the fonts it is sent (once per font set), renders jobs. */
import { parentPort } from 'node:worker_threads';
import { openPosterFonts, type PosterFontBytes, type PosterFonts } from './fonts.ts';
import { runPosterJob, type PosterJob } from './jobs.ts';

let opened: { id: number; fonts: PosterFonts } | null = null;
parentPort!.on('message', (message: { job: PosterJob; fontsId: number; fonts?: PosterFontBytes }) => {
  try {
    if (message.fonts) opened = { id: message.fontsId, fonts: openPosterFonts(message.fonts) };
    if (opened?.id !== message.fontsId) throw new Error(`fonts ${message.fontsId} were never sent to this worker`);
  } catch (error) {
    parentPort!.postMessage({ error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    return;
  }
  runPosterJob(message.job, opened.fonts).then(
    (result) => parentPort!.postMessage({ result }),
    (error: unknown) => parentPort!.postMessage({ error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }),
  );
});
