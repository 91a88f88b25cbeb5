/**
 * The Worker keeps rendered pages under `publicChangeStamp` (functions/worker.ts): it must move
 * with every audited change a public page can show, and only with those. Every audit action the
 * code writes is classified here, so a new one cannot be forgotten.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appendAudit, PUBLIC_CHANGE_ACTIONS, publicChangeStamp } from '../../src/data/audit.ts';
import { PROJECT_ROOT } from '../../src/cli/site-build.ts';
import { UPLOAD_KINDS } from '../../src/domain/access/access.ts';
import { WORKFLOW_ACTIONS } from '../../src/domain/ledger/workflow.ts';
import { createTempDatabase, type TempDatabase } from '../support/temp-database.ts';

/** Actions that change no public page, and why. */
const PRIVATE_ACTIONS: Record<string, string> = {
  'subsidy.lookup': 'a villager looked up a payment; nothing shown changes',
  'token.create': 'staff accounts are not public',
  'token.revoke': 'staff accounts are not public',
  'access.grant': 'staff accounts are not public',
  'access.revoke': 'staff accounts are not public',
  'self_evaluation.save': 'the 绩效自评 is an office document, not on the site',
  'satisfaction.paper': 'paper questionnaires feed the office report, not a page rendered on demand',
  // Uploads and the approval steps change the ledger, which pages show only once published.
  ...Object.fromEntries(UPLOAD_KINDS.map((kind) => [`upload.${kind}`, 'drafts only'])),
  ...Object.fromEntries(WORKFLOW_ACTIONS.map((step) => [step, 'drafts only'])),
};

/** The `action: '…'` literals written in functions/ and src/. */
function actionsInCode(): Set<string> {
  const found = new Set<string>();
  for (const dir of ['functions', 'src']) {
    for (const entry of readdirSync(join(PROJECT_ROOT, dir), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !/\.(ts|astro)$/.test(entry.name)) continue;
      const text = readFileSync(join(entry.parentPath, entry.name), 'utf8');
      for (const m of text.matchAll(/\baction: '([^']+)'/g)) found.add(m[1]!);
      // Written from a variable: each upload kind, each approval step.
      if (text.includes('action: `upload.${req.kind}`')) for (const kind of UPLOAD_KINDS) found.add(`upload.${kind}`);
      if (/action: input\.action/.test(text) && entry.name === 'workflow.ts') for (const step of WORKFLOW_ACTIONS) found.add(step);
    }
  }
  return found;
}

describe('public change stamp', () => {
  let temp: TempDatabase;
  afterEach(() => temp?.dispose());

  it('knows every audit action the code writes, as public or not', () => {
    const actions = actionsInCode();
    expect(actions.size).toBeGreaterThan(25);
    expect(actions).toContain('upload.projects');
    expect(actions).toContain('county_approve');
    const unclassified = [...actions].filter((a) => !(PUBLIC_CHANGE_ACTIONS as readonly string[]).includes(a) && !(a in PRIVATE_ACTIONS));
    expect(unclassified).toEqual([]);
    // And the public list names nothing the code never writes.
    expect(PUBLIC_CHANGE_ACTIONS.filter((a) => !actions.has(a))).toEqual([]);
  });

  it('moves with a public change and not with a private one', async () => {
    temp = await createTempDatabase();
    expect(await publicChangeStamp(temp.db)).toBe(0);
    const append = (action: string) =>
      appendAudit(temp.db, { at: '2025-06-30T02:00:00.000Z', actorId: null, actorLabel: 'test', action, subjectType: 'x', subjectId: '1', detail: {}, requestId: null });
    const published = await append('publish');
    expect(await publicChangeStamp(temp.db)).toBe(published.id);
    await append('subsidy.lookup');
    await append('token.create');
    expect(await publicChangeStamp(temp.db)).toBe(published.id);
    const answered = await append('feedback.triage');
    expect(await publicChangeStamp(temp.db)).toBe(answered.id);
  });
});
