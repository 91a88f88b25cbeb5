/**
 * The bad-file corpus: each file must be answered with a clear error and must write nothing.
 * Big files and the zip bomb are generated here at run time (nothing large is committed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import writeXlsxFile from 'write-excel-file/universal';
import type { ApiTarget } from '../support/api-target.ts';
import type { RuntimeInfo } from '../contract/contract-case.ts';
import { like } from 'drizzle-orm';
import * as schema from '../../db/schema.ts';
import { ledgerCounts, mintAll, postBytes, postJson, projectRow, seedCounty, VILLAGE_A1, type Tokens } from './fixtures.ts';
import { gb18030, xlsxOf } from './uploads.case.ts';
import { columnName, sharedRows, xlsxFromParts } from '../support/xlsx-parts.ts';

/** The header and a good row as Excel saves them (shared strings), then `extra` sheet XML. */
function sheetWith(extra: { rows?: string; after?: string; before?: string; moreRows?: ReadonlyArray<ReadonlyArray<string | number | null>>; cellXfs?: string }): Uint8Array {
  const { sheetData, sharedStrings } = sharedRows([HEADER, ROW, ...(extra.moreRows ?? [])]);
  return xlsxFromParts({ sheetData: sheetData + (extra.rows ?? ''), sharedStrings, after: extra.after, before: extra.before, cellXfs: extra.cellXfs });
}

const HEADER = ['项目编号', '年度', '村代码', '项目类型', '项目名称', '建设内容及规模', '实施单位', '中央资金(元)', '申请日期'];
const ROW = ['B-1', '2025', VILLAGE_A1, '美丽家园建设', '道路硬化', '1.2公里', '村委会', '250000', '2025-03-10'];

/** A ZIP whose one entry claims 1 KB but inflates to 50 MB of zeros, named like a workbook. */
async function zipBomb(): Promise<Uint8Array> {
  const zeros = new Uint8Array(50 * 1024 * 1024);
  const deflated = new Uint8Array(await new Response(new Blob([zeros]).stream().pipeThrough(new CompressionStream('deflate-raw'))).arrayBuffer());
  const entries = [
    { name: 'xl/workbook.xml', data: new TextEncoder().encode('<workbook/>'), method: 0, size: 11 },
    { name: 'xl/worksheets/sheet1.xml', data: deflated, method: 8, size: 1024 },
  ];
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const enc = new TextEncoder();
  for (const e of entries) {
    const name = enc.encode(e.name);
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(8, e.method, true);
    local.setUint32(18, e.data.length, true);
    local.setUint32(22, e.size, true);
    local.setUint16(26, name.length, true);
    parts.push(new Uint8Array(local.buffer), name, e.data);
    const dir = new DataView(new ArrayBuffer(46));
    dir.setUint32(0, 0x02014b50, true);
    dir.setUint16(10, e.method, true);
    dir.setUint32(20, e.data.length, true);
    dir.setUint32(24, e.size, true);
    dir.setUint16(28, name.length, true);
    dir.setUint32(42, offset, true);
    central.push(new Uint8Array(dir.buffer), name);
    offset += 30 + name.length + e.data.length;
  }
  const dirSize = central.reduce((s, p) => s + p.length, 0);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, dirSize, true);
  end.setUint32(16, offset, true);
  return new Uint8Array(await new Blob([...parts, ...central, new Uint8Array(end.buffer)] as BlobPart[]).arrayBuffer());
}

const csv = (rows: string[][]) => rows.map((r) => r.join(',')).join('\r\n');

interface Case {
  name: string;
  body: () => Promise<Uint8Array | string>;
  status: number;
  code: string;
  /** Text that must appear in the message or a detail's problem/hint. */
  says: string;
  /** A detail must name this place (row and/or column). */
  at?: { row?: number; column?: string };
}

