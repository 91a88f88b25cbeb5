/**
 * Project types of the sample county and the kinds of project each type funds, with a plausible
 * name and 建设内容及规模 derived from the budget (so a bigger budget means a longer road).
 */
import type { Random } from './random.ts';
import { STANDARD_PROJECT_TYPES, type ProjectTypeSeed } from '../../src/domain/county/project-types.ts';

/** The sample uses the standard types every county starts with. */
export const SAMPLE_PROJECT_TYPES: readonly ProjectTypeSeed[] = STANDARD_PROJECT_TYPES;
export type { ProjectTypeSeed };

export type SampleTypeCode = 'beautiful_home' | 'production' | 'infrastructure' | 'hazard_relief' | 'other';

/** Budget range per type in units of 1,000 元 (100,000 fen). */
export const BUDGET_RANGE_UNITS: Readonly<Record<SampleTypeCode, readonly [number, number]>> = {
  beautiful_home: [40, 200],
  production: [30, 240],
  infrastructure: [30, 180],
  hazard_relief: [120, 400],
  other: [20, 80],
};

/** What each type's projects are like: name, scale, and who is paid for the work. */
export interface ProjectText {
  name: string;
  contentScale: string;
  /** 'contractor' | 'cooperative' | 'village' | 'township': who receives the disbursements. */
  payeeKind: 'contractor' | 'cooperative' | 'village' | 'township';
}

/** 1 decimal, without a trailing .0 */
const d1 = (x: number): string => String(Math.max(0.1, Math.round(x * 10) / 10));
/** Rounded to a step, at least one step. */
const step = (x: number, s: number): number => Math.max(s, Math.round(x / s) * s);

type Template = (rng: Random, place: string, units: number) => ProjectText;

