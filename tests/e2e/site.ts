/** The built site the e2e server serves now: the first build, or the latest rebuild swapped in. */
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';

export function currentSiteDir(): string {
  return readFileSync(inject('siteDirPointer'), 'utf8');
}