const CASES: Case[] = [
  { name: 'a 10 MB file', body: async () => `${HEADER.join(',')}\r\n${`${ROW.join(',')}\r\n`.repeat(Math.ceil((10 * 1024 * 1024) / 60))}`, status: 413, code: 'PAYLOAD_TOO_LARGE', says: '文件太大' },
  { name: 'a zip bomb disguised as XLSX', body: zipBomb, status: 400, code: 'FILE_REJECTED', says: '压缩炸弹' },
  { name: 'an old binary .xls', body: async () => new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]), status: 415, code: 'UNSUPPORTED_FILE', says: '.xls' },
  { name: 'an empty file', body: async () => '', status: 400, code: 'EMPTY_FILE', says: '空' },
  { name: 'an XLSX with an empty sheet', body: () => xlsxOf([[null]]), status: 400, code: 'VALIDATION_FAILED', says: '文件是空的' },
  { name: 'a CSV with the wrong columns', body: async () => csv([['编号', '名称', '金额'], ['1', '路', '100']]), status: 400, code: 'VALIDATION_FAILED', says: '表头缺少必填列' },
  {
    name: 'a GB18030 CSV (no BOM) with an HTML project name',
    body: async () => gb18030(csv([HEADER, ROW.map((v, i) => (i === 4 ? '<img src=x onerror=alert(1)>' : v))])),
    status: 400,
    code: 'VALIDATION_FAILED',
    says: '网页标记',
  },
  {
    name: 'a UTF-8 CSV with a BOM and a formula in a cell',
    body: async () => `\uFEFF${csv([HEADER, ROW.map((v, i) => (i === 6 ? '=cmd|calc' : v))])}`,
    status: 400,
    code: 'VALIDATION_FAILED',
    says: '公式',
  },
  {
    name: 'an XLSX whose dates are bare Excel serial numbers',
    body: () => xlsxOf([HEADER, [...ROW.slice(0, 7), 250000, 45726]]),
    status: 400,
    code: 'VALIDATION_FAILED',
    says: 'Excel 的日期序列号',
  },
  {
    name: 'an XLSX with merged cells',
    body: async () => {
      const blob = await writeXlsxFile([
        HEADER.map((h) => ({ value: h, type: String })),
        ROW.map((v, i) => (i === 2 ? { value: v, type: String, span: 1, rowSpan: 2 } : { value: v, type: String })),
        ROW.map((v, i) => (i === 2 ? null : { value: i === 0 ? 'B-2' : v, type: String })),
      ]).toBlob();
      return new Uint8Array(await blob.arrayBuffer());
    },
    status: 400,
    code: 'MERGED_CELLS',
    says: '合并单元格',
    at: { row: 2, column: 'C' },
  },
  {
    name: 'a 2.5 KB XLSX with one value at the sheet’s far corner (XFD1048576)',
    body: async () => sheetWith({ rows: '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>' }),
    status: 400,
    code: 'SHEET_OUT_OF_RANGE',
    says: '超出了上传的范围',
    at: { row: 1_048_576, column: 'XFD' },
  },
  {
    name: 'an XLSX of 10,000 rows, each with a stray value far right',
    body: async () => {
      const rows = Array.from({ length: 10_000 }, (_, i) => `<row r="${i + 3}"><c r="A${i + 3}"><v>${i}</v></c><c r="XFD${i + 3}"><v>1</v></c></row>`).join('');
      return sheetWith({ rows });
    },
    status: 400,
    code: 'SHEET_OUT_OF_RANGE',
    says: '超出了上传的范围',
    at: { row: 3, column: 'XFD' },
  },
  {
    name: 'an XLSX with a typed date and a formatted empty cell at the far corner',
    body: async () =>
      sheetWith({
        rows: `<row r="3"><c r="A3" t="s"><v>0</v></c><c r="I3" s="1"><v>45726</v></c></row><row r="1048576"><c r="XFD1048576" s="1"/></row>`,
        cellXfs: '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs>',
      }),
    status: 400,
    code: 'SHEET_OUT_OF_RANGE',
    says: '带格式但没有内容',
    at: { row: 4 },
  },
  {
    name: 'an XLSX with a hidden row holding data',
    body: async () => sheetWith({ rows: '<row r="3" hidden="1"><c r="A3"><v>7</v></c><c r="B3"><v>2025</v></c></row>' }),
    status: 400,
    code: 'HIDDEN_ROWS',
    says: '隐藏',
    at: { row: 3 },
  },
  {
    name: 'an XLSX with a hidden column holding data',
    body: async () => sheetWith({ before: `<cols><col min="5" max="5" width="0" hidden="1" customWidth="1"/></cols>` }),
    status: 400,
    code: 'HIDDEN_ROWS',
    says: '隐藏',
    at: { column: columnName(4) },
  },
  {
    name: 'a CSV with a NUL byte in one cell',
    body: async () => csv([HEADER, ROW.map((v, i) => (i === 4 ? `道路\u0000硬化` : v))]),
    status: 400,
    code: 'VALIDATION_FAILED',
    says: '控制字符',
    at: { row: 2, column: '项目名称' },
  },
  {
    name: 'a CSV with a quote inside an unquoted cell',
    body: async () => csv([HEADER, ROW.map((v, i) => (i === 4 ? '道路"硬化' : v))]),
    status: 400,
    code: 'FILE_REJECTED',
    says: '引号',
    at: { row: 2, column: '项目名称' },
  },
  {
    name: 'a JSON upload nested 100,000 levels deep',
    body: async () => `{"rows":[{"code":${'['.repeat(100_000)}${']'.repeat(100_000)}}]}`,
    status: 400,
    code: 'JSON_TOO_DEEP',
    says: '嵌套太深',
    at: { row: 1 },
  },
  {
    name: 'a UTF-16 “Unicode text” export',
    body: async () => new Uint8Array([0xff, 0xfe, ...[...csv([HEADER, ROW])].flatMap((ch) => [ch.charCodeAt(0) & 0xff, ch.charCodeAt(0) >> 8])]),
    status: 415,
    code: 'UNSUPPORTED_FILE',
    says: 'UTF-16',
  },
];

