/** Dates are ISO `YYYY-MM-DD` strings in data; shown in Chinese, in Asia/Shanghai. */

/**
 * @example formatChineseDate('2023-08-31') // "2023年8月31日"
 */
export function formatChineseDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  return `${m[1]}年${Number(m[2])}月${Number(m[3])}日`;
}

/** The calendar day in Asia/Shanghai of an instant, as `YYYY-MM-DD`. */
export function shanghaiDate(instant: Date): string {
  const shifted = new Date(instant.getTime() + 8 * 3600_000);
  return shifted.toISOString().slice(0, 10);
}

/** Adds whole days to an ISO date. */
export function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
