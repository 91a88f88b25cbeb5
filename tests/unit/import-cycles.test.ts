/**
 * No import cycles in the source: every relative import of src/, functions/ and db/ is read (the
 * same way tests/unit/layers.test.ts reads them), and the graph's strongly connected components
 * are computed (Tarjan). A component of more than one file, or a file importing itself, is a cycle:
 * such files can only be understood, tested and loaded together, and the order their top-level
 * code runs in depends on which one is imported first.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/cli/site-build.ts';
import { importsOf, sourceFiles } from '../support/source-imports.ts';

const files = [...sourceFiles('src'), ...sourceFiles('functions'), ...sourceFiles('db')];
const graph = new Map(files.map((f) => [f, [...new Set(importsOf(f))]]));
const edgeCount = [...graph.values()].reduce((n, to) => n + to.length, 0);

/** The strongly connected components of the graph (Tarjan's algorithm, iterative). */
function stronglyConnected(g: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let next = 0;
  for (const root of g.keys()) {
    if (index.has(root)) continue;
    const work: { node: string; child: number }[] = [{ node: root, child: 0 }];
    index.set(root, next);
    low.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const targets = g.get(frame.node) ?? [];
      if (frame.child < targets.length) {
        const to = targets[frame.child++]!;
        if (!g.has(to)) continue; // a package-relative path outside the three folders
        if (!index.has(to)) {
          index.set(to, next);
          low.set(to, next++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, child: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        components.push(component.sort());
      }
    }
  }
  return components;
}

function cycles(g: ReadonlyMap<string, readonly string[]>): string[] {
  return stronglyConnected(g)
    .filter((c) => c.length > 1 || g.get(c[0]!)!.includes(c[0]!))
    .map((c) => c.join(' <-> '))
    .sort();
}

describe('import cycles', () => {
  it('reads the imports of the source (a check that reads nothing cannot fail)', () => {
    expect(files.length).toBeGreaterThan(150);
    expect(edgeCount).toBeGreaterThan(500);
    // Most imports resolve to a file that was read: the paths are joined the way the files are named.
    const resolved = [...graph.values()].flat().filter((to) => graph.has(to)).length;
    expect(resolved / edgeCount).toBeGreaterThan(0.9);
    expect(graph.get('functions/storage/strip-reencode.ts')).toContain('src/domain/villager/jpeg-metadata.ts');
  });

  it('finds a cycle when there is one (the check itself)', () => {
    const g = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts', 'd.ts']],
      ['d.ts', []],
      ['e.ts', ['e.ts']],
    ]);
    expect(cycles(g)).toEqual(['a.ts <-> b.ts <-> c.ts', 'e.ts']);
    expect(cycles(new Map([['a.ts', ['b.ts']], ['b.ts', []]]))).toEqual([]);
  });

  it('no file imports, directly or through others, a file that imports it back', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('every import that is not read names a file that exists (nothing is missed by the reader)', () => {
    const unread = [...graph.values()].flat().filter((to) => !graph.has(to));
    expect(unread.filter((to) => !existsSync(join(PROJECT_ROOT, to)))).toEqual([]);
  });
});
