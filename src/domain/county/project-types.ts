/**
 * The project types every county starts with (大中型水库移民后期扶持 project categories) and the
 * self-evaluation count each feeds. A county may add its own later.
 */
import type { IndicatorGroup } from '../ledger/ledger.ts';
export interface ProjectTypeSeed {
  code: string;
  name: string;
  indicatorGroup: IndicatorGroup;
  sortOrder: number;
}

export const STANDARD_PROJECT_TYPES: readonly ProjectTypeSeed[] = [
  { code: 'beautiful_home', name: '美丽家园建设', indicatorGroup: 'beautiful_home', sortOrder: 1 },
  { code: 'production', name: '生产开发', indicatorGroup: 'production_infrastructure', sortOrder: 2 },
  { code: 'infrastructure', name: '配套基础设施', indicatorGroup: 'production_infrastructure', sortOrder: 3 },
  { code: 'training', name: '技能培训', indicatorGroup: 'training', sortOrder: 4 },
  { code: 'hazard_relief', name: '避险解困', indicatorGroup: 'hazard_relief', sortOrder: 5 },
  { code: 'other', name: '其他', indicatorGroup: 'other', sortOrder: 6 },
];
