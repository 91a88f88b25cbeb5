/**
 * The open-data exports (/data/): projects, villages, disbursements and direct subsidies (one row
 * per village and year), for the county and per village, as CSV, JSON and GeoJSON, with a data
 * dictionary. Everything comes from the published snapshots (already masked); money is integer
 * fen in JSON and 元 with two decimals in CSV, as the column names say.
 */
import { FUND_SOURCE_ORDER } from '../domain/ledger/ledger.ts';
import { FUND_SOURCE_LABELS } from '../domain/ledger/labels.ts';
import { projectMoney } from '../domain/ledger/project-summary.ts';
import { milestoneDate, statusLabel } from '../domain/ledger/project-status.ts';
import { fenToYuanText, toCsv } from '../domain/shared/csv-safety.ts';
import type { PortalData, PortalProject, PortalVillage } from './portal-data.ts';

export type DatasetName = 'projects' | 'villages' | 'disbursements' | 'direct-subsidies';

/** One column: its key in JSON, its header in CSV, what it means, and how a row gives its value. */
interface Column<R> {
  key: string;
  header: string;
  meaning: string;
  json: (row: R) => string | number | boolean | null;
  /** CSV value when it differs from the JSON one (money as 元). */
  csv?: (row: R) => string | number | boolean | null;
}

const money = <R>(key: string, header: string, meaning: string, get: (r: R) => number): Column<R> => ({
  key,
  header,
  meaning: `${meaning}（JSON 为整数分，CSV 为元，两位小数）`,
  json: get,
  csv: (r) => fenToYuanText(get(r)),
});

interface ProjectRow {
  p: PortalProject;
  v: PortalVillage;
  m: ReturnType<typeof projectMoney>;
}
interface DisbursementRow {
  p: PortalProject;
  v: PortalVillage;
  d: PortalProject['project']['disbursements'][number];
}
interface SubsidyRow {
  v: PortalVillage;
  s: NonNullable<PortalVillage['years'][number]['latest']['content']['directSubsidy']>;
}
interface VillageRowX {
  v: PortalVillage;
  projects: ProjectRow[];
}

