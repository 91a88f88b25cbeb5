/**
 * One API contract, two runtimes: every `run…Contract` export of the `*.case.ts` files under
 * tests/api/ and tests/contract/ runs against the Node entry's app and against the Worker in
 * workerd (see targets.ts and contract-case.ts). Adding a case file is all it takes.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { contractSuites, type RuntimeInfo } from './contract-case.ts';
import { nodeRuntime, workerdRuntime, type ContractRuntime } from './targets.ts';

const modules = {
  ...import.meta.glob<Record<string, unknown>>('./*.case.ts', { eager: true }),
  ...import.meta.glob<Record<string, unknown>>('../api/*.case.ts', { eager: true }),
};
const suites = Object.values(modules).flatMap(contractSuites);

const runtimes: Array<[RuntimeInfo['name'], () => Promise<ContractRuntime>]> = [
  ['node', nodeRuntime],
  ['workerd', workerdRuntime],
];

describe.each(runtimes)('API contract on %s', (name, start) => {
  let runtime: ContractRuntime | undefined;
  beforeAll(async () => {
    runtime = await start();
  });
  afterAll(async () => {
    await runtime?.close();
  });
  const newTarget = () => {
    if (!runtime) throw new Error('the runtime did not start (see the beforeAll error)');
    return runtime.target();
  };
  for (const [, suite] of suites) suite(newTarget, { name, clock: name === 'node' ? 'injected' : 'real' });
});
