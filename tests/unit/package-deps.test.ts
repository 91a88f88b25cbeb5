/** Every package in package.json is used and in its section (src/cli/check-deps.ts, also in `npm run check`). */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/cli/site-build.ts';

describe('package.json', () => {
  it('lists no unused package and no package in the wrong section', () => {
    const result = spawnSync(process.execPath, [resolve(PROJECT_ROOT, 'src/cli/check-deps.ts')], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(/each used and in its section/);
  });
});
