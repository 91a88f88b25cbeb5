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
 * was written). The Worker runs with the real clock: assert times relative to the request.
 */
import type { ApiTarget } from '../support/api-target.ts';

export type ContractSuite = (newTarget: () => Promise<ApiTarget>) => void;

/** The `run…Contract` exports of a case module, by name. */
export function contractSuites(module: Record<string, unknown>): Array<[string, ContractSuite]> {
  return Object.entries(module).filter(
    (entry): entry is [string, ContractSuite] => /^run\w*Contract$/.test(entry[0]) && typeof entry[1] === 'function',
  );
}
