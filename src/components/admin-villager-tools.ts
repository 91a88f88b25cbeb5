/** Script of AdminVillagerTools.astro: triage and poster photos over /api/v1 as the signed-in staff member. */
import { staffApi as api } from './staff-api.ts';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  return e;
}

interface Item { id: number; ref: string; kind: string; statusLabel: string; status: string; subjectRef: string; body: string; contactPhone: string | null; responsibleUnit: string | null; answer: string | null; receivedAt: string }

async function loadFeedback(): Promise<void> {
  const box = document.getElementById('fb-admin-list')!;
  const status = (document.getElementById('fb-admin-status') as HTMLSelectElement).value;
  const { status: code, body } = await api(`/feedback${status ? `?status=${status}` : ''}`);
  box.replaceChildren();
  if (code !== 200) return void box.append(el('p', String(body.message)));
  const items = body.items as Item[];
  if (items.length === 0) return void box.append(el('p', '没有。'));
  for (const f of items) {
    const art = el('article');
    art.append(el('h3', `${f.ref} · ${f.kind === 'objection' ? '异议' : '提问'} · ${f.statusLabel}`));
    art.append(el('p', `关于 ${f.subjectRef}，收到 ${f.receivedAt.slice(0, 10)}${f.contactPhone ? `，回电 ${f.contactPhone}` : ''}`));
    art.append(el('p', f.body));
    const unit = el('input');
    unit.value = f.responsibleUnit ?? '';
    unit.setAttribute('aria-label', `${f.ref} 责任单位`);
    unit.placeholder = '责任单位';
    const answer = el('textarea');
    answer.value = f.answer ?? '';
    answer.rows = 3;
    answer.setAttribute('aria-label', `${f.ref} 答复（会公开）`);
    answer.placeholder = '答复（会公开）';
    const msg = el('p');
    art.append(unit, answer);
    for (const [to, label] of [['handling', '开始办理'], ['answered', '答复并公开'], ['closed', '办结']] as const) {
      const b = el('button', label);
      b.type = 'button';
      b.addEventListener('click', async () => {
        const r = await api(`/feedback/${f.id}`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ status: to, ...(unit.value.trim() ? { responsibleUnit: unit.value.trim() } : {}), ...(answer.value.trim() ? { answer: answer.value.trim() } : {}) }),
        });
        msg.textContent = r.status === 200 ? `已改为：${String(r.body.statusLabel)}` : String(r.body.message);
      });
      art.append(b);
    }
    art.append(msg);
    box.append(art);
  }
}

interface Proof { id: number; villageCode: string; postedOn: string; statusLabel: string; status: string; distanceM: number | null; timeCheck: string; placeCheck: string; imageUrl: string }

async function loadProofs(): Promise<void> {
  const box = document.getElementById('pp-admin-list')!;
  const { status, body } = await api('/posting-proofs?status=needs_review');
  box.replaceChildren();
  if (status !== 200) return void box.append(el('p', String(body.message)));
  const items = body.items as Proof[];
  if (items.length === 0) return void box.append(el('p', '没有待核实的照片。'));
  for (const p of items) {
    const art = el('article');
    art.append(el('h3', `照片 ${p.id} · 村 ${p.villageCode} · ${p.statusLabel}`));
    art.append(el('p', `日期 ${p.postedOn}；时间核对：${p.timeCheck}；地点核对：${p.placeCheck}${p.distanceM !== null ? `（${p.distanceM} 米）` : ''}`));
    const msg = el('p');
    for (const [to, label] of [['accepted', '核实通过'], ['rejected', '不通过']] as const) {
      const b = el('button', label);
      b.type = 'button';
      b.addEventListener('click', async () => {
        const r = await api(`/posting-proofs/${p.id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: to }) });
        msg.textContent = r.status === 200 ? `已改为：${String(r.body.statusLabel)}` : String(r.body.message);
      });
      art.append(b);
    }
    art.append(msg);
    box.append(art);
  }
}

document.getElementById('fb-admin-load')?.addEventListener('click', () => void loadFeedback());
document.getElementById('pp-admin-load')?.addEventListener('click', () => void loadProofs());
document.getElementById('pp-admin-form')?.addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target as HTMLFormElement;
  const out = document.getElementById('pp-admin-result')!;
  out.replaceChildren(el('p', '正在上传……'));
  const { status, body } = await api('/posting-proofs', { method: 'POST', body: new FormData(form) });
  out.replaceChildren();
  if (status !== 201) return void out.append(el('p', String(body.message)));
  out.append(el('p', `已上传：${String(body.statusLabel)}`));
  for (const line of body.checks as string[]) out.append(el('p', line));
});

// Load the open questions when the section is shown after signing in.
const section = document.querySelector('section[aria-labelledby="fb-admin-h"]');
if (section) {
  new MutationObserver(() => {
    if (!(section as HTMLElement).hidden) void loadFeedback();
  }).observe(section, { attributes: true, attributeFilter: ['hidden'] });
}
