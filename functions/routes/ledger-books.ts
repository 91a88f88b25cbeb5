/**
 * `GET /ledger-books/{year}.xlsx`: the ledger as the county office keeps it (台账), one workbook of
 * three sheets — 项目台账, 资金台账 (by 指标文), 直补台账 (by village) — built by
 * src/domain/ledger/ledger-book.ts for the whole county or one township, as of a day.
 *
 * Who may download: the county and the inspector (whole county, or any one township), a township
 * (its own township only). A village account may not: the ledger of a township is more than a
 * village's own records.
 *
 * Formula-safe: every text cell is written as a string and neutralised (a leading = + - @ gets an
 * apostrophe, src/domain/shared/csv-safety.ts), so nothing typed into the ledger becomes a formula,
 * not even when the workbook is saved again as CSV. Amounts are numbers in 元 ('#,##0.00').
 */
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import writeXlsxFile, { type Cell, type SheetData } from 'write-excel-file/universal';
import { countyOfCode, loadCountySettings } from '../../src/data/county-settings.ts';
import { findTownship, listTownships, loadLedgerBookSource } from '../../src/data/ledger-book.ts';
import { inScope, isWithinOneCounty } from '../../src/domain/access/access.ts';
import { buildLedgerBook, type BookCell, type LedgerBook } from '../../src/domain/ledger/ledger-book.ts';
import { neutraliseCell } from '../../src/domain/shared/csv-safety.ts';
import { shanghaiDate } from '../../src/domain/shared/dates.ts';
import { ApiError, type ErrorDetail } from '../api-error.ts';
import type { AppEnv } from '../app-env.ts';
import { bearer, errorResponses } from './schemas.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** One workbook cell: text as a neutralised string, amounts in 元 as numbers, counts as numbers. */
function xlsxCell(cell: BookCell): Cell {
  if (cell === null) return null;
  const bold = cell.bold ? { fontWeight: 'bold' as const } : {};
  switch (cell.kind) {
    case 'text':
      return { value: neutraliseCell(cell.value), type: String, ...bold };
    case 'yuan':
      return { value: cell.fen / 100, type: Number, format: '#,##0.00', ...bold };
    case 'count':
      return { value: cell.value, type: Number, ...bold };
  }
}

