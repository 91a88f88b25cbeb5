/**
 * `npm run bench:kept`: five hand-written parts beside the library that could stand in for each,
 * run side by side on this machine (the figures behind the records under "Hand-written parts
 * beside kept libraries" in docs/decisions.md):
 *
 * 1. JPEG metadata: `stripJpegMetadata` (src/domain/villager/jpeg-metadata.ts) beside exifr (a
 *    dependency: the route reads EXIF with it), piexifjs (a library that removes EXIF) and sharp
 *    (the Node re-encoder), on photos made here with EXIF, GPS, XMP and an ICC profile.
 * 2. JWT: `verifyAccessJwt` (functions/middleware/access-jwt.ts) beside jose's `jwtVerify`, on the
 *    cases of tests/unit/access-identity.test.ts, plus the bundled size of each.
 * 3. Security headers: `securityHeaders` (functions/middleware/security-headers.ts) beside
 *    hono/secure-headers configured to say the same, on the same requests.
 * 4. Atom: `renderAtomFeed` (src/domain/disclosure/atom-feed.ts) beside the `feed` package, read
 *    back with a strict XML parser.
 * 5. libSQL server: `startLibsqlHttpServer` (src/cli/libsql-http-server.ts) beside the server the
 *    registry's `turso` package ships (`tursodb --sync-server`), driven by `@libsql/client/web`.
 *
 * jose, feed, piexifjs and turso are not dependencies of the project: they are installed with npm,
 * at the versions pinned below, into KEPT_LIBS_DIR (default: <tmpdir>/kept-libraries) on the first
 * run. Bundled sizes are esbuild's (it comes with astro and wrangler), minified, for the browser
 * platform (what the Worker gets), and gzipped at level 9. Timings are medians of BENCH_RUNS
 * (default 5) runs after one warm-up, in this one process; the machine's load is printed with them.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createClient as createWebClient } from '@libsql/client/web';
import { build } from 'esbuild';
import exifr from 'exifr';
import { Hono, type MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import sharp from 'sharp';
import { migrateDatabase } from '../../db/client.ts';
import { openWebDatabase } from '../../db/client-web.ts';
import { verifyAccessJwt } from '../../functions/middleware/access-jwt.ts';
import { securityHeaders, tileSources } from '../../functions/middleware/security-headers.ts';
import { startLibsqlHttpServer } from '../../src/cli/libsql-http-server.ts';
import { PROJECT_ROOT } from '../../src/cli/site-build.ts';
import { loadConfig } from '../../src/config.ts';
import { renderAtomFeed, type AtomEntry } from '../../src/domain/disclosure/atom-feed.ts';
import { stripJpegMetadata } from '../../src/domain/villager/jpeg-metadata.ts';

const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5));
const PINNED = ['jose@6.2.19', 'feed@6.0.0', 'piexifjs@1.0.6', 'turso@0.6.0'];
const LIBS = process.env.KEPT_LIBS_DIR ?? join(tmpdir(), 'kept-libraries');

if (!PINNED.every((p) => existsSync(join(LIBS, 'node_modules', p.slice(0, p.lastIndexOf('@')), 'package.json')))) {
  console.log(`installing ${PINNED.join(', ')} into ${LIBS} (not the project's dependencies)…`);
  mkdirSync(LIBS, { recursive: true });
  execFileSync('npm', ['install', '--prefix', LIBS, '--no-save', '--no-audit', '--no-fund', '--no-package-lock', ...PINNED], { stdio: 'inherit' });
}
const requireLib = createRequire(join(LIBS, 'package.json'));
const importLib = async <T>(name: string): Promise<T> => (await import(pathToFileURL(requireLib.resolve(name)).href)) as T;

// ---- helpers

const f = (ms: number) => (ms >= 10 ? `${ms.toFixed(0)} ms` : ms >= 0.1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(1)} µs`);
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** Median time of one call, from RUNS runs of `repeat` calls each (after one warm-up run). */
async function time(run: () => unknown, repeat = 1): Promise<{ median: number; all: number[] }> {
  for (let i = 0; i < repeat; i++) await run();
  const all: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    for (let i = 0; i < repeat; i++) await run();
    all.push((performance.now() - t) / repeat);
  }
  return { median: [...all].sort((a, b) => a - b)[Math.floor(all.length / 2)]!, all };
}