export function runBadFileContract(newTarget: () => Promise<ApiTarget>, runtime: RuntimeInfo): void {
  describe('bad-file corpus', () => {
    let target: ApiTarget;
    let tokens: Tokens;
    beforeAll(async () => {
      target = await newTarget();
      await seedCounty(target.db);
      tokens = await mintAll(target.db);
    });
    afterAll(() => target.dispose());

    it.each(CASES)('rejects $name with $status $code and writes nothing', async ({ body, status, code, says, at }) => {
      const before = await ledgerCounts(target.db);
      const res = await postBytes(target, '/api/v1/uploads/projects', tokens.county, await body());
      const answer = (await res.json()) as { code: string; message: string; details?: Array<{ problem: string; hint?: string; row?: number; column?: string }>; requestId: string };
      if (at) expect(answer.details, JSON.stringify(answer).slice(0, 500)).toEqual(expect.arrayContaining([expect.objectContaining(at)]));
      expect(res.status, JSON.stringify(answer).slice(0, 500)).toBe(status);
      expect(answer.code).toBe(code);
      const text = [answer.message, ...(answer.details ?? []).flatMap((d) => [d.problem, d.hint ?? ''])].join(' ');
      expect(text).toContain(says);
      expect(text).not.toMatch(/at \w+ \(|SQLITE|select |insert into/i);
      expect(await ledgerCounts(target.db)).toEqual(before);
    });

    it(`reads ${(20_001).toLocaleString('en-US')} rows on the Node server, and refuses them on the Worker with 413 TOO_MANY_ROWS before checking`, async () => {
      const lines = Array.from({ length: 20_001 }, (_, i) => [`TR-${i}`, ...ROW.slice(1)].join(','));
      const before = await ledgerCounts(target.db);
      const res = await postBytes(target, '/api/v1/uploads/projects?dryRun=true', tokens.county, [HEADER.join(','), ...lines].join('\r\n'));
      const body = (await res.json()) as { status?: string; rows?: number; code?: string; message?: string; details?: Array<{ row?: number }> };
      if (runtime.name === 'workerd') {
        expect(res.status).toBe(413);
        expect(body).toMatchObject({ code: 'TOO_MANY_ROWS', message: expect.stringContaining('最多 20,000 行'), details: [{ row: 20_001 }] });
      } else {
        expect(res.status, JSON.stringify(body).slice(0, 300)).toBe(200);
        expect(body).toMatchObject({ status: 'dry_run', rows: 20_001 });
      }
      expect(await ledgerCounts(target.db)).toEqual(before);
    }, 120_000);

    it('takes a project code typed in lower case, full-width or with spaces as the one code it is', async () => {
      const send = (code: string, name: string) => postJson(target, '/api/v1/uploads/projects', tokens.county, { rows: [projectRow(code, VILLAGE_A1, { name, villageReviewedDate: null })] });
      const first = await send('nc-2025-01', '机耕道硬化');
      expect(await first.json()).toMatchObject({ status: 'committed', created: 1 });
      for (const [code, name] of [['ＮＣ－２０２５－０１', '机耕道硬化（改）'], [' NC-2025-01 ', '机耕道硬化（再改）']] as const) {
        const again = await send(code, name);
        expect(await again.json(), code).toMatchObject({ status: 'committed', created: 0, updated: 1 });
      }
      const stored = await target.db.select({ code: schema.projects.code, name: schema.projects.name }).from(schema.projects).where(like(schema.projects.code, '%2025-01'));
      expect(stored).toEqual([{ code: 'NC-2025-01', name: '机耕道硬化（再改）' }]);
    });
  });
}
