/** A county's open-data files /counties/<code>/data/<dataset>.json (./_county-file.ts). */
import { countyDataRoute } from './_county-file.ts';

export const { getStaticPaths, GET } = countyDataRoute('json');
