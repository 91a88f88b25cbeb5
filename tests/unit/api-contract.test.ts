/** Runs the API contract cases (tests/api/*.case.ts) against the Hono app in Node. */
import { authorizationMatrix } from '../api/auth-matrix.case.ts';
import { uploadCases } from '../api/uploads.case.ts';
import { badFileCases } from '../api/bad-files.case.ts';
import { doneWhenCase } from '../api/done-when.case.ts';
import { createNodeTarget } from '../support/api-target.ts';

// A fixed clock: the same instant on every runtime, never the wall clock.
const clock = () => new Date('2025-06-30T02:00:00.000Z');
const makeTarget = () => createNodeTarget({ clock });

authorizationMatrix(makeTarget);
uploadCases(makeTarget);
badFileCases(makeTarget);
doneWhenCase(makeTarget);
