/**
 * Where each published village version lives on the site, for good: its page (the address a
 * poster's QR code prints), and its open-data snapshot. A correction adds a version and new
 * addresses; it never moves or removes one that was published.
 *
 * @example villageVersionPath('430482005203', 2025, 2) // '/villages/430482005203/2025/v2/'
 */

/** The page of one version: what it said, and whether it is still the current one. */
export function villageVersionPath(villageCode: string, year: number, version: number): string {
  return `/villages/${villageCode}/${year}/v${version}/`;
}

/** The published snapshot of one version as JSON: the content exactly as hashed, with its chain fields. */
export function villageVersionDataPath(villageCode: string, year: number, version: number): string {
  return `/data/villages/${villageCode}/versions/${year}-v${version}.json`;
}
