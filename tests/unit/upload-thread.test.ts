/**
 * The Node entry's upload thread (functions/upload-thread.ts): a file that needs more memory than
 * the thread may use ends that thread, answered 413 FILE_TOO_COMPLEX, and the next upload runs on a
 * fresh thread; the server's own thread is never at risk.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../functions/logger.ts';
import { createUploadThread, type UploadThread } from '../../functions/upload-thread.ts';
import { ApiError } from '../../functions/api-error.ts';
import { COUNTY, mint, projectRow, seedCounty, VILLAGE_A1 } from '../api/fixtures.ts';
import { createTempDatabase, type TempDatabase } from '../support/temp-database.ts';
import { findActorByToken } from '../../src/data/users.ts';
import { NO_EXAMPLES } from '../../src/domain/upload/upload-examples.ts';

describe('upload thread', () => {
  let temp: TempDatabase;
  let thread: UploadThread | undefined;
  afterEach(async () => {
    await thread?.close();
    temp.dispose();
  });

  it('answers 413 FILE_TOO_COMPLEX when a file exhausts the thread’s heap, then reads the next file on a new thread', async () => {
    temp = await createTempDatabase();
    await seedCounty(temp.db);
    const actor = (await findActorByToken(temp.db, await mint(temp.db, 'county', COUNTY)))!;
    const logger = createMemoryLogger();
    thread = createUploadThread({ db: temp.db, url: temp.url, logger, maxHeapMb: 32 });
    const job = (rows: unknown[]) => ({ kind: 'projects' as const, bytes: new TextEncoder().encode(JSON.stringify({ rows })), actor, idempotencyKey: null, dryRun: true, requestId: 'r', at: '2025-12-01T02:00:00.000Z', countyUnit: '常宁市库区移民事务中心', examples: NO_EXAMPLES, rosterKey: null });
    // 200,000 project rows (about 40 MB of JSON; the route would refuse it by size first, the thread is tested alone): far more than a 32 MB heap once parsed.
    const heavy = Array.from({ length: 200_000 }, (_, i) => projectRow(`H-${i}`, VILLAGE_A1));
    const refused = await thread.run(job(heavy)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 413, code: 'FILE_TOO_COMPLEX' });
    expect(logger.entries.some((e) => e.message === 'upload thread ended during a job')).toBe(true);
    const next = await thread.run(job([projectRow('OK-1', VILLAGE_A1)]));
    expect(next).toMatchObject({ status: 'dry_run', rows: 1 });
  }, 60_000);
});
