/**
 * Shows a lookup answer (from `/api/v1/public/lookup`) in the page, with DOM methods only (no
 * innerHTML: the text comes from the server but is treated as text).
 */
interface Line {
  year: number;
  persons: number;
  amountText: string;
  paymentDateText: string | null;
  status: string;
  statusText: string;
  reason: string | null;
  advice: string | null;
}

type Answer =
  | { found: true; name: string; villageName: string; headName: string; payments: Line[] }
  | { found: false; message: string }
  | { code: string; message: string; details?: { problem: string }[] };

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
}

export function renderLookupResult(target: HTMLElement, status: number, answer: Answer): void {
  target.replaceChildren();
  if ('code' in answer) {
    target.append(el('h2', status === 429 ? '请稍后再查' : '填写的内容有问题'));
    const problems = answer.details?.map((d) => d.problem) ?? [];
    target.append(el('p', problems.length > 0 ? problems.join(' ') : answer.message));
    return;
  }
  if (!answer.found) {
    target.append(el('h2', '没有查到'), el('p', answer.message));
    return;
  }
  target.append(el('h2', `${answer.name}家的直补`), el('p', `${answer.villageName}，户主 ${answer.headName}。`));
  if (answer.payments.length === 0) target.append(el('p', '还没有发放记录。'));
  for (const p of answer.payments) {
    const box = el('section', undefined, p.status === 'failed' ? 'year bad' : 'year');
    box.append(el('h3', `${p.year}年：${p.statusText}`));
    const dl = el('dl');
    const row = (k: string, v: string) => dl.append(el('dt', k), el('dd', v));
    row('金额', `${p.amountText}（${p.persons}人）`);
    row('发放日期', p.paymentDateText ?? '还没有发放');
    if (p.reason) row('原因', p.reason);
    if (p.advice) row('怎么办', p.advice);
    box.append(dl);
    target.append(box);
  }
}
