/**
 * The reader of `npm run bench:upload-stall`, in its own process so that a blocked server thread
 * cannot also block the measuring: GETs `<base>/` one after another until told `stop` on stdin (or
 * for `<ms>` when given), then prints the latencies (ms) as one JSON array on stdout.
 */
export {};
const [base, forMs] = process.argv.slice(2);
let stopped = false;
if (forMs) setTimeout(() => (stopped = true), Number(forMs));
process.stdin.on('data', (d) => {
  if (String(d).includes('stop')) stopped = true;
});
const latencies: number[] = [];
while (!stopped) {
  const t = performance.now();
  const res = await fetch(`${base}/`);
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`GET / answered ${res.status}`);
  latencies.push(performance.now() - t);
}
// Exit once the whole array is written (a pipe takes it in chunks).
process.stdout.write(JSON.stringify(latencies), () => process.exit(0));
