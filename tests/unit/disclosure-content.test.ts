import { describe, expect, it } from 'vitest';
import {
  buildCountyDisclosureContent,
  buildVillageDisclosureContent,
  canonicalJson,
  chainHash,
  diffDisclosureContent,
  normalizeVerificationCode,
  sha256Hex,
  VERIFICATION_ALPHABET,
  verificationCode,
  type VillageContentInput,
} from '../../src/domain/disclosure/disclosure-content.ts';
import type { Ledger, ProjectRecord } from '../../src/domain/ledger/ledger.ts';
import { findPersonalData } from '../../src/domain/villager/masking.ts';

const VILLAGE = '430482105003';
const TOWNSHIP = '430482105';

function project(overrides: Partial<ProjectRecord> = {}): ProjectRecord {
  return {
    code: 'CN2023-001',
    year: 2023,
    villageCode: VILLAGE,
    townshipCode: TOWNSHIP,
    groupName: '三组',
    typeCode: 'road',
    typeName: '道路硬化',
    indicatorGroup: 'production_infrastructure',
    name: '三组通组道路硬化',
    contentScale: '硬化道路1.2公里',
    implementingUnit: '示例村村民委员会',
    lon: 112.4,
    lat: 26.4,
    locationPrecision: 'exact',
    acceptanceResult: 'pass',
    beneficiaries: 320,
    beneficiaryHouseholds: 80,
    budget: [
      { fundSource: 'provincial', amountFen: 2_000_000 },
      { fundSource: 'central', amountFen: 10_000_000 },
    ],
    milestones: [
      { kind: 'started', date: '2023-04-01', actorUnit: null },
      { kind: 'applied', date: '2023-02-01', actorUnit: '示例村村民委员会' },
      { kind: 'completed', date: '2023-07-15', actorUnit: null },
      { kind: 'accepted', date: '2023-09-20', actorUnit: '常宁市库区移民事务中心' },
    ],
    disbursements: [
      { date: '2023-08-01', amountFen: 3_000_000, fundSource: 'central', voucherNumber: 'PZ-2023-002', payee: '常宁市某建筑有限公司' },
      { date: '2023-05-01', amountFen: 6_000_000, fundSource: 'central', voucherNumber: 'PZ-2023-001', payee: '张三' },
      { date: '2023-10-01', amountFen: 1_000_000, fundSource: 'central', voucherNumber: 'PZ-2023-003', payee: '欧阳修' },
    ],
    ...overrides,
  };
}

const ledger = (projects: ProjectRecord[]): Ledger => ({
  projects,
  directSubsidies: [
    {
      villageCode: VILLAGE,
      townshipCode: TOWNSHIP,
      year: 2023,
      beneficiaries: 500,
      standardFenPerPerson: 60_000,
      amountFen: 30_000_000,
      dueDate: '2023-06-30',
      paymentDate: '2023-06-28',
      channel: '一卡通',
    },
  ],
  trainings: [],
});

function villageInput(overrides: Partial<VillageContentInput> = {}): VillageContentInput {
  return {
    isSample: true,
    year: 2023,
    asOf: '2023-08-31',
    scope: { code: VILLAGE, name: '示例村', townshipCode: TOWNSHIP, townshipName: '示例镇', countyName: '常宁市' },
    village: { migrantPopulation: 512, migrantHouseholds: 130, isKeyVillage: true, supervisionPhone: '0734-7212345' },
    ledger: ledger([project(), project({ code: 'CN2022-009', year: 2022 }), project({ code: 'CN2023-050', villageCode: '430482105004' })]),
    personPayeeVouchers: new Set(['PZ-2023-001', 'PZ-2023-003']),
    ...overrides,
  };
}

