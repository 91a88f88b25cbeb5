/**
 * The county's registry uploads: 移民村名册 per year (`villages`), the 花名册 with one row per
 * member (`households`) and the 一卡通 results per household (`household-payments`). Every
 * problem names its row and column; an ID number is never shown back, only its masked form.
 */
import { CHINA_EXTENT_RING, checkLocation, type CoordSystem } from '../geo/geo.ts';
import { formatYuan, type Fen } from '../shared/money.ts';
import type {
  CheckResult,
  HouseholdPaymentWrite,
  ParsedRow,
  PersonWrite,
  RosterPlan,
  RowIdentity,
  UploadContext,
  UploadProblem,
} from './upload-plan.ts';
import { scopeProblem } from './upload-scope.ts';

type Err = (row: number, column: string, problem: string, extra?: Partial<UploadProblem>) => void;

function collector(): { errors: UploadProblem[]; warnings: UploadProblem[]; err: Err; warn: Err } {
  const errors: UploadProblem[] = [];
  const warnings: UploadProblem[] = [];
  return {
    errors,
    warnings,
    err: (row, column, problem, extra = {}) => errors.push({ row, column, problem, ...extra }),
    warn: (row, column, problem, extra = {}) => warnings.push({ row, column, problem, ...extra }),
  };
}

/** The village of a row, or a problem already reported. */
function villageOf(ctx: UploadContext, row: number, code: string, err: Err): boolean {
  const village = ctx.villages.get(code);
  if (!village) {
    err(row, '村代码', '找不到这个村', { received: code, expected: '本县 12 位村级统计区划代码', hint: '请对照县里的区划代码表；乡镇代码是 9 位，村代码是 12 位。' });
    return false;
  }
  const scope = scopeProblem(ctx, code, village.name);
  if (scope) {
    err(row, '村代码', scope.problem, scope);
    return false;
  }
  return true;
}

