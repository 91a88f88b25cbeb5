/**
 * The readable API reference (`/api-reference/`, built from the OpenAPI document) lists the
 * villager-side endpoints: public questions and lookup, staff triage, posting proofs.
 */
import { describe, expect, inject, it } from 'vitest';
import { REQUIRED_OPERATIONS } from '../api/openapi.case.ts';

describe('/api-reference/', () => {
  it('lists every required operation, the villager-side ones included', async () => {
    const res = await fetch(`${inject('baseUrl')}/api-reference/`);
    expect(res.status).toBe(200);
    // Astro adds scoping attributes to the tags: compare with them removed.
    const html = (await res.text()).replace(/<code[^>]*>/g, '<code>');
    for (const operation of REQUIRED_OPERATIONS) expect(html, operation).toContain(`<code>${operation}</code>`);
  });
});
