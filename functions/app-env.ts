/** What every route can rely on: the dependencies passed to createApp and per-request values. */
import type { Database } from '../db/database.ts';
import type { Config } from '../src/config.ts';
import type { Actor } from '../src/domain/access/access.ts';
import type { DraftPosterRenderer } from '../src/posters/draft.ts';
import type { ReportPdfRenderer } from '../src/posters/report-pdf.ts';
import type { Logger } from './logger.ts';
import type { UploadRunner } from './routes/upload-run.ts';
import type { FileDeps } from './storage/file-storage.ts';
import type { PosterStore } from './storage/poster-store.ts';

/** What a publish produced, handed to the runtime's rebuild/deploy hook. */
export interface PublishedEvent {
  /** What changed on the public pages: a publish, an answer, a posting proof, the county's settings, or a project document shown or withdrawn. */
  reason: 'publish' | 'answer' | 'posting_proof' | 'settings' | 'project_document';
  /** The year published (for an answer or a proof, the year it was made; for a document, its project's); null for a settings change. */
  year: number | null;
  createdCount: number;
  /** For a publish: the villages that got a new version (their posters are named at once). */
  villageCodes?: string[];
  publishedAt: string;
  requestId: string;
}

export interface AppDeps {
  db: Database;
  config: Config;
  /** The current time; tests pass a fixed clock. */
  clock: () => Date;
  logger: Logger;
  /** Runtime label reported by the health check, e.g. `node` or `workerd`. */
  runtime: string;
  /**
   * Called after a publish has committed: the Node entry rebuilds the site and swaps it in; the
   * Worker calls its deploy hook. Not awaited by the request (errors are logged).
   */
  onPublished?: ((event: PublishedEvent) => Promise<void> | void) | undefined;
  /**
   * False when `onPublished` does not rebuild the site (the Worker without a deploy hook, which only
   * names a publish's posters): staff are then told the site is not updated (`not_configured`).
   */
  rebuildsSite?: boolean | undefined;
  /** Largest accepted upload body in bytes (default 5 MiB); larger answers 413. */
  maxUploadBytes?: number | undefined;
  /**
   * Failed authentications allowed per client address per 15-minute window before 429 (default 20),
   * counted in the database so every process and Worker isolate shares them.
   */
  authFailureLimit?: number | undefined;
  /** Outgoing HTTP, for the Cloudflare Access signing keys (default: the global fetch); tests serve a local JWKS. */
  fetch?: typeof fetch | undefined;
  /** Uploaded-file storage and image re-encoding (poster photos); local folder + sharp in Node, R2 in a Worker. */
  files?: FileDeps | undefined;
  /**
   * Draws staff's 草稿 poster previews (functions/node-posters.ts). Only the Node entry passes it:
   * without it `GET /api/v1/villages/{code}/draft-poster.*` answers 501.
   */
  draftPosters?: DraftPosterRenderer | undefined;
  /**
   * Draws office reports (the 绩效自评表) as PDF with the posters' fonts (src/posters/report-pdf.ts).
   * Only the Node entry passes it: without it the PDF routes answer 501 (the XLSX works everywhere).
   */
  reportPdf?: ReportPdfRenderer | undefined;
  /**
   * Where the Worker keeps the posters `npm run deploy` draws (functions/storage/poster-store.ts),
   * and whether a name is one the deployed build planned (its manifest). Only the Worker passes
   * it: without it the poster-store routes answer 501 (the Node server draws its own).
   */
  posterStore?: { store: PosterStore; isPlanned(name: string): Promise<boolean> } | undefined;
  /**
   * Reads, checks and writes an upload (functions/routes/upload-run.ts). Default: on the request's
   * thread. The Node entry passes a worker thread with its own connection (functions/upload-worker.ts).
   */
  runUpload?: UploadRunner | undefined;
}

export interface AppEnv {
  Variables: {
    deps: AppDeps;
    requestId: string;
    /** Set by the auth middleware on authenticated routes. */
    actor: Actor;
  };
}
