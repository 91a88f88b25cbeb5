/**
 * The open data as an inspector downloads it from the built site: the data dictionary describes
 * every column of every CSV and JSON file, and the money in the downloads adds up, file against
 * file and against the ledger in the database. Read from the site as first built (global-setup),
 * whose files no later test changes, so every file comes from the same build.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../db/client.ts';

const siteDir = inject('siteDir');
const DATASETS = ['projects', 'villages', 'disbursements', 'direct-subsidies'] as const;

interface Dictionary {
  meta: { isSample: boolean };
  datasets: Array<{ dataset: string; title: string; columns: Array<{ key: string; header: string; meaning: string }> }>;
}
type Row = Record<string, string | number | boolean | null>;

const file = (name: string) => readFileSync(join(siteDir, 'data', name), 'utf8');
const csvOf = (name: string): string[][] => parse(file(`${name}.csv`), { bom: true }) as string[][];
const jsonRowsOf = (name: string): Row[] => (JSON.parse(file(`${name}.json`)) as { rows: Row[] }).rows;
/** 元 text with two decimals (as the CSV writes money) to fen, exactly. */
const yuanToFen = (text: string) => {
  const m = /^(-?)(\d+)\.(\d{2})$/.exec(text.replaceAll(',', ''));
  if (!m) throw new Error(`not an amount in 元: ${text}`);
  return (m[1] ? -1 : 1) * (Number(m[2]) * 100 + Number(m[3]));
};
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe('open data: dictionary and totals', () => {
  let opened: OpenDatabase;
  let dictionary: Dictionary;
  beforeAll(async () => {
    opened = await openDatabase({ url: inject('databaseUrl') });
    dictionary = JSON.parse(file('dictionary.json')) as Dictionary;
  });
  afterAll(() => opened?.close());

  it('describes every dataset, and every column of its CSV (headers, in order) and JSON (keys) in plain Chinese', () => {
    expect(dictionary.datasets.map((d) => d.dataset)).toEqual([...DATASETS]);
    expect(dictionary.meta.isSample).toBe(true);
    for (const d of dictionary.datasets) {
      const [header, ...rows] = csvOf(d.dataset);
      expect(header, d.dataset).toEqual(d.columns.map((c) => c.header));
      expect(rows.length, d.dataset).toBeGreaterThan(0);
      for (const row of rows) expect(row.length, d.dataset).toBe(header!.length);
      const json = jsonRowsOf(d.dataset);
      expect(json).toHaveLength(rows.length);
      for (const r of json) expect(Object.keys(r), d.dataset).toEqual(d.columns.map((c) => c.key));
      for (const c of d.columns) expect(c.meaning, `${d.dataset}.${c.key}`).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('gives the same money in CSV (元) as in JSON (分), row by row', () => {
    for (const d of dictionary.datasets) {
      const [, ...rows] = csvOf(d.dataset);
      const json = jsonRowsOf(d.dataset);
      d.columns.forEach((c, i) => {
        if (!c.key.endsWith('Fen')) return;
        expect(rows.map((r) => yuanToFen(r[i]!)), `${d.dataset}.${c.key}`).toEqual(json.map((r) => r[c.key]));
      });
    }
  });

  it('adds up: each project’s 已拨付 is its payments up to the data date, each village’s totals are its projects’', () => {
    const projects = jsonRowsOf('projects');
    const payments = jsonRowsOf('disbursements');
    for (const p of projects) {
      const paid = sum(payments.filter((d) => d.projectCode === p.code && String(d.date) <= String(p.asOf)).map((d) => Number(d.amountFen)));
      expect(paid, String(p.code)).toBe(p.disbursedFen);
      const bySource = sum(Object.keys(p).filter((k) => /^budget_\w+_fen$/.test(k)).map((k) => Number(p[k])));
      expect(bySource, String(p.code)).toBe(p.budgetFen);
    }
    const villages = jsonRowsOf('villages');
    for (const v of villages) {
      const own = projects.filter((p) => p.villageCode === v.code);
      expect(v.projectCount, String(v.code)).toBe(own.length);
      expect(v.budgetFen, String(v.code)).toBe(sum(own.map((p) => Number(p.budgetFen))));
      expect(v.disbursedFen, String(v.code)).toBe(sum(own.map((p) => Number(p.disbursedFen))));
    }
    expect(sum(villages.map((v) => Number(v.budgetFen)))).toBe(sum(projects.map((p) => Number(p.budgetFen))));
  });

  it('matches the ledger: every project’s budget and payments up to its data date are the database’s', async () => {
    const projects = jsonRowsOf('projects');
    const budgets = new Map(
      (await opened.db.all<{ code: string; fen: number }>(sql`select p.code, sum(b.amount_fen) as fen from projects p join project_budgets b on b.project_id = p.id group by p.code`)).map((r) => [r.code, r.fen]),
    );
    const paidRows = await opened.db.all<{ code: string; date: string; fen: number }>(sql`select p.code, d.date, d.amount_fen as fen from projects p join disbursements d on d.project_id = p.id`);
    expect(projects.length).toBeGreaterThan(100);
    for (const p of projects) {
      expect(p.budgetFen, String(p.code)).toBe(budgets.get(String(p.code)) ?? 0);
      const ledgerPaid = sum(paidRows.filter((r) => r.code === p.code && r.date <= String(p.asOf)).map((r) => r.fen));
      expect(p.disbursedFen, String(p.code)).toBe(ledgerPaid);
    }
  });
});
