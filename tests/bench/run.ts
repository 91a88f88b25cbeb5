/**
 * `npm run bench`: runs every `bench:*` script of package.json in turn (or the ones named on the
 * command line, e.g. `npm run bench -- posters`) and says which failed. Each benchmark prints its
 * own results and how they compare with their targets; docs/benchmarks.md quotes them.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
const all = Object.keys(pkg.scripts).filter((name) => name.startsWith('bench:'));
const wanted = process.argv.slice(2);
const selected = wanted.length === 0 ? all : all.filter((name) => wanted.includes(name.slice('bench:'.length)));
if (selected.length === 0) {
  console.error(`no benchmark matches ${wanted.join(', ')}; available: ${all.map((n) => n.slice(6)).join(', ')}`);
  process.exit(1);
}

const failed: string[] = [];
for (const script of selected) {
  console.log(`\n=== ${script} ===`);
  const result = spawnSync('npm', ['run', '--silent', script], { stdio: 'inherit' });
  if (result.status !== 0) failed.push(script);
}
if (failed.length > 0) {
  console.error(`\nfailed: ${failed.join(', ')}`);
  process.exit(1);
}
