/**
 * The columns of every upload kind: Chinese header (as in the templates), JSON key, whether it is
 * required, how a cell is read, an example and a note for the instructions sheet. The same
 * definitions make the zod row schemas (which validate JSON, CSV and XLSX rows alike and feed the
 * OpenAPI document) and the XLSX/CSV templates. The examples and the code cells' messages carry
 * the county's own codes, given in as UploadExamples (upload-examples.ts); headers, keys and
 * readers are the same for every county.
 */
import { z } from 'zod';
import type { UploadKind } from '../access/access.ts';
import {
  isBlank,
  readChoice,
  readCode,
  readDate,
  readDecimal,
  readInteger,
  readText,
  readPositiveYuan,
  readYuan,
  type Cell,
  type CellResult,
} from './upload-cells.ts';
import type { FundSource } from '../ledger/ledger.ts';
import type { CoordSystem } from '../geo/geo.ts';
import { maskIdNumber } from '../villager/masking.ts';
import { exampleValues, examplesKey, NO_EXAMPLES, type UploadExamples } from './upload-examples.ts';

export interface ColumnSpec {
  key: string;
  header: string;
  required: boolean;
  note: string;
  example: string | number;
  read: (cell: Cell) => CellResult<unknown>;
  /** How a cell that could not be read is shown back (ID numbers are masked, never echoed). */
  shown?: (raw: string) => string;
}

const FUND_SOURCE_CHOICES: Record<string, FundSource> = {
  中央: 'central', 中央资金: 'central', 中央水库移民扶持基金: 'central', central: 'central',
  省级: 'provincial', 省级资金: 'provincial', provincial: 'provincial',
  县级: 'county', 县级资金: 'county', county: 'county',
  其他: 'other', 其他资金: 'other', other: 'other',
};
const COORD_CHOICES: Record<string, CoordSystem> = {
  CGCS2000: 'CGCS2000', cgcs2000: 'CGCS2000', 天地图: 'CGCS2000', 国家2000: 'CGCS2000',
  WGS84: 'WGS84', wgs84: 'WGS84', GPS: 'WGS84', gps: 'WGS84',
  GCJ02: 'GCJ02', gcj02: 'GCJ02', 'GCJ-02': 'GCJ02', 高德: 'GCJ02', 腾讯: 'GCJ02',
  BD09: 'BD09', bd09: 'BD09', 'BD-09': 'BD09', 百度: 'BD09',
};
const YES_NO: Record<string, 'yes' | 'no'> = { 是: 'yes', 否: 'no', yes: 'yes', no: 'no', true: 'yes', false: 'no', Y: 'yes', N: 'no', y: 'yes', n: 'no' };
const MILESTONE_CHOICES: Record<string, 'started' | 'completed' | 'accepted' | 'settled'> = {
  开工: 'started', started: 'started', 完工: 'completed', completed: 'completed',
  验收: 'accepted', accepted: 'accepted', 决算: 'settled', settled: 'settled',
};
const ACCEPTANCE_CHOICES: Record<string, 'pass' | 'fail'> = { 合格: 'pass', 通过: 'pass', pass: 'pass', 不合格: 'fail', 未通过: 'fail', fail: 'fail' };
const TARGET_CHOICES: Record<string, 'project' | 'direct_subsidy'> = { 项目: 'project', project: 'project', 直补: 'direct_subsidy', 直补资金: 'direct_subsidy', direct_subsidy: 'direct_subsidy' };

const STATUS_CHOICES: Record<string, 'registered' | 'removed'> = { 在册: 'registered', 核减: 'removed', registered: 'registered', removed: 'removed' };
const RESULT_CHOICES: Record<string, 'paid' | 'failed'> = { 成功: 'paid', 已发放: 'paid', paid: 'paid', 失败: 'failed', 未成功: 'failed', failed: 'failed' };
/** Read as text (18 characters, X upper case); its form is checked later, where a problem never shows the number. */
const idNumberCell = (cell: Cell) => readCode(cell, /^[0-9Xx]{15,18}$/, '18 位身份证号码（最后一位可能是 X）', { upperCase: true });
/** A typed ID number shown back only masked (430****3X). */
const maskedId = (raw: string) => maskIdNumber(raw);

