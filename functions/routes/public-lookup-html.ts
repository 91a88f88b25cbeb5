/**
 * The HTML answer of the lookup form when it is sent without JavaScript (`POST /lookup/`): a
 * small self-contained page in the site's plain style. Everything shown is already masked.
 */
import { html, raw } from 'hono/html';
import type { LookupAnswer, PaymentLine } from '../../src/domain/villager/subsidy-lookup.ts';

export type LookupPageInput =
  | { answer: LookupAnswer }
  | { problems: { field: string; problem: string }[] }
  | { throttled: string };

/** The plain style of the pages the server renders for forms sent without JavaScript. */
export const PLAIN_PAGE_STYLE = `body{margin:0;font:18px/1.65 system-ui,"PingFang SC","Microsoft YaHei",sans-serif;color:#1a1a1a}
main{max-width:40rem;margin:0 auto;padding:1rem}h1{font-size:1.5rem;margin:.5rem 0}
.year{border:2px solid #8a8a8a;border-radius:8px;padding:.6rem .9rem;margin:.8rem 0}
.year h2{font-size:1.2rem;margin:0 0 .3rem}.bad{border-color:#9c1c1c}.bad h2{color:#9c1c1c}
.msg{border:3px solid #1a1a1a;border-radius:8px;padding:.6rem .9rem}a{color:#0b4f9c;display:inline-block;min-height:44px;padding:.5rem 0}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .8rem;margin:0}dt{font-weight:700}dd{margin:0}`;

function paymentHtml(p: PaymentLine) {
  return html`<section class="year${p.status === 'failed' ? ' bad' : ''}"><h2>${p.year}年：${p.statusText}</h2>
<dl><dt>金额</dt><dd>${p.amountText}（${p.persons}人）</dd>
<dt>发放日期</dt><dd>${p.paymentDateText ?? '还没有发放'}</dd>
${p.reason ? html`<dt>原因</dt><dd>${p.reason}</dd>` : ''}
${p.advice ? html`<dt>怎么办</dt><dd>${p.advice}</dd>` : ''}</dl></section>`;
}

function body(input: LookupPageInput) {
  if ('throttled' in input) return html`<h1>请稍后再查</h1><p class="msg" role="alert">${input.throttled}</p>`;
  if ('problems' in input) {
    return html`<h1>填写的内容有问题</h1><ul class="msg" role="alert">${input.problems.map((p) => html`<li>${p.problem}</li>`)}</ul>`;
  }
  const a = input.answer;
  if (!a.found) return html`<h1>没有查到</h1><p class="msg" role="alert">${a.message}</p>`;
  return html`<h1>${a.name}家的直补</h1><p>${a.villageName}，户主 ${a.headName}。每人每年600元，按户发到一卡通。</p>
${a.payments.length === 0 ? html`<p class="msg">还没有发放记录。</p>` : a.payments.map(paymentHtml)}`;
}

/** A whole HTML document for one lookup outcome. */
export function renderLookupHtml(input: LookupPageInput): string {
  return html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>查直补结果｜水库移民后期扶持公示</title><style>${raw(PLAIN_PAGE_STYLE)}</style></head>
<body><main>${body(input)}<p><a href="/lookup/">再查一次</a> · <a href="/">回到首页</a></p></main></body></html>`.toString();
}
