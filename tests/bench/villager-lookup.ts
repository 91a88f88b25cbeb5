/**
 * Lookup timings for the three outcomes (found, no such person, wrong ID tail) on a sample-county
 * database, 300 rounds interleaved: `DATABASE_URL=file:data/portal.db node tests/bench/villager-lookup.ts`.
 * Measured for the record; the tests assert equal work (the same SQL), never times.
 */
import { sql } from 'drizzle-orm';
import { openDatabase } from '../../db/client.ts';
import { lookupSubsidy } from '../../src/data/subsidy-lookup.ts';
import type { LookupRequest } from '../../src/domain/subsidy-lookup.ts';
const { db } = await openDatabase({ url: process.env.DATABASE_URL ?? 'file:data/portal.db' });
const [p] = await db.all<{ name: string; id_number: string; village_code: string; household_number: string }>(sql`select p.name, p.id_number, h.village_code, h.household_number from persons p join households h on h.id=p.household_id where p.relation='户主' limit 1 offset 100`);
const cases = {
  found: { mode: 'id', villageCode: p!.village_code, name: p!.name, idTail: p!.id_number.slice(-6) },
  nobody: { mode: 'id', villageCode: p!.village_code, name: '查无此人', idTail: p!.id_number.slice(-6) },
  wrongTail: { mode: 'id', villageCode: p!.village_code, name: p!.name, idTail: '000000' },
} satisfies Record<string, LookupRequest>;
const med = (a: number[]) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)]!.toFixed(3);
const times: Record<string, number[]> = { found: [], nobody: [], wrongTail: [] };
for (let i = 0; i < 300; i++) for (const [k, req] of Object.entries(cases)) { const t = performance.now(); await lookupSubsidy(db, req); times[k]!.push(performance.now() - t); }
for (const k of Object.keys(times)) console.log(k, 'median ms', med(times[k]!), 'p90', times[k]!.sort((a,b)=>a-b)[270]!.toFixed(3));