const PROJECT_CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{2,31}$/;
// Project codes are compared and stored in upper case: cn2025-0001 and ＣＮ２０２５－０００１ are CN2025-0001.
const projectCode = (cell: Cell) => readCode(cell, PROJECT_CODE, '3–32 位字母、数字或横线，如 CN2025-0001', { upperCase: true });
const year = (cell: Cell) => readInteger(cell, 2000, 2100);
const text = (max: number) => (cell: Cell) => readText(cell, { max });
const count = (cell: Cell) => readInteger(cell, 0, 1_000_000);

const col = (key: string, header: string, required: boolean, read: ColumnSpec['read'], example: string | number, note: string): ColumnSpec => ({
  key, header, required, read, example, note,
});

type Columns = Readonly<Record<UploadKind, readonly ColumnSpec[]>>;

/**
 * The columns of every kind, with the county's own codes in the examples and in what a code cell
 * is expected to hold (placeholders and no example code without a county: never another county's).
 */
function buildColumns(examples: UploadExamples): Columns {
  const ex = exampleValues(examples);
  const householdNumber = (cell: Cell) => readCode(cell, /^\d{12}-\d{4}$/, `村代码-4位序号${ex.householdSuffix}`);
  const villageCode = (cell: Cell) => readCode(cell, /^\d{12}$/, `12 位村级统计区划代码${ex.villageSuffix}`);
  const townshipCode = (cell: Cell) => readCode(cell, /^\d{9}$/, `9 位乡镇统计区划代码${ex.townshipSuffix}`);
  return {
    projects: [
      col('code', '项目编号', true, projectCode, 'CN2025-0101', '全县唯一；已有编号的行会更新该项目（仅限尚未进入乡镇审核的项目）。'),
      col('year', '年度', true, year, 2025, '项目所属计划年度，如 2025。'),
      col('villageCode', '村代码', true, villageCode, ex.villageCode, '12 位统计区划代码。'),
      col('groupName', '组', false, text(40), '三组', '可空。'),
      col('type', '项目类型', true, text(40), '美丽家园建设', '填类型名称或代码，如 美丽家园建设、生产开发、配套基础设施、避险解困、其他。'),
      col('name', '项目名称', true, text(80), '村组道路硬化', ''),
      col('contentScale', '建设内容及规模', true, text(200), '硬化道路1.2公里，宽3.5米', ''),
      col('implementingUnit', '实施单位', true, text(80), ex.implementingUnit, ''),
      col('budgetCentral', '中央资金(元)', false, readYuan, 250000, '以元为单位；四类资金至少填一类。'),
      col('budgetProvincial', '省级资金(元)', false, readYuan, 0, '以元为单位，可空。'),
      col('budgetCounty', '县级资金(元)', false, readYuan, 0, '以元为单位，可空。'),
      col('budgetOther', '其他资金(元)', false, readYuan, 0, '以元为单位，可空。'),
      col('lon', '经度', false, readDecimal, ex.lon, '可空（按村中心显示）；与纬度同时填写。'),
      col('lat', '纬度', false, readDecimal, ex.lat, '可空；与经度同时填写。'),
      col('coordSystem', '坐标系', false, (c) => readChoice(c, COORD_CHOICES, 'CGCS2000、WGS84、GCJ02 或 BD09'), 'CGCS2000', '天地图取点填 CGCS2000（默认）；高德/腾讯填 GCJ02；百度填 BD09。'),
      col('beneficiaries', '受益人口', false, count, 320, '人，可空。'),
      col('beneficiaryHouseholds', '受益户数', false, count, 85, '户，可空。'),
      col('appliedDate', '申请日期', true, readDate, '2025-03-10', '村申请的日期。'),
      col('villageReviewedDate', '村理财小组复核日期', false, readDate, '2025-03-15', '已经村理财小组复核的填复核日期，项目直接进入乡镇审核；不填则待村里在系统中复核。'),
    ],
    disbursements: [
      col('projectCode', '项目编号', true, projectCode, 'CN2025-0101', '须为已经县级审批的项目。'),
      col('date', '拨付日期', true, readDate, '2025-06-20', '不早于县级审批日期，不晚于今天。'),
      col('amount', '金额(元)', true, readPositiveYuan, 100000, '以元为单位，大于 0；累计不超过项目预算。'),
      col('fundSource', '资金来源', false, (c) => readChoice(c, FUND_SOURCE_CHOICES, '中央、省级、县级 或 其他'), '中央', '默认 中央。'),
      col('voucherNumber', '凭证号', true, (c) => readCode(c, /^[\p{L}\p{N}_\-〔〕（）()#/]{2,40}$/u, '2–40 位，不含空格'), '记-2025-0612', '全县唯一；重复上传同一凭证不会重复记账。'),
      col('payee', '收款单位', true, text(80), '某某建筑工程有限公司', '个人收款时公示会隐去姓名。'),
      col('payeeIsPerson', '收款人是个人', false, (c) => readChoice(c, YES_NO, '是 或 否'), '否', '默认 否。'),
    ],
    milestones: [
      col('projectCode', '项目编号', true, projectCode, 'CN2025-0101', '须为已经县级审批的项目。'),
      col('kind', '进度', true, (c) => readChoice(c, MILESTONE_CHOICES, '开工、完工、验收 或 决算'), '开工', ''),
      col('date', '日期', true, readDate, '2025-04-01', '按 开工 ≤ 完工 ≤ 验收 ≤ 决算 的顺序，不晚于今天。'),
      col('acceptanceResult', '验收结果', false, (c) => readChoice(c, ACCEPTANCE_CHOICES, '合格 或 不合格'), '', '“验收”行必填。'),
      col('note', '备注', false, text(200), '', '可空。'),
    ],
    'direct-subsidies': [
      col('villageCode', '村代码', true, villageCode, ex.villageCode, ''),
      col('year', '年度', true, year, 2025, ''),
      col('beneficiaries', '享受人数', true, count, 512, '人。'),
      col('standard', '标准(元/人/年)', false, readYuan, 600, '默认 600。'),
      col('amount', '金额(元)', true, readYuan, 307200, '应等于 享受人数 × 标准。'),
      col('dueDate', '应发日期', true, readDate, '2025-06-30', ''),
      col('paymentDate', '发放日期', false, readDate, '2025-06-28', '未发放可空。'),
      col('channel', '发放渠道', false, text(20), '一卡通', '默认 一卡通。'),
    ],
    trainings: [
      col('year', '年度', true, year, 2025, ''),
      col('course', '培训项目', true, text(80), '电工技能培训', ''),
      col('organizer', '培训机构', true, text(80), '县职业技术学校', ''),
      col('startDate', '开始日期', true, readDate, '2025-05-06', ''),
      col('endDate', '结束日期', true, readDate, '2025-05-20', '不早于开始日期。'),
      col('townshipCode', '乡镇代码', false, townshipCode, ex.townshipCode, '面向全县的培训留空（仅县级可上传）。'),
      col('trainees', '培训人数', true, count, 45, ''),
      col('passed', '合格人数', true, count, 43, '不超过培训人数。'),
    ],
    allocations: [
      col('docNumber', '文号', true, text(60), '湘财农指〔2025〕12号', '同一文号的各行须一致。'),
      col('issuer', '发文单位', true, text(60), '湖南省财政厅', ''),
      col('title', '文件标题', true, text(120), '关于下达2025年大中型水库移民后期扶持资金的通知', ''),
      col('year', '年度', true, year, 2025, ''),
      col('batch', '批次', true, (c) => readInteger(c, 1, 99), 1, ''),
      col('dateReceived', '收文日期', true, readDate, '2025-02-18', ''),
      col('docAmount', '指标文金额(元)', true, readYuan, 250000, '整份文件下达的金额；各分配行之和不得超过它。'),
      col('fundSource', '资金来源', true, (c) => readChoice(c, FUND_SOURCE_CHOICES, '中央、省级、县级 或 其他'), '中央', ''),
      col('target', '分配对象', true, (c) => readChoice(c, TARGET_CHOICES, '项目 或 直补'), '项目', ''),
      col('projectCode', '项目编号', false, projectCode, 'CN2025-0101', '分配对象为“项目”时必填。'),
      col('villageCode', '村代码', false, villageCode, '', '分配对象为“直补”时必填。'),
      col('amount', '分配金额(元)', true, readYuan, 250000, ''),
    ],
    villages: [
      col('villageCode', '村代码', true, villageCode, ex.villageCode, '12 位统计区划代码；每个移民村每年一行。'),
      col('year', '年度', true, year, 2025, '人口核定的年度：每年的人数分开保存。'),
      col('migrantPopulation', '移民人数', true, count, 512, '当年核定的扶持人数。'),
      col('migrantHouseholds', '移民户数', true, count, 131, '不超过移民人数。'),
      col('isKeyVillage', '重点移民村', false, (c) => readChoice(c, YES_NO, '是 或 否'), '否', '默认 否。'),
      col('lon', '村部经度', false, readDecimal, ex.lon, '可空；与纬度同时填写。地图和位置检查用。'),
      col('lat', '村部纬度', false, readDecimal, ex.lat, '可空。'),
      col('coordSystem', '坐标系', false, (c) => readChoice(c, COORD_CHOICES, 'CGCS2000、WGS84、GCJ02 或 BD09'), 'CGCS2000', '天地图取点填 CGCS2000（默认）。'),
      col('note', '备注', false, text(200), '', '可空。'),
    ],
    households: [
      col('householdNumber', '户编号', true, householdNumber, ex.householdNumber, '村代码-4位序号；同一户的每个成员一行，户编号相同。'),
      col('villageCode', '村代码', true, villageCode, ex.villageCode, '须与户编号的前 12 位相同。'),
      col('headName', '户主姓名', true, text(20), '张守田', '只在内部用，公开时隐去。'),
      col('population', '人口', true, (c) => readInteger(c, 1, 30), 3, '这一户在册的人数。'),
      col('name', '成员姓名', true, text(20), '张守田', ''),
      { ...col('idNumber', '身份证号', true, idNumberCell, '430000195803120317', '只保存加密摘要和隐去中间的号码（如 430****17），不保存号码本身。'), shown: maskedId },
      col('relation', '与户主关系', false, text(10), '户主', '默认 户主。'),
      col('status', '状态', false, (c) => readChoice(c, STATUS_CHOICES, '在册 或 核减'), '在册', '默认 在册；核减的人保留历史，不再计入。'),
      col('removedReason', '核减原因', false, text(60), '', '状态为“核减”时必填，如 死亡、迁出。'),
      col('removedDate', '核减日期', false, readDate, '', '状态为“核减”时必填。'),
    ],
    'household-payments': [
      col('householdNumber', '户编号', true, householdNumber, ex.householdNumber, '须已在花名册中。'),
      col('year', '年度', true, year, 2025, ''),
      col('amount', '金额(元)', true, readYuan, 1800, '以元为单位。'),
      col('paymentDate', '发放日期', false, readDate, '2025-06-28', '“成功”行必填。'),
      col('result', '结果', true, (c) => readChoice(c, RESULT_CHOICES, '成功 或 失败'), '成功', ''),
      col('failureReason', '失败原因', false, text(60), '', '“失败”行必填，如 账户冻结。'),
      col('remedy', '处理办法', false, text(60), '', '如 核实后补发。'),
    ],
  };
}

export const UPLOAD_KIND_LABELS: Readonly<Record<UploadKind, string>> = {
  projects: '项目申报',
  disbursements: '资金拨付',
  milestones: '项目进度（开工/完工/验收/决算）',
  'direct-subsidies': '直补资金发放',
  trainings: '技能培训',
  allocations: '指标文及资金分配',
  villages: '移民村名册（每年人口核定）',
  households: '移民花名册（户和成员）',
  'household-payments': '一卡通发放结果（到户）',
};

/** Details of a problem with one cell, carried on a zod issue as `params`. */
export interface CellIssueParams {
  received: string;
  expected: string;
  hint?: string;
  header: string;
}

/** A zod schema for one column: accepts what a table or JSON may hold, reads it, or adds an issue. */
function cellSchema(column: ColumnSpec) {
  // Excel date cells arrive as Date objects (UTC midnight of the day shown): read them as that day.
  return z
    .preprocess(
      (value) => (value instanceof Date ? (Number.isNaN(value.getTime()) ? '无效日期' : value.toISOString().slice(0, 10)) : value),
      z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
    )
    .transform((value, ctx) => {
      if (isBlank(value)) {
        if (column.required) {
          ctx.addIssue({ code: 'custom', message: '必填项为空', params: { received: '（空）', expected: column.note || column.header, header: column.header } satisfies CellIssueParams });
          return z.NEVER;
        }
        return null;
      }
      const read = column.read(value);
      if (!read.ok) {
        const params: CellIssueParams = { received: column.shown ? column.shown(String(value)) : String(value), expected: read.expected, header: column.header };
        if (read.hint) params.hint = read.hint;
        ctx.addIssue({ code: 'custom', message: read.problem, params });
        return z.NEVER;
      }
      return read.value;
    })
    .describe(`${column.header}${column.required ? '（必填）' : ''}${column.note ? `：${column.note}` : ''}`)
    .meta({ example: column.example });
}

function buildRowSchema(columns: readonly ColumnSpec[]) {
  return z.object(Object.fromEntries(columns.map((c) => [c.key, cellSchema(c)])));
}

export type RowSchema = ReturnType<typeof buildRowSchema>;

interface Built {
  columns: Columns;
  schemas: Partial<Record<UploadKind, RowSchema>>;
}
/** Built once per set of examples; a database holds one county, so a handful at most are kept. */
const built = new Map<string, Built>();
function builtFor(examples: UploadExamples): Built {
  const key = examplesKey(examples);
  let b = built.get(key);
  if (!b) {
    if (built.size >= 8) built.clear();
    b = { columns: buildColumns(examples), schemas: {} };
    built.set(key, b);
  }
  return b;
}

/** The columns of every kind, with the county's own example codes (`examples`). */
export function uploadColumns(examples: UploadExamples = NO_EXAMPLES): Columns {
  return builtFor(examples).columns;
}

/** The columns with neutral examples (no county's codes): headers, keys and readers are the same for every county. */
export const UPLOAD_COLUMNS: Columns = uploadColumns(NO_EXAMPLES);

/** The zod schema of one row of a kind, keyed by the JSON keys; its messages give the county's own example codes. */
export function rowSchema(kind: UploadKind, examples: UploadExamples = NO_EXAMPLES): RowSchema {
  const b = builtFor(examples);
  return (b.schemas[kind] ??= buildRowSchema(b.columns[kind]));
}

/** The row schemas with neutral examples, for the OpenAPI document (public, the same for every county). */
export const ROW_SCHEMAS = Object.fromEntries(
  (Object.keys(UPLOAD_COLUMNS) as UploadKind[]).map((k) => [k, rowSchema(k)]),
) as Record<UploadKind, RowSchema>;

/** Rows as read: every key present, null when blank. */
export type RowValues = Record<string, unknown>;
