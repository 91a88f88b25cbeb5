/**
 * A pool of poster worker threads with a bounded size and two priorities: `high` for work someone
 * waits on (a request for a missing poster, a batch run), `low` for background warming, which gets
 * at most `maxLow` threads and only when no high-priority job is waiting. Threads start on first
 * use and do not keep the process alive while idle.
 */
import { Worker } from 'node:worker_threads';
import type { PosterFontBytes } from './poster-fonts.ts';
import type { JobResult, PosterJob } from './jobs.ts';

export type RenderPriority = 'high' | 'low';

export interface PoolTask {
  promise: Promise<JobResult>;
  /** Moves a queued low-priority job ahead (someone is now waiting for it). */
  promote(): void;
}

export interface RenderPool {
  /** Renders `job` with `fonts` (subset fonts covering its characters) on a worker thread. */
  run(job: PosterJob, fonts: PosterFontBytes, priority?: RenderPriority): PoolTask;
  close(): Promise<void>;
}

export class PosterRenderError extends Error {
  override name = 'PosterRenderError';
}

interface Queued {
  job: PosterJob;
  fonts: PosterFontBytes;
  priority: RenderPriority;
  resolve: (result: JobResult) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  /** Fonts the thread has opened (by the pool's id for a font set). */
  fontsId: number;
  current: Queued | null;
}

export function createRenderPool(options: { size: number; maxLow?: number }): RenderPool {
  const size = Math.max(1, options.size);
  const maxLow = Math.max(1, options.maxLow ?? 1);
  const queue: Queued[] = [];
  const slots: Slot[] = [];
  const fontIds = new WeakMap<PosterFontBytes, number>();
  let nextFontsId = 1;
  let closed = false;

  const idOf = (fonts: PosterFontBytes) => {
    let id = fontIds.get(fonts);
    if (id === undefined) fontIds.set(fonts, (id = nextFontsId++));
    return id;
  };

  const startSlot = (): Slot => {
    const slot: Slot = { worker: new Worker(new URL('./worker.ts', import.meta.url)), fontsId: 0, current: null };
    slot.worker.unref();
    slot.worker.on('message', (message: { result?: JobResult; error?: string }) => {
      const task = slot.current;
      slot.current = null;
      slot.worker.unref();
      if (task) {
        if (message.error !== undefined) task.reject(new PosterRenderError(`poster job failed: ${message.error}`));
        else task.resolve(message.result!);
      }
      dispatch();
    });
    const fail = (error: Error) => {
      slots.splice(slots.indexOf(slot), 1);
      slot.current?.reject(error);
      slot.current = null;
      dispatch();
    };
    slot.worker.on('error', fail);
    slot.worker.on('exit', (code) => {
      if (slots.includes(slot)) fail(new PosterRenderError(`poster worker exited with ${code}`));
    });
    slots.push(slot);
    return slot;
  };

  const take = (): Queued | undefined => {
    const high = queue.findIndex((q) => q.priority === 'high');
    if (high >= 0) return queue.splice(high, 1)[0];
    const lowRunning = slots.filter((s) => s.current?.priority === 'low').length;
    if (lowRunning >= maxLow) return undefined;
    return queue.shift();
  };

  const dispatch = () => {
    while (!closed && queue.length > 0) {
      const slot = slots.find((s) => !s.current) ?? (slots.length < size ? startSlot() : undefined);
      if (!slot) return;
      const task = take();
      if (!task) return;
      slot.current = task;
      slot.worker.ref();
      const fontsId = idOf(task.fonts);
      slot.worker.postMessage({ job: task.job, fontsId, ...(slot.fontsId === fontsId ? {} : { fonts: task.fonts }) });
      slot.fontsId = fontsId;
    }
  };

  return {
    run(job, fonts, priority = 'high') {
      if (closed) return { promise: Promise.reject(new PosterRenderError('poster pool is closed')), promote() {} };
      let queued!: Queued;
      const promise = new Promise<JobResult>((resolve, reject) => {
        queued = { job, fonts, priority, resolve, reject };
      });
      queue.push(queued);
      dispatch();
      return {
        promise,
        promote() {
          if (queued.priority === 'high') return;
          queued.priority = 'high';
          dispatch();
        },
      };
    },
    async close() {
      closed = true;
      for (const q of queue.splice(0)) q.reject(new PosterRenderError('poster pool closed'));
      const all = slots.splice(0);
      for (const s of all) s.current?.reject(new PosterRenderError('poster pool closed'));
      await Promise.all(all.map((s) => s.worker.terminate()));
    },
  };
}
