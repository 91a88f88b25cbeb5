/** A county's open-data files /counties/<code>/data/<dataset>.csv (./_county-file.ts). */
import { countyDataRoute } from './_county-file.ts';

export const { getStaticPaths, GET } = countyDataRoute('csv');