describe('buildVillageDisclosureContent', () => {
  const content = buildVillageDisclosureContent(villageInput());
  const [p] = content.projects;

  it('keeps only the village’s projects of the year', () => {
    expect(content.projects.map((x) => x.code)).toEqual(['CN2023-001']);
    expect(content.scope).toEqual({
      type: 'village',
      code: VILLAGE,
      name: '示例村',
      townshipCode: TOWNSHIP,
      townshipName: '示例镇',
      countyName: '常宁市',
    });
    expect(content.schemaVersion).toBe(1);
    expect(content.isSample).toBe(true);
  });

  it('leaves out milestones and disbursements after the cut-off, and an acceptance not yet made', () => {
    expect(p?.milestones.map((m) => m.kind)).toEqual(['applied', 'started', 'completed']);
    expect(p?.disbursements.map((d) => d.voucherNumber)).toEqual(['PZ-2023-001', 'PZ-2023-002']);
    expect(p?.acceptanceResult).toBeNull();
    expect(content.totals).toEqual({ projectCount: 1, budgetFen: 12_000_000, disbursedFen: 9_000_000, directSubsidyFen: 30_000_000 });
  });

  it('masks the payees who are private persons and keeps units', () => {
    expect(p?.disbursements.map((d) => d.payee)).toEqual(['张*', '常宁市某建筑有限公司']);
    const later = buildVillageDisclosureContent(villageInput({ asOf: '2023-12-31' }));
    expect(later.projects[0]?.disbursements.map((d) => d.payee)).toEqual(['张*', '常宁市某建筑有限公司', '欧阳*']);
  });

  it('masks a payee flagged on the disbursement itself', () => {
    const flagged = project();
    flagged.disbursements = [{ ...flagged.disbursements[1]!, payee: '李四', payeeIsPerson: true } as ProjectRecord['disbursements'][number]];
    const c = buildVillageDisclosureContent(villageInput({ ledger: ledger([flagged]), personPayeeVouchers: new Set() }));
    expect(c.projects[0]?.disbursements[0]?.payee).toBe('李*');
    expect(canonicalJson(c)).not.toContain('payeeIsPerson');
  });

  it('masks a mobile number written into free text', () => {
    const c = buildVillageDisclosureContent(
      villageInput({ ledger: ledger([project({ contentScale: '硬化道路1.2公里，联系人13812341234' })]) }),
    );
    expect(c.projects[0]?.contentScale).toBe('硬化道路1.2公里，联系人138****1234');
    expect(findPersonalData(canonicalJson(c))).toEqual([]);
  });

  it('sorts budget lines by fund source order', () => {
    expect(p?.budget.map((b) => b.fundSource)).toEqual(['central', 'provincial']);
  });

  it('hides a subsidy payment made after the cut-off', () => {
    const c = buildVillageDisclosureContent(villageInput({ asOf: '2023-06-01' }));
    expect(c.directSubsidy?.paymentDate).toBeNull();
    expect(c.directSubsidy?.amountFen).toBe(30_000_000);
  });

  it('gives the same canonical JSON whatever the order of the input', () => {
    const shuffled = project();
    shuffled.milestones = [...shuffled.milestones].reverse();
    shuffled.disbursements = [...shuffled.disbursements].reverse();
    shuffled.budget = [...shuffled.budget].reverse();
    const other = buildVillageDisclosureContent(villageInput({ ledger: ledger([shuffled]) }));
    expect(canonicalJson(other)).toBe(canonicalJson(content));
  });
});

