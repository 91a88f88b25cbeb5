/**
 * libSQL's server (`sqld`, the server Turso runs) as a local primary for tests of the embedded
 * replica: a fresh database folder, free ports, and a stop/start that keeps the folder, so a test
 * can take the primary away and bring it back. `.ci/run` installs the binary when missing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';

export interface Sqld {
  /** The primary's HTTP address, a DATABASE_URL. */
  url: string;
  /** Stops the server (its folder stays). */
  stop(): Promise<void>;
  /** Starts it again on the same folder and port. */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  dispose(): Promise<void>;
}

export function sqldBinary(): string {
  const binary = process.env.SQLD_BIN ?? 'sqld';
  const found = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (found.error || found.status !== 0) {
    throw new Error(`libSQL's server (sqld) is needed for this test and was not found as ${binary}: run .ci/run, which installs it, or set SQLD_BIN`);
  }
  return binary;
}

export async function startSqld(): Promise<Sqld> {
  const binary = sqldBinary();
  const dir = mkdtempSync(join(tmpdir(), 'sqld-'));
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${httpPort}`;
  let child: ChildProcess | null = null;
  let log = '';

  const start = async () => {
    log = '';
    const started = spawn(binary, ['--db-path', join(dir, 'data.sqld'), '--http-listen-addr', `127.0.0.1:${httpPort}`, '--grpc-listen-addr', `127.0.0.1:${grpcPort}`, '--no-welcome'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    started.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
    started.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    for (let waited = 0; waited < 15_000; waited += 100) {
      if (started.exitCode !== null) throw new Error(`sqld exited (${started.exitCode}): ${log.slice(-2000)}`);
      const ok = await fetch(`${url}/health`).then(
        (res) => res.ok,
        () => false,
      );
      if (ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`sqld did not answer on ${url} within 15 s: ${log.slice(-2000)}`);
  };
  const stop = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise<void>((r) => running.once('exit', () => r()));
    running.kill('SIGTERM');
    await exited;
  };

  await start();
  return {
    url,
    stop,
    start,
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
