/**
 * The 问答公开 list as HTML, from the public entries: rendered into the page at build time and
 * again in the browser from `/api/v1/public/feedback/list`, so a question sent a minute ago shows
 * at once (marked 已收到) without waiting for a rebuild. One function for both, so they cannot differ.
 */
import { FEEDBACK_STATUSES, STATUS_LABELS, type PublicFeedbackEntry } from '../domain/villager/feedback.ts';

import { escapeHtml as esc } from '../domain/shared/html-escape.ts';

export function feedbackCountsHtml(entries: readonly PublicFeedbackEntry[]): string {
  return FEEDBACK_STATUSES.map((s) => `<li>${esc(STATUS_LABELS[s])} <strong>${entries.filter((e) => e.status === s).length}</strong> 条</li>`).join('');
}

export function feedbackListHtml(entries: readonly PublicFeedbackEntry[]): string {
  if (entries.length === 0) return '<p class="box">还没有人提问。</p>';
  const items = entries.map((e) => {
    const subject = e.subjectHref ? `<a href="${esc(e.subjectHref)}">${esc(e.subjectLabel)}</a>` : esc(e.subjectLabel);
    const question = e.question !== null ? `<dt>问题</dt><dd class="fb-text">${esc(e.question)}</dd>` : '<dt>问题</dt><dd>已收到，正在办理。答复后公布问题和答复。</dd>';
    const answer = e.answer ? `<dt>答复</dt><dd class="fb-text">${esc(e.answer)}${e.answeredDate ? `<span class="muted">（${esc(e.answeredDate)}答复）</span>` : ''}</dd>` : '';
    return (
      `<li id="fb-${e.id}" class="fb-item"><article aria-labelledby="fb-${e.id}-title">` +
      `<h2 id="fb-${e.id}-title">${esc(e.ref)} · ${esc(e.kindLabel)} <span class="status fb-${esc(e.status)}">${esc(e.statusLabel)}</span></h2>` +
      `<dl class="facts"><dt>关于</dt><dd>${subject}</dd><dt>收到</dt><dd>${esc(e.receivedDate)}</dd>` +
      `${e.responsibleUnit ? `<dt>责任单位</dt><dd>${esc(e.responsibleUnit)}</dd>` : ''}${question}${answer}</dl></article></li>`
    );
  });
  return `<ol class="fb-list">${items.join('')}</ol>`;
}
