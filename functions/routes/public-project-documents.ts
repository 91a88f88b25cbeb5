/**
 * `GET /files/projects/<code>/<id>-<sha8>.<pdf|jpg|png>` — a project document on the public site,
 * from the file storage (a folder in Node, R2 in a Worker), with the type sniffed at upload as its
 * Content-Type, `Content-Disposition: inline` with its title, and the documents' CSP
 * (functions/middleware/security-headers.ts). A document that was public and no longer is (withdrawn
 * or removed) answers 410 with a page that says so and since when: a published address never just
 * disappears. Anything never public, or unknown, is a 404.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { getProjectDocument, loadDocumentPolicyOfProject, type ProjectDocumentRow } from '../../src/data/project-documents.ts';
import { DOCUMENT_EXTENSION, documentDay, isDocumentShown, parseDocumentFileName, PROJECT_DOCUMENT_TYPE_LABELS } from '../../src/domain/ledger/project-documents.ts';
import { formatChineseDate } from '../../src/domain/shared/dates.ts';
import { escapeHtml } from '../../src/domain/shared/html-escape.ts';
import { contentDisposition } from './project-documents.ts';

export const publicProjectDocumentRoutes = new Hono<AppEnv>().get('/files/projects/:code/:file', async (c) => {
  const { db, files, logger } = c.get('deps');
  const name = parseDocumentFileName(c.req.param('file'));
  const doc = name ? await getProjectDocument(db, name.id) : null;
  if (!name || !doc || doc.projectCode !== c.req.param('code') || !doc.sha256.startsWith(name.sha8) || DOCUMENT_EXTENSION[doc.contentType] !== name.extension) return c.notFound();
  if (isDocumentShown(doc, await loadDocumentPolicyOfProject(db, doc.projectCode))) {
    const etag = `"${doc.sha256.slice(0, 32)}"`;
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, { etag });
    const file = files ? await files.storage.get(doc.storageKey) : null;
    if (!file) {
      logger.log('error', 'public project document missing from storage', { id: doc.id, key: doc.storageKey });
      return c.notFound();
    }
    return c.body(file.bytes as Uint8Array<ArrayBuffer>, 200, {
      'content-type': doc.contentType,
      'content-disposition': contentDisposition(`${doc.projectCode}-${doc.id}.${name.extension}`, `${doc.title}.${name.extension}`),
      etag,
    });
  }
  if (doc.publishedAt) return c.html(withdrawnPage(doc), 410);
  return c.notFound();
});

/** The page a withdrawn document's address shows: what it was, since when it is gone, where to go. */
export function withdrawnPage(doc: Pick<ProjectDocumentRow, 'projectCode' | 'docType' | 'title' | 'withdrawnAt' | 'removedAt' | 'publishedAt'>): string {
  const when = doc.removedAt ?? doc.withdrawnAt ?? doc.publishedAt!;
  const title = escapeHtml(doc.title);
  const code = escapeHtml(doc.projectCode);
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>这份文件已撤下</title></head><body style="font:18px/1.6 sans-serif;max-width:40em;margin:2em auto;padding:0 1em"><main><h1>这份文件已撤下</h1><p>《${title}》（${PROJECT_DOCUMENT_TYPE_LABELS[doc.docType]}）曾在项目 ${code} 的页面上公开，${formatChineseDate(documentDay(when))}撤下，现在不再公开。</p><p>项目的其他情况，请看项目页面。有疑问可以在项目页面上提问。</p><p><a href="/projects/${code}/">查看这个项目</a></p></main></body></html>`;
}
