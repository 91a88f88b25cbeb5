/** Small HTML helpers shared by the staff page's scripts: escaping, status boxes and problem tables. */

import type { UploadProblem } from '../domain/upload/upload-plan.ts';

/** A problem as the API lists it (`details`): row, column, what was received and expected. */
export type Problem = UploadProblem;

import { escapeHtml as esc } from '../domain/shared/html-escape.ts';

export { esc };

/** Puts a status box (an error box when `error`) with `html` into `el`. */
export function show(el: HTMLElement, html: string, error = false): void {
  el.innerHTML = `<div class="status${error ? ' error' : ''}">${html}</div>`;
}

/** The problems of a refused upload or form, one row each: 行, 列, 问题, 收到, 应为 / 提示. */
export function problemsTable(problems: readonly Problem[]): string {
  const rows = problems
    .map((p) => `<tr><td class="num">${esc(p.row ?? '')}</td><td>${esc(p.column ?? '')}</td><td>${esc(p.problem)}</td><td>${esc(p.received ?? '')}</td><td>${esc(p.expected ?? '')}${p.hint ? `<br>${esc(p.hint)}` : ''}</td></tr>`)
    .join('');
  // On a phone the table scrolls sideways in its own box rather than breaking codes and amounts
  // one digit per line (a focusable region, so it can be scrolled from the keyboard too).
  return `<div class="table-scroll" role="region" aria-label="问题表（可左右滑动）" tabindex="0"><table class="problems"><thead><tr><th scope="col">行</th><th scope="col">列</th><th scope="col">问题</th><th scope="col">收到</th><th scope="col">应为 / 提示</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}
