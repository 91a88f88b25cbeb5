/**
 * 工作人员账号 on the staff page: the county lists, creates and revokes the township, village and
 * inspector users and their tokens (the token text is answered once, only its hash is kept). The
 * same functions as `npm run token` (src/data/users.ts), with the acting county user in each audit
 * entry. A county administrator is still made on the server only (`npm run token -- create --role
 * county`), and the county cannot revoke the token it is signed in with.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { eq } from 'drizzle-orm';
import { divisions } from '../../db/schema.ts';
import { checkNewToken, findAccount, listAccounts, MAX_TOKEN_NAME, mintToken, revokeToken, TokenAdminError, type ActingAs, type StaffAccount, type TokenProblem } from '../../src/data/users.ts';
import { inScope, ROLE_LABELS, ROLE_SCOPE_LEVEL, ROLES, type Actor, type Role } from '../../src/domain/access/access.ts';
import { ApiError, type ErrorDetail } from '../api-error.ts';
import type { AppEnv } from '../app-env.ts';
import { bearer, errorResponses } from './schemas.ts';

/** The roles the county may create on the staff page. */
export const STAFF_ROLES = ['township', 'village', 'inspector'] as const satisfies readonly Role[];
type StaffRole = (typeof STAFF_ROLES)[number];

const LEVEL_LABEL = { county: '县（市、区）', township: '乡镇（街道）', village: '村（社区）' } as const;
const CODE_DIGITS = { county: 6, township: 9, village: 12 } as const;
const ROLE_CHOICES = STAFF_ROLES.map((r) => `${r}（${ROLE_LABELS[r]}）`).join('、');

const COLUMN = { role: '角色', scopeCode: '管理范围', name: '姓名或用途', email: '邮箱' } as const;

const Account = z
  .object({
    id: z.number().int().describe('令牌（或 Cloudflare Access 授权）的编号，停用时用'),
    name: z.string().describe('姓名或用途'),
    label: z.string().describe('令牌的标签；Cloudflare Access 授权为 access:<邮箱>'),
    role: z.enum(ROLES),
    roleLabel: z.string(),
    scopeCode: z.string(),
    scopeName: z.string(),
    kind: z.enum(['token', 'access']).describe('token：令牌；access：Cloudflare Access 统一登录的授权（用 npm run access 开通）'),
    createdAt: z.string(),
    revokedAt: z.string().nullable().describe('停用时间；有效的为 null'),
    current: z.boolean().describe('是不是当前登录所用的账号（不能停用自己）'),
  })
  .openapi('StaffAccount');

/** A string field whose absence or wrong type is said in Chinese (the default hook prints zod's message). */
const text = (what: string) => z.string({ error: (issue) => (issue.input === undefined ? `缺少“${what}”` : `“${what}”应是文字`) });

const CreateBody = z
  .object({
    role: text(COLUMN.role).openapi({ enum: [...STAFF_ROLES], example: 'township', description: `${ROLE_CHOICES}；县级管理员不能在网页上开通` }),
    scopeCode: text(COLUMN.scopeCode).openapi({ example: '430482105', description: '管理范围的区划代码：乡镇审核员 9 位乡镇代码，村干部 12 位村代码，监督检查员 6 位本县代码' }),
    name: text(COLUMN.name).openapi({ example: '柏坊镇 张三', description: `姓名或岗位，不超过 ${MAX_TOKEN_NAME} 个字；有效账号之间不能重名` }),
  })
  .openapi('StaffAccountRequest');

const Created = z
  .object({
    id: z.number().int(),
    token: z.string().describe('令牌：只在这一次答复中出现，服务器只保存它的哈希'),
    name: z.string(),
    role: z.enum(STAFF_ROLES),
    roleLabel: z.string(),
    scopeCode: z.string(),
    scopeName: z.string(),
    createdAt: z.string(),
  })
  .openapi('StaffAccountCreated');

const IdParam = z.object({ id: z.coerce.number().int().positive().openapi({ param: { name: 'id', in: 'path' }, example: 12 }) });

const listRoute = createRoute({
  method: 'get',
  path: '/staff-accounts',
  tags: ['账号'],
  summary: '本县的工作人员账号（令牌和 Cloudflare Access 授权，含已停用的；新的在前；县级管理员）',
  security: bearer,
  responses: {
    200: { description: '账号列表（不含令牌本身，也不含哈希）', content: { 'application/json': { schema: z.object({ accounts: z.array(Account) }) } } },
    ...errorResponses(401, 403),
  },
});