const PROJECT_COLUMNS: Column<ProjectRow>[] = [
  { key: 'code', header: '项目编号', meaning: '项目编号，也是项目页地址 /projects/<编号>/', json: (r) => r.p.project.code },
  { key: 'year', header: '年度', meaning: '资金年度', json: (r) => r.p.project.year },
  { key: 'townshipCode', header: '乡镇代码', meaning: '9 位统计用区划代码', json: (r) => r.v.townshipCode },
  { key: 'townshipName', header: '乡镇', meaning: '乡镇（街道）名称', json: (r) => r.v.townshipName },
  { key: 'villageCode', header: '村代码', meaning: '12 位统计用区划代码', json: (r) => r.v.code },
  { key: 'villageName', header: '村', meaning: '村（社区）名称', json: (r) => r.v.name },
  { key: 'groupName', header: '组', meaning: '项目所在村民小组，可为空', json: (r) => r.p.project.groupName },
  { key: 'name', header: '项目名称', meaning: '项目名称', json: (r) => r.p.project.name },
  { key: 'typeName', header: '项目类型', meaning: '项目类型', json: (r) => r.p.project.typeName },
  { key: 'contentScale', header: '建设内容及规模', meaning: '建设内容及规模', json: (r) => r.p.project.contentScale },
  { key: 'implementingUnit', header: '实施单位', meaning: '实施单位', json: (r) => r.p.project.implementingUnit },
  { key: 'status', header: '进度', meaning: '截至数据截至日的进度：未申报、未开工、在建、已完工、已验收、已决算', json: (r) => statusLabel(r.p.status) },
  { key: 'approvedDate', header: '审批日期', meaning: '县级审批日期，可为空', json: (r) => milestoneDate(r.p.project, 'county_approved', r.p.asOf) },
  { key: 'startedDate', header: '开工日期', meaning: '开工日期，可为空', json: (r) => milestoneDate(r.p.project, 'started', r.p.asOf) },
  { key: 'completedDate', header: '完工日期', meaning: '完工日期，可为空', json: (r) => milestoneDate(r.p.project, 'completed', r.p.asOf) },
  { key: 'acceptedDate', header: '验收日期', meaning: '验收日期，可为空', json: (r) => milestoneDate(r.p.project, 'accepted', r.p.asOf) },
  { key: 'acceptanceResult', header: '验收结果', meaning: '合格、不合格，未验收为空', json: (r) => (r.p.project.acceptanceResult === 'pass' ? '合格' : r.p.project.acceptanceResult === 'fail' ? '不合格' : null) },
  money('budgetFen', '批复资金（元）', '批复资金合计', (r) => r.m.budgetFen),
  ...FUND_SOURCE_ORDER.map((s) =>
    money<ProjectRow>(`budget_${s}_fen`, `其中${FUND_SOURCE_LABELS[s]}（元）`, `批复资金中${FUND_SOURCE_LABELS[s]}`, (r) => r.m.bySource.find((l) => l.fundSource === s)?.budgetFen ?? 0),
  ),
  money('disbursedFen', '已拨付（元）', '截至数据截至日的拨付合计', (r) => r.m.disbursedFen),
  { key: 'beneficiaries', header: '受益人数', meaning: '受益人数（人）', json: (r) => r.p.project.beneficiaries },
  { key: 'beneficiaryHouseholds', header: '受益户数', meaning: '受益户数（户）', json: (r) => r.p.project.beneficiaryHouseholds },
  { key: 'lon', header: '经度', meaning: '经度（CGCS2000 / WGS-84），可为空', json: (r) => r.p.project.lon },
  { key: 'lat', header: '纬度', meaning: '纬度（CGCS2000 / WGS-84），可为空', json: (r) => r.p.project.lat },
  { key: 'locationPrecision', header: '位置精度', meaning: '精确位置，或村部位置（项目未单独定位）', json: (r) => (r.p.project.locationPrecision === 'exact' ? '精确位置' : '村部位置') },
  { key: 'asOf', header: '数据截至', meaning: '数据截至日期', json: (r) => r.p.asOf },
  { key: 'disclosureVersion', header: '公示版本', meaning: '来自本村本年度公示的第几版', json: (r) => r.p.disclosure.version },
  { key: 'verificationCode', header: '核对码', meaning: '该版公示的核对码，可在 /verify/ 核对', json: (r) => r.p.disclosure.verificationCode },
];

const DISBURSEMENT_COLUMNS: Column<DisbursementRow>[] = [
  { key: 'projectCode', header: '项目编号', meaning: '项目编号', json: (r) => r.p.project.code },
  { key: 'projectName', header: '项目名称', meaning: '项目名称', json: (r) => r.p.project.name },
  { key: 'year', header: '年度', meaning: '项目资金年度', json: (r) => r.p.project.year },
  { key: 'villageCode', header: '村代码', meaning: '12 位统计用区划代码', json: (r) => r.v.code },
  { key: 'villageName', header: '村', meaning: '村（社区）名称', json: (r) => r.v.name },
  { key: 'date', header: '拨付日期', meaning: '拨付日期', json: (r) => r.d.date },
  money('amountFen', '金额（元）', '拨付金额', (r) => r.d.amountFen),
  { key: 'fundSource', header: '资金来源', meaning: '资金来源', json: (r) => FUND_SOURCE_LABELS[r.d.fundSource] },
  { key: 'payee', header: '收款单位', meaning: '收款单位；个人收款人只显示姓氏', json: (r) => r.d.payee },
  { key: 'voucherNumber', header: '凭证号', meaning: '会计凭证号', json: (r) => r.d.voucherNumber },
];

