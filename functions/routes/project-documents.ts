/**
 * 项目档案 for staff (bearer token, under /api/v1):
 * - `POST /projects/{code}/documents` — attach a document: multipart `file` with `type` and `title`
 *   fields, or the raw file as the body with `?type=&title=`. What the file is comes from its bytes
 *   (PDF, JPEG or PNG only; a name that says otherwise is refused); PDF up to 10 MB, images 5 MB.
 *   Photos are stored re-encoded (Node) or stripped of metadata (Worker); PDFs as uploaded. County;
 *   a township for its villages' projects; a village for its own. Not the inspector.
 * - `GET /projects/{code}/documents` — the project's documents, the checklist of the types its
 *   stage calls for and which are missing, and the county's per-type setting. Anyone in scope.
 * - `GET /projects/{code}/documents/{id}/file` — the stored file, for staff to look at before review.
 * - `POST /projects/{code}/documents/{id}/review` `{ reviewed, public }` — the county's tick
 *   (已核对，不含个人信息) and the public switch. County only.
 * - `DELETE /projects/{code}/documents/{id}` — removes it (the row stays; the bytes go). County only.
 * - `GET /county/document-types`, `PUT /county/document-types` `{ public: [types] }` — which types the
 *   county publishes (everyone reads it; the county changes it).
 * A document is public only when its type is, it is marked public and the county ticked it
 * reviewed. Every change is audited; one that shows or withdraws a public document rebuilds the site.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { appendAudit } from '../../src/data/audit.ts';
import { countyOfCode } from '../../src/data/county-settings.ts';
import {
  getDocumentProject,
  getProjectDocument,
  insertProjectDocument,
  listProjectDocuments,
  loadDocumentPolicy,
  removeProjectDocument,
  reviewProjectDocument,
  saveDocumentPolicy,
  type DocumentProject,
  type ProjectDocumentRow,
} from '../../src/data/project-documents.ts';
import { writeTransaction } from '../../src/data/write-lock.ts';
import { inScope } from '../../src/domain/access/access.ts';
import {
  ACCEPTED_FILES_TEXT,
  checkDocumentFile,
  DEFAULT_DOCUMENT_POLICY,
  DOCUMENT_CONTENT_TYPES,
  DOCUMENT_EXTENSION,
  documentPublicPath,
  documentStatusLabel,
  documentTitle,
  expectedDocumentTypes,
  formatFileSize,
  isDocumentShown,
  MAX_DOCUMENT_BODY_BYTES,
  MAX_TITLE_LENGTH,
  PROJECT_DOCUMENT_TYPE_LABELS,
  PROJECT_DOCUMENT_TYPES,
  REVIEW_STATEMENT,
  type DocumentPolicy,
  type ProjectDocumentType,
} from '../../src/domain/ledger/project-documents.ts';
import { normalizeCode } from '../../src/domain/upload/upload-cells.ts';
import { ApiError } from '../api-error.ts';
import type { AppEnv } from '../app-env.ts';
import { scheduleRebuild } from '../rebuild.ts';
import { stripDocumentImage } from '../storage/document-image.ts';
import { UnsupportedImageError } from '../storage/file-storage.ts';
import { auditInput } from './public-audit.ts';
import { bearer, ErrorSchema, errorResponses } from './schemas.ts';
import { readBodyFile } from './upload-body.ts';

const TAGS = ['项目档案'];
const TypeEnum = z.enum(PROJECT_DOCUMENT_TYPES);

const CodeParam = z.object({ code: z.string().min(1).max(40).openapi({ param: { name: 'code', in: 'path' }, example: 'CN2025-0101' }) });
const DocParams = CodeParam.extend({ id: z.coerce.number().int().positive().openapi({ param: { name: 'id', in: 'path' }, example: 3 }) });

export const ProjectDocumentSchema = z
  .object({
    id: z.number().int(),
    projectCode: z.string(),
    type: TypeEnum,
    typeLabel: z.string().describe('类型（中文）'),
    title: z.string(),
    contentType: z.enum(DOCUMENT_CONTENT_TYPES).describe('从文件内容判断出的类型'),
    byteSize: z.number().int(),
    sizeText: z.string().describe('大小，如 1.2 MB'),
    sha256: z.string(),
    uploadedAt: z.string(),
    isPublic: z.boolean().describe('县里是否同意公开（还要核对过、这一类公开，才真正公开）'),
    reviewed: z.boolean().describe(`县里是否已勾选“${REVIEW_STATEMENT}”`),
    reviewedAt: z.string().nullable(),
    shown: z.boolean().describe('现在是否在公开网站上'),
    status: z.string().describe('状态（中文）：已公开、待县里核对、不公开、已撤下、已删除'),
    publishedAt: z.string().nullable().describe('第一次公开的时间'),
    withdrawnAt: z.string().nullable().describe('最近一次撤下的时间'),
    removedAt: z.string().nullable(),
    publicUrl: z.string().nullable().describe('公开地址（公开过的文件才有；撤下后该地址回答 410）'),
    fileUrl: z.string().nullable().describe('工作人员查看文件的地址（要带令牌；删除后为 null）'),
  })
  .openapi('ProjectDocument');

const PolicySchema = z
  .object({ types: z.array(z.object({ type: TypeEnum, label: z.string(), isPublic: z.boolean(), isDefault: z.boolean().describe('与默认设置相同') })), reviewStatement: z.string() })
  .openapi('DocumentTypePolicy');

const ListAnswer = z
  .object({
    project: z.object({ code: z.string(), name: z.string(), year: z.number().int(), villageCode: z.string(), workflowState: z.string() }),
    documents: z.array(ProjectDocumentSchema),
    checklist: z
      .array(z.object({ type: TypeEnum, label: z.string(), present: z.boolean() }))
      .describe('按项目进度应有的文件：立项申请报告（已申报）、批复文件（已批复）、合同（已开工）、照片（已完工）、验收表（已验收）、结算单（已决算）'),
    missing: z.array(TypeEnum),
    missingLabels: z.array(z.string()),
  })
  .merge(PolicySchema)
  .openapi('ProjectDocumentList');

export const ReviewBody = z
  .object({
    reviewed: z.boolean().describe(`勾选“${REVIEW_STATEMENT}”`),
    public: z.boolean().describe('公开（只有县里设为公开的类型可以公开）'),
  })
  .openapi('ProjectDocumentReview');

const PolicyBody = z.object({ public: z.array(TypeEnum).max(PROJECT_DOCUMENT_TYPES.length).describe('公开的类型（没列出的都不公开）') }).openapi('DocumentTypePolicyRequest');

const rebuildField = z.enum(['scheduled', 'not_configured', 'not_needed']).describe('公开网站是否要重建');

const listRoute = createRoute({
  method: 'get',
  path: '/projects/{code}/documents',
  tags: TAGS,
  summary: '项目档案：文件列表、按进度还缺哪些文件、县里哪些类型公开',
  security: bearer,
  request: { params: CodeParam },
  responses: { 200: { description: '项目档案', content: { 'application/json': { schema: ListAnswer } } }, ...errorResponses(401, 403, 404) },
});

const fileRoute = createRoute({
  method: 'get',
  path: '/projects/{code}/documents/{id}/file',
  tags: TAGS,
  summary: '文件本身（工作人员核对用，未公开的也能看）',
  security: bearer,
  request: { params: DocParams },
  responses: {
    200: { description: 'PDF、JPG 或 PNG', content: Object.fromEntries(DOCUMENT_CONTENT_TYPES.map((t) => [t, { schema: z.string().meta({ format: 'binary' }) }])) },
    ...errorResponses(401, 403, 404),
  },
});

const reviewRoute = createRoute({
  method: 'post',
  path: '/projects/{code}/documents/{id}/review',
  tags: TAGS,
  summary: '核对和公开（县级管理员）',
  description: `勾选“${REVIEW_STATEMENT}”并设为公开的文件，如果这一类县里设为公开，就出现在项目的公开页面上（网站随即重建）。取消勾选或不公开就撤下，原地址回答 410“已撤下”。`,
  security: bearer,
  request: { params: DocParams, body: { required: true, content: { 'application/json': { schema: ReviewBody } } } },
  responses: {
    200: { description: '已保存', content: { 'application/json': { schema: z.object({ document: ProjectDocumentSchema, rebuild: rebuildField }) } } },
    ...errorResponses(400, 401, 403, 404, 409),
  },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/projects/{code}/documents/{id}',
  tags: TAGS,
  summary: '删除文件（县级管理员）',
  description: '文件内容从存储里删掉，记录留着：公开过的文件，原地址回答 410“已撤下”，并说明撤下的日期。',
  security: bearer,
  request: { params: DocParams },
  responses: {
    200: { description: '已删除', content: { 'application/json': { schema: z.object({ document: ProjectDocumentSchema, rebuild: rebuildField }) } } },
    ...errorResponses(401, 403, 404),
  },
});

const policyGetRoute = createRoute({
  method: 'get',
  path: '/county/document-types',
  tags: TAGS,
  summary: '项目档案中哪些类型公开（本县设置）',
  security: bearer,
  responses: { 200: { description: '每一类是否公开', content: { 'application/json': { schema: PolicySchema } } }, ...errorResponses(401) },
});

const policyPutRoute = createRoute({
  method: 'put',
  path: '/county/document-types',
  tags: TAGS,
  summary: '设定哪些类型公开（县级管理员）',
  description: '默认公开：批复文件、合同、验收表、结算单、照片；不公开：立项申请报告、其他。改为不公开的类型，已公开的文件随即撤下。',
  security: bearer,
  request: { body: { required: true, content: { 'application/json': { schema: PolicyBody } } } },
  responses: {
    200: { description: '已保存', content: { 'application/json': { schema: PolicySchema.extend({ rebuild: rebuildField }) } } },
    ...errorResponses(400, 401, 403),
  },
});

function view(doc: ProjectDocumentRow, policy: DocumentPolicy): z.infer<typeof ProjectDocumentSchema> {
  return {
    id: doc.id,
    projectCode: doc.projectCode,
    type: doc.docType,
    typeLabel: PROJECT_DOCUMENT_TYPE_LABELS[doc.docType],
    title: doc.title,
    contentType: doc.contentType,
    byteSize: doc.byteSize,
    sizeText: formatFileSize(doc.byteSize),
    sha256: doc.sha256,
    uploadedAt: doc.uploadedAt,
    isPublic: doc.isPublic,
    reviewed: doc.reviewedAt !== null,
    reviewedAt: doc.reviewedAt,
    shown: isDocumentShown(doc, policy),
    status: documentStatusLabel(doc, policy),
    publishedAt: doc.publishedAt,
    withdrawnAt: doc.withdrawnAt,
    removedAt: doc.removedAt,
    publicUrl: doc.publishedAt ? documentPublicPath(doc) : null,
    fileUrl: doc.removedAt ? null : `/api/v1/projects/${doc.projectCode}/documents/${doc.id}/file`,
  };
}

function policyView(policy: DocumentPolicy): z.infer<typeof PolicySchema> {
  return {
    types: PROJECT_DOCUMENT_TYPES.map((t) => ({ type: t, label: PROJECT_DOCUMENT_TYPE_LABELS[t], isPublic: policy[t], isDefault: policy[t] === DEFAULT_DOCUMENT_POLICY[t] })),
    reviewStatement: REVIEW_STATEMENT,
  };
}

/** The project named in the path, within the caller's scope (404 unknown, 403 out of scope). */
async function projectInScope(c: Context<AppEnv>, rawCode: string): Promise<DocumentProject> {
  const code = normalizeCode(rawCode, { upperCase: true });
  const project = await getDocumentProject(c.get('deps').db, code);
  if (!project) throw new ApiError(404, 'NOT_FOUND', `没有编号为 ${code} 的项目。`);
  if (!inScope(c.get('actor'), project.villageCode)) throw new ApiError(403, 'OUT_OF_SCOPE', `项目 ${code} 所在的村不在您的管理范围内。`);
  return project;
}