describe('buildCountyDisclosureContent', () => {
  const content = buildCountyDisclosureContent({
    isSample: false,
    year: 2023,
    asOf: '2023-08-31',
    scope: { code: '430482', name: '常宁市' },
    villages: [
      { code: '430482105004', name: '乙村', townshipCode: TOWNSHIP, townshipName: '示例镇', version: 1, contentHash: 'b'.repeat(64) },
      { code: VILLAGE, name: '甲村', townshipCode: TOWNSHIP, townshipName: '示例镇', version: 2, contentHash: 'a'.repeat(64) },
    ],
    trainings: [
      { year: 2023, course: '电工', organizer: '常宁市人社局', startDate: '2023-05-01', endDate: '2023-05-10', townshipCode: null, trainees: 40, passed: 38 },
      { year: 2023, course: '厨师', organizer: '常宁市人社局', startDate: '2023-10-01', endDate: '2023-10-10', townshipCode: null, trainees: 30, passed: 30 },
      { year: 2022, course: '育婴', organizer: '常宁市人社局', startDate: '2022-05-01', endDate: '2022-05-10', townshipCode: null, trainees: 20, passed: 20 },
    ],
    allocationDocuments: [
      { issuer: '湖南省财政厅', docNumber: '湘财农指〔2023〕12号', title: '第二批', batch: 2, dateReceived: '2023-06-01', amountFen: 500_000_000, fundSource: 'provincial' },
      { issuer: '湖南省财政厅', docNumber: '湘财农指〔2023〕3号', title: '第一批', batch: 1, dateReceived: '2023-02-01', amountFen: 3_000_000_000, fundSource: 'central' },
      { issuer: '湖南省财政厅', docNumber: '湘财农指〔2023〕40号', title: '第三批', batch: 3, dateReceived: '2023-11-01', amountFen: 100, fundSource: 'central' },
    ],
  });

  it('lists village versions, trainings and documents up to the cut-off, with totals', () => {
    expect(content.scope).toMatchObject({ type: 'county', code: '430482', name: '常宁市', townshipCode: null, countyName: '常宁市' });
    expect(content.villages.map((v) => [v.code, v.version])).toEqual([
      [VILLAGE, 2],
      ['430482105004', 1],
    ]);
    expect(content.trainings.map((t) => t.course)).toEqual(['电工']);
    expect(content.allocationDocuments.map((d) => d.batch)).toEqual([1, 2]);
    expect(content.totals).toEqual({
      villageCount: 2,
      documentCount: 2,
      allocatedFen: 3_500_000_000,
      allocatedByFundSource: { central: 3_000_000_000, provincial: 500_000_000, county: 0, other: 0 },
      trainingCount: 1,
      trainees: 40,
      passed: 38,
    });
  });
});

describe('canonicalJson', () => {
  it.each([
    [{ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } }, '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}'],
    [{ a: undefined, b: '中文"引号"' }, '{"b":"中文\\"引号\\""}'],
    [[undefined, true, -0.5], '[null,true,-0.5]'],
  ])('serialises %j as %s', (value, json) => {
    expect(canonicalJson(value)).toBe(json);
  });

  it('is the same whatever the key order', () => {
    expect(canonicalJson({ x: 1, y: { p: 1, q: 2 } })).toBe(canonicalJson({ y: { q: 2, p: 1 }, x: 1 }));
  });

  it.each([[Number.NaN], [new Date(0)], [() => 1]])('refuses %o (a bug)', (value) => {
    expect(() => canonicalJson({ v: value })).toThrow(TypeError);
  });
});