const SUBSIDY_COLUMNS: Column<SubsidyRow>[] = [
  { key: 'year', header: '年度', meaning: '直补资金年度', json: (r) => r.s.year },
  { key: 'townshipName', header: '乡镇', meaning: '乡镇（街道）名称', json: (r) => r.v.townshipName },
  { key: 'villageCode', header: '村代码', meaning: '12 位统计用区划代码', json: (r) => r.v.code },
  { key: 'villageName', header: '村', meaning: '村（社区）名称', json: (r) => r.v.name },
  { key: 'beneficiaries', header: '直补人数', meaning: '本村领取直补资金的移民人数（按村汇总，不含个人信息）', json: (r) => r.s.beneficiaries },
  money('standardFenPerPerson', '标准（元/人·年）', '每人每年直补标准', (r) => r.s.standardFenPerPerson),
  money('amountFen', '金额（元）', '本村直补资金合计', (r) => r.s.amountFen),
  { key: 'dueDate', header: '应发日期', meaning: '应在此日期前发放', json: (r) => r.s.dueDate },
  { key: 'paymentDate', header: '发放日期', meaning: '实际发放日期，未发放为空', json: (r) => r.s.paymentDate },
  { key: 'channel', header: '发放渠道', meaning: '发放渠道，如一卡通', json: (r) => r.s.channel },
];

const VILLAGE_COLUMNS: Column<VillageRowX>[] = [
  { key: 'code', header: '村代码', meaning: '12 位统计用区划代码，也是村页地址 /villages/<代码>/', json: (r) => r.v.code },
  { key: 'name', header: '村', meaning: '村（社区）名称', json: (r) => r.v.name },
  { key: 'townshipCode', header: '乡镇代码', meaning: '9 位统计用区划代码', json: (r) => r.v.townshipCode },
  { key: 'townshipName', header: '乡镇', meaning: '乡镇（街道）名称', json: (r) => r.v.townshipName },
  { key: 'migrantPopulation', header: '移民人口', meaning: '移民人口（人），无记录为空', json: (r) => r.v.figures?.migrantPopulation ?? null },
  { key: 'migrantHouseholds', header: '移民户数', meaning: '移民户数（户），无记录为空', json: (r) => r.v.figures?.migrantHouseholds ?? null },
  { key: 'isKeyVillage', header: '重点移民村', meaning: '是否重点移民村', json: (r) => r.v.figures?.isKeyVillage ?? false },
  { key: 'projectCount', header: '项目数', meaning: '历年项目个数', json: (r) => r.projects.length },
  money('budgetFen', '批复资金（元）', '历年项目批复资金合计', (r) => r.projects.reduce((s, x) => s + x.m.budgetFen, 0)),
  money('disbursedFen', '已拨付（元）', '历年项目已拨付合计', (r) => r.projects.reduce((s, x) => s + x.m.disbursedFen, 0)),
  { key: 'latestYear', header: '最新公示年度', meaning: '最新一期公示的年度', json: (r) => r.v.years[0]?.year ?? null },
  { key: 'lon', header: '经度', meaning: '本村项目位置的平均经度（示意），可为空', json: (r) => r.v.location?.lon ?? null },
  { key: 'lat', header: '纬度', meaning: '本村项目位置的平均纬度（示意），可为空', json: (r) => r.v.location?.lat ?? null },
];

const SAMPLE_COLUMN = { key: 'isSample', header: '示例数据', meaning: '是否为演示用的示例数据（是则不是真实公示）' };

const DATASETS = {
  projects: { title: '项目', columns: PROJECT_COLUMNS },
  villages: { title: '移民村', columns: VILLAGE_COLUMNS },
  disbursements: { title: '资金拨付', columns: DISBURSEMENT_COLUMNS },
  'direct-subsidies': { title: '直补资金（按村汇总）', columns: SUBSIDY_COLUMNS },
} as const;

/** Titles of the datasets, for the /data/ page. */
export const DATASET_TITLES: Readonly<Record<DatasetName, string>> = {
  projects: DATASETS.projects.title,
  villages: DATASETS.villages.title,
  disbursements: DATASETS.disbursements.title,
  'direct-subsidies': DATASETS['direct-subsidies'].title,
};

export const DATASET_NAMES = Object.keys(DATASETS) as DatasetName[];

/** The data dictionary: every column of every dataset with its meaning (the 示例数据 column only for the sample). */
export function dataDictionary(isSample: boolean) {
  return DATASET_NAMES.map((name) => ({
    dataset: name,
    title: DATASETS[name].title,
    columns: [...DATASETS[name].columns.map((c) => ({ key: c.key, header: c.header, meaning: c.meaning })), ...(isSample ? [SAMPLE_COLUMN] : [])],
  }));
}

