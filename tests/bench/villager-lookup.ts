/**
 * Lookup timings for the three outcomes (found, no such person, wrong ID tail) on a sample-county
 * database, 300 rounds interleaved: `npm run bench:villager-lookup` (a fresh temporary sample
 * database), or with `DATABASE_URL=file:…` for an existing one.
 * Measured for the record; the tests assert equal work (the same SQL), never times.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSampleCounty } from '../../db/seed/sample-county.ts';
import { SAMPLE_ROSTER_KEY } from '../../src/domain/villager/roster-key.ts';
import { migrateDatabase, openDatabase } from '../../db/client.ts';
import { loadSampleCounty } from '../../src/cli/sample-data.ts';
import { lookupSubsidy } from '../../src/data/subsidy-lookup.ts';
import type { LookupRequest } from '../../src/domain/villager/subsidy-lookup.ts';
const url = process.env.DATABASE_URL ?? `file:${join(mkdtempSync(join(tmpdir(), 'bench-lookup-')), 'portal.db')}`;
const { db } = await openDatabase({ url });
if (!process.env.DATABASE_URL) {
  await migrateDatabase(db);
  await loadSampleCounty(db);
}
// The database keeps only hashes: the person's ID number comes from the sample's generator.
const sample = buildSampleCounty();
const head = sample.persons.filter((x) => x.relation === '户主')[100]!;
const p = { name: head.name, id_number: head.idNumber, village_code: sample.households.find((h) => h.id === head.householdId)!.villageCode };
const cases = {
  found: { mode: 'id', villageCode: p.village_code, name: p.name, idTail: p.id_number.slice(-6) },
  nobody: { mode: 'id', villageCode: p.village_code, name: '查无此人', idTail: p.id_number.slice(-6) },
  wrongTail: { mode: 'id', villageCode: p.village_code, name: p.name, idTail: '000000' },
} satisfies Record<string, LookupRequest>;
const med = (a: number[]) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)]!.toFixed(3);
const times: Record<string, number[]> = { found: [], nobody: [], wrongTail: [] };
for (let i = 0; i < 300; i++) for (const [k, req] of Object.entries(cases)) { const t = performance.now(); await lookupSubsidy(db, req, SAMPLE_ROSTER_KEY); times[k]!.push(performance.now() - t); }
for (const k of Object.keys(times)) console.log(k, 'median ms', med(times[k]!), 'p90', times[k]!.sort((a,b)=>a-b)[270]!.toFixed(3));
