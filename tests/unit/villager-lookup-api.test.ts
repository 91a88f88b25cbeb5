import { createNodeTarget } from '../support/api-target.ts';
import { runLookupContract } from '../api/villager-lookup.case.ts';

runLookupContract(() => createNodeTarget({ clock: () => new Date('2026-11-26T08:00:00.000Z') }));
