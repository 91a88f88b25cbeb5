import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../functions/app.ts';
import { createMemoryLogger } from '../../functions/logger.ts';
import { localFileStorage } from '../../functions/storage/local-storage.ts';
import { sharpReencoder } from '../../functions/storage/sharp-reencode.ts';
import { loadConfig } from '../../src/config.ts';
import { runPostingProofContract } from '../api/villager-posting-proof.case.ts';
import { createTempDatabase } from '../support/temp-database.ts';
import { InjectedClock } from '../support/test-clock.ts';

runPostingProofContract(async () => {
  const clock = InjectedClock.at('2026-11-26T08:00:00.000Z');
  const temp = await createTempDatabase();
  const filesDir = mkdtempSync(join(tmpdir(), 'proof-files-'));
  const app = createApp({
    db: temp.db,
    config: loadConfig({ DATABASE_URL: temp.url }),
    clock: clock.read,
    logger: createMemoryLogger(),
    runtime: 'node',
    files: { storage: localFileStorage(filesDir), reencodeImage: sharpReencoder },
  });
  return {
    runtime: 'node',
    db: temp.db,
    clock,
    databaseUrl: temp.url,
    request: async (path, init) => app.request(path, init),
    dispose: async () => {
      temp.dispose();
      rmSync(filesDir, { recursive: true, force: true });
    },
  };
});
