/**
 * The HTML pages of the question form without JavaScript (`/feedback/send/`): the form with its
 * one-time challenge and sum, the answer after sending, and the pages that stop. Small,
 * self-contained, no script, in the lookup answer's plain style; every value goes through
 * hono/html's escaping (what a villager typed is put back into the form as text, never markup).
 */
import { html, raw } from 'hono/html';
import { PLAIN_PAGE_STYLE } from './public-lookup-html.ts';
import { otherWaysToRaise } from '../../src/domain/villager/feedback.ts';

export interface FeedbackFormValues {
  kind: string;
  subjectType: string;
  subjectRef: string;
  body: string;
  contactPhone: string;
}

export interface SupervisionContact {
  phones: readonly string[];
  address: string;
}

export type FeedbackPageInput =
  | {
      page: 'form';
      subject: { label: string; href: string };
      values: FeedbackFormValues;
      challenge: string;
      question: string;
      /** Shown above the form (e.g. 还差一步), not an error. */
      notice: string | null;
      /** Plain-Chinese problems with what was sent. */
      problems: string[];
      /** Whether the last answer to the sum was wrong (marks the field). */
      answerWrong: boolean;
    }
  | { page: 'received'; ref: string; message: string; subject: { label: string; href: string } }
  | { page: 'stopped'; title: string; message: string }
  | { page: 'no_subject'; message: string; /** What the villager wrote, shown so it is not lost. */ body: string };

export const FORM_STYLE = `form label:not(.choice){display:block;font-weight:700}fieldset{border:0;padding:0;margin:0 0 .5rem}legend{font-weight:700}
.choice{display:flex;align-items:center;gap:.5rem;min-height:44px}.choice input{width:1.4rem;height:1.4rem}
textarea,input[type=tel],input[type=text]{font:inherit;width:100%;max-width:30rem;box-sizing:border-box;padding:.4rem .5rem;border:2px solid #1a1a1a;border-radius:6px;min-height:48px}
input[aria-invalid=true]{border-color:#9c1c1c;border-width:3px}.hint{display:block;color:#555;font-size:.95rem}
button{font:inherit;font-weight:700;min-height:48px;min-width:8rem;color:#fff;background:#0b4f9c;border:2px solid #0b4f9c;border-radius:6px}
.trap{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}.q{font-size:1.3rem}.ok{border-color:#1d6b2f}`;

function contactHtml(contact: SupervisionContact) {
  const ways = otherWaysToRaise(contact.phones, contact.address);
  return ways ? html`<p>${ways}</p>` : '';
}

function formHtml(input: Extract<FeedbackPageInput, { page: 'form' }>) {
  const v = input.values;
  const checked = (kind: string) => (v.kind === kind || (kind === 'question' && v.kind !== 'objection') ? raw(' checked') : '');
  return html`<h1>我要提问</h1>
<p>关于：<a href="${input.subject.href}">${input.subject.label}</a>。不用注册，不用留名字。</p>
${input.problems.length > 0
  ? html`<div class="msg" role="alert"><p><strong>还没有提交成功：</strong></p><ul>${input.problems.map((p) => html`<li>${p}</li>`)}</ul></div>`
  : input.notice
    ? html`<p class="msg" role="status">${input.notice}</p>`
    : ''}
<form method="post" action="/feedback/send/">
<input type="hidden" name="subjectType" value="${v.subjectType}"><input type="hidden" name="subjectRef" value="${v.subjectRef}">
<input type="hidden" name="check" value="${input.challenge}">
<fieldset><legend>您要</legend>
<label class="choice"><input type="radio" name="kind" value="question"${checked('question')}> 提问</label>
<label class="choice"><input type="radio" name="kind" value="objection"${checked('objection')}> 提出异议（认为公示的内容不对）</label></fieldset>
<p><label for="body">请写下您的问题</label><textarea id="body" name="body" rows="5" maxlength="500" required aria-describedby="body-hint">${v.body}</textarea>
<span id="body-hint" class="hint">最多500字。请不要写身份证号、银行卡号。</span></p>
<p><label for="phone">电话（可以不填）</label><input id="phone" name="contactPhone" type="tel" inputmode="tel" autocomplete="tel" maxlength="20" value="${v.contactPhone}" aria-describedby="phone-hint">
<span id="phone-hint" class="hint">只给工作人员回电话用，不会公开。</span></p>
<p class="trap"><label for="website">网址（请不要填写）</label><input id="website" name="website" type="text" tabindex="-1" autocomplete="off"></p>
<p><label for="answer" class="q">算一算：${input.question}</label><input id="answer" name="answer" type="text" inputmode="numeric" autocomplete="off" maxlength="4" required aria-describedby="answer-hint"${input.answerWrong ? raw(' aria-invalid="true"') : ''}>
<span id="answer-hint" class="hint">写数字就行，比如“二加三”写 5。这是为了防止有人用机器乱发。</span></p>
<p><button type="submit">提交</button></p>
</form>`;
}

function body(input: FeedbackPageInput, contact: SupervisionContact) {
  switch (input.page) {
    case 'form':
      return html`${formHtml(input)}${contactHtml(contact)}`;
    case 'received':
      return html`<h1>已收到</h1><p class="msg ok" role="status">${input.message}</p>
<p>请记下编号 <strong>${input.ref}</strong>。工作人员答复以后，问题和答复会公布在<a href="/feedback/">问答公开</a>页上。</p>
<p><a href="${input.subject.href}">回到“${input.subject.label}”</a></p>`;
    case 'stopped':
      return html`<h1>${input.title}</h1><p class="msg" role="alert">${input.message}</p>${contactHtml(contact)}`;
    case 'no_subject':
      return html`<h1>我要提问</h1><p class="msg" role="alert">${input.message}</p>
<p>请先<a href="/search/">找到您的村</a>，在村或项目的页面上提问。</p>
${input.body.trim() !== '' ? html`<p><label for="body">您写的字（可以复制下来再用）</label><textarea id="body" rows="5" readonly>${input.body}</textarea></p>` : ''}${contactHtml(contact)}`;
  }
}

/** A whole HTML document for one step of the form without JavaScript. */
export function renderFeedbackHtml(input: FeedbackPageInput, contact: SupervisionContact): string {
  const title = input.page === 'received' ? '已收到' : input.page === 'stopped' ? input.title : '我要提问';
  return html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${title}｜水库移民后期扶持公示</title><style>${raw(PLAIN_PAGE_STYLE)}${raw(FORM_STYLE)}</style></head>
<body><main>${body(input, contact)}<p><a href="/feedback/">问答公开</a> · <a href="/">回到首页</a></p></main></body></html>`.toString();
}
