/**
 * How an API contract case file looks (the shape of hono's `runTest({ newRouter })`). A
 * `*.case.ts` file in tests/api/ or tests/contract/ exports one or more `run…Contract`
 * functions that take `newTarget` and declare vitest tests; tests/contract/api.contract.test.ts
 * calls every such export once per runtime. Other exports (fixtures) are ignored.
 *
 * @example
 * ```ts
 * // tests/api/uploads.case.ts
 * export function runUploadContract(newTarget: () => Promise<ApiTarget>) {
 *   describe('uploads', () => {
 *     let target: ApiTarget;
 *     beforeEach(async () => (target = await newTarget()));
 *     afterEach(async () => target.dispose());
 *     it('rejects an upload without a token', async () => {
 *       expect((await target.request('/api/v1/uploads', { method: 'POST' })).status).toBe(401);
 *     });
 *   });
 * }
 * ```
 *
 * Every `newTarget()` has a fresh, migrated database (`target.db` to arrange data and check what
 * was written) and `target.clock` (the clock the app reads: the Node app's is injected and can be
 * set; the Worker's is real). A case that only means something on one runtime declares itself with
 * `it.runIf(runtime.name === 'node')`, so it is counted as skipped on the other.
 */
import type { ApiTarget } from '../support/api-target.ts';

/** What a case file knows about the runtime while vitest collects the cases (to skip, not return early). */
export interface RuntimeInfo {
  name: 'node' | 'workerd';
  /** Whether the app reads a clock the case can set and move (see tests/support/test-clock.ts). */
  clock: 'injected' | 'real';
}

/** A suite run outside the contract, on createNodeTarget's in-process app. */
export const IN_PROCESS: RuntimeInfo = { name: 'node', clock: 'injected' };

export type ContractSuite = (newTarget: () => Promise<ApiTarget>, runtime: RuntimeInfo) => void;

/** The `run…Contract` exports of a case module, by name. */
export function contractSuites(module: Record<string, unknown>): Array<[string, ContractSuite]> {
  return Object.entries(module).filter(
    (entry): entry is [string, ContractSuite] => /^run\w*Contract$/.test(entry[0]) && typeof entry[1] === 'function',
  );
}