describe('hashing and verification codes', () => {
  it('computes sha256 with Web Crypto', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('gives the same hash for the same content in any key order', async () => {
    const a = await chainHash(null, canonicalJson({ a: 1, b: [1, 2] }));
    const b = await chainHash(null, canonicalJson({ b: [1, 2], a: 1 }));
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes the hash when the previous hash changes', async () => {
    const json = canonicalJson({ a: 1 });
    const first = await chainHash(null, json);
    const chained = await chainHash(first, json);
    const otherChain = await chainHash('0'.repeat(64), json);
    expect(new Set([first, chained, otherChain]).size).toBe(3);
    expect(chained).toBe(await sha256Hex(first + json));
  });

  it('derives a grouped 8-character code without ambiguous characters', async () => {
    const hash = await sha256Hex('x');
    const code = verificationCode(hash);
    expect(code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    expect(code).not.toMatch(/[01OIL]/);
    expect(verificationCode(hash)).toBe(code);
    expect(verificationCode(await sha256Hex('y'))).not.toBe(code);
    expect(VERIFICATION_ALPHABET).toHaveLength(31);
  });

  it.each([
    ['7KQ4-M2XD', '7KQ4-M2XD'],
    ['7kq4m2xd', '7KQ4-M2XD'],
    [' 7kq4 - m2xd ', '7KQ4-M2XD'],
    ['7KQ4-M2X', null],
    ['7KQ4-M2X0', null],
    ['OKQ4-M2XD', null],
  ])('normalises %j to %j', (typed, normalised) => {
    expect(normalizeVerificationCode(typed)).toBe(normalised);
  });
});

describe('diffDisclosureContent', () => {
  const v1 = buildVillageDisclosureContent(villageInput());

  it('says "首次公示" for a first version', () => {
    expect(diffDisclosureContent(null, v1)).toEqual([{ kind: 'first_version', subject: VILLAGE, description: '首次公示' }]);
  });

  it('finds nothing between identical contents', () => {
    expect(diffDisclosureContent(v1, buildVillageDisclosureContent(villageInput()))).toEqual([]);
  });

  it('describes a correction readably', () => {
    const corrected = project({
      budget: [
        { fundSource: 'central', amountFen: 11_000_000 },
        { fundSource: 'provincial', amountFen: 2_000_000 },
      ],
    });
    const added = project({ code: 'CN2023-002', name: '村部文化广场', milestones: [{ kind: 'applied', date: '2023-08-01', actorUnit: null }], disbursements: [] });
    const input = villageInput({ asOf: '2023-09-30', ledger: ledger([corrected, added]) });
    input.ledger.directSubsidies[0]!.amountFen = 30_060_000;
    input.ledger.directSubsidies[0]!.beneficiaries = 501;
    const v2 = buildVillageDisclosureContent(input);
    expect(diffDisclosureContent(v1, v2).map((c) => c.description)).toEqual([
      '数据截止日期由 2023-08-31 改为 2023-09-30',
      '项目 CN2023-001「三组通组道路硬化」验收结果由 未验收 改为 合格',
      '项目 CN2023-001「三组通组道路硬化」预算由 120,000.00 元 改为 130,000.00 元',
      '项目 CN2023-001「三组通组道路硬化」进度由「已完工」变为「已验收」',
      '新增项目 CN2023-002「村部文化广场」，预算 120,000.00 元，当前已申请',
      '直补资金由 300,000.00 元 改为 300,600.00 元',
      '直补人数由 500 人 改为 501 人',
    ]);
  });

  it('describes a removed project and a changed village figure', () => {
    const v2 = buildVillageDisclosureContent(
      villageInput({ ledger: ledger([]), village: { migrantPopulation: 510, migrantHouseholds: 130, isKeyVillage: true, supervisionPhone: '0734-7212345' } }),
    );
    expect(diffDisclosureContent(v1, v2)).toEqual([
      { kind: 'village_figures_changed', subject: VILLAGE, description: '移民人口由 512 人 改为 510 人' },
      { kind: 'project_removed', subject: 'CN2023-001', description: '撤下项目 CN2023-001「三组通组道路硬化」（原预算 120,000.00 元）' },
    ]);
  });

  it('describes county changes: a village’s new version and a new allocation document', () => {
    const base = {
      isSample: false,
      year: 2023,
      asOf: '2023-08-31',
      scope: { code: '430482', name: '常宁市' },
      trainings: [],
    };
    const doc = { issuer: '湖南省财政厅', title: '第一批', batch: 1, dateReceived: '2023-02-01', fundSource: 'central' as const };
    const c1 = buildCountyDisclosureContent({
      ...base,
      villages: [{ code: VILLAGE, name: '甲村', townshipCode: TOWNSHIP, townshipName: '示例镇', version: 1, contentHash: 'a'.repeat(64) }],
      allocationDocuments: [{ ...doc, docNumber: '湘财农指〔2023〕3号', amountFen: 100_000_000 }],
    });
    const c2 = buildCountyDisclosureContent({
      ...base,
      villages: [{ code: VILLAGE, name: '甲村', townshipCode: TOWNSHIP, townshipName: '示例镇', version: 2, contentHash: 'c'.repeat(64) }],
      allocationDocuments: [
        { ...doc, docNumber: '湘财农指〔2023〕3号', amountFen: 100_000_000 },
        { ...doc, docNumber: '湘财农指〔2023〕9号', title: '第二批', batch: 2, amountFen: 50_000_000 },
      ],
    });
    expect(diffDisclosureContent(c1, c2).map((c) => c.description)).toEqual([
      '甲村的公示由第 1 版更新为第 2 版',
      '新增指标文 湘财农指〔2023〕9号「第二批」，中央水库移民扶持基金 500,000.00 元',
    ]);
  });
});