/** Minified and gzipped size of a bundle of `source` (an entry module), for the browser platform. */
async function bundled(source: string, resolveDir: string, external: string[] = []): Promise<{ min: number; gz: number }> {
  const out = await build({ stdin: { contents: source, resolveDir, loader: 'ts' }, bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent', external });
  const bytes = out.outputFiles[0]!.contents;
  return { min: bytes.length, gz: gzipSync(bytes, { level: 9 }).length };
}
const sizeLine = (label: string, s: { min: number; gz: number }) => `  ${label}: ${kib(s.min)} minified, ${kib(s.gz)} gzipped`;

console.log(`${new Date().toISOString()} · Node ${process.version} · ${cpus().length} cores · load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} · median of ${RUNS} runs`);

// ---- 1. JPEG metadata

{
  console.log('\n1. JPEG metadata: ours beside exifr, piexifjs and sharp');
  const piexif = requireLib('piexifjs') as { remove(jpeg: string): string };
  const dms = (v: number) => `${Math.floor(v)}/1 ${Math.floor((v % 1) * 60)}/1 ${Math.round((((v % 1) * 60) % 1) * 6000)}/100`;
  const exif = { IFD0: { Make: 'TestPhone', Model: 'X1' }, IFD2: { DateTimeOriginal: '2026:11:21 10:30:05' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: dms(26.312), GPSLongitudeRef: 'E', GPSLongitude: dms(112.512) } };
  const xmp = '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="张三 13812345678"/></rdf:RDF></x:xmpmeta>';
  /** A photo-like picture (smooth gradients and noise, so it compresses like a photo). */
  const photo = async (width: number, height: number, icc = true) => {
    const raw = Buffer.alloc(width * height * 3);
    let seed = 1;
    for (let i = 0; i < raw.length; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const p = Math.floor(i / 3);
      raw[i] = (((p % width) * 255) / width + ((p / width) * 128) / height + (seed % 24)) & 0xff;
    }
    const image = sharp(raw, { raw: { width, height, channels: 3 } }).withExif(exif).withXmp(xmp);
    return new Uint8Array(await (icc ? image.withIccProfile('p3') : image).jpeg({ quality: 85 }).toBuffer());
  };
  const meta = async (bytes: Uint8Array) => {
    const m = await sharp(bytes).metadata();
    const read = (await exifr.parse(bytes, { gps: true, xmp: true, icc: true, iptc: true }).catch(() => undefined)) as Record<string, unknown> | undefined;
    return [m.exif && 'EXIF', m.xmp && 'XMP', m.icc && 'ICC', read?.latitude !== undefined && 'GPS'].filter(Boolean).join('+') || 'none';
  };
  /** Largest difference of a decoded sample (libvips colour-manages: an ICC profile changes what it decodes). */
  const pixelDiff = async (a: Uint8Array, b: Uint8Array) => {
    const [x, y] = [await sharp(a).raw().toBuffer(), await sharp(b).raw().toBuffer()];
    if (x.length !== y.length) return 'n/a (resized)';
    let max = 0;
    let sum = 0;
    for (let i = 0; i < x.length; i++) {
      const d = Math.abs(x[i]! - y[i]!);
      max = Math.max(max, d);
      sum += d;
    }
    return `max ${max}, mean ${(sum / x.length).toFixed(1)}`;
  };
  /** The bytes from the first start-of-scan marker to the end: the coded image itself. */
  const scan = (bytes: Uint8Array) => {
    let i = 2;
    while (bytes[i + 1] !== 0xda) i += 2 + ((bytes[i + 2]! << 8) | bytes[i + 3]!);
    return Buffer.from(bytes.subarray(i));
  };
  const exifrExports = Object.keys(exifr).filter((k) => typeof (exifr as unknown as Record<string, unknown>)[k] === 'function');
  console.log(`  exifr ${(createRequire(import.meta.url)('exifr/package.json') as { version: string }).version} exports ${exifrExports.join(', ')}: readers only, nothing writes or removes a segment`);
  for (const [label, width, height, repeat] of [
    ['800×600', 800, 600, 200],
    ['4000×3000 (a phone photo)', 4000, 3000, 10],
  ] as const) {
    const input = await photo(width, height);
    const ours = stripJpegMetadata(input).bytes;
    const latin1 = Buffer.from(input).toString('latin1');
    const piexifOut = new Uint8Array(Buffer.from(piexif.remove(latin1), 'latin1'));
    const sharpOut = new Uint8Array(await sharp(input).rotate().resize({ width: 1600, height: 1600, fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 80, mozjpeg: true }).toBuffer());
    const tOurs = await time(() => stripJpegMetadata(input), repeat);
    const tExifr = await time(() => exifr.parse(input, { gps: true, reviveValues: false, tiff: true, exif: true, xmp: false, icc: false, iptc: false }), repeat);
    const tPiexif = await time(() => Buffer.from(piexif.remove(Buffer.from(input).toString('latin1')), 'latin1'), repeat);
    const tSharp = await time(() => sharp(input).rotate().resize({ width: 1600, height: 1600, fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 80, mozjpeg: true }).toBuffer(), Math.max(1, repeat / 10));
    const sameScan = scan(ours).equals(scan(input));
    const diff = await pixelDiff(ours, input);
    console.log(`  ${label}, ${kib(input.length)} with ${await meta(input)}:`);
    console.log(`    ours, strip:             ${f(tOurs.median)}  → ${kib(ours.length)}, metadata left: ${await meta(ours)}, coded image byte-identical: ${sameScan ? 'yes' : 'NO'}, decoded samples differ from the input's by ${diff}`);
    console.log(`    exifr.parse (the route): ${f(tExifr.median)}  (reads; cannot remove)`);
    console.log(`    piexifjs remove:         ${f(tPiexif.median)}  → ${kib(piexifOut.length)}, metadata left: ${await meta(piexifOut)}`);
    console.log(`    sharp re-encode (Node):  ${f(tSharp.median)}  → ${kib(sharpOut.length)}, metadata left: ${await meta(sharpOut)}, decoded samples differ by ${await pixelDiff(sharpOut, input)}`);
  }
  const srgb = await photo(800, 600, false);
  // libvips decodes through the embedded ICC profile: the strip drops it (colours then read as sRGB), sharp's re-encode converts to sRGB.
  console.log(`  800×600 without an ICC profile: decoded samples of ours differ from the input's by ${await pixelDiff(stripJpegMetadata(srgb).bytes, srgb)}`);
  console.log(sizeLine('ours bundled', await bundled(`export { stripJpegMetadata } from './src/domain/villager/jpeg-metadata.ts';`, PROJECT_ROOT)));
  console.log(sizeLine('piexifjs bundled', await bundled(`import p from 'piexifjs'; export const remove = p.remove;`, LIBS)));
}

// ---- 2. JWT verification

{
  console.log('\n2. Cloudflare Access JWT: ours beside jose');
  interface JoseError {
    code?: string;
    claim?: string;
  }
  const jose = await importLib<{
    jwtVerify(token: string, key: unknown, options: Record<string, unknown>): Promise<unknown>;
    createLocalJWKSet(jwks: { keys: JsonWebKey[] }): unknown;
  }>('jose');
  const RS256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
  const TEAM = 'https://changning-test.cloudflareaccess.com';
  const AUD = '32eafc7626e974616deaf0dc3ce63d7bcbed58a2731e84d06bc3cdf1b53c4228';
  const now = new Date('2026-11-26T08:03:20.000Z');
  const NOW = now.getTime() / 1000;
  const b64 = (b: Uint8Array | ArrayBuffer) => Buffer.from(b instanceof ArrayBuffer ? new Uint8Array(b) : b).toString('base64url');
  const part = (v: unknown) => b64(new TextEncoder().encode(JSON.stringify(v)));
  const newPair = async () => (await crypto.subtle.generateKey({ ...RS256, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const team = await newPair();
  const other = await newPair();
  const pub = await crypto.subtle.exportKey('jwk', team.publicKey);
  const jwk = { kty: 'RSA', n: pub.n!, e: pub.e!, alg: 'RS256', use: 'sig', kid: 'team-key-1' };
  const verifyKey = await crypto.subtle.importKey('jwk', { kty: 'RSA', n: pub.n!, e: pub.e! }, RS256, false, ['verify']);
  const sign = async (key: CryptoKey, payload: Record<string, unknown>, header: Record<string, unknown> = {}) => {
    const signing = `${part({ alg: 'RS256', kid: 'team-key-1', typ: 'JWT', ...header })}.${part(payload)}`;
    return `${signing}.${b64(await crypto.subtle.sign(RS256, key, new TextEncoder().encode(signing)))}`;
  };
  const claims = (o: Record<string, unknown> = {}) => ({ aud: [AUD], email: 'zhang.san@example.gov.cn', exp: NOW + 300, iat: NOW - 10, nbf: NOW - 10, iss: TEAM, sub: 'x', ...o });
  const hs256 = async () => {
    const signing = `${part({ alg: 'HS256', kid: 'team-key-1', typ: 'JWT' })}.${part(claims())}`;
    const secret = await crypto.subtle.importKey('raw', new TextEncoder().encode(JSON.stringify(jwk)), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    return `${signing}.${b64(await crypto.subtle.sign('HMAC', secret, new TextEncoder().encode(signing)))}`;
  };
  const valid = await sign(team.privateKey, claims());
  const cases: [string, string, boolean][] = [
    ['valid', valid, true],
    ['aud as a string', await sign(team.privateKey, claims({ aud: AUD })), true],
    ['expired 30 s ago (within the 60 s leeway)', await sign(team.privateKey, claims({ exp: NOW - 30 })), true],
    ['wrong aud', await sign(team.privateKey, claims({ aud: ['another'] })), false],
    ['wrong iss', await sign(team.privateKey, claims({ iss: 'https://attacker.cloudflareaccess.com' })), false],
    ['expired 61 s ago', await sign(team.privateKey, claims({ exp: NOW - 61 })), false],
    ['no exp', await sign(team.privateKey, claims({ exp: undefined })), false],
    ['exp as a string', await sign(team.privateKey, claims({ exp: String(NOW + 300) })), false],
    ['nbf 120 s ahead', await sign(team.privateKey, claims({ nbf: NOW + 120 })), false],
    ['another key, same kid', await sign(other.privateKey, claims()), false],
    ['unknown kid', await sign(other.privateKey, claims(), { kid: 'made-up' }), false],
    ['alg none, empty signature', `${part({ alg: 'none', kid: 'team-key-1' })}.${part(claims())}.`, false],
    ['alg none with a signature', `${part({ alg: 'none', kid: 'team-key-1' })}.${part(claims())}.AAAA`, false],
    ['HS256 keyed with the public key', await hs256(), false],
    ['payload changed after signing', `${valid.split('.')[0]}.${part(claims({ email: 'li.si@example.gov.cn' }))}.${valid.split('.')[2]}`, false],
    ['crit header', await sign(team.privateKey, claims(), { crit: ['x-unknown'], 'x-unknown': 1 }), false],
    ['not a JWT', 'not-a-jwt', false],
  ];
  const keys = new Map([['team-key-1', verifyKey]]);
  const ours = async (token: string) => verifyAccessJwt(token, async (kid) => keys.get(kid), { issuer: TEAM, audience: AUD, now, leewaySeconds: 60 });
  const jwks = jose.createLocalJWKSet({ keys: [jwk as JsonWebKey] });
  const joseWith = (extra: Record<string, unknown>) => async (token: string) =>
    jose.jwtVerify(token, jwks, { algorithms: ['RS256'], issuer: TEAM, audience: AUD, clockTolerance: 60, currentDate: now, ...extra }).then(
      () => ({ ok: true, reason: '' }),
      (e: JoseError) => ({ ok: false, reason: `${e.code ?? String(e)}${e.claim ? ` (${e.claim})` : ''}` }),
    );
  const joseDefault = joseWith({});
  const joseExp = joseWith({ requiredClaims: ['exp'] });
  let agreeDefault = 0;
  let agreeExp = 0;
  let oursRight = 0;
  for (const [name, token, expected] of cases) {
    const a = await ours(token);
    const b = await joseDefault(token);
    const c = await joseExp(token);
    if (a.ok === expected) oursRight++;
    if (b.ok === a.ok) agreeDefault++;
    if (c.ok === a.ok) agreeExp++;
    console.log(`  ${name.padEnd(42)} ours ${a.ok ? 'accepts' : `refuses (${a.reason})`}; jose ${b.ok ? 'accepts' : `refuses (${b.reason})`}${c.ok !== b.ok ? `, with requiredClaims ['exp'] ${c.ok ? 'accepts' : `refuses (${c.reason})`}` : ''}`);
  }
  console.log(`  → ours as the unit tests expect on ${oursRight}/${cases.length}; jose agrees with ours on ${agreeDefault}/${cases.length} by default, ${agreeExp}/${cases.length} with requiredClaims ['exp']`);
  const tOurs = await time(() => ours(valid), 2000);
  const tJose = await time(() => joseExp(valid), 2000);
  console.log(`  verify a valid assertion: ours ${f(tOurs.median)}, jose ${f(tJose.median)} (→ jose takes ${(tJose.median / tOurs.median).toFixed(2)}× ours)`);
  console.log(sizeLine('ours bundled (access-jwt.ts + access-keys.ts)', await bundled(`export { verifyAccessJwt } from './functions/middleware/access-jwt.ts'; export { AccessKeySet } from './functions/middleware/access-keys.ts';`, PROJECT_ROOT)));
  console.log(sizeLine('jose bundled (jwtVerify + createRemoteJWKSet)', await bundled(`export { jwtVerify, createRemoteJWKSet } from 'jose';`, LIBS)));
}

// ---- 3. Security headers

{
  console.log('\n3. Security headers: ours beside hono/secure-headers');
  const config = loadConfig({ TIANDITU_KEY: 'bench' });
  const routes = (app: Hono) =>
    app
      .get('/api/*', (c) => c.json({ ok: true }))
      .get('/moved', () => Response.redirect('https://example.org/', 302))
      .get('/fetched', () => fetch('data:text/plain,hello'))
      .get('/nope', (c) => c.notFound())
      .get('*', (c) => c.html('<!doctype html><title>x</title>'))
      .onError((_error, c) => c.text('error', 500));
  const ours = routes(new Hono().use(securityHeaders(config) as unknown as MiddlewareHandler));
  const site = (https: boolean) => ({
    defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:', 'blob:', ...tileSources(config)],
    fontSrc: ["'self'"], connectSrc: ["'self'"], objectSrc: ["'none'"], baseUri: ["'self'"], formAction: ["'self'"], frameAncestors: ["'self'"],
    ...(https ? { upgradeInsecureRequests: [] } : {}),
  });
  const api = { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"] };
  const same = (https: boolean, csp: Record<string, string[]>) =>
    secureHeaders({
      contentSecurityPolicy: csp, referrerPolicy: 'strict-origin-when-cross-origin', strictTransportSecurity: https ? 'max-age=31536000' : false,
      permissionsPolicy: { camera: [], microphone: [], payment: [], usb: [], geolocation: ['self'] },
      crossOriginResourcePolicy: false, originAgentCluster: false, xDnsPrefetchControl: false, xDownloadOptions: false, xPermittedCrossDomainPolicies: false, xXssProtection: false, removePoweredBy: false,
    });
  // One instance per header set: the policy differs by path (API or not) and by scheme (HSTS, upgrade-insecure-requests).
  const instances = { siteHttp: same(false, site(false)), siteHttps: same(true, site(true)), apiHttp: same(false, api), apiHttps: same(true, api) };
  const chooser: MiddlewareHandler = (c, next) => {
    const https = new URL(c.req.url).protocol === 'https:';
    const key = `${c.req.path.startsWith('/api/') ? 'api' : 'site'}${https ? 'Https' : 'Http'}` as keyof typeof instances;
    return instances[key](c, next);
  };
  const hono = routes(new Hono().use(chooser));
  const plain = routes(new Hono().use(secureHeaders()));
  const requests = ['http://localhost', 'https://example.org'].flatMap((o) => ['/', '/villages/430482105003/', '/api/v1/health', '/_astro/app.js', '/nope', '/moved', '/fetched'].map((p) => o + p));
  const headersOf = (res: Response) => Object.fromEntries([...res.headers].filter(([k]) => !['content-type', 'content-length', 'location', 'cache-control'].includes(k)).sort());
  let equal = 0;
  const failures: string[] = [];
  const plainDiff = new Set<string>();
  for (const url of requests) {
    const a = await ours.request(url);
    const b = await hono.request(url);
    const p = await plain.request(url);
    if (b.status !== a.status) failures.push(`${url}: ours ${a.status}, hono ${b.status}`);
    else if (JSON.stringify(headersOf(a)) === JSON.stringify(headersOf(b))) equal++;
    else failures.push(`${url}: headers differ`);
    if (p.status === a.status) {
      const ha = headersOf(a);
      const hp = headersOf(p);
      for (const k of new Set([...Object.keys(ha), ...Object.keys(hp)])) if (ha[k] !== hp[k]) plainDiff.add(`${k}: ${hp[k] ?? '(none)'}`);
    }
  }
  console.log(`  configured to say the same (4 instances and a chooser): same headers on ${equal}/${requests.length} requests`);
  for (const line of failures) console.log(`    ${line}`);
  console.log(`  hono's defaults where they differ from ours: ${[...plainDiff].sort().join('; ')}`);
  console.log("  not covered by hono's middleware at all: Cache-Control by path and status, 304 for If-Modified-Since");
  const tOurs = await time(() => ours.request('https://example.org/villages/430482105003/'), 5000);
  const tHono = await time(() => hono.request('https://example.org/villages/430482105003/'), 5000);
  console.log(`  one page request through the app: ours ${f(tOurs.median)}, hono's ${f(tHono.median)} (ours also sets Cache-Control)`);
  console.log(sizeLine('ours bundled', await bundled(`export { securityHeaders } from './functions/middleware/security-headers.ts';`, PROJECT_ROOT)));
  console.log(sizeLine('hono/secure-headers bundled', await bundled(`export { secureHeaders } from 'hono/secure-headers';`, PROJECT_ROOT)));
}

// ---- 4. Atom feed

{
  console.log('\n4. Atom: ours beside the feed package');
  const { Feed } = await importLib<{ Feed: new (options: Record<string, unknown>) => { addItem(item: Record<string, unknown>): void; atom1(): string } }>('feed');
  const sax = requireLib('sax') as { parser(strict: boolean): { onerror: (e: Error) => void; ontext: (t: string) => void; oncdata: (t: string) => void; onopentag: (t: { name: string; attributes: Record<string, string> }) => void; onclosetag: () => void; write(s: string): { close(): void } } };
  const site = 'https://example.org';
  const texts = ['公示期 2026年11月20日 至 2026年11月30日，核对码 K7M2-Q9PX。', '问：人数不对 & 金额 <见第2版>\u0001；答：已核实', '问：<img src=x onerror=alert(1)> 是谁；答：已答复', '问：]]> 结尾；答：好'];
  const entries: AtomEntry[] = Array.from({ length: 50 }, (_, i) => ({
    id: `${site}/villages/430482105003/history/2026/#v${i + 1}`,
    title: `禄福村2026年度公示更正（第${i + 1}版）`,
    updated: new Date(Date.UTC(2026, 10, 1) + i * 3_600_000).toISOString(),
    url: `${site}/villages/430482105003/history/2026/`,
    summary: texts[i % texts.length]!,
  }));
  const feed = { id: `${site}/villages/430482105003/`, title: '禄福村公示更新', selfUrl: `${site}/feeds/villages/430482105003.xml`, alternateUrl: `${site}/villages/430482105003/`, author: '常宁市库区移民事务中心', entries };
  const ours = () => renderAtomFeed(feed, '2026-01-01T00:00:00.000Z');
  const theirs = () => {
    const out = new Feed({ id: feed.id, title: feed.title, link: feed.alternateUrl, feedLinks: { atom: feed.selfUrl }, author: { name: feed.author }, updated: new Date(entries.at(-1)!.updated), copyright: '', generator: false });
    for (const e of [...entries].reverse()) out.addItem({ id: e.id, title: e.title, link: e.url, date: new Date(e.updated), description: e.summary });
    return out.atom1();
  };
  /** Parses strictly; returns the first error, the summaries read back and their `type`s. */
  const readBack = (xml: string) => {
    const p = sax.parser(true);
    let error: string | null = null;
    const summaries: string[] = [];
    const types = new Set<string>();
    let inSummary = false;
    p.onerror = (e) => {
      error ??= e.message.split('\n')[0]!;
      throw e;
    };
    p.onopentag = (t) => {
      inSummary = t.name === 'summary';
      if (inSummary) {
        types.add(t.attributes.type ?? 'text (default)');
        summaries.push('');
      }
    };
    p.onclosetag = () => {
      inSummary = false;
    };
    p.ontext = p.oncdata = (t) => {
      if (inSummary) summaries[summaries.length - 1] += t;
    };
    try {
      p.write(xml).close();
    } catch {
      // error is set
    }
    return { error, summaries, types: [...types] };
  };
  for (const [label, render] of [
    ['ours', ours],
    ['feed', theirs],
  ] as const) {
    const xml = render();
    const t = await time(render, 500);
    const r = readBack(xml);
    const written = new Set(texts.map((x) => x.replace('\u0001', '')));
    const lost = r.summaries.filter((s) => !written.has(s));
    // sax does not check XML 1.0's Char production: a control character is looked for here.
    // eslint-disable-next-line no-control-regex
    const forbidden = (xml.match(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g) ?? []).length;
    console.log(`  ${label}: ${f(t.median)} per 50-entry feed (${f(t.median * 1141)} for the sample county's 1,141 village feeds), ${kib(Buffer.byteLength(xml))}`);
    console.log(`    strict XML parse: ${r.error ? `FAILS (${r.error})` : 'ok'}; characters XML 1.0 forbids: ${forbidden}; summaries typed ${r.types.join(', ') || '(none read)'}`);
    console.log(`    summaries read back as written: ${r.summaries.length - lost.length}/${r.summaries.length}${lost.length ? ` (e.g. ${JSON.stringify(lost[0])})` : ''}`);
  }
  // The file's imports (dates, masking, feedback labels) serve the entry builders, not the writer.
  console.log(sizeLine('ours bundled (renderAtomFeed, its imports left out)', await bundled(`export { renderAtomFeed } from './src/domain/disclosure/atom-feed.ts';`, PROJECT_ROOT, ['../shared/*', '../villager/*'])));
  console.log(sizeLine('feed bundled (Feed, with xml-js)', await bundled(`export { Feed } from 'feed';`, LIBS)));
}

// ---- 5. libSQL HTTP server

{
  console.log("\n5. libSQL over HTTP: ours beside the turso package's tursodb --sync-server");
  const binary = join(requireLib.resolve('@tursodatabase/cli-linux-x64-gnu/package.json'), '..', 'tursodb');
  const { size } = await import('node:fs').then((fs) => fs.statSync(binary));
  console.log(`  turso ${requireLib('turso/package.json').version}: tursodb binary ${(size / 1024 / 1024).toFixed(0)} MiB (ours: src/cli/libsql-http-server.ts on node:sqlite)`);
  const dir = mkdtempSync(join(tmpdir(), 'kept-libsql-'));
  const freePort = () =>
    new Promise<number>((done) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as { port: number };
        s.close(() => done(port));
      });
    });
  const steps = async (url: string): Promise<string[]> => {
    const web = createWebClient({ url });
    const out: string[] = [];
    const step = async (name: string, run: () => Promise<unknown>) => {
      const t = performance.now();
      try {
        await run();
        out.push(`${name}: ok (${f(performance.now() - t)})`);
      } catch (e) {
        const why = (e as Error & { cause?: Error }).cause?.message ?? (e as Error).message ?? String(e);
        out.push(`${name}: FAILS (${why.replace(/^.*Internal Server Error: /, '').split('\n')[0]!.slice(0, 100)})`);
      }
    };
    await step('execute SELECT', () => web.execute('SELECT 1 AS one'));
    await step('create table, insert with args', async () => {
      await web.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, s TEXT, b BLOB)');
      await web.execute({ sql: 'INSERT INTO t (n, s, b) VALUES (?, ?, ?)', args: [9007199254740991n, '塅垱村', new Uint8Array([0, 255])] });
    });
    await step('batch', () => web.batch(['INSERT INTO t (n) VALUES (1)', 'SELECT count(*) FROM t'], 'write'));
    await step('interactive transaction', async () => {
      const tx = await web.transaction('write');
      await tx.execute('INSERT INTO t (n) VALUES (2)');
      await tx.commit();
    });
    await step('drizzle migrations of the project', () => migrateDatabase(openWebDatabase({ url })));
    web.close();
    return out;
  };
  const ours = await startLibsqlHttpServer({ path: join(dir, 'ours.db') });
  const oursSteps = await steps(ours.url);
  await ours.close();
  const port = await freePort();
  const child = spawn(binary, [join(dir, 'turso.db'), '--sync-server', `127.0.0.1:${port}`], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 1500));
  const tursoSteps = await steps(`http://127.0.0.1:${port}`);
  child.kill();
  rmSync(dir, { recursive: true, force: true });
  for (let i = 0; i < oursSteps.length; i++) console.log(`  ${oursSteps[i]!.padEnd(48)} | tursodb: ${tursoSteps[i]!.replace(/^[^:]+: /, '')}`);
}