/** The rows of the datasets for the whole county, or for one village when `villageCode` is given. */
export function datasetRows(data: PortalData, villageCode?: string) {
  const villages = villageCode ? [data.villageByCode.get(villageCode)!] : data.villages;
  const wanted = new Set(villages.map((v) => v.code));
  const projects: ProjectRow[] = data.projects
    .filter((p) => wanted.has(p.villageCode))
    .map((p) => ({ p, v: data.villageByCode.get(p.villageCode)!, m: projectMoney(p.project, p.asOf) }));
  const disbursements: DisbursementRow[] = projects.flatMap(({ p, v }) => p.project.disbursements.map((d) => ({ p, v, d })));
  const subsidies: SubsidyRow[] = villages.flatMap((v) => v.years.flatMap((y) => (y.latest.content.directSubsidy ? [{ v, s: y.latest.content.directSubsidy }] : [])));
  const byVillage = new Map<string, ProjectRow[]>();
  for (const r of projects) byVillage.set(r.v.code, [...(byVillage.get(r.v.code) ?? []), r]);
  const villageRows: VillageRowX[] = villages.map((v) => ({ v, projects: byVillage.get(v.code) ?? [] }));
  return { projects, villages: villageRows, disbursements, 'direct-subsidies': subsidies };
}

type Rows = ReturnType<typeof datasetRows>;

function columnsOf(name: DatasetName): Column<never>[] {
  return DATASETS[name].columns as unknown as Column<never>[];
}

/** A dataset as CSV (BOM, formula-safe); the sample's carry a 示例数据 column saying 是 on every row. */
export function datasetCsv(name: DatasetName, rows: Rows, isSample: boolean): string {
  const cols = columnsOf(name);
  const list = rows[name] as never[];
  return toCsv(
    [...cols.map((c) => c.header), ...(isSample ? [SAMPLE_COLUMN.header] : [])],
    list.map((r) => [...cols.map((c) => (c.csv ?? c.json)(r)), ...(isSample ? ['是'] : [])]),
  );
}

/** The metadata every JSON and GeoJSON export carries. */
export function exportMeta(data: PortalData, title: string) {
  return {
    title,
    county: data.countyName,
    isSample: data.isSample,
    notice: data.isSample ? '示例数据：演示用，不是真实的公示。' : '来自已发布的公示。',
    source: '已发布的公示快照（个人信息已按公示规则处理）',
    dictionary: '/data/dictionary.json',
  };
}

/** A dataset as JSON: `{ meta, rows }` with JSON keys. */
export function datasetJson(name: DatasetName, rows: Rows, data: PortalData, scopeTitle: string): string {
  const cols = columnsOf(name);
  const list = rows[name] as never[];
  return JSON.stringify({
    meta: exportMeta(data, `${scopeTitle}${DATASETS[name].title}`),
    rows: list.map((r) => ({ ...Object.fromEntries(cols.map((c) => [c.key, c.json(r)])), isSample: data.isSample })),
  });
}

/** Projects or villages as a GeoJSON FeatureCollection of points (rows without a position are left out). */
export function datasetGeoJson(name: 'projects' | 'villages', rows: Rows, data: PortalData, scopeTitle: string): string {
  const cols = columnsOf(name);
  const list = rows[name] as never[];
  const features = list.flatMap((r) => {
    const props = Object.fromEntries(cols.map((c) => [c.key, c.json(r)])) as { lon: number | null; lat: number | null };
    if (props.lon === null || props.lat === null) return [];
    return [{ type: 'Feature', geometry: { type: 'Point', coordinates: [props.lon, props.lat] }, properties: { ...props, isSample: data.isSample } }];
  });
  return JSON.stringify({ type: 'FeatureCollection', meta: exportMeta(data, `${scopeTitle}${DATASETS[name].title}`), features });
}

/** Every dataset's rows as JSON records (the per-village village.json). */
export function datasetRecords(rows: Rows, isSample: boolean) {
  const records = (name: DatasetName) => {
    const cols = columnsOf(name);
    return (rows[name] as never[]).map((r) => ({ ...Object.fromEntries(cols.map((c) => [c.key, c.json(r)])), isSample }));
  };
  return { projects: records('projects'), disbursements: records('disbursements'), directSubsidies: records('direct-subsidies') };
}
