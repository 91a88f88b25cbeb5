/**
 * A county other than the sample (衡阳县, 430421) set up entirely from files, as
 * docs/set-up-a-county.md says: `npm run county -- init` from the national division list, the
 * registry, roster and 一卡通 results generated from its own divisions and uploaded as CSV, projects
 * taken through 村申请 → 村理财小组复核 → 乡镇审核 → 县审批 by village, township and county users,
 * a payment, a publish; then the built site, a poster (pdftotext, zbarimg), the open data and
 * 查直补. Nothing of the sample (常宁, 示例数据) may appear anywhere. The county's settings are
 * changed through the API as the staff page does (a title template, a township phone), and the
 * poster follows them; the staff page of a freshly set-up county shows its 开通步骤 in Chromium.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../db/client.ts';
import * as schema from '../../db/schema.ts';
import { idNumberCheckChar } from '../../db/seed/id-number.ts';
import { createApp } from '../../functions/app.ts';
import { startNodeServer } from '../../functions/node-server.ts';
import { createMemoryLogger } from '../../functions/logger.ts';
import { buildSite, PROJECT_ROOT } from '../../src/cli/site-build.ts';
import { createSiteRebuilder } from '../../src/cli/site-rebuild.ts';
import { loadPosterConfig, posterSettingsFromConfig } from '../../src/cli/posters.ts';
import { chainHash } from '../../src/domain/disclosure/disclosure-content.ts';
import { solveProofOfWork } from '../../src/domain/villager/proof-of-work.ts';
import { loadConfig } from '../../src/config.ts';
import { mintToken } from '../../src/data/users.ts';
import { publishDisclosures } from '../../src/data/disclosures.ts';
import { loadLedger } from '../../src/data/ledger.ts';
import { readPosterManifest } from '../../src/posters/manifest-store.ts';
import { villageDisplayName } from '../../src/posters/title.ts';
import { InjectedClock } from '../support/test-clock.ts';
import { axeViolations, hasHorizontalScroll, launchBrowser, newPhoneContext } from './browser.ts';

const COUNTY = '430421';
const UNIT = '衡阳县水库移民事务中心';
const SITE_URL = 'https://ymgs.hengyang.example';
const ROSTER_KEY = 'e2e-real-county-roster-key-0123456789abcdef';
const NODE = join(PROJECT_ROOT, 'node_modules/.bin/node');
const clock = InjectedClock.at('2025-12-01T02:00:00.000Z');
const TITLE = '{county}{village}{year}年度移民后扶项目公示';
const TOWNSHIP_PHONE = '0734-6833333';

/** `npm run county -- init` as the docs say, on a new database; returns the county user's token. */
function initCounty(databaseUrl: string): string {
  const init = spawnSync(NODE, ['src/cli/county.ts', 'init', COUNTY, '--unit', UNIT, '--phone', '0734-6822222', '--address', '衡阳县西渡镇', '--admin', '县移民中心'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, ROSTER_KEY },
    encoding: 'utf8',
  });
  expect(init.status, init.stderr).toBe(0);
  return /^(csq_\S+)$/m.exec(init.stdout)![1]!;
}
const idOf = (birth: string, seq: string) => `${COUNTY}${birth}${seq}${idNumberCheckChar(`${COUNTY}${birth}${seq}`)}`;

