/**
 * Scans the whole site as a static build writes it — every HTML page and every JSON, CSV and
 * GeoJSON export, the ones the Node server renders on demand included (tests/e2e/on-demand.test.ts
 * shows it renders them the same) — for
 * anything shaped like a resident ID number, a bank-card number or a private mobile number, and
 * checks the CSV exports open safely in a spreadsheet.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, inject, it } from 'vitest';
import { findPersonalData } from '../../src/domain/villager/masking.ts';

const siteDir = inject('staticSiteDir');

function filesOf(dir: string, exts: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && exts.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

describe('the built site', () => {
  const files = filesOf(siteDir, /\.(html|json|csv|geojson)$/);

  it('contains every kind of output (pages, JSON, CSV, GeoJSON)', () => {
    for (const ext of ['html', 'json', 'csv', 'geojson']) expect(files.some((f) => f.endsWith(`.${ext}`)), ext).toBe(true);
    expect(files.length).toBeGreaterThan(1000);
  });

  it('holds no ID-card, bank-card or private mobile number anywhere', () => {
    const findings: string[] = [];
    for (const file of files) {
      for (const f of findPersonalData(readFileSync(file, 'utf8'))) findings.push(`${relative(siteDir, file)}: ${f.kind} ${f.match}`);
    }
    expect(findings).toEqual([]);
  });

  it('says 示例数据 in every portal page and every export of the sample county', () => {
    // Staff pages, the API reference and the poster manifest belong to other parts of the project
    // and carry their own labels; build metadata is not content.
    const notPortal = /^(_|admin\/|api-reference\/|posters\/|wrangler\.json$)/;
    const missing = files.filter((f) => !notPortal.test(relative(siteDir, f))).filter((f) => {
      const text = readFileSync(f, 'utf8');
      return !text.includes('示例数据') && !text.includes('"isSample":true');
    });
    expect(missing.map((f) => relative(siteDir, f))).toEqual([]);
  });

  it('writes CSV with a BOM and no cell a spreadsheet would run as a formula', () => {
    const csvs = files.filter((f) => f.endsWith('.csv'));
    expect(csvs.length).toBeGreaterThan(4);
    const bad: string[] = [];
    for (const file of csvs) {
      const buf = readFileSync(file);
      if (!(buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf)) bad.push(`${relative(siteDir, file)}: no BOM`);
      const rows = parse(buf.subarray(3).toString('utf8'), { relax_column_count: false }) as string[][];
      for (const [i, row] of rows.entries()) {
        for (const cell of row) if (/^[=+\-@\t\r]/.test(cell)) bad.push(`${relative(siteDir, file)} row ${i + 1}: ${cell}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
