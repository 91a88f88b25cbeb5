/**
 * What a county with nothing published yet does next, in order: divisions → 移民村名册 → 花名册 →
 * staff accounts → projects → approval → publish. Each step says what is there (counts), whether it
 * is done, and where to do it (a template, a part of the staff page, or a command).
 */

export interface SetupCounts {
  townships: number;
  villages: number;
  resettlementVillages: number;
  /** The latest year of the 移民村名册, or null. */
  registryYear: number | null;
  households: number;
  persons: number;
  householdPayments: number;
  /** False while ROSTER_KEY is unset for a real county: the 花名册 cannot be uploaded yet. */
  rosterKeySet: boolean;
  users: { county: number; township: number; village: number; inspector: number };
  projects: number;
  approvedProjects: number;
  /** Projects somewhere between 村申请 and 县审批. */
  pendingProjects: number;
  disclosures: number;
}

export interface SetupLink {
  label: string;
  href: string;
}

export interface SetupStep {
  key: 'divisions' | 'registry' | 'roster' | 'users' | 'projects' | 'approval' | 'publish';
  title: string;
  done: boolean;
  /** What is there now, in a short sentence. */
  status: string;
  links: SetupLink[];
  /** A command to run on the server, when the step is done there. */
  command?: string;
  /** Something that stops the step, e.g. a missing setting. */
  blocker?: string;
}

const template = (kind: string, label: string): SetupLink => ({ label: `${label}模板（Excel）`, href: `/api/v1/templates/${kind}.xlsx` });

export function setupChecklist(c: SetupCounts): { published: boolean; next: SetupStep['key'] | null; steps: SetupStep[] } {
  const steps: SetupStep[] = [
    {
      key: 'divisions',
      title: '载入乡镇和村',
      done: c.villages > 0,
      status: `${c.townships} 个乡镇（街道）、${c.villages} 个村（社区）。`,
      links: [],
      command: 'npm run county -- init <县代码> --divisions 区划.xlsx（区划与国家统计局不同时）',
    },
    {
      key: 'registry',
      title: '上传移民村名册',
      done: c.resettlementVillages > 0,
      status: c.resettlementVillages > 0 ? `${c.resettlementVillages} 个移民村（最近年度 ${c.registryYear}）。` : '还没有移民村。',
      links: [template('villages', '移民村名册'), { label: '到“上传”', href: '#up-h' }],
    },
    {
      key: 'roster',
      title: '上传花名册和一卡通发放结果（查直补要用）',
      done: c.households > 0,
      status: c.households > 0 ? `${c.households} 户、${c.persons} 人；一卡通发放结果 ${c.householdPayments} 条。` : '还没有花名册。',
      links: [template('households', '花名册'), template('household-payments', '一卡通发放结果'), { label: '到“上传”', href: '#up-h' }],
      ...(c.rosterKeySet ? {} : { blocker: '服务器还没有设置 ROSTER_KEY（身份证号加密用的密钥），花名册传不上来。请管理员按“设置一个县”文档设置后重启。' }),
    },
    {
      key: 'users',
      title: '给乡镇和村发账号',
      done: c.users.township > 0,
      status: `县 ${c.users.county} 个、乡镇 ${c.users.township} 个、村 ${c.users.village} 个、纪检审计 ${c.users.inspector} 个账号。`,
      // Opened on the staff page (工作人员账号); `npm run token -- create` on the server does the same.
      links: [{ label: '到“工作人员账号”', href: '#staff-h' }],
    },
    {
      key: 'projects',
      title: '上传项目',
      done: c.projects > 0,
      status: `${c.projects} 个项目。`,
      links: [template('projects', '项目申报'), { label: '到“上传”', href: '#up-h' }],
    },
    {
      key: 'approval',
      title: '逐级审批（村理财小组复核 → 乡镇审核 → 县审批）',
      done: c.approvedProjects > 0,
      status: `县级已审批 ${c.approvedProjects} 个，还在审批中 ${c.pendingProjects} 个。`,
      links: [{ label: '到“待我办理”', href: '#queue-h' }],
    },
    {
      key: 'publish',
      title: '发布公示，打印海报',
      done: c.disclosures > 0,
      status: c.disclosures > 0 ? `已发布 ${c.disclosures} 份公示。` : '还没有发布。',
      links: [{ label: '到“发布公示”', href: '#pub-h' }, { label: '先看草稿海报', href: '#draft-h' }],
    },
  ];
  return { published: c.disclosures > 0, next: steps.find((s) => !s.done)?.key ?? null, steps };
}
