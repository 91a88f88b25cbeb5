/** Village disclosure contents and settings for poster tests, without a database. */
import type { VillageDisclosureContent } from '../../src/domain/disclosure/disclosure-content.ts';
import type { ProjectRecord } from '../../src/domain/ledger/ledger.ts';
import type { PosterRelease, PosterSettings } from '../../src/posters/model.ts';

export const POSTER_SETTINGS: PosterSettings = {
  siteUrl: 'https://gs.example.cn',
  issuingUnit: '常宁市库区移民事务中心',
  countySupervisionPhones: ['0734-7212345'],
  supervisionAddress: '常宁市库区移民事务中心（宜阳街道）',
  townshipSupervisionPhones: { '430482101': '0734-7001234' },
};

export const RELEASE: PosterRelease = {
  version: 2,
  verificationCode: '7KQ4-M2XD',
  periodStart: '2023-09-06',
  periodEnd: '2023-09-15',
  issuingUnit: '常宁市库区移民事务中心',
};

export function project(i: number, overrides: Partial<ProjectRecord> = {}): ProjectRecord {
  return {
    code: `CN2022-${String(i).padStart(3, '0')}`,
    year: 2022,
    villageCode: '430482101232',
    townshipCode: '430482101',
    groupName: `${i}组`,
    typeCode: 'road',
    typeName: '道路',
    indicatorGroup: 'production_infrastructure',
    name: `塅垱组${i}号机耕道建设`,
    contentScale: `新建机耕道${i * 100}米、宽3米，配套涵管${i}处`,
    implementingUnit: '柏坊镇人民政府',
    lon: null,
    lat: null,
    locationPrecision: 'village_centre',
    acceptanceResult: null,
    beneficiaries: 100,
    beneficiaryHouseholds: 30,
    budget: [{ fundSource: 'central', amountFen: 12_345_600 + i }],
    milestones: [
      { kind: 'applied', date: '2022-03-01', actorUnit: null },
      { kind: 'started', date: '2022-05-01', actorUnit: null },
    ],
    disbursements: [{ date: '2022-06-01', amountFen: 1_000_000, fundSource: 'central', voucherNumber: `V${i}`, payee: '柏坊镇人民政府' }],
    ...overrides,
  };
}

/** A sample-data village content with `projects` projects; names carry rare characters (𬌗 㙟 塅 垱). */
export function villageContent(projects: number, overrides: Partial<VillageDisclosureContent> = {}): VillageDisclosureContent {
  const list = Array.from({ length: projects }, (_, i) => project(i + 1));
  const budgetFen = list.reduce((n, p) => n + p.budget.reduce((m, b) => m + b.amountFen, 0), 0);
  const disbursedFen = list.reduce((n, p) => n + p.disbursements.reduce((m, d) => m + d.amountFen, 0), 0);
  return {
    schemaVersion: 1,
    isSample: true,
    scope: { type: 'village', code: '430482101232', name: '𬌗㙟村委会', townshipCode: '430482101', townshipName: '柏坊镇', countyName: '常宁市' },
    year: 2022,
    asOf: '2023-08-31',
    village: { migrantPopulation: 221, migrantHouseholds: 66, isKeyVillage: true, supervisionPhone: '0734-7448334' },
    projects: list,
    directSubsidy: {
      villageCode: '430482101232',
      townshipCode: '430482101',
      year: 2022,
      beneficiaries: 221,
      standardFenPerPerson: 60_000,
      amountFen: 13_260_000,
      dueDate: '2022-06-30',
      paymentDate: '2022-05-12',
      channel: '一卡通',
    },
    totals: { projectCount: list.length, budgetFen, disbursedFen, directSubsidyFen: 13_260_000 },
    ...overrides,
  };
}

/** A font-free measure: CJK and other wide characters 1 em, ASCII half an em. */
export const fakeMeasure = (text: string, size: number): number => {
  let ems = 0;
  for (const ch of text) ems += ch.codePointAt(0)! < 0x2e80 ? 0.5 : 1;
  return ems * size;
};
