/**
 * Browser side of FeedbackForm.astro: fetches a proof-of-work challenge as soon as the form is on
 * screen, solves it in small slices (the page stays responsive), and sends the message as JSON.
 * SHA-256 is computed in plain JavaScript so it also works on plain-HTTP pages and old WebViews
 * where `crypto.subtle` is missing.
 */
const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** SHA-256 of an ASCII string; returns the first 32-bit word (all the proof of work needs). */
export function sha256FirstWord(text: string): number {
  const bytes = new Uint8Array(((text.length + 9 + 63) >> 6) << 6);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  bytes[text.length] = 0x80;
  const bits = text.length * 8;
  const view = new DataView(bytes.buffer);
  view.setUint32(bytes.length - 4, bits >>> 0);
  view.setUint32(bytes.length - 8, Math.floor(bits / 2 ** 32));
  const h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const w = new Uint32Array(64);
  for (let off = 0; off < bytes.length; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(off + i * 4);
    for (let i = 16; i < 64; i++) {
      const a = w[i - 15]!, b = w[i - 2]!;
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
    }
    let [a, b, c, d, e, f, g, hh] = [h[0]!, h[1]!, h[2]!, h[3]!, h[4]!, h[5]!, h[6]!, h[7]!];
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (hh + S1 + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      hh = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    h[0] = (h[0]! + a) | 0; h[1] = (h[1]! + b) | 0; h[2] = (h[2]! + c) | 0; h[3] = (h[3]! + d) | 0;
    h[4] = (h[4]! + e) | 0; h[5] = (h[5]! + f) | 0; h[6] = (h[6]! + g) | 0; h[7] = (h[7]! + hh) | 0;
  }
  return h[0]! >>> 0;
}

/** Finds a nonce in slices of 2,000 tries, yielding to the page between slices. */
export async function solve(challenge: string, difficulty: number): Promise<string> {
  const limit = difficulty >= 32 ? 0 : 2 ** (32 - difficulty);
  for (let n = 0; ; ) {
    for (const end = n + 2000; n < end; n++) if (sha256FirstWord(`${challenge}:${n}`) < limit) return String(n);
    await new Promise((r) => setTimeout(r, 0));
  }
}

function setup(form: HTMLFormElement): void {
  const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
  const status = form.querySelector<HTMLElement>('[data-status]');
  let pow: Promise<{ challenge: string; nonce: string }> | null = null;
  const start = () =>
    (pow ??= fetch('/api/v1/public/feedback/challenge')
      .then((r) => r.json() as Promise<{ challenge: string; difficulty: number }>)
      .then(async ({ challenge, difficulty }) => ({ challenge, nonce: await solve(challenge, difficulty) })));
  form.addEventListener('focusin', () => void start(), { once: true });
  if (button) button.disabled = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!status || !button) return;
    button.disabled = true;
    status.textContent = '正在提交，请稍等……';
    const data = Object.fromEntries(new FormData(form).entries());
    try {
      const solved = await start();
      pow = null; // a challenge is good for one message
      const res = await fetch('/api/v1/public/feedback', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...data, ...solved }) });
      const body = (await res.json()) as { message: string; details?: { problem: string }[] };
      status.textContent = res.ok ? body.message : [body.message, ...(body.details ?? []).map((d) => d.problem)].join(' ');
      status.dataset.ok = String(res.ok);
      if (res.ok) form.reset();
    } catch {
      status.textContent = '网络不好，没有提交成功。请稍后再试，或打监督电话。';
    } finally {
      button.disabled = false;
      status.focus();
    }
  });
}

for (const form of document.querySelectorAll<HTMLFormElement>('form[data-feedback]')) setup(form);