/** One of the project's documents (404 when it belongs to another project). */
async function documentOf(c: Context<AppEnv>, project: DocumentProject, id: number): Promise<ProjectDocumentRow> {
  const doc = await getProjectDocument(c.get('deps').db, id);
  if (!doc || doc.projectCode !== project.code) throw new ApiError(404, 'NOT_FOUND', `项目 ${project.code} 没有编号为 ${id} 的文件。`);
  return doc;
}

function countyOnly(c: Context<AppEnv>, what: string): void {
  if (c.get('actor').role !== 'county') throw new ApiError(403, 'FORBIDDEN', `只有县级管理员可以${what}。`);
}

function rebuildFor(c: Context<AppEnv>, year: number | null, at: string) {
  return scheduleRebuild(c, { reason: 'project_document', year, createdCount: 0, publishedAt: at });
}

/** A type as typed: the key (`contract`) or the Chinese label (`合同`). */
function readType(value: string | undefined): ProjectDocumentType {
  const v = (value ?? '').trim();
  const type = PROJECT_DOCUMENT_TYPES.find((t) => t === v || PROJECT_DOCUMENT_TYPE_LABELS[t] === v);
  if (type) return type;
  const labels = PROJECT_DOCUMENT_TYPES.map((t) => PROJECT_DOCUMENT_TYPE_LABELS[t]).join('、');
  throw new ApiError(400, 'VALIDATION_FAILED', v === '' ? `请选择文件类型：${labels}。` : `不认识文件类型“${v}”。应为：${labels}。`, [
    { column: 'type', problem: v === '' ? '缺少文件类型' : '不认识的文件类型', received: v, expected: PROJECT_DOCUMENT_TYPES.join(', ') },
  ]);
}