const createAccountRoute = createRoute({
  method: 'post',
  path: '/staff-accounts',
  tags: ['账号'],
  summary: '开通乡镇、村或监督检查账号并发放令牌（县级管理员；令牌只答复这一次；记入审计日志）',
  security: bearer,
  request: { body: { required: true, content: { 'application/json': { schema: CreateBody } } } },
  responses: {
    201: { description: '已开通；请立即把令牌交给使用人，之后再也查不到', content: { 'application/json': { schema: Created } } },
    ...errorResponses(400, 401, 403),
  },
});

const revokeRoute = createRoute({
  method: 'post',
  path: '/staff-accounts/{id}/revoke',
  tags: ['账号'],
  summary: '停用一个账号（县级管理员；不能停用自己正在用的；记入审计日志）',
  security: bearer,
  request: { params: IdParam },
  responses: {
    200: { description: '已停用，令牌随即失效', content: { 'application/json': { schema: z.object({ id: z.number().int(), revokedAt: z.string() }) } } },
    ...errorResponses(400, 401, 403, 404, 409),
  },
});

function countyOnly(c: Context<AppEnv>): { actor: Actor; at: string; by: ActingAs } {
  const actor = c.get('actor');
  if (actor.role !== 'county') throw new ApiError(403, 'FORBIDDEN', '只有县级管理员可以开通、查看和停用工作人员账号。');
  return { actor, at: c.get('deps').clock().toISOString(), by: { label: actor.name, actorId: actor.userId, requestId: c.get('requestId') } };
}

const levelCode = (level: keyof typeof CODE_DIGITS) => `${CODE_DIGITS[level]} 位${LEVEL_LABEL[level]}代码`;

/** A problem of src/data/users.ts in the words of the staff page. */
export function tokenProblemDetail(p: TokenProblem, countyCode: string): ErrorDetail {
  const column = COLUMN[p.field];
  switch (p.reason) {
    case 'empty':
      return { column, problem: '没有填写', expected: `使用人的姓名或岗位，例如“柏坊镇 张三”，不超过 ${MAX_TOKEN_NAME} 个字` };
    case 'reserved':
      return { column, problem: '以 access: 开头的名称留给 Cloudflare Access 授权使用', received: p.received, expected: '换一个名称，例如使用人的姓名或岗位' };
    case 'too_long':
      return { column, problem: `太长了（${[...p.received].length} 个字）`, received: p.received, expected: `不超过 ${p.limit} 个字` };
    case 'taken':
      return { column, problem: '已经有一个有效账号用了这个名称', received: p.received, expected: '换一个名称（例如加上村名或岗位），或者先停用那个账号' };
    case 'unknown':
      return { column, problem: '找不到这个区划代码', received: p.received, expected: `本县（${countyCode}）现有的乡镇或村的区划代码`, hint: '区划代码可在下拉框里选；下拉框里没有的，要先载入区划' };
    case 'wrong_level':
      return {
        column,
        problem: `${ROLE_LABELS[p.role]}的管理范围应是${LEVEL_LABEL[p.needed]}，这个代码是${LEVEL_LABEL[p.level as keyof typeof LEVEL_LABEL] ?? p.level}`,
        received: `${p.received}（${p.divisionName}）`,
        expected: levelCode(p.needed),
      };
    case 'invalid':
      return { column, problem: '不是邮箱地址', received: p.received, expected: '例如 zhangsan@example.gov.cn' };
    case 'granted':
      return { column, problem: '这个邮箱已经有一个有效的授权', received: p.received, expected: '先停用原来的授权' };
  }
}

const refused = (details: ErrorDetail[]): never => {
  throw new ApiError(400, 'VALIDATION_FAILED', `账号信息有误（${details.length} 处），没有开通。`, details);
};

