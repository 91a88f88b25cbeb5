/**
 * Runs the Worker locally in workerd with `wrangler dev` and waits until it answers. Used by
 * `npm run preview`, the contract tests and the serving benchmark, so all three run the Worker the
 * same way: this repository's wrangler.toml (named explicitly, see the note there), variables
 * passed with `--var` (never through [vars] or .dev.vars, which leak into the site build), no
 * metrics, no interactive session.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { PROJECT_ROOT } from './site-build.ts';

export interface WranglerDevOptions {
  port?: number;
  host?: string;
  /** Variables for the Worker (`--var NAME:value`), e.g. DATABASE_URL. */
  vars: Record<string, string | undefined>;
  /**
   * The Worker's configuration: default this repository's wrangler.toml, whose Worker
   * (functions/worker-pages.ts) only a site build can bundle; a build's own is
   * `<build>/server/wrangler.json` (see {@link builtWorkerConfig}).
   */
  config?: string;
  /** The Worker's entry instead of the configuration's `main` (functions/worker.ts: the Worker without the site's pages). */
  script?: string;
  /** Folder of the static site; default the one in wrangler.toml (dist/client). */
  assetsDir?: string;
  /** Where wrangler keeps local state; default .wrangler/state. */
  persistTo?: string;
  /** Pass wrangler's output through to this process (default: keep it for error messages). */
  inheritOutput?: boolean;
  /** Give up waiting after this long (default 60 s). */
  readyTimeoutMs?: number;
}

export interface WranglerDev {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything wrangler printed so far (when not inherited). */
  output(): string;
  close(): Promise<void>;
}

export class WranglerDevError extends Error {
  override name = 'WranglerDevError';
}

/** The configuration of the Worker a site build made (`<outDir>/server/wrangler.json`, see functions/worker-pages.ts). */
export function builtWorkerConfig(outDir = resolve(PROJECT_ROOT, 'dist')): string {
  return resolve(outDir, 'server', 'wrangler.json');
}

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => done(port));
    });
  });
}

/**
 * The environment without libfaketime: workerd deadlocks at start when it is preloaded (its
 * tcmalloc and libfaketime's start-up each wait on the other), so a suite run with the clock moved
 * (`faketime ... npm test`) runs the Worker on the real clock; tests read the Worker's own clock.
 */
export function withoutFaketime(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith('FAKETIME')) continue;
    if (name === 'LD_PRELOAD') {
      const kept = (value ?? '').split(/[:\s]+/).filter((lib) => lib && !lib.includes('faketime'));
      if (kept.length > 0) out[name] = kept.join(':');
      continue;
    }
    out[name] = value;
  }
  return out;
}

/** Starts `wrangler dev` and resolves once the Worker answers HTTP requests. */
export async function startWranglerDev(options: WranglerDevOptions): Promise<WranglerDev> {
  const port = options.port || (await freePort());
  const host = options.host ?? '127.0.0.1';
  const args = [
    resolve(PROJECT_ROOT, 'node_modules/wrangler/bin/wrangler.js'),
    'dev',
    ...(options.script ? [resolve(PROJECT_ROOT, options.script)] : []),
    '--config', options.config ?? resolve(PROJECT_ROOT, 'wrangler.toml'),
    '--port', String(port),
    '--ip', host,
    '--inspector-port', String(await freePort()),
    '--show-interactive-dev-session=false',
    '--live-reload=false',
  ];
  if (options.assetsDir) args.push('--assets', options.assetsDir);
  if (options.persistTo) args.push('--persist-to', options.persistTo);
  for (const [name, value] of Object.entries(options.vars)) {
    if (value !== undefined && value !== '') args.push('--var', `${name}:${value}`);
  }
  const child = spawn(process.execPath, args, {
    cwd: PROJECT_ROOT,
    env: { ...withoutFaketime(process.env), WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', CI: '1' },
    stdio: options.inheritOutput ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));

  const shownHost = host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = `http://${shownHost}:${port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (exited !== undefined) throw new WranglerDevError(`wrangler dev exited with ${exited}\n${output.slice(-4000)}`);
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new WranglerDevError(`wrangler dev did not answer on ${url} in time\n${output.slice(-4000)}`);
    }
    try {
      // Any answer at all means workerd is serving the Worker.
      const res = await fetch(`${url}/api/v1/health`, { signal: AbortSignal.timeout(2000) });
      await res.body?.cancel();
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  return {
    url,
    port,
    child,
    output: () => output,
    close: () =>
      new Promise<void>((done) => {
        if (exited !== undefined) return done();
        const force = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(force);
          done();
        });
        child.kill('SIGTERM');
      }),
  };
}