const tooLarge = () => new ApiError(413, 'PAYLOAD_TOO_LARGE', `文件太大。${ACCEPTED_FILES_TEXT}。`);

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Documents the upload (its body is read raw, so it is registered apart from its handler). */
function registerUploadDocs(api: OpenAPIHono<AppEnv>): void {
  api.openAPIRegistry.registerPath({
    method: 'post',
    path: '/projects/{code}/documents',
    tags: TAGS,
    summary: '上传项目档案（立项申请报告、批复文件、合同、验收表、结算单、照片、其他）',
    description:
      `${ACCEPTED_FILES_TEXT}。文件类型看文件内容，不看名字：改了名字的网页、Word 文件都会被拒绝，名字和内容不一致（如 PDF 起名 .jpg）也会被拒绝。` +
      '照片去掉拍摄地点等全部元数据后才保存；PDF 原样保存，所以要县里核对后才能公开。县级（全县）、乡镇（本乡镇的项目）、村（本村的项目）可以上传，监督检查员不能。',
    security: bearer,
    request: {
      params: CodeParam,
      query: z.object({
        type: TypeEnum.optional().describe('文件类型（也可写中文，如“合同”）；用表单上传时也可放在表单字段 type 里'),
        title: z.string().max(MAX_TITLE_LENGTH).optional().describe('标题；不填就用类型名'),
      }),
      body: {
        required: true,
        content: {
          'multipart/form-data': { schema: z.object({ file: z.string().meta({ format: 'binary' }), type: TypeEnum, title: z.string().max(MAX_TITLE_LENGTH).optional() }) },
          'application/pdf': { schema: z.string().meta({ format: 'binary' }) },
          'image/jpeg': { schema: z.string().meta({ format: 'binary' }) },
          'image/png': { schema: z.string().meta({ format: 'binary' }) },
        },
      },
    },
    responses: {
      201: { description: '已上传', content: { 'application/json': { schema: z.object({ document: ProjectDocumentSchema, missing: z.array(TypeEnum), stored: z.enum(['as-uploaded', 're-encoded', 'metadata-stripped']) }) } } },
      ...errorResponses(400, 401, 403, 404, 413, 415),
      503: { description: '文件存储没有配置', content: { 'application/json': { schema: ErrorSchema } } },
    },
  });
}

