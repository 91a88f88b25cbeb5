/**
 * Cloudflare Access as an alternative to bearer tokens: assertions signed with a locally generated
 * RSA key, served as the team's JWKS through the app's injected fetch. Nothing here has been tried
 * against a real Cloudflare Access team.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { createApp } from '../../functions/app.ts';
import type { AppEnv } from '../../functions/app-env.ts';
import { createMemoryLogger } from '../../functions/logger.ts';
import { projects, throttleCounters } from '../../db/schema.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { findActorByToken, grantAccess, mintToken, revokeAccess, TokenAdminError } from '../../src/data/users.ts';
import { COUNTY, mint, projectRow, seedCounty, TOWNSHIP_A, VILLAGE_A1, VILLAGE_B1 } from '../api/fixtures.ts';
import { createTempDatabase, type TempDatabase } from '../support/temp-database.ts';

const TEAM = 'https://changning-test.cloudflareaccess.com';
const AUD = '32eafc7626e974616deaf0dc3ce63d7bcbed58a2731e84d06bc3cdf1b53c4228';
const RS256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

const b64url = (bytes: Uint8Array | ArrayBuffer) => Buffer.from(bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes).toString('base64url');
const jsonPart = (value: unknown) => b64url(new TextEncoder().encode(JSON.stringify(value)));

interface KeyPair {
  kid: string;
  privateKey: CryptoKey;
  jwk: JsonWebKey & { kid: string };
}

async function newKeyPair(kid: string): Promise<KeyPair> {
  const pair = (await crypto.subtle.generateKey({ ...RS256, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const exported = await crypto.subtle.exportKey('jwk', pair.publicKey);
  return { kid, privateKey: pair.privateKey, jwk: { kty: 'RSA', n: exported.n!, e: exported.e!, alg: 'RS256', use: 'sig', kid } };
}

async function signRs256(key: KeyPair, payload: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  const signing = `${jsonPart({ alg: 'RS256', kid: key.kid, typ: 'JWT', ...header })}.${jsonPart(payload)}`;
  const signature = await crypto.subtle.sign(RS256, key.privateKey, new TextEncoder().encode(signing));
  return `${signing}.${b64url(signature)}`;
}

let teamKey: KeyPair;
let otherKey: KeyPair;
beforeAll(async () => {
  teamKey = await newKeyPair('team-key-1');
  otherKey = await newKeyPair('team-key-1');
});

let temp: TempDatabase;
let now: Date;
let jwks: { keys: JsonWebKey[] } | null;
let fetched: string[];
let logger: ReturnType<typeof createMemoryLogger>;
const NOW_S = () => Math.floor(now.getTime() / 1000);

const claims = (overrides: Record<string, unknown> = {}) => ({
  aud: [AUD],
  email: 'zhang.san@example.gov.cn',
  exp: NOW_S() + 300,
  iat: NOW_S() - 10,
  nbf: NOW_S() - 10,
  iss: TEAM,
  type: 'app',
  identity_nonce: '6ei69kawdKzMIAPF',
  sub: '7335d417-61da-459d-899c-0a01c76a2f94',
  country: 'CN',
  ...overrides,
});

function newApp(env: Record<string, string> = { ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD }): Hono<AppEnv> {
  return createApp({
    db: temp.db,
    config: loadConfig({ DATABASE_URL: temp.url, ...env }),
    clock: () => now,
    logger,
    runtime: 'node',
    fetch: async (input) => {
      fetched.push(String(input));
      return jwks ? Response.json(jwks) : new Response('unavailable', { status: 502 });
    },
  });
}

const send = (app: Hono<AppEnv>, path: string, headers: Record<string, string>) => app.request(path, { headers });
const asserting = (assertion: string, extra: Record<string, string> = {}) => ({ 'cf-access-jwt-assertion': assertion, ...extra });

beforeEach(async () => {
  temp = await createTempDatabase();
  await seedCounty(temp.db);
  now = new Date('2026-11-26T08:03:20.000Z');
  jwks = { keys: [teamKey.jwk] };
  fetched = [];
  logger = createMemoryLogger();
  await grantAccess(temp.db, { email: 'Zhang.San@example.gov.cn', role: 'county', scopeCode: COUNTY, at: now.toISOString() });
  await grantAccess(temp.db, { email: 'li.si@example.gov.cn', role: 'township', scopeCode: TOWNSHIP_A, name: '柏坊镇 李四', at: now.toISOString() });
});
afterEach(() => temp.dispose());

describe('Cloudflare Access identity', () => {
  it('signs in a granted email with its role and scope, reading the keys from <team>/cdn-cgi/access/certs', async () => {
    const res = await send(newApp(), '/api/v1/me', asserting(await signRs256(teamKey, claims())));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: 'zhang.san@example.gov.cn', role: 'county', scopeCode: COUNTY });
    expect(fetched).toEqual([`${TEAM}/cdn-cgi/access/certs`]);
  });

  it.each([
    ['a wrong audience', async () => signRs256(teamKey, claims({ aud: ['another-application'] })), 'audience'],
    ['a wrong issuer', async () => signRs256(teamKey, claims({ iss: 'https://attacker.cloudflareaccess.com' })), 'issuer'],
    ['an expired assertion (beyond the 60 s leeway)', async () => signRs256(teamKey, claims({ exp: NOW_S() - 61 })), 'expired'],
    ['an assertion without exp', async () => signRs256(teamKey, claims({ exp: undefined })), 'expired'],
    ['an assertion not valid yet', async () => signRs256(teamKey, claims({ nbf: NOW_S() + 120 })), 'not-yet-valid'],
    ['a signature by another key under the team key id', async () => signRs256(otherKey, claims()), 'signature'],
    ['a key id the team does not have', async () => signRs256(otherKey, claims(), { kid: 'made-up' }), 'unknown-key'],
    ['alg none', async () => `${jsonPart({ alg: 'none', kid: teamKey.kid })}.${jsonPart(claims())}.`, 'malformed'],
    ['alg none with a signature part', async () => `${jsonPart({ alg: 'none', kid: teamKey.kid })}.${jsonPart(claims())}.AAAA`, 'algorithm'],
    [
      'HS256 keyed with the public key (algorithm confusion)',
      async () => {
        const signing = `${jsonPart({ alg: 'HS256', kid: teamKey.kid, typ: 'JWT' })}.${jsonPart(claims())}`;
        const secret = await crypto.subtle.importKey('raw', new TextEncoder().encode(JSON.stringify(teamKey.jwk)), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
        return `${signing}.${b64url(await crypto.subtle.sign('HMAC', secret, new TextEncoder().encode(signing)))}`;
      },
      'algorithm',
    ],
    ['a payload changed after signing', async () => {
      const [h, , s] = (await signRs256(teamKey, claims())).split('.');
      return `${h}.${jsonPart(claims({ email: 'li.si@example.gov.cn' }))}.${s}`;
    }, 'signature'],
    ['a malformed header value', async () => 'not-a-jwt', 'malformed'],
  ])('refuses %s with 401 and logs why', async (_name, make, reason) => {
    const res = await send(newApp(), '/api/v1/me', asserting(await make()));
    expect(res.status).toBe(401);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ code: 'INVALID_ACCESS_IDENTITY', message: expect.stringContaining('Cloudflare Access 登录凭据无效或已过期'), requestId: expect.any(String) });
    expect(logger.entries.filter((e) => e.message === 'Cloudflare Access assertion refused').map((e) => e.fields?.reason)).toEqual([reason]);
  });

  it('accepts an assertion that expired within the 60 s leeway', async () => {
    expect((await send(newApp(), '/api/v1/me', asserting(await signRs256(teamKey, claims({ exp: NOW_S() - 30 }))))).status).toBe(200);
  });

  it('answers 403 to a verified email without a grant, and to a revoked grant, without counting a failure', async () => {
    const app = newApp();
    for (let i = 0; i < 25; i++) {
      const res = await send(app, '/api/v1/me', asserting(await signRs256(teamKey, claims({ email: 'wang.wu@example.gov.cn' }))));
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ code: 'ACCESS_NOT_GRANTED', message: expect.stringContaining('wang.wu@example.gov.cn 还没有开通') });
    }
    const serviceToken = await signRs256(teamKey, claims({ email: undefined, common_name: 'abc.access' }));
    expect((await send(app, '/api/v1/me', asserting(serviceToken))).status).toBe(403);
    expect(await revokeAccess(temp.db, 'ZHANG.SAN@example.gov.cn', now.toISOString())).toBe(1);
    expect((await send(app, '/api/v1/me', asserting(await signRs256(teamKey, claims())))).status).toBe(403);
    expect(await temp.db.select().from(throttleCounters)).toEqual([]);
  });

  it('counts refused assertions as failed authentication (429 after 20)', async () => {
    const app = newApp();
    const bad = await signRs256(otherKey, claims());
    for (let i = 0; i < 20; i++) expect((await send(app, '/api/v1/me', asserting(bad))).status).toBe(401);
    const res = await send(app, '/api/v1/me', asserting(await signRs256(teamKey, claims())));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('700');
  });

  it('limits a township email to its township, like a token', async () => {
    const app = newApp();
    const township = asserting(await signRs256(teamKey, claims({ email: 'li.si@example.gov.cn' })));
    expect(await (await send(app, '/api/v1/me', township)).json()).toMatchObject({ name: '柏坊镇 李四', role: 'township', scopeCode: TOWNSHIP_A });
    expect((await send(app, `/api/v1/projects?village=${VILLAGE_A1}`, township)).status).toBe(200);
    const other = await send(app, `/api/v1/projects?village=${VILLAGE_B1}`, township);
    expect(other.status).toBe(403);
    expect((await send(app, '/api/v1/audit', township)).status).toBe(403);
    expect((await send(app, '/api/v1/feedback', township)).status).toBe(200);
  });

  it('lets a bearer token decide when both are sent', async () => {
    const app = newApp();
    const county = asserting(await signRs256(teamKey, claims()));
    const villageToken = await mint(temp.db, 'village', VILLAGE_A1);
    expect(await (await send(app, '/api/v1/me', { ...county, authorization: `Bearer ${villageToken}` })).json()).toMatchObject({ role: 'village', scopeCode: VILLAGE_A1 });
    const forged = await send(app, '/api/v1/me', { ...county, authorization: `Bearer csq_${'A'.repeat(43)}` });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ code: 'INVALID_TOKEN' });
  });

  it('ignores the header when Access is not configured', async () => {
    const app = newApp({});
    const res = await send(app, '/api/v1/me', asserting(await signRs256(teamKey, claims())));
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(fetched).toEqual([]);
  });

  it('caches the keys for an hour, refetches for a new key id at most once a minute, and survives a failed refetch', async () => {
    const app = newApp();
    const good = asserting(await signRs256(teamKey, claims()));
    for (let i = 0; i < 5; i++) expect((await send(app, '/api/v1/me', good)).status).toBe(200);
    expect(fetched).toHaveLength(1);

    // A rotation: the new key appears in the JWKS; its first assertion triggers a refetch.
    const rotated = await newKeyPair('team-key-2');
    now = new Date(now.getTime() + 2 * 60_000);
    const fresh = asserting(await signRs256(rotated, claims()));
    expect((await send(app, '/api/v1/me', fresh)).status).toBe(401);
    expect(fetched).toHaveLength(2);
    jwks = { keys: [teamKey.jwk, rotated.jwk] };
    expect((await send(app, '/api/v1/me', fresh)).status).toBe(401);
    expect(fetched).toHaveLength(2);
    now = new Date(now.getTime() + 61_000);
    expect((await send(app, '/api/v1/me', asserting(await signRs256(rotated, claims())))).status).toBe(200);
    expect(fetched).toHaveLength(3);

    // After an hour the keys are fetched again; when that fails, the known keys keep working.
    jwks = null;
    now = new Date(now.getTime() + 60 * 60_000);
    expect((await send(app, '/api/v1/me', asserting(await signRs256(teamKey, claims())))).status).toBe(200);
    expect(fetched).toHaveLength(4);
  });

  it('answers 503 without counting a failure when the keys cannot be fetched at all', async () => {
    jwks = null;
    const app = newApp();
    const res = await send(app, '/api/v1/me', asserting(await signRs256(teamKey, claims())));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 'ACCESS_UNAVAILABLE', message: expect.stringContaining('改用令牌登录') });
    expect(await temp.db.select().from(throttleCounters)).toEqual([]);
  });
});

describe('Cloudflare Access and requests from other sites (CSRF)', () => {
  const SITE = 'https://gongshi.example.gov.cn';
  const UPLOAD = `${SITE}/api/v1/uploads/projects`;
  const rowsJson = () => JSON.stringify({ rows: [projectRow('CSRF-1', VILLAGE_A1)] });
  const siteApp = () => newApp({ ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD, SITE_URL: SITE });
  const post = async (app: Hono<AppEnv>, url: string, headers: Record<string, string>, body: BodyInit = rowsJson()) =>
    app.request(url, { method: 'POST', headers: { ...asserting(await signRs256(teamKey, claims())), ...headers }, body });
  const projectCount = async () => (await temp.db.select().from(projects)).length;

  // What a page on another site can send without asking (no preflight): a form's three encodings.
  const forms: Array<[string, () => { body: BodyInit; headers: Record<string, string> }]> = [
    ['multipart/form-data', () => {
      const form = new FormData();
      form.set('file', new Blob([rowsJson()]), 'rows.json');
      return { body: form, headers: {} };
    }],
    ['text/plain', () => ({ body: rowsJson(), headers: { 'content-type': 'text/plain' } })],
    ['application/x-www-form-urlencoded', () => ({ body: new URLSearchParams({ rows: '[]' }), headers: {} })],
  ];
  describe.each(forms)('a %s form posted from another site', (_encoding, make) => {
    it.each([
      ['Origin of another site', { origin: 'https://evil.example' }],
      ['Origin null (a sandboxed frame or a redirect)', { origin: 'null' }],
      ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
      ['Sec-Fetch-Site: same-site (another host under the same domain)', { 'sec-fetch-site': 'same-site', origin: 'https://www.example.gov.cn' }],
      ['Sec-Fetch-Site: cross-site with the site\'s own Origin', { 'sec-fetch-site': 'cross-site', origin: SITE }],
      ['the site\'s host over plain http', { origin: 'http://gongshi.example.gov.cn' }],
    ])('is refused with 403 when it shows %s, writes nothing and counts no failed attempt', async (_name, shows) => {
      const app = siteApp();
      const { body, headers } = make();
      const res = await post(app, UPLOAD, { ...headers, ...shows }, body);
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ code: 'CROSS_SITE_REQUEST', message: expect.stringContaining('从其他网站发来的'), requestId: expect.any(String) });
      expect(await projectCount()).toBe(0);
      expect(await temp.db.select().from(throttleCounters)).toEqual([]);
      expect(logger.entries.filter((e) => e.message === 'cross-site request with a Cloudflare Access identity refused')).toHaveLength(1);
      // Refused before the assertion is checked: the keys were not even fetched.
      expect(fetched).toEqual([]);
    });
  });

  it.each([
    ['Origin and Sec-Fetch-Site of the site itself', UPLOAD, { origin: SITE, 'sec-fetch-site': 'same-origin' }],
    ['Sec-Fetch-Site: none (typed by the user)', UPLOAD, { 'sec-fetch-site': 'none' }],
    ['the origin of the URL asked for, whatever SITE_URL says', 'https://gongshi-backup.example.gov.cn/api/v1/uploads/projects', { origin: 'https://gongshi-backup.example.gov.cn' }],
    ['SITE_URL\'s origin on a server reached under another name', 'http://127.0.0.1:4321/api/v1/uploads/projects', { origin: SITE }],
    ['https on a server behind a proxy that ends TLS and passes Host on', 'http://gongshi.example.gov.cn/api/v1/uploads/projects', { origin: SITE }],
    ['neither header (a script or curl)', UPLOAD, {}],
  ])('lets a POST through with %s', async (_name, url, shows) => {
    const res = await post(siteApp(), url, { 'content-type': 'application/json', ...shows });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await projectCount()).toBe(1);
  });

  it('lets reads through from anywhere: other sites cannot read the answers, and reads change nothing', async () => {
    const res = await siteApp().request(`${SITE}/api/v1/me`, { headers: { ...asserting(await signRs256(teamKey, claims())), origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } });
    expect(res.status).toBe(200);
  });

  it('does not apply to a bearer token, which a page on another site cannot add', async () => {
    const token = await mint(temp.db, 'village', VILLAGE_A1);
    const res = await siteApp().request(UPLOAD, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      body: rowsJson(),
    });
    expect(res.status).toBe(200);
  });

  it('never locks out the staff member whose browser another site keeps sending', async () => {
    const app = siteApp();
    for (let i = 0; i < 25; i++) expect((await post(app, UPLOAD, { 'content-type': 'text/plain', origin: 'https://evil.example' })).status).toBe(403);
    expect((await post(app, UPLOAD, { 'content-type': 'application/json', origin: SITE })).status).toBe(200);
  });
});

describe('Access grants', () => {
  it('keeps one active grant per email and checks the scope against the role', async () => {
    await expect(grantAccess(temp.db, { email: 'zhang.san@EXAMPLE.gov.cn', role: 'inspector', scopeCode: COUNTY, at: now.toISOString() })).rejects.toThrow(/already has an active grant/);
    await expect(grantAccess(temp.db, { email: 'x@example.gov.cn', role: 'village', scopeCode: TOWNSHIP_A, at: now.toISOString() })).rejects.toThrow(TokenAdminError);
    await expect(grantAccess(temp.db, { email: 'not an email', role: 'county', scopeCode: COUNTY, at: now.toISOString() })).rejects.toThrow(/--email/);
    await revokeAccess(temp.db, 'zhang.san@example.gov.cn', now.toISOString());
    await expect(grantAccess(temp.db, { email: 'zhang.san@example.gov.cn', role: 'inspector', scopeCode: COUNTY, at: now.toISOString() })).resolves.toMatchObject({ role: 'inspector' });
  });

  it('can never be used as a bearer token, and token labels cannot imitate a grant', async () => {
    const grant = await grantAccess(temp.db, { email: 'wang.wu@example.gov.cn', role: 'county', scopeCode: COUNTY, at: now.toISOString() });
    expect(grant.tokenId).toBeGreaterThan(0);
    expect(await findActorByToken(temp.db, 'access:wang.wu@example.gov.cn')).toBeNull();
    await expect(mintToken(temp.db, { role: 'county', scopeCode: COUNTY, name: 'access:wang.wu@example.gov.cn', at: now.toISOString() })).rejects.toThrow(/kept for Cloudflare Access/);
  });
});

describe('Access configuration', () => {
  it('normalises the team domain and needs both values', () => {
    expect(loadConfig({ ACCESS_TEAM_DOMAIN: 'https://Changning.cloudflareaccess.com/', ACCESS_AUD: AUD })).toMatchObject({ ACCESS_TEAM_DOMAIN: 'https://changning.cloudflareaccess.com', ACCESS_AUD: AUD });
    expect(() => loadConfig({ ACCESS_TEAM_DOMAIN: TEAM })).toThrow(ConfigError);
    expect(() => loadConfig({ ACCESS_AUD: AUD })).toThrow(/set together/);
    expect(() => loadConfig({ ACCESS_TEAM_DOMAIN: 'http://changning.cloudflareaccess.com', ACCESS_AUD: AUD })).toThrow(/ACCESS_TEAM_DOMAIN/);
  });
});
