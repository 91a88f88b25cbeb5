/**
 * fast-check for every test file (vitest `setupFiles`): one seed per run, printed when a property
 * fails, and taken from FC_SEED (and FC_PATH) when set, so a failure found once is replayed exactly:
 *
 *   FC_SEED=1234567 FC_PATH="12:0:1" npx vitest run tests/unit/upload-readers.test.ts
 *
 */
import fc from 'fast-check';

const fromEnv = process.env.FC_SEED === undefined || process.env.FC_SEED === '' ? undefined : Number(process.env.FC_SEED);
if (fromEnv !== undefined && !Number.isSafeInteger(fromEnv)) throw new Error(`FC_SEED must be an integer, got ${process.env.FC_SEED}`);
const seed = fromEnv ?? (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) | 0;

// fast-check's failure message starts with the seed and path to replay, e.g.
// `Property failed after 1 tests { seed: -1819918769, path: "0:0", endOnFailure: true }`.
fc.configureGlobal({ seed, ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}) });