export function registerProjectDocumentRoutes(api: OpenAPIHono<AppEnv>): void {
  registerUploadDocs(api);

  api.post('/projects/:code/documents', async (c) => {
    const actor = c.get('actor');
    const { db, clock, files } = c.get('deps');
    if (actor.role === 'inspector') throw new ApiError(403, 'FORBIDDEN', '监督检查员只能查看，不能上传。');
    const project = await projectInScope(c, c.req.param('code'));
    if (!files) throw new ApiError(503, 'STORAGE_NOT_CONFIGURED', '文件存储还没有配置，请联系县移民事务中心。');
    const body = await readBodyFile(c.req.raw, MAX_DOCUMENT_BODY_BYTES, tooLarge);
    const type = readType(body.fields.type ?? c.req.query('type'));
    const title = documentTitle(body.fields.title ?? c.req.query('title'), type);
    const checked = checkDocumentFile(body.bytes, body.fileName);
    if (!checked.ok) throw new ApiError(checked.status, checked.code, checked.message, [{ column: 'file', problem: checked.message, received: body.fileName ?? undefined, expected: 'PDF、JPG 或 PNG' }]);

    let stored = body.bytes;
    let method: 'as-uploaded' | 're-encoded' | 'metadata-stripped' = 'as-uploaded';
    if (checked.contentType !== 'application/pdf') {
      try {
        const clean = await (files.cleanDocumentImage ?? stripDocumentImage)(body.bytes, checked.contentType);
        stored = clean.bytes;
        method = clean.method;
      } catch (err) {
        if (err instanceof UnsupportedImageError) throw new ApiError(415, 'UNSUPPORTED_IMAGE', '这张图片打不开（文件可能坏了或没传完）。请重新拍照或导出后再上传。');
        throw err;
      }
    }
    const sha256 = await sha256Hex(stored);
    const original = method === 'as-uploaded' ? {} : { originalSha256: await sha256Hex(body.bytes), originalByteSize: body.bytes.length };
    const now = clock().toISOString();
    const key = `project-documents/${project.code}/${crypto.randomUUID()}.${DOCUMENT_EXTENSION[checked.contentType]}`;
    await files.storage.put(key, stored, checked.contentType);
    let id: number;
    let policy: DocumentPolicy;
    try {
      ({ id, policy } = await writeTransaction(db, async (tx) => {
        const policy = await loadDocumentPolicy(tx, countyOfCode(project.villageCode));
        const id = await insertProjectDocument(tx, {
          projectCode: project.code,
          docType: type,
          title,
          storageKey: key,
          contentType: checked.contentType,
          byteSize: stored.length,
          sha256,
          uploadedBy: actor.userId,
          uploadedAt: now,
          isPublic: policy[type],
        });
        await appendAudit(
          tx,
          auditInput(c, {
            action: 'project_document.upload',
            subjectType: 'project_document',
            subjectId: String(id),
            detail: {
              projectCode: project.code,
              type,
              title,
              contentType: checked.contentType,
              byteSize: stored.length,
              sha256,
              stored: method,
              ...original,
            },
          }),
        );
        return { id, policy };
      }));
    } catch (err) {
      await files.storage.delete(key).catch(() => undefined);
      throw err;
    }
    const doc = (await getProjectDocument(db, id))!;
    const present = (await listProjectDocuments(db, project.code)).filter((d) => d.removedAt === null).map((d) => d.docType);
    const missing = expectedDocumentTypes(project).filter((t) => !present.includes(t));
    return c.json({ document: view(doc, policy), missing, stored: method }, 201);
  });

  api.openapi(listRoute, async (c) => {
    const project = await projectInScope(c, c.req.valid('param').code);
    const { db } = c.get('deps');
    const [docs, policy] = await Promise.all([listProjectDocuments(db, project.code), loadDocumentPolicy(db, countyOfCode(project.villageCode))]);
    const present = new Set(docs.filter((d) => d.removedAt === null).map((d) => d.docType));
    const checklist = expectedDocumentTypes(project).map((t) => ({ type: t, label: PROJECT_DOCUMENT_TYPE_LABELS[t], present: present.has(t) }));
    const missing = checklist.filter((x) => !x.present).map((x) => x.type);
    return c.json(
      {
        project: { code: project.code, name: project.name, year: project.year, villageCode: project.villageCode, workflowState: project.workflowState },
        documents: docs.map((d) => view(d, policy)),
        checklist,
        missing,
        missingLabels: missing.map((t) => PROJECT_DOCUMENT_TYPE_LABELS[t]),
        ...policyView(policy),
      },
      200,
    );
  });

  api.openapi(fileRoute, async (c) => {
    const params = c.req.valid('param');
    const project = await projectInScope(c, params.code);
    const doc = await documentOf(c, project, params.id);
    const { files } = c.get('deps');
    const file = doc.removedAt === null && files ? await files.storage.get(doc.storageKey) : null;
    if (!file) throw new ApiError(404, 'NOT_FOUND', doc.removedAt ? '这份文件已删除。' : '文件不见了，请重新上传。');
    const ext = DOCUMENT_EXTENSION[doc.contentType];
    return c.body(file.bytes as Uint8Array<ArrayBuffer>, 200, {
      'content-type': doc.contentType,
      'content-disposition': contentDisposition(`${doc.projectCode}-${doc.id}.${ext}`, `${doc.title}.${ext}`),
      'cache-control': 'private, no-store',
    }) as never;
  });

  api.openapi(reviewRoute, async (c) => {
    countyOnly(c, '核对和公开项目档案');
    const params = c.req.valid('param');
    const body = c.req.valid('json');
    const project = await projectInScope(c, params.code);
    const doc = await documentOf(c, project, params.id);
    if (doc.removedAt) throw new ApiError(409, 'REMOVED', '这份文件已删除，不能再公开。请重新上传。');
    const { db, clock } = c.get('deps');
    const at = clock().toISOString();
    const outcome = await writeTransaction(db, async (tx) => {
      const policy = await loadDocumentPolicy(tx, countyOfCode(project.villageCode));
      if (body.public && !policy[doc.docType]) {
        const label = PROJECT_DOCUMENT_TYPE_LABELS[doc.docType];
        throw new ApiError(409, 'TYPE_NOT_PUBLIC', `县里设定“${label}”这一类不公开，所以这份文件不能公开。要公开，请先在“哪些类型公开”里勾选“${label}”。`);
      }
      const change = await reviewProjectDocument(tx, doc, { reviewed: body.reviewed, isPublic: body.public, by: c.get('actor').userId, at }, policy);
      await appendAudit(
        tx,
        auditInput(c, {
          action: 'project_document.review',
          subjectType: 'project_document',
          subjectId: String(doc.id),
          detail: {
            projectCode: doc.projectCode,
            type: doc.docType,
            sha256: doc.sha256,
            from: { reviewed: doc.reviewedAt !== null, public: doc.isPublic, shown: change.before },
            to: { reviewed: body.reviewed, public: body.public, shown: change.after },
            statement: body.reviewed ? REVIEW_STATEMENT : null,
          },
        }),
      );
      return { ...change, policy };
    });
    const rebuild = outcome.before !== outcome.after ? rebuildFor(c, project.year, at) : ('not_needed' as const);
    return c.json({ document: view((await getProjectDocument(db, doc.id))!, outcome.policy), rebuild }, 200);
  });

  api.openapi(deleteRoute, async (c) => {
    countyOnly(c, '删除项目档案');
    const params = c.req.valid('param');
    const project = await projectInScope(c, params.code);
    const doc = await documentOf(c, project, params.id);
    const { db, clock, files } = c.get('deps');
    if (doc.removedAt) return c.json({ document: view(doc, await loadDocumentPolicy(db, countyOfCode(project.villageCode))), rebuild: 'not_needed' as const }, 200);
    const at = clock().toISOString();
    const outcome = await writeTransaction(db, async (tx) => {
      const policy = await loadDocumentPolicy(tx, countyOfCode(project.villageCode));
      const { wasShown } = await removeProjectDocument(tx, doc, c.get('actor').userId, at, policy);
      await appendAudit(
        tx,
        auditInput(c, {
          action: 'project_document.remove',
          subjectType: 'project_document',
          subjectId: String(doc.id),
          detail: { projectCode: doc.projectCode, type: doc.docType, title: doc.title, sha256: doc.sha256, wasShown },
        }),
      );
      return { wasShown, policy };
    });
    // The bytes go: a document is often removed because something in it should not be kept.
    await files?.storage.delete(doc.storageKey).catch(() => undefined);
    const rebuild = outcome.wasShown ? rebuildFor(c, project.year, at) : ('not_needed' as const);
    return c.json({ document: view((await getProjectDocument(db, doc.id))!, outcome.policy), rebuild }, 200);
  });

  api.openapi(policyGetRoute, async (c) => c.json(policyView(await loadDocumentPolicy(c.get('deps').db, countyOfCode(c.get('actor').scopeCode))), 200));

  api.openapi(policyPutRoute, async (c) => {
    countyOnly(c, '设定项目档案哪些类型公开');
    const wanted = new Set(c.req.valid('json').public);
    const next = Object.fromEntries(PROJECT_DOCUMENT_TYPES.map((t) => [t, wanted.has(t)])) as DocumentPolicy;
    const { db, clock } = c.get('deps');
    const at = clock().toISOString();
    const actor = c.get('actor');
    const result = await writeTransaction(db, async (tx) => {
      const saved = await saveDocumentPolicy(tx, countyOfCode(actor.scopeCode), next, actor.name, at);
      const changed = PROJECT_DOCUMENT_TYPES.filter((t) => saved.before[t] !== next[t]);
      if (changed.length > 0) {
        await appendAudit(
          tx,
          auditInput(c, {
            action: 'project_document.policy',
            subjectType: 'county',
            subjectId: countyOfCode(actor.scopeCode),
            detail: { public: PROJECT_DOCUMENT_TYPES.filter((t) => next[t]), changed, documentsOfProjects: saved.changedProjects.map((p) => p.code) },
          }),
        );
      }
      return saved;
    });
    const years = [...new Set(result.changedProjects.map((p) => p.year))];
    const rebuild = result.changedProjects.length > 0 ? rebuildFor(c, years.length === 1 ? years[0]! : null, at) : ('not_needed' as const);
    return c.json({ ...policyView(next), rebuild }, 200);
  });
}

/**
 * `Content-Disposition: inline` with a plain ASCII name and the document's own title (RFC 6266,
 * `filename*` in UTF-8), so a saved file is called 施工合同.pdf, not 12-0a1b2c3d.pdf.
 */
export function contentDisposition(asciiName: string, title: string): string {
  const safe = title.replace(/[\\/:*?"<>|\s]+/g, ' ').trim() || asciiName;
  const encoded = encodeURIComponent(safe).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `inline; filename="${asciiName}"; filename*=UTF-8''${encoded}`;
}