/** Everything wrong with a new account from the staff page, the CLI's checks and the web's own. */
async function checkAccount(c: Context<AppEnv>, actor: Actor, body: { role: string; scopeCode: string; name: string }): Promise<ErrorDetail[]> {
  const db = c.get('deps').db;
  const role = STAFF_ROLES.includes(body.role as StaffRole) ? (body.role as StaffRole) : null;
  const scopeCode = body.scopeCode.trim();
  const details: ErrorDetail[] = [];
  if (body.role === 'county') {
    details.push({
      column: COLUMN.role,
      problem: '县级管理员账号不能在网页上开通',
      received: `county（${ROLE_LABELS.county}）`,
      expected: ROLE_CHOICES,
      hint: '要再开一个县级管理员账号，请在服务器上运行 npm run token -- create --role county --scope <县代码> --name <姓名>',
    });
  } else if (!role) {
    details.push({ column: COLUMN.role, problem: '没有这个角色', received: body.role, expected: ROLE_CHOICES });
  }
  // Without a role the level cannot be checked; the rest can.
  const { problems } = await checkNewToken(db, { role: role ?? 'township', scopeCode, name: body.name });
  const [division] = scopeCode === '' ? [] : await db.select().from(divisions).where(eq(divisions.code, scopeCode)).limit(1);
  for (const p of problems) {
    if (p.field !== 'scopeCode') details.push(tokenProblemDetail(p, actor.scopeCode));
    else if (scopeCode === '') details.push({ column: COLUMN.scopeCode, problem: '没有选择', expected: role ? levelCode(ROLE_SCOPE_LEVEL[role]) : '本县的乡镇或村' });
    else if (division && !inScope(actor, division.code)) continue;
    else if (p.reason === 'unknown' || role) details.push(tokenProblemDetail(p, actor.scopeCode));
  }
  if (division && !inScope(actor, division.code)) {
    details.push({
      column: COLUMN.scopeCode,
      problem: '不在本县范围内',
      received: `${division.code}（${division.name}）`,
      expected: `本县（${actor.scopeCode}）的${role ? LEVEL_LABEL[ROLE_SCOPE_LEVEL[role]] : '乡镇或村'}，代码以 ${actor.scopeCode} 开头`,
    });
  } else if (division?.retiredOn) {
    details.push({
      column: COLUMN.scopeCode,
      problem: `这个区划已于 ${division.retiredOn} 撤并，不再有新的台账`,
      received: `${division.code}（${division.name}）`,
      expected: division.successorCode ? `撤并后的区划 ${division.successorCode}` : '现有的区划',
    });
  }
  // In the form's order: 角色, 管理范围, 姓名或用途.
  const order = [COLUMN.role, COLUMN.scopeCode, COLUMN.name] as string[];
  return details.sort((a, b) => order.indexOf(a.column ?? '') - order.indexOf(b.column ?? ''));
}

const view = (a: StaffAccount, actor: Actor): z.infer<typeof Account> => ({
  id: a.id,
  name: a.name,
  label: a.label,
  role: a.role,
  roleLabel: ROLE_LABELS[a.role],
  scopeCode: a.scopeCode,
  scopeName: a.scopeName ?? a.scopeCode,
  kind: a.kind,
  createdAt: a.createdAt,
  revokedAt: a.revokedAt,
  current: a.id === actor.tokenId,
});

export function registerStaffAccountRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openapi(listRoute, async (c) => {
    const { actor } = countyOnly(c);
    const accounts = await listAccounts(c.get('deps').db, actor.scopeCode);
    return c.json({ accounts: accounts.map((a) => view(a, actor)) }, 200);
  });

  app.openapi(createAccountRoute, async (c) => {
    const { actor, at, by } = countyOnly(c);
    const body = c.req.valid('json');
    const details = await checkAccount(c, actor, body);
    if (details.length > 0) refused(details);
    let minted;
    try {
      minted = await mintToken(c.get('deps').db, { role: body.role as StaffRole, scopeCode: body.scopeCode.trim(), name: body.name, at, by });
    } catch (error) {
      // Checked above; a request made at the same moment may still have taken the name.
      if (error instanceof TokenAdminError && error.problem) refused([tokenProblemDetail(error.problem, actor.scopeCode)]);
      throw error;
    }
    return c.json(
      {
        id: minted.tokenId,
        token: minted.token,
        name: minted.label,
        role: minted.role as StaffRole,
        roleLabel: ROLE_LABELS[minted.role],
        scopeCode: minted.scopeCode,
        scopeName: minted.scopeName,
        createdAt: at,
      },
      201,
    );
  });

  app.openapi(revokeRoute, async (c) => {
    const { actor, at, by } = countyOnly(c);
    const { id } = c.req.valid('param');
    const db = c.get('deps').db;
    const account = await findAccount(db, id);
    const gone = () => new ApiError(404, 'NO_ACTIVE_ACCOUNT', `没有编号为 ${id} 的有效账号：可能已经停用，或者不是本县的账号。`);
    if (!account || account.revokedAt !== null || !inScope(actor, account.scopeCode)) throw gone();
    if (account.id === actor.tokenId) {
      throw new ApiError(
        409,
        'CANNOT_REVOKE_OWN_ACCOUNT',
        '不能停用您现在登录用的这个账号，否则本单位就登录不了了。要换令牌，请先在服务器上开通新的县级管理员账号（npm run token -- create --role county），用新令牌登录后再停用这个。',
      );
    }
    if ((await revokeToken(db, id, at, by)) === 0) throw gone();
    return c.json({ id, revokedAt: at }, 200);
  });
}