describe('a real county from its own files', () => {
  // Inside the project: the build's prerender chunks resolve packages from node_modules above them.
  mkdirSync(join(PROJECT_ROOT, 'tests/.output'), { recursive: true });
  const work = mkdtempSync(join(PROJECT_ROOT, 'tests/.output', 'real-county-'));
  const databaseUrl = `file:${join(work, 'county.db')}`;
  const env = { DATABASE_URL: databaseUrl, ROSTER_KEY, SITE_URL, POSTER_DIR: join(work, 'posters') };
  let opened: OpenDatabase;
  let app: ReturnType<typeof createApp>;
  let countyToken: string;
  let townshipToken: string;
  let villageToken: string;
  let township: { code: string; name: string };
  let villages: Array<{ code: string; name: string }>;
  let siteDir: string;
  const head = { name: '欧阳满秀', id: idOf('19580312', '031') };

  const send = (path: string, token: string | null, body: string, type = 'text/csv') =>
    app.request(path, { method: 'POST', headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}) }, body });
  const upload = async (kind: string, token: string, csv: string) => {
    const res = await send(`/api/v1/uploads/${kind}`, token, csv);
    const body = (await res.json()) as { status: string; details?: unknown };
    expect([res.status, body.status, body.details ?? null], kind).toEqual([200, 'committed', null]);
  };

  const checklistNext = async () => ((await (await app.request('/api/v1/county/checklist', { headers: { authorization: `Bearer ${countyToken}` } })).json()) as { next: string | null }).next;

  beforeAll(async () => {
    countyToken = initCounty(databaseUrl);
    opened = await openDatabase({ url: databaseUrl });
    const db = opened.db;
    [township] = await db.select({ code: schema.divisions.code, name: schema.divisions.name }).from(schema.divisions).where(eq(schema.divisions.level, 'township')).orderBy(schema.divisions.code).limit(1);
    villages = await db.select({ code: schema.divisions.code, name: schema.divisions.name }).from(schema.divisions).where(and(eq(schema.divisions.level, 'village'), eq(schema.divisions.parentCode, township!.code))).orderBy(schema.divisions.code).limit(2);
    const at = clock.read().toISOString();
    townshipToken = (await mintToken(db, { role: 'township', scopeCode: township!.code, name: '乡镇审核员', at })).token;
    villageToken = (await mintToken(db, { role: 'village', scopeCode: villages[0]!.code, name: '村会计', at })).token;
    app = createApp({ db, config: loadConfig(env), clock: clock.read, logger: createMemoryLogger(), runtime: 'node' });

    expect(await checklistNext()).toBe('registry');
    // The office words its own poster title and gives the township's phone, on the staff page.
    const changed = await app.request('/api/v1/county/settings', {
      method: 'PATCH',
      headers: { authorization: `Bearer ${countyToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ posterTitleTemplate: TITLE, townshipPhones: { [township!.code]: TOWNSHIP_PHONE } }),
    });
    expect(await changed.json()).toEqual({ changed: ['townshipPhones', 'posterTitleTemplate'], rebuild: 'not_configured' });
    const [v1, v2] = villages as [{ code: string; name: string }, { code: string; name: string }];
    // The registry and roster, generated from the county's own divisions.
    await upload('villages', countyToken, `村代码,年度,移民人数,移民户数,重点移民村,村部经度,村部纬度,坐标系,备注\n${v1.code},2025,3,2,是,112.37,26.97,CGCS2000,\n${v2.code},2025,1,1,否,112.41,26.99,CGCS2000,\n`);
    await upload('direct-subsidies', countyToken, `村代码,年度,享受人数,标准(元/人/年),金额(元),应发日期,发放日期,发放渠道\n${v1.code},2025,3,600,1800,2025-06-30,2025-06-28,一卡通\n${v2.code},2025,1,600,600,2025-06-30,2025-06-28,一卡通\n`);
    await upload(
      'households',
      countyToken,
      `户编号,村代码,户主姓名,人口,成员姓名,身份证号,与户主关系,状态,核减原因,核减日期\n${v1.code}-0001,${v1.code},欧阳满秀,2,欧阳满秀,${head.id},户主,在册,,\n${v1.code}-0001,${v1.code},欧阳满秀,2,谢冬梅,${idOf('19600505', '042')},配偶,在册,,\n${v1.code}-0002,${v1.code},谢石生,1,谢石生,${idOf('19650101', '015')},户主,在册,,\n`,
    );
    await upload('household-payments', countyToken, `户编号,年度,金额(元),发放日期,结果,失败原因,处理办法\n${v1.code}-0001,2025,1200,2025-06-28,成功,,\n${v1.code}-0002,2025,600,,失败,账户冻结,核实后补发\n`);
    // Projects: the village applies, the township reviews, the county approves and pays.
    await upload(
      'projects',
      villageToken,
      `项目编号,年度,村代码,项目类型,项目名称,建设内容及规模,实施单位,中央资金(元),申请日期\nHY2025-0001,2025,${v1.code},美丽家园建设,村组道路硬化,硬化道路0.8公里,${v1.name},200000,2025-03-10\n`,
    );
    const step = async (token: string, action: string) => {
      const res = await send('/api/v1/projects/HY2025-0001/transitions', token, JSON.stringify({ action }), 'application/json');
      expect(res.status, action).toBe(200);
    };
    await step(villageToken, 'village_review');
    await step(townshipToken, 'township_review');
    await step(countyToken, 'county_approve');
    await upload('disbursements', countyToken, `项目编号,拨付日期,金额(元),资金来源,凭证号,收款单位\nHY2025-0001,2025-12-01,100000,中央,HY-2025-1201,衡阳县某建筑工程有限公司\n`);
    expect(await checklistNext()).toBe('publish');
    const published = await send('/api/v1/publish', countyToken, JSON.stringify({ year: 2025 }), 'application/json');
    expect(published.status).toBe(200);
    expect(await published.json()).toMatchObject({ issuingUnit: UNIT, supervisionPhones: ['0734-6822222'] });
    // After the publish, the second village is merged into the first (村撤并), as the office records it.
    const changes = join(work, '区划变更.csv');
    writeFileSync(changes, `变更类型,生效日期,原代码,原名称,新代码,新名称,依据\n撤并,2025-12-01,${v2.code},${v2.name},${v1.code},,衡政函〔2025〕8号\n`);
    const merged = spawnSync(NODE, ['src/cli/county.ts', 'changes', changes], { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
    expect(merged.status, merged.stderr).toBe(0);
    const outDir = join(work, 'dist');
    await buildSite({ env, outDir, verbose: false, posters: 'render', target: 'static' });
    siteDir = join(outDir, 'client');
  }, 600_000);
  afterAll(() => {
    opened?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('builds pages that name the county, its 公示单位 and its villages with their migrants, and nothing of the sample', () => {
    const home = readFileSync(join(siteDir, 'index.html'), 'utf8');
    expect(home).toContain('衡阳县');
    expect(home).toContain(UNIT);
    const village = readFileSync(join(siteDir, 'villages', villages[0]!.code, 'index.html'), 'utf8');
    expect(village).toContain(villages[0]!.name);
    expect(village).toMatch(/移民人口<\/dt><dd>3 人（2 户）/);
    expect(village).toContain('村组道路硬化');
    const texts = readdirSync(siteDir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && /\.(html|json|xml|csv|geojson|txt)$/.test(e.name))
      .map((e) => ({ path: join(e.parentPath, e.name), text: readFileSync(join(e.parentPath, e.name), 'utf8') }));
    expect(texts.length).toBeGreaterThan(10);
    const leaks = texts.filter((f) => f.text.includes('常宁') || f.text.includes('示例数据') || f.text.includes('430482'));
    expect(leaks.map((f) => f.path)).toEqual([]);
    // Astro copies public/ into the site: the sample's posters in this checkout's public/posters (if
    // any) are pruned from the build, which carries only what its manifest names.
    const files = readdirSync(siteDir, { recursive: true }).map(String);
    expect(files.filter((f) => f.includes('430482'))).toEqual([]);
  });

  it('keeps a merged village’s published page and says on both pages where it went (村撤并)', () => {
    const [v1, v2] = villages as [{ code: string; name: string }, { code: string; name: string }];
    const page = (code: string) => readFileSync(join(siteDir, 'villages', code, 'index.html'), 'utf8').replace(/<[^>]+>/g, '');
    expect(page(v1.code)).toContain(`2025年12月1日，原${villageDisplayName(v2.name)}并入本村（依据：衡政函〔2025〕8号）。`);
    // The second village was published (its direct subsidy) before the merge: its page stays, and says so.
    expect(existsSync(join(siteDir, 'villages', v2.code, 'index.html'))).toBe(true);
    expect(page(v2.code)).toContain(`本村已于2025年12月1日并入${villageDisplayName(v1.name)}（依据：衡政函〔2025〕8号）。`);
    expect(readFileSync(join(siteDir, 'villages', v2.code, 'index.html'), 'utf8')).toContain(`href="/villages/${v1.code}/"`);
  });

  it('publishes open data and feeds for the county', () => {
    const data = readdirSync(join(siteDir, 'data'), { recursive: true }).map(String);
    const projects = data.find((f) => /projects.*\.csv$/.test(f));
    expect(projects, data.join(', ')).toBeDefined();
    expect(readFileSync(join(siteDir, 'data', projects!), 'utf8')).toContain('HY2025-0001');
    expect(readFileSync(join(siteDir, 'feeds', 'county.xml'), 'utf8')).toContain(`<name>${UNIT}</name>`);
  });

  it('prints a poster that names the county and its 公示单位, whose QR code leads to the page of its version', () => {
    const manifest = readPosterManifest(env.POSTER_DIR);
    const entry = manifest.villages[`${villages[0]!.code}/2025`];
    expect(entry).toBeDefined();
    const file = (name: string) => join(env.POSTER_DIR, name.replace(/^\/?posters\//, ''));
    const text = execFileSync('pdftotext', ['-layout', file(entry!.a4Pdf), '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    expect(text).toContain(UNIT);
    expect(text).toContain(villages[0]!.name);
    // The title and the township phone set on the staff page.
    expect(text).toContain(`衡阳县${villageDisplayName(villages[0]!.name)}2025年度移民后扶项目公示`);
    expect(text).toContain(`乡镇：${TOWNSHIP_PHONE}`);
    expect(text).not.toContain('常宁');
    expect(text).not.toContain('示例数据');
    // Printed with a public address (SITE_URL): a final poster, not a 样张.
    expect(text).not.toContain('样张');
    const qr = execFileSync('zbarimg', ['--quiet', '--raw', file(entry!.png[0]!)], { encoding: 'utf8' }).trim();
    expect(qr).toBe(`${SITE_URL}/villages/${villages[0]!.code}/2025/v${entry!.version}/`);
    // The build that draws posters (static hosting, the Worker) also draws the 发到村民群 card.
    const card = join(siteDir, 'share', 'villages', villages[0]!.code, '2025.png');
    expect(execFileSync('zbarimg', ['--quiet', '--raw', card], { encoding: 'utf8' }).trim()).toBe(`${SITE_URL}/villages/${villages[0]!.code}/`);
  });

  it('answers 查直补 for a household of the uploaded roster, and only with the right ID tail', async () => {
    const ask = async (idTail: string) =>
      (await (await send('/api/v1/public/lookup', null, JSON.stringify({ mode: 'id', villageCode: villages[0]!.code, name: head.name, idTail }), 'application/json')).json()) as { found: boolean; payments?: Array<{ year: number; amountText: string }> };
    expect(await ask(head.id.slice(-6))).toMatchObject({ found: true, payments: [{ year: 2025, amountText: '1,200.00 元' }] });
    expect(await ask('000000')).toMatchObject({ found: false });
  });

  it('shows a freshly set-up county its 开通步骤 and its settings on the staff page, in Chromium', async () => {
    // Another database with only `county init` done, served with the site built above (the staff page is the same for every county).
    const freshUrl = `file:${join(work, 'fresh.db')}`;
    const token = initCounty(freshUrl);
    const fresh = await openDatabase({ url: freshUrl });
    const config = loadConfig({ DATABASE_URL: freshUrl, ROSTER_KEY, PORT: '0', HOST: '127.0.0.1', SITE_DIR: siteDir });
    const running = await startNodeServer({ db: fresh.db, config, logger: createMemoryLogger(), siteDir: () => siteDir, uploadThread: false });
    const baseUrl = `http://127.0.0.1:${running.port}`;
    const browser = await launchBrowser();
    try {
      const { context } = await newPhoneContext(browser, baseUrl);
      const page = await context.newPage();
      await page.goto(`${baseUrl}/admin/`);
      await page.getByLabel('令牌').fill(token);
      await page.getByRole('region', { name: '登录', exact: true }).getByRole('button', { name: '登录', exact: true }).click();
      const steps = page.getByRole('region', { name: '开通步骤', exact: true });
      await expect.poll(() => steps.isVisible()).toBe(true);
      await expect.poll(() => steps.locator('li').count()).toBe(7);
      const next = steps.locator('li.next');
      expect(await next.getAttribute('data-step')).toBe('registry');
      expect(await next.textContent()).toContain('上传移民村名册（下一步）还没有移民村。');
      expect(await next.getByRole('link', { name: '移民村名册模板（Excel）' }).getAttribute('href')).toBe('/api/v1/templates/villages.xlsx');
      expect(await steps.locator('li[data-step=divisions]').textContent()).toMatch(/^载入乡镇和村（✓ 已完成）\d+ 个乡镇（街道）、\d+ 个村（社区）。$/);
      const settings = page.getByRole('region', { name: '本县设置', exact: true });
      await expect.poll(() => settings.getByLabel(/^公示单位/).inputValue()).toBe(UNIT);
      expect(await settings.getByLabel(/^县监督电话/).inputValue()).toBe('0734-6822222');
      expect(await settings.locator('#cs-townships input').count()).toBeGreaterThan(10);
      expect(await axeViolations(page)).toEqual([]);
      expect(await hasHorizontalScroll(page)).toBe(false);
      await context.close();
    } finally {
      await browser.close();
      await running.close();
      fresh.close();
    }
  });

  describe('published addresses through two corrections, served by the Node server as npm start does', () => {
    let running: Awaited<ReturnType<typeof startNodeServer>>;
    let rebuilder: ReturnType<typeof createSiteRebuilder>;
    let base: string;
    const local = (url: string) => url.replace(SITE_URL, base);
    let firstPoster: { qr: string; a4Pdf: string; png: string; verificationCode: string };

    const publishCorrection = async (voucher: string, reason: string) => {
      await upload('disbursements', countyToken, `项目编号,拨付日期,金额(元),资金来源,凭证号,收款单位\nHY2025-0001,2025-12-01,20000,中央,${voucher},衡阳县某建筑工程有限公司\n`);
      const res = await fetch(`${base}/api/v1/publish`, { method: 'POST', headers: { authorization: `Bearer ${countyToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ year: 2025, correctionReason: reason }) });
      expect(await res.json()).toMatchObject({ rebuild: 'scheduled' });
    };

    /**
     * Follows every same-site link of every page it reaches, again and again until told to stop,
     * and returns each address that did not answer (404 or 5xx) with the page that linked it.
     */
    const crawlUntil = async (stop: Promise<unknown>) => {
      let stopped = false;
      void stop.finally(() => (stopped = true));
      const broken: string[] = [];
      let requests = 0;
      do {
        const seen = new Set<string>(['/']);
        const queue: Array<{ path: string; from: string }> = [{ path: '/', from: '' }, { path: firstPoster.qr.replace(SITE_URL, ''), from: 'QR' }];
        while (queue.length > 0) {
          const { path, from } = queue.shift()!;
          const res = await fetch(`${base}${path}`);
          requests++;
          if (res.status === 404 || res.status >= 500) broken.push(`${res.status} ${path} (linked from ${from})`);
          if (!(res.headers.get('content-type') ?? '').startsWith('text/html')) {
            await res.body?.cancel();
            continue;
          }
          for (const [, href] of (await res.text()).matchAll(/(?:href|src)="(\/[^"#?]*)/g)) {
            // Forms and the API answer per request (and throttle); the crawl is about built files.
            if (seen.has(href!) || /^\/(api|admin|feedback|lookup)\//.test(href!)) continue;
            seen.add(href!);
            queue.push({ path: href!, from: path });
          }
        }
      } while (!stopped);
      return { broken, requests };
    };

    beforeAll(async () => {
      // As npm start builds (village pages and the like on demand), so that the rebuilds swapped in
      // during the crawl bundle the same scripts under the same names as the first build.
      const nodeSite = join((await buildSite({ env, outDir: join(work, 'dist-node'), verbose: false, posters: 'plan', target: 'node' })).outDir, 'client');
      const config = loadConfig({ ...env, PORT: '0', HOST: '127.0.0.1', SITE_DIR: nodeSite });
      const logger = createMemoryLogger();
      rebuilder = createSiteRebuilder({ initialDir: nodeSite, env, logger, posters: 'plan', rebuildRoot: join(work, 'rebuilds') });
      const posterConfig = loadPosterConfig(env);
      running = await startNodeServer({
        db: opened.db,
        config,
        logger,
        clock: clock.read,
        siteDir: rebuilder.siteDir,
        onPublished: rebuilder.onPublished,
        posters: { dir: env.POSTER_DIR, settings: () => posterSettingsFromConfig(posterConfig, opened.db) },
        uploadThread: false,
      });
      base = `http://127.0.0.1:${running.port}`;
      const entry = readPosterManifest(env.POSTER_DIR).villages[`${villages[0]!.code}/2025`]!;
      const qr = execFileSync('zbarimg', ['--quiet', '--raw', join(env.POSTER_DIR, entry.png[0]!.replace(/^\/posters\//, ''))], { encoding: 'utf8' }).trim();
      firstPoster = { qr, a4Pdf: entry.a4Pdf, png: entry.png[0]!, verificationCode: entry.verificationCode };
    }, 60_000);
    afterAll(async () => {
      await rebuilder?.idle();
      await running?.close();
    });

    it('the first poster’s QR code names version 1, whose page says it is current', async () => {
      expect(firstPoster.qr).toBe(`${SITE_URL}/villages/${villages[0]!.code}/2025/v1/`);
      const html = await (await fetch(local(firstPoster.qr))).text();
      expect(html).toContain('data-version-state="current"');
      expect(html).toContain('这是当前版本。');
      expect(html).toContain(firstPoster.verificationCode);
    });

    it('an objection on version 1, then two corrections while every page is crawled: nothing linked is ever missing', async () => {
      const { challenge, difficulty } = (await (await fetch(`${base}/api/v1/public/feedback/challenge`)).json()) as { challenge: string; difficulty: number };
      const objection = await fetch(`${base}/api/v1/public/feedback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: base },
        body: JSON.stringify({ kind: 'objection', subjectType: 'disclosure', subjectRef: firstPoster.verificationCode, body: '拨付金额和村里说的不一样。', challenge, nonce: await solveProofOfWork(challenge, difficulty) }),
      });
      expect(objection.status).toBe(201);
      const corrections = (async () => {
        await publishCorrection('HY-2025-1202', '补录第二笔拨付');
        await rebuilder.idle();
        await publishCorrection('HY-2025-1203', '补录第三笔拨付');
        await rebuilder.idle();
      })();
      const crawl = await crawlUntil(corrections.catch(() => undefined));
      await corrections;
      expect(crawl.broken).toEqual([]);
      // Enough to have crossed both swaps (the county's site is a few dozen pages).
      expect(crawl.requests).toBeGreaterThan(100);
    }, 300_000);

    it('the version-1 address still answers after both: 已更正, why, and a link to version 3', async () => {
      const html = await (await fetch(local(firstPoster.qr))).text();
      expect(html).toContain('data-version-state="corrected"');
      expect(html).toContain('现在以第3版为准');
      expect(html).toContain('补录第二笔拨付');
      expect(html).toContain('补录第三笔拨付');
      expect(html).toContain(`href="/villages/${villages[0]!.code}/2025/v3/"`);
      const current = await (await fetch(`${base}/villages/${villages[0]!.code}/2025/v3/`)).text();
      expect(current).toContain('这是当前版本。');
      // The objection raised on version 1 counts on version 3, within the same 公示.
      expect(current).toContain('1 条异议');
      const village = await (await fetch(`${base}/villages/${villages[0]!.code}/`)).text();
      expect(village).toContain('2025年度公示（第3版）');
      expect(village).toContain('1 条异议');
    });

    it('the version-1 poster files and snapshot still answer, and the snapshot’s hash checks', async () => {
      for (const path of [firstPoster.a4Pdf, firstPoster.png]) {
        const res = await fetch(`${base}${path}`);
        expect(res.status, path).toBe(200);
        expect(res.url, path).toContain(`-v1-`);
      }
      const snapshot = (await (await fetch(`${base}/data/villages/${villages[0]!.code}/versions/2025-v1.json`)).json()) as { release: { version: number; previousHash: string | null; contentHash: string }; contentJson: string };
      expect(snapshot.release.version).toBe(1);
      expect(await chainHash(snapshot.release.previousHash, snapshot.contentJson)).toBe(snapshot.release.contentHash);
      const v3 = readPosterManifest(env.POSTER_DIR).villages[`${villages[0]!.code}/2025`]!;
      expect(v3.version).toBe(3);
      const png = await fetch(`${base}${v3.png[0]}`);
      expect(png.status).toBe(200);
      const file = join(work, 'v3.png');
      writeFileSync(file, Buffer.from(await png.arrayBuffer()));
      expect(execFileSync('zbarimg', ['--quiet', '--raw', file], { encoding: 'utf8' }).trim()).toBe(`${SITE_URL}/villages/${villages[0]!.code}/2025/v3/`);
    });

    it('a project a correction takes out keeps its page, which says so and why (axe clean at 360×640)', async () => {
      // No staff action removes an approved project yet; a correction published from a ledger without it.
      const ledger = await loadLedger(opened.db, { year: 2025 });
      const result = await publishDisclosures(opened.db, {
        year: 2025,
        asOf: '2025-12-01',
        publishedAt: clock.read().toISOString(),
        periodStart: '2025-12-01',
        issuingUnit: UNIT,
        isSample: false,
        villageCodes: [villages[0]!.code],
        ledger: { ...ledger, projects: ledger.projects.filter((p) => p.code !== 'HY2025-0001') },
        correctionReason: '道路改由交通部门实施，撤下',
      });
      expect(result).toMatchObject({ ok: true });
      await rebuilder.onPublished();
      const res = await fetch(`${base}/projects/HY2025-0001/`);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('这个项目已从公示中撤下。');
      expect(html).toContain('道路改由交通部门实施，撤下');
      expect(html).toContain(`href="/villages/${villages[0]!.code}/2025/v3/"`);
      const browser = await launchBrowser();
      try {
        const { context } = await newPhoneContext(browser, base);
        const page = await context.newPage();
        await page.goto(`${base}/projects/HY2025-0001/`);
        expect(await axeViolations(page)).toEqual([]);
        expect(await hasHorizontalScroll(page)).toBe(false);
        await context.close();
      } finally {
        await browser.close();
      }
    }, 120_000);
  });
});
