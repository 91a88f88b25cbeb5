/**
 * 工作人员账号 through the API, as the staff page does it (issue 17 part 5): the county creates a
 * township user whose token signs in as that township and is refused outside it, lists it without
 * any hash, revokes it (the token stops working), and every change is in the audit log under the
 * county user. Bad input is refused with 400 naming the field in Chinese, and nothing is written;
 * only the county may do any of it, and not to the token it is signed in with.
 */
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as schema from '../../db/schema.ts';
import { grantAccess } from '../../src/data/users.ts';
import type { ApiTarget } from '../support/api-target.ts';
import { auth, COUNTY, expectWithin, mintAll, postJson, seedCounty, timed, TOWNSHIP_A, VILLAGE_A1, VILLAGE_B1, type Tokens } from './fixtures.ts';

interface Account {
  id: number;
  name: string;
  label: string;
  role: string;
  roleLabel: string;
  scopeCode: string;
  scopeName: string;
  kind: 'token' | 'access';
  createdAt: string;
  revokedAt: string | null;
  current: boolean;
}
interface Answer {
  code?: string;
  message?: string;
  details?: Array<{ column?: string; problem: string; received?: string; expected?: string; hint?: string }>;
  [k: string]: unknown;
}
interface AuditAnswer {
  entries: Array<{ action: string; actorId: number | null; actorLabel: string; subjectId: string | null; detail: Record<string, unknown>; requestId: string | null }>;
}

const CHINESE = /[\u4e00-\u9fff]/;

