/**
 * The house rules of imports (src/domain/README.md): the domain imports nothing above it, each
 * domain context only the contexts its README names, and no layer imports one above it. Every
 * relative import of the source is read; a new import that breaks a rule fails here.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/cli/site-build.ts';
import { importsOf, sourceFiles } from '../support/source-imports.ts';

const edges = [...sourceFiles('src'), ...sourceFiles('functions'), ...sourceFiles('db')].flatMap((from) => importsOf(from).map((to) => ({ from, to })));
const contextOf = (path: string) => /^src\/domain\/([^/]+)\//.exec(path)?.[1];

/** What each domain context may import (src/domain/README.md). */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  shared: [],
  geo: [],
  ledger: ['shared', 'access'],
  access: ['disclosure'],
  villager: ['shared', 'access'],
  disclosure: ['shared', 'ledger', 'villager'],
  upload: ['shared', 'ledger', 'access', 'geo', 'villager'],
  county: ['upload', 'ledger', 'geo'],
};

describe('import layers', () => {
  it('reads the imports of the source (a check that reads nothing cannot fail)', () => {
    expect(edges.length).toBeGreaterThan(500);
    expect(edges.some((e) => e.from.startsWith('src/domain/upload/') && e.to.startsWith('src/domain/ledger/'))).toBe(true);
  });

  it('src/domain imports nothing outside itself', () => {
    const out = edges.filter((e) => e.from.startsWith('src/domain/') && !e.to.startsWith('src/domain/')).map((e) => `${e.from} -> ${e.to}`);
    expect(out).toEqual([]);
  });

  it('each domain context imports only the contexts its README names', () => {
    expect(new Set(readdirSync(join(PROJECT_ROOT, 'src/domain'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name))).toEqual(new Set(Object.keys(ALLOWED)));
    const bad = edges
      .filter((e) => contextOf(e.from) && contextOf(e.to) && contextOf(e.from) !== contextOf(e.to))
      .filter((e) => !ALLOWED[contextOf(e.from)!]!.includes(contextOf(e.to)!))
      .map((e) => `${e.from} -> ${e.to}`);
    expect(bad).toEqual([]);
  });

  it('no layer imports one above it: data and db never import functions, pages or cli; posters and db never data', () => {
    const above = (from: string, to: string) =>
      ((from.startsWith('src/data/') || from.startsWith('db/') || from.startsWith('src/posters/')) && /^(functions\/|src\/pages\/|src\/cli\/|src\/components\/)/.test(to)) ||
      ((from.startsWith('src/posters/') || from.startsWith('db/')) && to.startsWith('src/data/'));
    const bad = edges.filter((e) => above(e.from, e.to)).map((e) => `${e.from} -> ${e.to}`);
    expect(bad).toEqual([]);
    // The rule catches what it is for: posters take a source the callers build over the database
    // (src/data/poster-source.ts) and must not read src/data themselves.
    expect(above('src/posters/plan.ts', 'src/data/disclosures.ts')).toBe(true);
  });
});
