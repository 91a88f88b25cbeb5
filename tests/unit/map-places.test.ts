/** The place names the map draws under its markers (src/map/places.ts). */
import { describe, expect, it } from 'vitest';
import type { PortalData, PortalVillage } from '../../src/data/portal-data.ts';
import { mapPlaces } from '../../src/map/places.ts';

const village = (code: string, name: string, countyName: string, location: { lon: number; lat: number } | null): PortalVillage =>
  ({ code, name, townshipCode: code.slice(0, 9), townshipName: `${code.slice(6, 9)}镇`, figures: null, location, years: [{ year: 2025, latest: { content: { scope: { countyName } } } }] }) as unknown as PortalVillage;

function data(villages: PortalVillage[]): Pick<PortalData, 'villages' | 'townships' | 'villageByCode'> {
  const townships = [...new Set(villages.map((v) => v.townshipCode))].map((code) => ({ code, name: `${code.slice(6)}镇`, villageCodes: villages.filter((v) => v.townshipCode === code).map((v) => v.code) }));
  return { villages, townships, villageByCode: new Map(villages.map((v) => [v.code, v])) };
}

describe('map places', () => {
  it('puts each township at the mean of its villages, each village at its own centre, and no county on a one-county site', () => {
    const places = mapPlaces(data([village('430482101201', '书泉村委会', '常宁市', { lon: 112.3, lat: 26.3 }), village('430482101202', '斗岭村', '常宁市', { lon: 112.5, lat: 26.5 }), village('430482102201', '无位置村', '常宁市', null)]));
    expect(places.counties).toEqual([]);
    expect(places.townships).toEqual([{ n: '101镇', lon: 112.4, lat: 26.4 }]);
    expect(places.villages.map((v) => [v.c, v.n])).toEqual([['430482101201', '书泉村'], ['430482101202', '斗岭村']]);
  });

  it('names each county at the mean of its located villages on a site over several', () => {
    const places = mapPlaces(data([village('430421101201', '甲村', '衡阳县', { lon: 112.2, lat: 27.0 }), village('430421102201', '乙村', '衡阳县', { lon: 112.4, lat: 27.2 }), village('430422101201', '丙村', '衡南县', { lon: 112.7, lat: 26.7 })]));
    expect(places.counties).toEqual([{ n: '衡阳县', lon: 112.3, lat: 27.1 }, { n: '衡南县', lon: 112.7, lat: 26.7 }]);
  });
});
