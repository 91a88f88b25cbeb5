/** A real, migrated libSQL file database in a fresh temporary folder, for integration tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateDatabase, openDatabase, type OpenDatabase } from '../../db/client.ts';

export interface TempDatabase extends OpenDatabase {
  url: string;
  dispose(): void;
}

export async function createTempDatabase(options: { migrate?: boolean } = {}): Promise<TempDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'portal-test-'));
  const url = `file:${join(dir, 'test.db')}`;
  const opened = await openDatabase({ url });
  if (options.migrate !== false) await migrateDatabase(opened.db);
  return {
    ...opened,
    url,
    dispose() {
      opened.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
