/**
 * The county's own codes that the upload templates' example row and the code cells' messages
 * show (如 430421100201), so a county never downloads a template, or reads a message, that names
 * another county's village. Given in by the caller (src/data/upload-examples.ts reads them from the
 * divisions table); without a county, neutral placeholders (12 位村代码) and no example code.
 */
export interface UploadExamples {
  /** A village of the county (12 digits), or null when none is loaded. */
  villageCode: string | null;
  /** Its official name (梅花村委会), for the example 实施单位. */
  villageName: string | null;
  /** A township of the county (9 digits): the village's own when there is a village. */
  townshipCode: string | null;
  /** The village's centre [lon, lat] (CGCS2000) when known, for the example coordinates. */
  centre: readonly [number, number] | null;
}

export const NO_EXAMPLES: UploadExamples = Object.freeze({ villageCode: null, villageName: null, townshipCode: null, centre: null });

/** What a template's example row and its messages show for the county's codes. */
export interface ExampleValues {
  villageCode: string;
  townshipCode: string;
  householdNumber: string;
  implementingUnit: string;
  lon: number | '';
  lat: number | '';
  /** `，如 <code>` after a code column's expected form, or nothing without a county. */
  villageSuffix: string;
  townshipSuffix: string;
  householdSuffix: string;
}

export function exampleValues(e: UploadExamples): ExampleValues {
  const like = (code: string | null) => (code ? `，如 ${code}` : '');
  return {
    villageCode: e.villageCode ?? '12 位村代码',
    townshipCode: e.townshipCode ?? '9 位乡镇代码',
    householdNumber: `${e.villageCode ?? '村代码'}-0012`,
    implementingUnit: e.villageName ?? '村民委员会',
    lon: e.centre?.[0] ?? '',
    lat: e.centre?.[1] ?? '',
    villageSuffix: like(e.villageCode),
    townshipSuffix: like(e.townshipCode),
    householdSuffix: like(e.villageCode && `${e.villageCode}-0012`),
  };
}

/** One key per distinct set of examples (a database holds one county, so there are few). */
export const examplesKey = (e: UploadExamples): string => [e.villageCode, e.villageName, e.townshipCode, e.centre?.join(',')].join('|');
