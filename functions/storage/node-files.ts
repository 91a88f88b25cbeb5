/**
 * Node mode's files: a local folder next to the embedded database (`data/portal.db` →
 * `data/files/`; `data/files/` when the database is remote) and sharp for re-encoding photos.
 */
import { dirname, join, resolve } from 'node:path';
import type { Config } from '../../src/config.ts';
import type { FileDeps } from './file-storage.ts';
import { localFileStorage } from './local-storage.ts';
import { sharpDocumentImage, sharpReencoder } from './sharp-reencode.ts';

export function nodeFilesDir(config: Pick<Config, 'DATABASE_URL'>): string {
  const url = config.DATABASE_URL;
  if (url.startsWith('file:') && !url.includes(':memory:')) return join(dirname(resolve(url.slice('file:'.length))), 'files');
  return resolve('data/files');
}

export function nodeFileDeps(config: Pick<Config, 'DATABASE_URL'>): FileDeps {
  return { storage: localFileStorage(nodeFilesDir(config)), reencodeImage: sharpReencoder, cleanDocumentImage: sharpDocumentImage };
}
