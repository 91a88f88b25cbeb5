/** Shared OpenAPI/zod schemas of the API: the error body and common parameters. */
import { z } from '@hono/zod-openapi';
import { UPLOAD_KINDS } from '../../src/domain/access/access.ts';

export const ErrorDetailSchema = z
  .object({
    row: z.number().int().optional().describe('文件中的行号（表头为第 1 行）'),
    column: z.string().optional().describe('列名（模板表头）'),
    problem: z.string(),
    received: z.string().optional(),
    expected: z.string().optional(),
    hint: z.string().optional(),
  })
  .openapi('ErrorDetail');

export const ErrorSchema = z
  .object({
    code: z.string().meta({ example: 'VALIDATION_FAILED' }),
    message: z.string(),
    details: z.array(ErrorDetailSchema).optional(),
    requestId: z.string(),
  })
  .openapi('Error');

export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => [
      s,
      { description: ERROR_DESCRIPTIONS[s] ?? 'Error', content: { 'application/json': { schema: ErrorSchema } } },
    ]),
  );

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: '请求或数据有误（details 列出每一处）',
  401: '未登录或令牌无效',
  403: '角色或管理范围不允许',
  404: '不存在',
  409: '状态冲突',
  413: '文件太大',
  415: '不支持的文件类型',
  429: '失败次数过多，稍后再试',
};

export const UploadKindParam = z.enum(UPLOAD_KINDS).openapi({ param: { name: 'kind', in: 'path' }, example: 'projects' });

export const bearer = [{ bearerAuth: [] as string[] }];
