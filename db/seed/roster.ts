/**
 * The FAKE internal roster of registered migrants (移民花名册) of one village: households with a
 * 户编号 and a head, persons with made-up names and made-up, well-formed ID numbers, and a
 * made-up 一卡通 account per household. Nothing here is real.
 *
 * Shape: `registered` persons are the migrants counted for the direct subsidy (核定人口, all born
 * on or before 2006-06-30, the policy's cut-off); a few households also list younger members born
 * later or married in, with `registered = false`, who are not counted.
 */
import { fakeIdNumber } from './id-number.ts';
import { fakeNameWithSurname, fakePersonName, surnameOf } from './names.ts';
import type { Random } from './random.ts';

export interface RosterPerson {
  name: string;
  idNumber: string;
  relation: string;
  registered: boolean;
}

export interface RosterHousehold {
  householdNumber: string;
  headName: string;
  accountNumber: string;
  persons: RosterPerson[];
  /** Number of registered persons (what the direct subsidy counts). */
  registeredCount: number;
}

/** The policy cut-off: migrants registered for post-support were resettled by this day. */
export const REGISTRATION_CUTOFF = '2006-06-30';

const HOUSEHOLD_SIZES: readonly (readonly [number, number])[] = [
  [1, 10], [2, 18], [3, 22], [4, 25], [5, 15], [6, 7], [7, 3],
];

type Sex = 'male' | 'female';
const other = (s: Sex): Sex => (s === 'male' ? 'female' : 'male');

function birthDate(rng: Random, year: number, latest = REGISTRATION_CUTOFF): string {
  const y = Math.min(Math.max(year, 1925), Number(latest.slice(0, 4)));
  let month = rng.int(1, 12);
  if (y === Number(latest.slice(0, 4))) month = Math.min(month, Number(latest.slice(5, 7)));
  return `${y}-${String(month).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
}

/**
 * Builds the households of a village until exactly `registeredTotal` registered persons are
 * listed. `usedIds` is shared across villages so ID numbers stay unique.
 */
export function buildVillageRoster(
  rng: Random,
  villageCode: string,
  registeredTotal: number,
  usedIds: Set<string>,
): RosterHousehold[] {
  const households: RosterHousehold[] = [];
  let left = registeredTotal;
  const newId = (date: string, sex: Sex): string => {
    for (;;) {
      const id = fakeIdNumber(rng, '430482', date, sex);
      if (!usedIds.has(id)) {
        usedIds.add(id);
        return id;
      }
    }
  };

  while (left > 0) {
    const size = Math.min(left, rng.weighted(HOUSEHOLD_SIZES));
    left -= size;
    const headSex: Sex = rng.chance(0.85) ? 'male' : 'female';
    const headYear = rng.int(1935, 1976);
    const headName = fakePersonName(rng, headSex);
    const family = surnameOf(headName);
    const persons: RosterPerson[] = [];
    const add = (name: string, sex: Sex, relation: string, date: string, registered = true) =>
      persons.push({ name, idNumber: newId(date, sex), relation, registered });

    add(headName, headSex, '户主', birthDate(rng, headYear));
    let children = 0;
    for (let i = 1; i < size; i++) {
      if (i === 1 && rng.chance(0.85)) {
        const sex = other(headSex);
        add(fakePersonName(rng, sex), sex, '配偶', birthDate(rng, headYear + rng.int(-2, 6)));
        continue;
      }
      const childYear = headYear + rng.int(22, 32);
      if (childYear <= 2006 && (children < 3 || headYear > 1958)) {
        const sex: Sex = rng.chance(0.5) ? 'male' : 'female';
        add(fakeNameWithSurname(rng, family, sex), sex, sex === 'male' ? '子' : '女', birthDate(rng, childYear));
        children++;
      } else if (headYear + 46 <= 2006) {
        const sex: Sex = rng.chance(0.5) ? 'male' : 'female';
        const rel = sex === 'male' ? '孙子' : '孙女';
        add(fakeNameWithSurname(rng, family, sex), sex, rel, birthDate(rng, headYear + rng.int(46, 56)));
      } else {
        const sex: Sex = rng.chance(0.5) ? 'male' : 'female';
        add(fakePersonName(rng, sex), sex, sex === 'male' ? '父亲' : '母亲', birthDate(rng, headYear - rng.int(22, 30)));
      }
    }

    // Younger members, born after the cut-off or married in later: listed, never counted.
    if (headYear <= 1972 && rng.chance(0.25)) {
      const extra = rng.int(1, 2);
      for (let k = 0; k < extra; k++) {
        const sex: Sex = rng.chance(0.5) ? 'male' : 'female';
        const date = birthDate(rng, rng.int(2007, 2020), '2020-12-31');
        add(fakeNameWithSurname(rng, family, sex), sex, sex === 'male' ? '孙子' : '孙女', date, false);
      }
    }
    if (rng.chance(0.04)) add(fakePersonName(rng, 'female'), 'female', '儿媳', birthDate(rng, rng.int(1985, 1996), '1996-12-31'), false);

    households.push({
      householdNumber: `${villageCode}-${String(households.length + 1).padStart(4, '0')}`,
      headName,
      accountNumber: `8101${rng.digits(15)}`,
      persons,
      registeredCount: size,
    });
  }
  return households;
}