export function checkVillages(rows: readonly ParsedRow[], ctx: UploadContext): CheckResult {
  const { errors, warnings, err } = collector();
  const plan: Extract<RosterPlan, { kind: 'villages' }> = { kind: 'villages', upsert: [], centres: [] };
  const seen = new Map<string, number>();
  let unchanged = 0;
  // Village centres are checked against the uploaded outline only: without one, the centres are what the county's extent is made of.
  const ring = ctx.outlineSource === 'outline' ? ctx.outline : CHINA_EXTENT_RING;
  for (const { row, values: v } of rows) {
    const villageCode = v.villageCode as string;
    const year = v.year as number;
    if (!villageOf(ctx, row, villageCode, err)) continue;
    const key = `${villageCode}:${year}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      err(row, '村代码', `同一村同一年度重复：与第 ${earlier} 行相同`, { received: `${villageCode} ${year}` });
      continue;
    }
    seen.set(key, row);
    const population = v.migrantPopulation as number;
    const households = v.migrantHouseholds as number;
    if (households > population) err(row, '移民户数', '户数比人数还多', { received: String(households), expected: `不超过移民人数 ${population}` });
    if (households === 0 && population > 0) err(row, '移民户数', '有人数却没有户数', { received: '0', expected: '至少 1 户' });
    const subsidy = ctx.directSubsidies.get(key);
    if (subsidy && subsidy.beneficiaries !== population) {
      err(row, '移民人数', `与 ${year} 年已上传的直补人数不一致`, {
        received: `${population} 人`,
        expected: `${subsidy.beneficiaries} 人（直补资金发放表）`,
        hint: '人口核定后，直补人数应与名册一致：请核对两张表，改正错的那一张。',
      });
    }
    let centre: { lon: number; lat: number } | null = null;
    if ((v.lon === null) !== (v.lat === null)) {
      err(row, v.lon === null ? '村部经度' : '村部纬度', '经度和纬度只填了一个', { expected: '经度和纬度都填，或都不填' });
    } else if (v.lon !== null) {
      const system = (v.coordSystem as CoordSystem | null) ?? 'CGCS2000';
      const check = checkLocation([v.lon as number, v.lat as number], system, ring);
      if (check.ok) centre = { lon: check.point[0], lat: check.point[1] };
      else err(row, '村部经度', check.problem, { received: `${v.lon}, ${v.lat}（${system}）`, expected: '本县范围内的经纬度', ...(check.hint ? { hint: check.hint } : {}) });
    }
    const write = { villageCode, year, migrantPopulation: population, migrantHouseholds: households, isKeyVillage: v.isKeyVillage === 'yes', note: (v.note as string | null) ?? null };
    const existing = ctx.registry?.get(key);
    const oldCentre = ctx.centres?.get(villageCode);
    const centreSame = centre === null || (oldCentre !== undefined && oldCentre[0] === centre.lon && oldCentre[1] === centre.lat);
    if (
      existing &&
      centreSame &&
      existing.migrantPopulation === write.migrantPopulation &&
      existing.migrantHouseholds === write.migrantHouseholds &&
      existing.isKeyVillage === write.isKeyVillage &&
      existing.note === write.note
    ) {
      unchanged++;
      continue;
    }
    plan.upsert.push(write);
    if (centre && !centreSame) plan.centres.push({ villageCode, ...centre });
  }
  return { kind: 'villages', errors, warnings, plan, unchanged };
}

export function checkHouseholds(rows: readonly ParsedRow[], ctx: UploadContext): CheckResult {
  const { errors, warnings, err, warn } = collector();
  const plan: Extract<RosterPlan, { kind: 'households' }> = { kind: 'households', createHouseholds: [], updateHouseholds: [], createPersons: [], updatePersons: [] };
  const households = new Map<string, { row: number; villageCode: string; headName: string; population: number; registered: number }>();
  const seenIds = new Map<string, number>();
  let unchanged = 0;
  for (const { row, values: v } of rows) {
    const number = v.householdNumber as string;
    const villageCode = v.villageCode as string;
    const identity = v.identity as RowIdentity | undefined;
    if (!number.startsWith(`${villageCode}-`)) {
      err(row, '村代码', '村代码与户编号的前 12 位不同', { received: villageCode, expected: number.slice(0, 12) });
      continue;
    }
    if (!villageOf(ctx, row, villageCode, err)) continue;
    const headName = v.headName as string;
    const population = v.population as number;
    const first = households.get(number);
    if (first && (first.headName !== headName || first.population !== population)) {
      const column = first.headName !== headName ? '户主姓名' : '人口';
      err(row, column, `同一户的各行不一致：与第 ${first.row} 行不同`, { received: column === '户主姓名' ? headName : String(population), expected: column === '户主姓名' ? first.headName : String(first.population) });
      continue;
    }
    const registered = (v.status as string | null) !== 'removed';
    const removedReason = (v.removedReason as string | null) ?? null;
    const removedDate = (v.removedDate as string | null) ?? null;
    if (!registered && (removedReason === null || removedDate === null)) {
      err(row, removedReason === null ? '核减原因' : '核减日期', '核减的人要写明原因和日期', { expected: '如 死亡、迁出，和核减的日期' });
      continue;
    }
    if (removedDate !== null && removedDate > ctx.today) err(row, '核减日期', '日期在今天之后', { received: removedDate, expected: `不晚于 ${ctx.today}` });
    const entry = first ?? { row, villageCode, headName, population, registered: 0 };
    if (registered) entry.registered++;
    households.set(number, entry);
    // A row whose ID number was refused before the checks (reported there) is checked this far.
    if (!identity) continue;
    const earlier = seenIds.get(identity.idHash);
    if (earlier !== undefined) {
      err(row, '身份证号', `与第 ${earlier} 行是同一个身份证号`, { received: identity.idMasked });
      continue;
    }
    seenIds.set(identity.idHash, row);
    const existingPerson = ctx.persons?.get(identity.idHash);
    if (existingPerson && existingPerson.householdNumber !== number) {
      err(row, '身份证号', `这个人已在另一户（${existingPerson.householdNumber}）登记`, { received: identity.idMasked, hint: '一个人只能在一户：若已迁户，请先在原户把他核减，或改正户编号。' });
      continue;
    }
    const person: PersonWrite = { householdNumber: number, name: v.name as string, relation: (v.relation as string | null) ?? '户主', registered, removedReason: registered ? null : removedReason, removedDate: registered ? null : removedDate, ...identity };
    if (!existingPerson) plan.createPersons.push(person);
    else if (
      existingPerson.name === person.name &&
      existingPerson.relation === person.relation &&
      existingPerson.registered === person.registered &&
      existingPerson.removedReason === person.removedReason &&
      existingPerson.removedDate === person.removedDate
    )
      unchanged++;
    else plan.updatePersons.push({ ...person, id: existingPerson.id });
  }
  for (const [number, h] of households) {
    if (h.registered !== h.population) warn(h.row, '人口', `这一户写的人口是 ${h.population} 人，表里在册的成员是 ${h.registered} 人`, { hint: '若有成员没有列出，请补上；若人口写错了，请改正。' });
    const existing = ctx.households?.get(number);
    if (!existing) plan.createHouseholds.push({ householdNumber: number, villageCode: h.villageCode, headName: h.headName, population: h.population });
    else if (existing.headName !== h.headName || existing.population !== h.population) plan.updateHouseholds.push({ id: existing.id, headName: h.headName, population: h.population });
  }
  return { kind: 'households', errors, warnings, plan, unchanged };
}

export function checkHouseholdPayments(rows: readonly ParsedRow[], ctx: UploadContext, standardFen: Fen): CheckResult {
  const { errors, warnings, err, warn } = collector();
  const plan: Extract<RosterPlan, { kind: 'household-payments' }> = { kind: 'household-payments', create: [], update: [] };
  const seen = new Map<string, number>();
  let unchanged = 0;
  for (const { row, values: v } of rows) {
    const number = v.householdNumber as string;
    const year = v.year as number;
    const household = ctx.households?.get(number);
    if (!household) {
      err(row, '户编号', '花名册里没有这个户编号', { received: number, expected: '已上传花名册的户编号', hint: '请先上传这一户的花名册。' });
      continue;
    }
    if (!villageOf(ctx, row, household.villageCode, err)) continue;
    const key = `${number}:${year}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      err(row, '户编号', `同一户同一年度重复：与第 ${earlier} 行相同`, { received: `${number} ${year}` });
      continue;
    }
    seen.set(key, row);
    const status = v.result as 'paid' | 'failed';
    const paymentDate = (v.paymentDate as string | null) ?? null;
    const failureReason = (v.failureReason as string | null) ?? null;
    if (status === 'paid' && paymentDate === null) err(row, '发放日期', '发放成功的要写发放日期', { expected: '如 2025-06-28' });
    if (status === 'failed' && failureReason === null) err(row, '失败原因', '发放失败的要写失败原因', { expected: '如 账户冻结、账号有误' });
    if (paymentDate !== null && paymentDate > ctx.today) err(row, '发放日期', '日期在今天之后', { received: paymentDate, expected: `不晚于 ${ctx.today}` });
    if (paymentDate !== null && Number(paymentDate.slice(0, 4)) < year) err(row, '发放日期', '发放日期早于该年度', { received: paymentDate, expected: `${year} 年或之后` });
    const amount = v.amount as Fen;
    const persons = household.registeredMembers;
    if (amount !== persons * standardFen) {
      warn(row, '金额(元)', `金额与 在册 ${persons} 人 × ${formatYuan(standardFen)} 不一致`, { received: formatYuan(amount), expected: formatYuan(persons * standardFen) });
    }
    const write: HouseholdPaymentWrite = { householdNumber: number, year, persons, amountFen: amount, paymentDate, status, failureReason, remedy: (v.remedy as string | null) ?? null };
    const existing = ctx.householdPayments?.get(key);
    if (!existing) plan.create.push(write);
    else if (existing.amountFen === amount && existing.paymentDate === paymentDate && existing.status === status && existing.failureReason === failureReason && existing.remedy === write.remedy) unchanged++;
    else plan.update.push({ ...write, id: existing.id });
  }
  return { kind: 'household-payments', errors, warnings, plan, unchanged };
}
