/**
 * The few things every page does in the browser: restore and toggle the 大字 (elder-friendly)
 * mode, remembered in localStorage, and say how many days of a 公示期 are left (computed on the
 * reader's day, in Asia/Shanghai, since the page itself was built earlier).
 */
import { daysLeftInPeriod } from '../domain/ledger/project-summary.ts';
import { shanghaiDate } from '../domain/shared/dates.ts';

const KEY = 'elder';
const root = document.documentElement;

function stored(): boolean {
  try {
    return localStorage.getItem(KEY) === '1';
  } catch {
    return false;
  }
}

if (stored()) root.classList.add('elder');

const button = document.getElementById('elder-toggle');
if (button) {
  const sync = () => button.setAttribute('aria-pressed', root.classList.contains('elder') ? 'true' : 'false');
  button.hidden = false;
  sync();
  button.addEventListener('click', () => {
    root.classList.toggle('elder');
    try {
      localStorage.setItem(KEY, root.classList.contains('elder') ? '1' : '0');
    } catch {
      // Private mode: the choice lasts for this page only.
    }
    sync();
  });
}

const today = shanghaiDate(new Date());
for (const el of document.querySelectorAll<HTMLElement>('[data-period-end]')) {
  const start = el.dataset.periodStart;
  const left = daysLeftInPeriod(el.dataset.periodEnd!, today);
  el.textContent = start && today < start ? '（公示期尚未开始）' : left === null ? '（公示期已结束）' : `（还剩 ${left + 1} 天）`;
}
