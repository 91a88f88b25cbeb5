/** Chinese labels for the fixed code values, as villagers read them. */
import type { FundSource } from './ledger.ts';

export const FUND_SOURCE_LABELS: Readonly<Record<FundSource, string>> = {
  central: '中央水库移民扶持基金',
  provincial: '省级资金',
  county: '县级资金',
  other: '其他资金',
};