/** The workbook as XLSX bytes. */
export async function ledgerBookXlsx(book: LedgerBook): Promise<Uint8Array> {
  const blob = await writeXlsxFile(
    book.sheets.map((s) => ({
      sheet: s.name,
      data: s.rows.map((r) => r.map(xlsxCell)) as SheetData,
      columns: s.widths.map((width) => ({ width })),
      stickyRowsCount: s.headerRows,
    })),
  ).toBlob();
  return new Uint8Array(await blob.arrayBuffer());
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const isCalendarDay = (s: string) => {
  const m = ISO_DAY.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
};

function badRequest(message: string, detail: ErrorDetail): never {
  throw new ApiError(400, 'BAD_REQUEST', message, [detail]);
}

export function registerLedgerBookRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/ledger-books/{year}.xlsx',
    tags: ['台账'],
    summary: '导出台账（XLSX）：项目台账、资金台账（按指标文）、直补台账（按村）',
    description:
      '一个工作簿三张表，每张表开头写明县、年度、范围、数据截至日和导出时间，金额以元为单位。' +
      '项目台账的合计只含县级已审批的项目（与公示网站的批复资金、已拨付、拨付率口径相同），审批中的项目另列小计；' +
      '资金台账按指标文列出下达、安排、拨付和结余；直补台账按村列出人数、标准、应发和发放。' +
      '县级管理员和监督检查员可导出全县或某个乡镇，乡镇只能导出本乡镇，村账号不能导出。文字单元格都按文本写入，不会变成公式。',
    security: bearer,
    request: {
      params: z.object({ year: z.string().openapi({ param: { name: 'year', in: 'path' }, example: '2025', description: '年度，2000–2100' }) }),
      query: z.object({
        township: z.string().optional().describe('9 位乡镇代码；不填为全县（乡镇账号为本乡镇）'),
        asOf: z.string().optional().describe('数据截至日 YYYY-MM-DD，不晚于今天；默认今天（北京时间）'),
      }),
    },
    responses: {
      200: { description: '台账工作簿', content: { [XLSX_TYPE]: { schema: z.string().meta({ format: 'binary' }) } } },
      ...errorResponses(400, 401, 403, 404),
    },
  });

  app.get('/ledger-books/:file', async (c) => {
    const actor = c.get('actor');
    if (actor.role === 'village') throw new ApiError(403, 'FORBIDDEN', '村账号不能导出台账：台账导出供县级管理员、乡镇和监督检查员使用。');
    const file = c.req.param('file');
    const m = /^(.*)\.xlsx$/.exec(file);
    if (!m) throw new ApiError(404, 'NOT_FOUND', `没有这个文件“${file}”：台账只提供 XLSX，地址是 /api/v1/ledger-books/<年度>.xlsx，例如 /api/v1/ledger-books/2025.xlsx。`);
    const yearText = m[1]!;
    const year = Number(yearText);
    if (!/^\d{4}$/.test(yearText) || year < 2000 || year > 2100) {
      badRequest(`年度有误：收到“${yearText}”，应为 2000–2100 之间的四位数字年度，例如 2025。`, { column: '年度', problem: '不是有效的年度', received: yearText, expected: '2000–2100 之间的四位数字，例如 2025' });
    }

    const deps = c.get('deps');
    const today = shanghaiDate(deps.clock());
    const asOfText = c.req.query('asOf');
    if (asOfText !== undefined && !isCalendarDay(asOfText)) {
      badRequest(`数据截至日有误：收到“${asOfText}”，应为 YYYY-MM-DD 格式的日期，例如 ${today}。`, { column: 'asOf', problem: '不是有效的日期', received: asOfText, expected: `YYYY-MM-DD，例如 ${today}` });
    }
    const asOf = asOfText ?? today;
    if (asOf > today) {
      badRequest(`数据截至日不能晚于今天：收到“${asOf}”，今天是 ${today}（北京时间）。`, { column: 'asOf', problem: '晚于今天', received: asOf, expected: `不晚于 ${today}` });
    }

    if (!isWithinOneCounty(actor.scopeCode)) throw new ApiError(403, 'FORBIDDEN', '台账是每个县自己的：市、省的监督检查员请用县级账号导出某一个县的。');
    const county = await loadCountySettings(deps.db, deps.config, actor.scopeCode);
    if (county.countyCode === null) throw new ApiError(404, 'NO_COUNTY', `这个数据库里没有县 ${countyOfCode(actor.scopeCode)}：请先运行 npm run county -- init ${countyOfCode(actor.scopeCode)}。`);
    const countyCode = county.countyCode;

    const townshipText = c.req.query('township');
    let township: { code: string; name: string } | null = null;
    if (townshipText !== undefined && townshipText !== '') {
      if (!/^\d{9}$/.test(townshipText)) {
        badRequest(`乡镇代码有误：收到“${townshipText}”，应为 9 位数字的乡镇统计区划代码；全县不用填。`, { column: 'township', problem: '不是 9 位乡镇代码', received: townshipText, expected: '9 位数字，例如本县乡镇的代码；全县不填' });
      }
      if (!inScope(actor, townshipText)) {
        if (actor.role === 'township') throw new ApiError(403, 'OUT_OF_SCOPE', `乡镇 ${townshipText} 不在您的管理范围内：乡镇账号只能导出本乡镇（${actor.scopeCode}）的台账。`);
      }
      township = await findTownship(deps.db, countyCode, townshipText);
      if (!township) {
        const list = (await listTownships(deps.db, countyCode)).map((t) => `${t.name} ${t.code}`).join('、');
        badRequest(`乡镇代码有误：收到“${townshipText}”，它不是${county.countyName}的乡镇。${list ? `本县的乡镇有：${list}。` : ''}`, {
          column: 'township',
          problem: `不是${county.countyName}的乡镇`,
          received: townshipText,
          expected: list ? `本县乡镇代码之一：${list}` : '本县的乡镇代码',
        });
      }
    } else if (actor.role === 'township') {
      township = await findTownship(deps.db, countyCode, actor.scopeCode);
      if (!township) throw new ApiError(403, 'OUT_OF_SCOPE', `您的账号范围 ${actor.scopeCode} 不是本县的乡镇，不能导出台账。`);
    }

    const source = await loadLedgerBookSource(deps.db, { ...county, countyCode }, year);
    const book = buildLedgerBook(source, { asOf, exportedAt: deps.clock().toISOString(), township });
    const bytes = await ledgerBookXlsx(book);
    c.header('Content-Type', XLSX_TYPE);
    c.header('Content-Disposition', `attachment; filename="${book.asciiFileName}"; filename*=UTF-8''${encodeURIComponent(book.fileName)}`);
    c.header('Cache-Control', 'no-store');
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200);
  });
}
