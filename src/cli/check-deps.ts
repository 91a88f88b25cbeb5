/**
 * `npm run check:deps` (part of `npm run check`): every package in package.json is used, and in the
 * right section. A runtime dependency must be imported by code that runs in production (src/,
 * functions/, db/ outside tests); a package imported there must not be a devDependency; a
 * devDependency must be imported somewhere (tests, config files) or named as a tool. Types packages
 * follow the package they type. Prints each problem and exits 1 when there is any.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from './site-build.ts';

/** Packages used as commands or by other tools rather than imported (say why each is here). */
const TOOLS: Readonly<Record<string, string>> = {
  node: 'provides Node 24 to npm scripts (STACK.md)',
  typescript: 'tsc in npm run check',
  '@astrojs/check': 'astro check in npm run check',
  'drizzle-kit': 'npm run db:generate',
  eslint: 'npm run lint',
  wrangler: 'wrangler dev and deploy (src/cli/wrangler-dev.ts, src/cli/deploy.ts spawn its bin)',
  lighthouse: 'npm run bench:portal runs its CLI',
};

// The site build (astro.config.mjs) runs in production too: `npm start` and `npm run build` build it.
const RUNTIME_DIRS = ['src', 'functions', 'db', 'astro.config.mjs'];
const OTHER = ['tests', 'vitest.config.ts', 'eslint.config.js', 'drizzle.config.ts'];

function files(path: string): string[] {
  const full = join(PROJECT_ROOT, path);
  try {
    return readdirSync(full, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && /\.(ts|mjs|js|astro)$/.test(e.name))
      .map((e) => join(e.parentPath, e.name));
  } catch {
    return [full];
  }
}

/** Package names a file imports (`from 'x'`, `import('x')`, `import 'x'`, `require('x')`, `require.resolve('x/…')`). */
function importsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8');
  const out = new Set<string>();
  for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+|require(?:\.resolve)?\(\s*)['"]([^'"./][^'"]*)['"]/g)) {
    const spec = m[1]!;
    if (spec.startsWith('node:')) continue;
    const parts = spec.split('/');
    out.add(spec.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!);
  }
  return out;
}

/** Packages whose files a file runs or reads by path (`node_modules/wrangler/bin/…`): tools, not imports. */
function toolsOf(file: string): Set<string> {
  return new Set([...readFileSync(file, 'utf8').matchAll(/node_modules\/((?:@[\w.-]+\/)?[\w.-]+)/g)].map((m) => m[1]!));
}

const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string>; scripts: Record<string, string> };
const runtime = new Set<string>();
for (const dir of RUNTIME_DIRS) for (const f of files(dir)) for (const name of importsOf(f)) runtime.add(name);
const anywhere = new Set(runtime);
for (const path of OTHER) for (const f of files(path)) for (const name of importsOf(f)) anywhere.add(name);
for (const path of [...RUNTIME_DIRS, ...OTHER]) for (const f of files(path)) for (const name of toolsOf(f)) anywhere.add(name);

const typed = (name: string) => (name.startsWith('@types/') ? name.slice('@types/'.length).replace(/^(.+)__(.+)$/, '@$1/$2') : null);
const problems: string[] = [];
for (const name of Object.keys(pkg.dependencies)) {
  if (typed(name)) problems.push(`${name} is a types package: it belongs in devDependencies`);
  else if (!runtime.has(name)) problems.push(`${name} is a dependency, but no code under ${RUNTIME_DIRS.join(', ')} imports it${anywhere.has(name) ? ' (only tests or config do: move it to devDependencies)' : ' (remove it)'}`);
}
for (const name of Object.keys(pkg.devDependencies)) {
  const of = typed(name);
  if (of) {
    // @types/node types the node: modules.
    if (of !== 'node' && !anywhere.has(of)) problems.push(`${name} types ${of}, which nothing imports`);
    continue;
  }
  if (runtime.has(name)) problems.push(`${name} is imported by runtime code: it belongs in dependencies`);
  else if (!anywhere.has(name) && !TOOLS[name]) problems.push(`${name} is a devDependency that nothing imports and no tool entry explains (remove it, or say why in TOOLS)`);
}

if (problems.length > 0) {
  console.error(`package.json: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
console.log(`package.json: ${Object.keys(pkg.dependencies).length} dependencies and ${Object.keys(pkg.devDependencies).length} devDependencies, each used and in its section (${relative(process.cwd(), join(PROJECT_ROOT, 'package.json')) || 'package.json'})`);
