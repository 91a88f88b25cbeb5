/**
 * Contract cases for the OpenAPI 3.1 document (`/api/v1/openapi.json`): it lists the villager-side
 * endpoints (public questions and lookup, staff triage, posting proofs) next to the upload and
 * workflow ones, each with the one error shape, and every documented operation is answered by the
 * app at that path (no "没有这个接口"), so the document and the routes cannot drift apart.
 */
import { describe, expect, it } from 'vitest';
import type { ApiTarget } from '../support/api-target.ts';

/** Operations that must be in the document: `METHOD path` as OpenAPI writes it. */
export const REQUIRED_OPERATIONS = [
  'GET /public/feedback/challenge',
  'POST /public/feedback',
  'POST /public/lookup',
  'GET /feedback',
  'PATCH /feedback/{id}',
  'POST /posting-proofs',
  'GET /posting-proofs',
  'GET /posting-proofs/{id}/image',
  'PATCH /posting-proofs/{id}',
  'POST /uploads/projects',
  'GET /projects',
  'POST /projects/{code}/transitions',
] as const;

interface Operation {
  security?: unknown[];
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}
type OpenApiDoc = { openapi: string; paths: Record<string, Record<string, Operation>> };

export function runOpenApiContract(newTarget: () => Promise<ApiTarget>) {
  describe('the OpenAPI document', () => {
    let target: ApiTarget;
    let doc: OpenApiDoc;
    const operations = () =>
      Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, path, method, op })));

    it('lists the villager-side endpoints with their request schemas and the one error shape', async () => {
      target = await newTarget();
      try {
        const res = await target.request('/api/v1/openapi.json');
        expect(res.status).toBe(200);
        doc = (await res.json()) as OpenApiDoc;
        expect(doc.openapi).toBe('3.1.0');
        const keys = operations().map((o) => o.key);
        for (const required of REQUIRED_OPERATIONS) expect(keys, `${required} is documented`).toContain(required);
        for (const { key, op } of operations().filter((o) => /^(POST|PATCH) \/(public|feedback|posting-proofs)/.test(o.key))) {
          expect(op.requestBody?.content, `${key} documents its body`).toBeDefined();
        }
        // Every required operation but the challenge (which cannot fail) names its errors.
        for (const { key, op } of operations().filter((o) => REQUIRED_OPERATIONS.includes(o.key as (typeof REQUIRED_OPERATIONS)[number]) && o.key !== 'GET /public/feedback/challenge')) {
          const errors = Object.entries(op.responses).filter(([status]) => Number(status) >= 400);
          expect(errors.length, `${key} documents its errors`).toBeGreaterThan(0);
          for (const [status, r] of errors) expect(r.content?.['application/json']?.schema?.$ref, `${key} ${status}`).toBe('#/components/schemas/Error');
        }
        expect(doc.paths['/feedback']!.get!.security).toEqual([{ bearerAuth: [] }]);
        expect(doc.paths['/public/feedback']!.post!.security).toBeUndefined();
      } finally {
        await target.dispose();
      }
    });

    it('has a route behind every documented operation: 401 without a token, or the public answer', async () => {
      target = await newTarget();
      try {
        if (!doc) doc = (await (await target.request('/api/v1/openapi.json')).json()) as OpenApiDoc;
        for (const { key, path, method, op } of operations()) {
          const url = `/api/v1${path.replace(/\{[^}]+\}/g, (p) => (p === '{kind}' ? 'projects' : '1'))}`;
          const res = await target.request(url, { method: method.toUpperCase(), headers: { 'content-type': 'application/json' }, body: method === 'get' ? undefined : '{}' });
          const body = res.headers.get('content-type')?.includes('json') ? ((await res.json()) as { code?: string }) : null;
          expect(body?.code, `${key} is routed`).not.toBe('NOT_FOUND');
          if (op.security) expect(res.status, `${key} needs a token`).toBe(401);
          else expect(res.status, `${key} answers without a token`).toBeLessThan(500);
        }
      } finally {
        await target.dispose();
      }
    });
  });
}