export function runStaffAccountsContract(newTarget: () => Promise<ApiTarget>): void {
  describe('staff accounts on the staff page', () => {
    let target: ApiTarget;
    let tokens: Tokens;
    beforeEach(async () => {
      target = await newTarget();
      await seedCounty(target.db);
      tokens = await mintAll(target.db);
    });
    afterEach(() => target.dispose());

    const create = (body: unknown, token = tokens.county) => postJson(target, '/api/v1/staff-accounts', token, body);
    const revoke = (id: number | string, token = tokens.county) => postJson(target, `/api/v1/staff-accounts/${id}/revoke`, token, {});
    const list = async (token = tokens.county) => {
      const res = await target.request('/api/v1/staff-accounts', { headers: auth(token) });
      expect(res.status).toBe(200);
      return { text: await res.clone().text(), accounts: ((await res.json()) as { accounts: Account[] }).accounts };
    };
    const get = (path: string, token: string) => target.request(`/api/v1${path}`, { headers: auth(token) });
    const countyUser = async () => {
      const me = (await (await get('/me', tokens.county)).json()) as { name: string };
      const [user] = await target.db.select().from(schema.users).where(eq(schema.users.name, me.name));
      return { id: user!.id, name: me.name };
    };
    const audit = async () => ((await (await get('/audit?limit=500', tokens.county)).json()) as AuditAnswer).entries;
    const written = async () => ({
      users: (await target.db.select().from(schema.users)).length,
      tokens: (await target.db.select().from(schema.apiTokens)).length,
      audit: (await target.db.select().from(schema.auditLog)).length,
    });

    it('creates a township user whose token signs in as that township and is refused outside it; listed without a hash; revoked, the token stops working', async () => {
      const { res, before, after } = await timed(target, () => create({ role: 'township', scopeCode: TOWNSHIP_A, name: '  柏坊镇 张三  ' }));
      const created = (await res.json()) as Answer & { id: number; token: string; createdAt: string };
      expect(res.status, JSON.stringify(created)).toBe(201);
      expect(created).toMatchObject({ name: '柏坊镇 张三', role: 'township', roleLabel: '乡镇审核员', scopeCode: TOWNSHIP_A, scopeName: '柏坊镇' });
      expect(created.token).toMatch(/^csq_[A-Za-z0-9_-]{43}$/);
      expectWithin(created.createdAt, { before, after });
      expect(res.headers.get('cache-control')).toMatch(/no-store/);

      // The new token signs in as the township, and reads its own villages only.
      const me = (await (await get('/me', created.token)).json()) as Answer;
      expect(me).toMatchObject({ name: '柏坊镇 张三', role: 'township', scopeCode: TOWNSHIP_A, scopeName: '柏坊镇' });
      expect((await get(`/projects?village=${VILLAGE_A1}`, created.token)).status).toBe(200);
      const outside = await get(`/projects?village=${VILLAGE_B1}`, created.token);
      expect(outside.status).toBe(403);
      expect(((await outside.json()) as Answer).message).toMatch(CHINESE);

      // Listed, newest first, with the county's own account marked as the one in use; never a hash or the token.
      const listed = await list();
      expect(listed.accounts[0]).toEqual({
        id: created.id,
        name: '柏坊镇 张三',
        label: '柏坊镇 张三',
        role: 'township',
        roleLabel: '乡镇审核员',
        scopeCode: TOWNSHIP_A,
        scopeName: '柏坊镇',
        kind: 'token',
        createdAt: created.createdAt,
        revokedAt: null,
        current: false,
      });
      expect(listed.accounts).toHaveLength(8);
      expect(listed.accounts.filter((a) => a.current).map((a) => a.role)).toEqual(['county']);
      const [stored] = await target.db.select().from(schema.apiTokens).where(eq(schema.apiTokens.id, created.id));
      expect(listed.text).not.toContain(stored!.tokenHash);
      expect(listed.text).not.toContain(created.token);
      expect(listed.text).not.toMatch(/hash/i);

      const r = await timed(target, () => revoke(created.id));
      const revoked = (await r.res.json()) as { id: number; revokedAt: string };
      expect(r.res.status, JSON.stringify(revoked)).toBe(200);
      expect(revoked.id).toBe(created.id);
      expectWithin(revoked.revokedAt, r);
      const refused = await get('/me', created.token);
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as Answer).code).toBe('INVALID_TOKEN');
      expect((await list()).accounts[0]).toMatchObject({ id: created.id, revokedAt: revoked.revokedAt });
      // Already revoked: nothing active to revoke.
      const again = await revoke(created.id);
      expect(again.status).toBe(404);
      expect(((await again.json()) as Answer).message).toMatch(CHINESE);

      // Both changes are in the audit log under the county user, and the chain still verifies.
      const county = await countyUser();
      const entries = (await audit()).filter((e) => e.subjectId === String(created.id));
      expect(entries.map((e) => e.action)).toEqual(['token.revoke', 'token.create']);
      for (const e of entries) {
        expect(e).toMatchObject({ actorId: county.id, actorLabel: county.name });
        expect(e.requestId).toEqual(expect.any(String));
      }
      expect(entries[1]!.detail).toMatchObject({ label: '柏坊镇 张三', role: 'township', scopeCode: TOWNSHIP_A });
      expect(JSON.stringify(entries)).not.toContain(created.token);
      expect(((await (await get('/audit/verify', tokens.county)).json()) as { ok: boolean }).ok).toBe(true);
    });

    it('creates village and inspector users over the level their role needs, with a name of up to 40 characters', async () => {
      const village = await create({ role: 'village', scopeCode: VILLAGE_A1, name: '禄福村 会计' });
      expect(village.status).toBe(201);
      const villageToken = ((await village.json()) as { token: string }).token;
      expect(await (await get('/me', villageToken)).json()).toMatchObject({ role: 'village', scopeCode: VILLAGE_A1, scopeName: '禄福村委会' });

      const inspector = await create({ role: 'inspector', scopeCode: COUNTY, name: '纪'.repeat(40) });
      const body = (await inspector.json()) as Answer & { token: string };
      expect(inspector.status, JSON.stringify(body)).toBe(201);
      expect(body).toMatchObject({ role: 'inspector', roleLabel: '监督检查员', scopeName: '常宁市' });
      expect((await get('/audit', body.token)).status).toBe(200);
    });

    it('refuses bad input with 400, naming the field, what it got and what it expects, in Chinese, and writes nothing', async () => {
      // Another county's township, to be outside this one.
      await target.db.insert(schema.divisions).values([
        { code: '430481', name: '耒阳市', level: 'county', parentCode: '430400' },
        { code: '430481101', name: '导子镇', level: 'township', parentCode: '430481' },
      ]);
      expect((await create({ role: 'township', scopeCode: TOWNSHIP_A, name: '柏坊镇 李四' })).status).toBe(201);
      const before = await written();

      const refusal = async (body: unknown, code = 'VALIDATION_FAILED') => {
        const res = await create(body);
        const answer = (await res.json()) as Answer;
        expect(res.status, JSON.stringify(answer)).toBe(400);
        expect(answer.code).toBe(code);
        expect(answer.message).toMatch(CHINESE);
        for (const d of answer.details ?? []) expect(d.problem, JSON.stringify(d)).toMatch(CHINESE);
        return answer.details!;
      };

      expect(await refusal({ role: 'county', scopeCode: COUNTY, name: '县里另一个管理员' })).toEqual([
        {
          column: '角色',
          problem: '县级管理员账号不能在网页上开通',
          received: 'county（县级管理员）',
          expected: 'township（乡镇审核员）、village（村干部）、inspector（监督检查员）',
          hint: expect.stringContaining('npm run token -- create --role county'),
        },
      ]);
      expect(await refusal({ role: 'mayor', scopeCode: TOWNSHIP_A, name: '某人' })).toEqual([
        { column: '角色', problem: '没有这个角色', received: 'mayor', expected: 'township（乡镇审核员）、village（村干部）、inspector（监督检查员）' },
      ]);
      expect(await refusal({ role: 'township', scopeCode: '430482199', name: '某人' })).toEqual([
        { column: '管理范围', problem: '找不到这个区划代码', received: '430482199', expected: '本县（430482）现有的乡镇或村的区划代码', hint: expect.stringMatching(CHINESE) },
      ]);
      expect(await refusal({ role: 'township', scopeCode: VILLAGE_A1, name: '某人' })).toEqual([
        { column: '管理范围', problem: '乡镇审核员的管理范围应是乡镇（街道），这个代码是村（社区）', received: '430482105003（禄福村委会）', expected: '9 位乡镇（街道）代码' },
      ]);
      expect(await refusal({ role: 'village', scopeCode: TOWNSHIP_A, name: '某人' })).toEqual([
        { column: '管理范围', problem: '村干部的管理范围应是村（社区），这个代码是乡镇（街道）', received: '430482105（柏坊镇）', expected: '12 位村（社区）代码' },
      ]);
      expect(await refusal({ role: 'township', scopeCode: '430481101', name: '某人' })).toEqual([
        { column: '管理范围', problem: '不在本县范围内', received: '430481101（导子镇）', expected: '本县（430482）的乡镇（街道），代码以 430482 开头' },
      ]);
      expect((await refusal({ role: 'inspector', scopeCode: '430481', name: '某人' })).map((d) => d.problem)).toEqual(['不在本县范围内']);
      expect(await refusal({ role: 'township', scopeCode: TOWNSHIP_A, name: '   ' })).toEqual([
        { column: '姓名或用途', problem: '没有填写', expected: expect.stringContaining('不超过 40 个字') },
      ]);
      expect(await refusal({ role: 'township', scopeCode: TOWNSHIP_A, name: '长'.repeat(41) })).toEqual([
        { column: '姓名或用途', problem: '太长了（41 个字）', received: '长'.repeat(41), expected: '不超过 40 个字' },
      ]);
      expect(await refusal({ role: 'village', scopeCode: VILLAGE_A1, name: '柏坊镇 李四' })).toEqual([
        { column: '姓名或用途', problem: '已经有一个有效账号用了这个名称', received: '柏坊镇 李四', expected: expect.stringMatching(CHINESE) },
      ]);
      expect((await refusal({ role: 'township', scopeCode: TOWNSHIP_A, name: 'access:x@example.gov.cn' })).map((d) => d.column)).toEqual(['姓名或用途']);
      // Everything at once, in the form's order; missing fields are named too.
      expect((await refusal({ role: 'county', scopeCode: '', name: '' })).map((d) => `${d.column}：${d.problem}`)).toEqual(['角色：县级管理员账号不能在网页上开通', '管理范围：没有选择', '姓名或用途：没有填写']);
      // A body that is not the form's shape is refused by the request check, in Chinese too.
      expect((await refusal({}, 'BAD_REQUEST')).map((d) => `${d.column}：${d.problem}`)).toEqual(['role：缺少“角色”', 'scopeCode：缺少“管理范围”', 'name：缺少“姓名或用途”']);
      expect((await refusal({ role: 'township', scopeCode: 430482105, name: '某人' }, 'BAD_REQUEST')).map((d) => d.problem)).toEqual(['“管理范围”应是文字']);

      expect(await written()).toEqual(before);
    });

    it('is the county’s only: other roles get 403; the county cannot revoke the token it is signed in with (409); an unknown id is 404', async () => {
      for (const who of ['townshipA', 'villageA1', 'inspector'] as const) {
        const listed = await get('/staff-accounts', tokens[who]);
        expect(listed.status, who).toBe(403);
        expect(((await listed.json()) as Answer).message).toMatch(CHINESE);
        expect((await create({ role: 'village', scopeCode: VILLAGE_A1, name: `${who} 开的` }, tokens[who])).status, who).toBe(403);
        expect((await revoke(1, tokens[who])).status, who).toBe(403);
      }

      const own = (await list()).accounts.find((a) => a.current)!;
      const res = await revoke(own.id);
      const body = (await res.json()) as Answer;
      expect(res.status).toBe(409);
      expect(body.code).toBe('CANNOT_REVOKE_OWN_ACCOUNT');
      expect(body.message).toMatch(/^不能停用您现在登录用的这个账号/);
      expect((await get('/me', tokens.county)).status).toBe(200);

      expect((await revoke(99_999)).status).toBe(404);
      expect((await revoke('abc')).status).toBe(400);
    });

    it('lists a Cloudflare Access grant as such and revokes it like a token', async () => {
      const grant = await grantAccess(target.db, { email: 'li.si@example.gov.cn', role: 'township', scopeCode: TOWNSHIP_A, name: '柏坊镇 李四', at: '2025-02-01T00:00:00.000Z', by: 'cli' });
      const listed = await list();
      expect(listed.accounts.find((a) => a.id === grant.tokenId)).toMatchObject({ kind: 'access', name: '柏坊镇 李四', label: 'access:li.si@example.gov.cn', role: 'township', scopeName: '柏坊镇', revokedAt: null });
      expect(listed.text).not.toMatch(/hash/i);
      expect((await revoke(grant.tokenId)).status).toBe(200);
      expect((await list()).accounts.find((a) => a.id === grant.tokenId)?.revokedAt).toEqual(expect.any(String));
    });
  });
}
