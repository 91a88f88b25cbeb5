/**
 * Who may do what, and over which villages. Division codes are hierarchical (a village code starts
 * with its township's code, which starts with its county's), so "in scope" is a prefix test.
 *
 * | role      | scope        | may                                                      |
 * | --------- | ------------ | -------------------------------------------------------- |
 * | county    | the county   | everything, including publishing                         |
 * | township  | a township   | read and upload for its villages, township review        |
 * | village   | a village    | read and upload its own projects and progress, 复核       |
 * | inspector | the county, or a city or province over several counties | read everything in scope, including the audit log; never write |
 *
 * A city or province office that oversees the counties of one portal reads through an inspector
 * scoped to its city (4 digits) or province (2 digits); approvals and publishing stay with each
 * county, and the county-wide reports (绩效自评表, 问卷结果) are read per county.
 */
export const ROLES = ['county', 'township', 'village', 'inspector'] as const;
export type Role = (typeof ROLES)[number];

/** The person (or office) behind a token. */
export interface Actor {
  userId: number;
  role: Role;
  /** Division code the role is limited to: a county, township or village code. */
  scopeCode: string;
  /** The user's name as given when the token was minted. */
  name: string;
  tokenId: number;
}

export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  county: '县级管理员',
  township: '乡镇审核员',
  village: '村干部',
  inspector: '监督检查员',
};

/** The division level a role's scope must be. */
export const ROLE_SCOPE_LEVEL: Readonly<Record<Role, 'county' | 'township' | 'village'>> = {
  county: 'county',
  township: 'township',
  village: 'village',
  inspector: 'county',
};

/** The levels an inspector's scope may be: its county, or the city or province above several counties. */
export const INSPECTOR_SCOPE_LEVELS = ['county', 'city', 'province'] as const;

/** Whether a scope code names one county (or a township or village within one), not a city or province. */
export function isWithinOneCounty(scopeCode: string): boolean {
  return scopeCode.length >= 6;
}

export const UPLOAD_KINDS = ['projects', 'disbursements', 'milestones', 'direct-subsidies', 'trainings', 'allocations', 'villages', 'households', 'household-payments'] as const;
export type UploadKind = (typeof UPLOAD_KINDS)[number];

/** Which roles may upload which kind (scope is checked per row on top of this). */
export const UPLOAD_ROLES: Readonly<Record<UploadKind, readonly Role[]>> = {
  projects: ['county', 'township', 'village'],
  milestones: ['county', 'township', 'village'],
  disbursements: ['county', 'township'],
  'direct-subsidies': ['county', 'township'],
  trainings: ['county', 'township'],
  allocations: ['county'],
  villages: ['county'],
  households: ['county'],
  'household-payments': ['county'],
};

export function canUpload(actor: Pick<Actor, 'role'>, kind: UploadKind): boolean {
  return UPLOAD_ROLES[kind].includes(actor.role);
}

/** Whether a division (village, township or county code) lies within the actor's scope. */
export function inScope(actor: Pick<Actor, 'scopeCode'>, divisionCode: string): boolean {
  return divisionCode.startsWith(actor.scopeCode);
}

/** Whether the actor may read internal data at all (every role may, within its scope). */
export function canRead(actor: Pick<Actor, 'role'>): boolean {
  return ROLES.includes(actor.role);
}

export function canReadAudit(actor: Pick<Actor, 'role'>): boolean {
  return actor.role === 'county' || actor.role === 'inspector';
}

export function canPublish(actor: Pick<Actor, 'role'>): boolean {
  return actor.role === 'county';
}

/**
 * The public name of the unit acting, recorded with milestones and workflow steps (never a
 * private person's name): 柏坊镇人民政府, 禄福村村民委员会, or the county's issuing unit.
 */
export function actorUnit(role: Role, scopeName: string, countyUnit: string): string {
  switch (role) {
    case 'county':
    case 'inspector':
      return countyUnit;
    case 'township':
      return scopeName.endsWith('街道') ? `${scopeName}办事处` : scopeName.endsWith('人民政府') ? scopeName : `${scopeName}人民政府`;
    case 'village': {
      const short = scopeName.replace(/村委会$/, '村').replace(/居委会$/, '');
      return short.endsWith('社区') || scopeName.endsWith('居委会') ? `${short}居民委员会` : `${short}村民委员会`;
    }
  }
}
