import { InjectedClock } from '../support/test-clock.ts';
import { createNodeTarget } from '../support/api-target.ts';
import { runFeedbackContract } from '../api/villager-feedback.case.ts';

runFeedbackContract(() => createNodeTarget({ clock: InjectedClock.at('2026-11-26T08:00:00.000Z') }));
