/**
 * The audit log as an inspector reads it over the API: pages by `before` that together list every
 * entry once, newest first, and `/audit/verify` naming the first broken link once someone with
 * access to the database file has edited or removed an entry behind the triggers' back.
 */
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendAudit } from '../../src/data/audit.ts';
import type { ApiTarget } from '../support/api-target.ts';
import { auth, COUNTY, mint, seedCounty } from './fixtures.ts';

interface AuditPage {
  entries: Array<{ id: number; action: string; previousHash: string | null; hash: string }>;
  nextBefore: number | null;
}

export function runAuditContract(newTarget: () => Promise<ApiTarget>): void {
  describe('audit log: paging and verification', () => {
    let target: ApiTarget;
    let inspector: string;
    beforeEach(async () => {
      target = await newTarget();
      await seedCounty(target.db);
      inspector = await mint(target.db, 'inspector', COUNTY);
      for (let i = 1; i <= 7; i++) {
        await appendAudit(target.db, { at: `2025-06-30T02:00:0${i}.000Z`, actorId: null, actorLabel: '测试', action: `test.step${i}`, subjectType: 'x', subjectId: String(i), detail: { i }, requestId: null });
      }
    });
    afterEach(() => target.dispose());

    const get = async <T>(path: string): Promise<T> => {
      const res = await target.request(path, { headers: auth(inspector) });
      expect(res.status, path).toBe(200);
      return (await res.json()) as T;
    };

    it('pages by `before`, newest first, every entry exactly once, and says when there is no next page', async () => {
      const [{ n }] = (await target.db.all<{ n: number }>(sql`select count(*) as n from audit_log`)) as [{ n: number }];
      const seen: number[] = [];
      let page = await get<AuditPage>('/api/v1/audit?limit=3');
      expect(page.entries).toHaveLength(3);
      for (let guard = 0; guard < 20; guard++) {
        seen.push(...page.entries.map((e) => e.id));
        if (page.nextBefore === null) break;
        expect(page.nextBefore).toBe(page.entries.at(-1)!.id);
        page = await get<AuditPage>(`/api/v1/audit?limit=3&before=${page.nextBefore}`);
      }
      expect(page.nextBefore).toBeNull();
      expect(seen).toHaveLength(n);
      expect([...seen].sort((a, b) => b - a)).toEqual(seen);
      expect(new Set(seen).size).toBe(n);
      // Each entry links to the one before it.
      const all = (await get<AuditPage>('/api/v1/audit?limit=500')).entries;
      for (let i = 0; i + 1 < all.length; i++) expect(all[i]!.previousHash).toBe(all[i + 1]!.hash);
    });

    const idOf = async (action: string) => (await target.db.all<{ id: number }>(sql`select id from audit_log where action = ${action}`))[0]!.id;

    it('verifies the intact chain, then names the first edited entry', async () => {
      const intact = await get<{ ok: boolean; checked: number; message: string }>('/api/v1/audit/verify');
      expect(intact).toMatchObject({ ok: true, message: expect.stringContaining('哈希链全部吻合') });
      const third = await idOf('test.step3');
      await target.db.run(sql`drop trigger audit_log_no_update`);
      await target.db.run(sql`update audit_log set detail_json = '{"i":99}' where id = ${third}`);
      const edited = await get<{ ok: boolean; broken?: { id: number; problem: string }; message: string }>('/api/v1/audit/verify');
      expect(edited).toMatchObject({ ok: false, broken: { id: third, problem: 'hash_mismatch' } });
      expect(edited.message).toContain(`id ${third}`);
    });

    it('names the entry after a removed one as a previous-hash mismatch', async () => {
      const [second, third] = [await idOf('test.step2'), await idOf('test.step3')];
      await target.db.run(sql`drop trigger audit_log_no_delete`);
      await target.db.run(sql`delete from audit_log where id = ${second}`);
      expect(await get('/api/v1/audit/verify')).toMatchObject({ ok: false, broken: { id: third, problem: 'previous_hash_mismatch' } });
    });

    it('refuses a township token (403) and no token (401)', async () => {
      const township = await mint(target.db, 'township', '430482105');
      for (const path of ['/api/v1/audit', '/api/v1/audit/verify']) {
        expect((await target.request(path)).status).toBe(401);
        expect((await target.request(path, { headers: auth(township) })).status).toBe(403);
      }
    });
  });
}