const TEMPLATES: Readonly<Record<SampleTypeCode, readonly Template[]>> = {
  beautiful_home: [
    (rng, p, u) => ({ name: `${p}通组道路硬化`, contentScale: `硬化道路${d1(u / rng.float(230, 300))}公里、宽3.5米`, payeeKind: 'contractor' }),
    (rng, p, u) => ({
      name: `${p}人居环境整治`,
      contentScale: `清理沟渠${step(u * 8, 10)}米，新建垃圾收集池${rng.int(2, 8)}个，绿化${step(u * 5, 10)}平方米`,
      payeeKind: 'contractor',
    }),
    (rng, p, u) => ({
      name: `${p}文化活动广场建设`,
      contentScale: `新建文化活动广场${step(u * 6, 10)}平方米，安装健身器材${rng.int(4, 10)}套`,
      payeeKind: 'contractor',
    }),
    (_rng, p, u) => ({ name: `${p}太阳能路灯安装`, contentScale: `安装太阳能路灯${step(u / 2.6, 1)}盏`, payeeKind: 'contractor' }),
    (rng, p, u) => ({
      name: `${p}安全饮水巩固提升`,
      contentScale: `新建蓄水池${rng.int(1, 3)}座，铺设供水管网${d1(u / 60)}公里`,
      payeeKind: 'contractor',
    }),
    (_rng, p, u) => ({ name: `${p}移民户厕改造`, contentScale: `改造卫生厕所${step(u / 3.5, 1)}户`, payeeKind: 'village' }),
  ],
  production: [
    (_rng, p, u) => ({ name: `${p}油茶低产林改造`, contentScale: `低改油茶林${step(u * 1.1, 5)}亩`, payeeKind: 'cooperative' }),
    (rng, p, u) => {
      const crop = rng.pick(['黄桃', '柑橘', '蔬菜', '茶叶', '玉竹', '红薯']);
      return {
        name: `${p}${crop}种植基地建设`,
        contentScale: `新建${crop}基地${step(u * 0.8, 5)}亩，配套生产便道${step(u * 3, 10)}米`,
        payeeKind: 'cooperative',
      };
    },
    (_rng, p, u) => ({ name: `${p}村级光伏电站建设`, contentScale: `安装分布式光伏${step(u / 4.2, 1)}千瓦`, payeeKind: 'contractor' }),
    (rng, p, u) => {
      const kind = rng.pick(['生猪', '黄牛', '肉鸡', '山羊']);
      return { name: `${p}${kind}养殖小区建设`, contentScale: `新建标准化养殖栏舍${step(u * 2.2, 10)}平方米`, payeeKind: 'cooperative' };
    },
    (_rng, p, u) => ({ name: `${p}集体经济标准化厂房建设`, contentScale: `新建钢结构厂房${step(u * 1.5, 10)}平方米`, payeeKind: 'contractor' }),
    (rng, p, u) => ({
      name: `${p}农产品烘干房建设`,
      contentScale: `新建烘干房${step(u * 1.2, 10)}平方米，购置烘干设备${rng.int(1, 4)}台`,
      payeeKind: 'cooperative',
    }),
  ],
  infrastructure: [
    (rng, p, u) => ({ name: `${p}机耕道建设`, contentScale: `新建机耕道${d1(u / rng.float(120, 170))}公里、宽3米`, payeeKind: 'contractor' }),
    (_rng, p, u) => ({ name: `${p}灌溉渠道硬化`, contentScale: `硬化灌溉渠道${step(u * 3.5, 10)}米`, payeeKind: 'contractor' }),
    (rng, p, u) => {
      const pond = rng.pick(['大塘', '长塘', '新塘', '石塘', '枫树塘', '禾塘', '背后塘', '牛角塘']);
      return {
        name: `${p}${pond}山塘清淤扩容`,
        contentScale: `山塘清淤${step(u * 25, 50)}立方米，加固坝体${step(u * 0.8, 5)}米`,
        payeeKind: 'contractor',
      };
    },
    (rng, p, u) => ({
      name: `${p}提灌站建设`,
      contentScale: `新建提灌站1座，装机${rng.pick([15, 22, 30, 37, 45])}千瓦，铺设管道${step(u * 6, 10)}米`,
      payeeKind: 'contractor',
    }),
    (_rng, p, u) => ({ name: `${p}便民桥建设`, contentScale: `新建便民桥1座，长${step(u / 6, 1)}米、宽4.5米`, payeeKind: 'contractor' }),
    (_rng, p, u) => ({ name: `${p}河岸护坡挡土墙建设`, contentScale: `砌筑护坡挡土墙${step(u * 1.2, 5)}米`, payeeKind: 'contractor' }),
  ],
  hazard_relief: [
    (rng, p, u) => {
      const households = Math.max(2, Math.round(u / 45));
      return {
        name: `${p}地质灾害隐患点移民避险搬迁`,
        contentScale: `搬迁安置移民${households}户${households * rng.int(3, 4)}人`,
        payeeKind: 'township',
      };
    },
    (_rng, p, u) => ({ name: `${p}移民危房改造`, contentScale: `改造加固移民危房${Math.max(2, Math.round(u / 15))}户`, payeeKind: 'township' }),
  ],
  other: [
    (_rng, p, u) => ({ name: `${p}综合服务中心改造`, contentScale: `改造村级综合服务中心${step(u * 4, 10)}平方米`, payeeKind: 'contractor' }),
    (rng, p, u) => ({
      name: `${p}移民政策宣传阵地建设`,
      contentScale: `新建村务公开栏${rng.int(1, 3)}块、宣传长廊${step(u * 1.5, 5)}米`,
      payeeKind: 'village',
    }),
    (_rng, p, u) => ({ name: `${p}卫生室提质改造`, contentScale: `改造村卫生室${step(u * 3, 10)}平方米`, payeeKind: 'contractor' }),
  ],
};

/**
 * Name and scale of a project of `type` in `place` (e.g. 禄福村 or 禄福村3组) with a budget of
 * `units` × 1,000 元.
 */
export function describeProject(rng: Random, type: SampleTypeCode, place: string, units: number): ProjectText {
  return rng.pick(TEMPLATES[type])(rng, place, units);
}
