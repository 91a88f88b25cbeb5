/**
 * Word pools for FAKE sample people and units. Every person in the sample roster is made up from
 * these pools at run time; any likeness to a real person is chance.
 */
import type { Random } from './random.ts';

/** Common surnames in southern Hunan, most frequent first (weights are rough). */
const SURNAMES: readonly (readonly [string, number])[] = [
  ['李', 9], ['王', 7], ['刘', 8], ['陈', 7], ['谭', 6], ['邓', 6], ['唐', 6], ['曾', 5], ['周', 5], ['罗', 5],
  ['欧阳', 3], ['廖', 4], ['尹', 3], ['肖', 4], ['蒋', 4], ['彭', 4], ['黄', 4], ['张', 5], ['谢', 3], ['郭', 2],
  ['胡', 3], ['雷', 2], ['何', 3], ['阳', 2], ['贺', 2], ['龙', 2], ['段', 2], ['邹', 2], ['梁', 2], ['徐', 2],
  ['颜', 2], ['文', 2], ['许', 2], ['蔡', 1], ['曹', 1], ['袁', 2], ['邱', 1], ['盘', 1], ['赵', 2], ['杨', 3],
];

const MALE_CHARS = '国建华明军平志勇强伟文斌海涛春林成德生福祥永松红光荣新民立金忠学东辉兵俊杰峰亮波超鹏飞宇浩然俊'.split('');
const FEMALE_CHARS = '秀英芳兰桂玉梅丽娟群珍凤琴霞云莲红艳萍燕春花美娥翠平静敏婷慧雪琳丹晶'.split('');
const GENERATION_CHARS = '德远先志正永继光明玉长新运'.split('');

/** A made-up full name; half the names have a generation character (字辈). */
export function fakePersonName(rng: Random, sex: 'male' | 'female'): string {
  const surname = rng.weighted(SURNAMES);
  const pool = sex === 'male' ? MALE_CHARS : FEMALE_CHARS;
  const given = rng.chance(0.15) ? rng.pick(pool) : `${rng.chance(0.5) ? rng.pick(GENERATION_CHARS) : rng.pick(pool)}${rng.pick(pool)}`;
  return `${surname}${given}`;
}

/** A made-up given name for a child who takes a known surname. */
export function fakeNameWithSurname(rng: Random, surname: string, sex: 'male' | 'female'): string {
  const pool = sex === 'male' ? MALE_CHARS : FEMALE_CHARS;
  return `${surname}${rng.pick(pool)}${rng.pick(pool)}`;
}

/** The surname part of a name produced here (handles 欧阳). */
export function surnameOf(name: string): string {
  return name.startsWith('欧阳') ? '欧阳' : name.slice(0, 1);
}

const COMPANY_WORDS = '宏昌 鑫源 永兴 顺达 瑶乡 宜阳 泉峰 湘南 恒泰 金穗 联创 盛隆 荣辉 广源 兴旺 华厦 衡洲 舂陵 天堂 龙腾 佳和 汇通 绿丰 长乐'.split(' ');
const COMPANY_KINDS: readonly (readonly [string, number])[] = [
  ['建筑工程有限公司', 5],
  ['路桥工程有限公司', 3],
  ['水利水电工程有限公司', 3],
  ['园林绿化工程有限公司', 1],
  ['建设工程有限公司', 3],
  ['农业开发有限公司', 1],
];
const COMPANY_PLACES: readonly (readonly [string, number])[] = [
  ['常宁市', 6],
  ['衡阳市', 2],
  ['湖南', 1],
];

/** A pool of made-up contractor names (units, not people), without duplicates. */
export function fakeContractors(rng: Random, count: number): string[] {
  const out = new Set<string>();
  while (out.size < count) {
    out.add(`${rng.weighted(COMPANY_PLACES)}${rng.pick(COMPANY_WORDS)}${rng.weighted(COMPANY_KINDS)}`);
  }
  return [...out];
}

/** Made-up cooperatives that take on production projects. */
export function fakeCooperative(rng: Random, placeShortName: string): string {
  const trade = rng.pick(['油茶种植', '果蔬种植', '生猪养殖', '水产养殖', '茶叶', '中药材种植', '黄桃种植']);
  return `常宁市${placeShortName}${trade}专业合作社`;
}
