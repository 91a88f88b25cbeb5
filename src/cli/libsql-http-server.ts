/**
 * A small libSQL server for local use: libSQL's HTTP protocol (Hrana over HTTP, versions 2 and 3,
 * JSON encoding) on top of Node's built-in `node:sqlite`, over the same database file the Node
 * entry uses. `npm run preview` starts it so the Worker in workerd reaches the local database the
 * way it reaches Turso in production (`@libsql/client/web`). No registry package ships `sqld`
 * (STACK.md), hence this.
 *
 * What it implements, checked against `@libsql/client/web` (see tests/unit/libsql-http-server.test.ts):
 * `POST /v2/pipeline` and `/v3/pipeline` with `execute`, `batch` (with step conditions),
 * `sequence`, `store_sql`, `close_sql`, `get_autocommit` and `close`; batons for streams that span
 * requests (interactive transactions), idle streams expiring and rolling back. Not implemented:
 * cursors (`/v3/cursor`), `describe` and the protobuf encoding; the client does not use them over
 * HTTP. One connection serves every stream; a stream inside a transaction holds it until it commits,
 * rolls back, closes or expires, the others wait — SQLite allows one writer anyway.
 *
 * For development and tests only: it has no TLS and at most one bearer token.
 *
 * Its SQLite is Node's own, not the one inside `@libsql/client`. SQLite's file locks are held per
 * process, and two copies of SQLite in one process drop each other's (closing a descriptor of the
 * file releases every lock the process holds on it: sqlite.org/howtocorrupt.html, section 2.2), so
 * a process that also opens the file through `@libsql/client` must run this server in a child
 * process of its own: {@link spawnLibsqlHttpServer}.
 *
 * @example
 * ```sh
 * node src/cli/libsql-http-server.ts --db data/portal.db --port 8080
 * DATABASE_URL=http://127.0.0.1:8080 node src/cli/start.ts   # the Node entry over HTTP
 * ```
 */
import { randomBytes } from 'node:crypto';
import { fork } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export interface LibsqlHttpServerOptions {
  /** Path of the SQLite file (a `file:` URL is accepted too). */
  path: string;
  port?: number;
  host?: string;
  /** When set, every request must send `Authorization: Bearer <authToken>`. */
  authToken?: string | undefined;
  /** A stream left idle this long is closed (and its transaction rolled back). Default 15 s. */
  streamIdleMs?: number;
  /** The clock idle time is measured with, in epoch ms (tests move it instead of sleeping). */
  clock?: () => number;
}

export interface LibsqlHttpServer {
  /** Base URL for `DATABASE_URL`, e.g. `http://127.0.0.1:8080`. */
  url: string;
  port: number;
  /** The process serving: this one, or the child of {@link spawnLibsqlHttpServer}. */
  pid: number;
  /** Serve another database file from now on (closes every open stream). Used by tests. */
  reopen(path: string): Promise<void>;
  /** Closes the streams idle for longer than `streamIdleMs` now (the sweeper does it every second). */
  expireIdleStreams(): Promise<void>;
  close(): Promise<void>;
}

// ---- Hrana JSON protocol types (https://github.com/tursodatabase/libsql/blob/main/docs/HRANA_3_SPEC.md)

type ProtoValue =
  | { type: 'null' }
  | { type: 'integer'; value: string }
  | { type: 'float'; value: number }
  | { type: 'text'; value: string }
  | { type: 'blob'; base64: string };

interface ProtoStmt {
  sql?: string;
  sql_id?: number;
  args?: ProtoValue[];
  named_args?: Array<{ name: string; value: ProtoValue }>;
  want_rows?: boolean;
}

type ProtoCond =
  | { type: 'ok' | 'error'; step: number }
  | { type: 'not'; cond: ProtoCond }
  | { type: 'and' | 'or'; conds: ProtoCond[] }
  | { type: 'is_autocommit' };

interface ProtoBatch {
  steps: Array<{ condition?: ProtoCond; stmt: ProtoStmt }>;
}

type StreamRequest =
  | { type: 'close' }
  | { type: 'execute'; stmt: ProtoStmt }
  | { type: 'batch'; batch: ProtoBatch }
  | { type: 'sequence'; sql?: string; sql_id?: number }
  | { type: 'describe'; sql?: string; sql_id?: number }
  | { type: 'store_sql'; sql_id: number; sql: string }
  | { type: 'close_sql'; sql_id: number }
  | { type: 'get_autocommit' };

interface ProtoError {
  message: string;
  code?: string;
}

interface StmtResult {
  cols: Array<{ name: string; decltype: string | null }>;
  rows: ProtoValue[][];
  affected_row_count: number;
  last_insert_rowid: string | null;
}

type StreamResult = { type: 'ok'; response: Record<string, unknown> } | { type: 'error'; error: ProtoError };

/** An error the client caused (bad request): answered with HTTP 400 and a JSON message. */
class HranaRequestError extends Error {
  override name = 'HranaRequestError';
  readonly status: number;
  constructor(message: string, status = 400) {
    super(message);
    this.status = status;
  }
}

interface StreamState {
  sqls: Map<number, string>;
  lastUsed: number;
}

/** SQLite's primary result codes by number, for the `code` libSQL clients expose (e.g. SQLITE_CONSTRAINT). */
const SQLITE_CODES = [
  'SQLITE_OK', 'SQLITE_ERROR', 'SQLITE_INTERNAL', 'SQLITE_PERM', 'SQLITE_ABORT', 'SQLITE_BUSY', 'SQLITE_LOCKED',
  'SQLITE_NOMEM', 'SQLITE_READONLY', 'SQLITE_INTERRUPT', 'SQLITE_IOERR', 'SQLITE_CORRUPT', 'SQLITE_NOTFOUND',
  'SQLITE_FULL', 'SQLITE_CANTOPEN', 'SQLITE_PROTOCOL', 'SQLITE_EMPTY', 'SQLITE_SCHEMA', 'SQLITE_TOOBIG',
  'SQLITE_CONSTRAINT', 'SQLITE_MISMATCH', 'SQLITE_MISUSE', 'SQLITE_NOLFS', 'SQLITE_AUTH', 'SQLITE_FORMAT',
  'SQLITE_RANGE', 'SQLITE_NOTADB',
];

const MAX_BODY_BYTES = 64 * 1024 * 1024;
const STATEMENT_CACHE_SIZE = 256;

/** The database side: one connection, the open streams and who holds the connection. */
class HranaDatabase {
  private conn: DatabaseSync;
  private statements = new Map<string, StatementSync>();
  private changesStmt: StatementSync;
  private readonly streams = new Map<string, StreamState>();
  private owner: StreamState | null = null;
  private waiters: Array<() => void> = [];

  private readonly now: () => number;

  constructor(path: string, now: () => number = Date.now) {
    this.now = now;
    this.conn = HranaDatabase.open(path);
    this.changesStmt = this.prepareChanges();
  }

  private static open(path: string): DatabaseSync {
    const conn = new DatabaseSync(path);
    // The same settings the Node entry's client uses (db/client.ts): WAL, a busy timeout, foreign keys.
    conn.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;');
    return conn;
  }

  private prepareChanges(): StatementSync {
    const stmt = this.conn.prepare('SELECT changes(), total_changes(), last_insert_rowid()');
    stmt.setReadBigInts(true);
    stmt.setReturnArrays(true);
    return stmt;
  }

  reopen(path: string): void {
    // Opened first: a file that cannot be opened leaves the one served as it was.
    const next = HranaDatabase.open(path);
    this.closeAllStreams();
    this.statements.clear();
    this.conn.close();
    this.conn = next;
    this.changesStmt = this.prepareChanges();
  }

  close(): void {
    this.closeAllStreams();
    this.statements.clear();
    this.conn.close();
  }

  private closeAllStreams(): void {
    for (const [baton, stream] of this.streams) this.closeStream(baton, stream);
    if (this.owner) this.releaseOwner();
  }

  /** Runs one pipeline request for a stream (a new one without a baton). Returns the response body. */
  async pipeline(body: { baton?: string | null; requests: StreamRequest[] }): Promise<{ baton: string | null; base_url: null; results: StreamResult[] }> {
    const stream = this.takeStream(body.baton ?? null);
    await this.acquire(stream);
    let closed = false;
    const results: StreamResult[] = [];
    try {
      for (const request of body.requests) {
        if (closed) throw new HranaRequestError('request after close in the same pipeline');
        if (request.type === 'close') {
          closed = true;
          results.push({ type: 'ok', response: { type: 'close' } });
          continue;
        }
        results.push(this.handle(stream, request));
      }
    } catch (error) {
      // A malformed request ends the stream, as sqld does; never leave the connection held.
      this.endStream(stream);
      throw error;
    }
    stream.lastUsed = this.now();
    if (closed) {
      this.endStream(stream);
      return { baton: null, base_url: null, results };
    }
    if (this.conn.isTransaction) this.owner = stream;
    else if (this.owner === stream) this.releaseOwner();
    const baton = randomBytes(18).toString('base64url');
    this.streams.set(baton, stream);
    return { baton, base_url: null, results };
  }

  /** Closes streams idle for longer than `idleMs`; a transaction they left open is rolled back. */
  expireIdle(idleMs: number): void {
    const limit = this.now() - idleMs;
    for (const [baton, stream] of this.streams) if (stream.lastUsed < limit) this.closeStream(baton, stream);
  }

  private takeStream(baton: string | null): StreamState {
    if (baton === null) return { sqls: new Map(), lastUsed: this.now() };
    const stream = this.streams.get(baton);
    if (!stream) throw new HranaRequestError('The stream has expired or the baton is invalid', 400);
    // A baton is good for one request: the answer carries the next one.
    this.streams.delete(baton);
    return stream;
  }

  private closeStream(baton: string, stream: StreamState): void {
    this.streams.delete(baton);
    this.endStream(stream);
  }

  private endStream(stream: StreamState): void {
    if (this.owner === stream) {
      if (this.conn.isTransaction) this.conn.exec('ROLLBACK');
      this.releaseOwner();
    } else if (this.owner === null && this.conn.isTransaction) {
      this.conn.exec('ROLLBACK');
    }
  }

  private async acquire(stream: StreamState): Promise<void> {
    while (this.owner !== null && this.owner !== stream) {
      await new Promise<void>((resolveWait) => this.waiters.push(resolveWait));
    }
  }

  private releaseOwner(): void {
    this.owner = null;
    const waiting = this.waiters;
    this.waiters = [];
    for (const wake of waiting) wake();
  }

  private handle(stream: StreamState, request: StreamRequest): StreamResult {
    try {
      switch (request.type) {
        case 'execute':
          return ok({ type: 'execute', result: this.execute(stream, request.stmt) });
        case 'batch':
          return ok({ type: 'batch', result: this.batch(stream, request.batch) });
        case 'sequence':
          this.conn.exec(sqlOf(stream, request));
          return ok({ type: 'sequence' });
        case 'store_sql':
          // As libSQL's server (and Turso): a stored text is at most 5,000 bytes of UTF-8. A client
          // that stores a longer one anyway finds it missing when it refers to it.
          if (Buffer.byteLength(request.sql, 'utf8') > MAX_STORED_SQL_BYTES) {
            return { type: 'error', error: { message: `SQL text of ${Buffer.byteLength(request.sql, 'utf8')} bytes is over the ${MAX_STORED_SQL_BYTES} that can be stored`, code: 'SQL_TOO_LARGE' } };
          }
          stream.sqls.set(request.sql_id, request.sql);
          return ok({ type: 'store_sql' });
        case 'close_sql':
          stream.sqls.delete(request.sql_id);
          return ok({ type: 'close_sql' });
        case 'get_autocommit':
          return ok({ type: 'get_autocommit', is_autocommit: !this.conn.isTransaction });
        case 'describe':
          return { type: 'error', error: { message: 'describe is not supported by this development server', code: 'NOT_SUPPORTED' } };
        default:
          throw new HranaRequestError(`unknown request type ${JSON.stringify((request as { type: unknown }).type)}`);
      }
    } catch (error) {
      if (error instanceof HranaRequestError) throw error;
      return { type: 'error', error: toProtoError(error) };
    }
  }

  private execute(stream: StreamState, stmt: ProtoStmt): StmtResult {
    const sql = sqlOf(stream, stmt);
    const prepared = this.prepare(sql);
    const positional = (stmt.args ?? []).map(fromProto);
    const named = stmt.named_args ?? [];
    const params: unknown[] =
      named.length > 0 ? [Object.fromEntries(named.map((a) => [a.name, fromProto(a.value)])), ...positional] : positional;
    const columns = prepared.columns();
    const before = this.changes();
    let rows: unknown[][] = [];
    if (columns.length > 0 && stmt.want_rows !== false) {
      rows = prepared.all(...(params as [])) as unknown as unknown[][];
    } else {
      prepared.run(...(params as []));
    }
    const after = this.changes();
    // changes() keeps the last INSERT/UPDATE/DELETE's count through later SELECTs: report it only
    // when this statement could have written (no result columns) or did write (RETURNING).
    const wrote = columns.length === 0 || after.total !== before.total;
    return {
      cols: columns.map((c) => ({ name: c.name, decltype: c.type ?? null })),
      rows: rows.map((row) => row.map(toProto)),
      affected_row_count: wrote ? Number(after.changes) : 0,
      last_insert_rowid: wrote ? String(after.lastRowid) : null,
    };
  }

  private batch(stream: StreamState, batch: ProtoBatch): { step_results: Array<StmtResult | null>; step_errors: Array<ProtoError | null> } {
    const results: Array<StmtResult | null> = [];
    const errors: Array<ProtoError | null> = [];
    const holds = (cond: ProtoCond): boolean => {
      switch (cond.type) {
        case 'ok':
          return results[cond.step] != null;
        case 'error':
          return errors[cond.step] != null;
        case 'not':
          return !holds(cond.cond);
        case 'and':
          return cond.conds.every(holds);
        case 'or':
          return cond.conds.some(holds);
        case 'is_autocommit':
          return !this.conn.isTransaction;
        default:
          throw new HranaRequestError(`unknown batch condition ${JSON.stringify((cond as { type: unknown }).type)}`);
      }
    };
    batch.steps.forEach((step, i) => {
      results[i] = null;
      errors[i] = null;
      if (step.condition && !holds(step.condition)) return;
      try {
        results[i] = this.execute(stream, step.stmt);
      } catch (error) {
        errors[i] = toProtoError(error);
      }
    });
    return { step_results: results, step_errors: errors };
  }

  private prepare(sql: string): StatementSync {
    let stmt = this.statements.get(sql);
    if (stmt) {
      // Keep the map in least-recently-used order.
      this.statements.delete(sql);
    } else {
      stmt = this.conn.prepare(sql);
      stmt.setReadBigInts(true);
      stmt.setReturnArrays(true);
      if (this.statements.size >= STATEMENT_CACHE_SIZE) {
        const oldest = this.statements.keys().next().value;
        if (oldest !== undefined) this.statements.delete(oldest);
      }
    }
    this.statements.set(sql, stmt);
    return stmt;
  }

  private changes(): { changes: bigint; total: bigint; lastRowid: bigint } {
    const [changes, total, lastRowid] = this.changesStmt.all()[0] as unknown as [bigint, bigint, bigint];
    return { changes, total, lastRowid };
  }
}

function ok(response: Record<string, unknown>): StreamResult {
  return { type: 'ok', response };
}

/** libsql-server/src/hrana/http/request.rs, MAX_STORED_SQL_SIZE (5 kB). */
const MAX_STORED_SQL_BYTES = 5000;

function sqlOf(stream: StreamState, source: { sql?: string | undefined; sql_id?: number | undefined }): string {
  if (typeof source.sql === 'string') return source.sql;
  if (typeof source.sql_id === 'number') {
    const stored = stream.sqls.get(source.sql_id);
    if (stored !== undefined) return stored;
    throw new HranaRequestError(`SQL text ${source.sql_id} was not stored on this stream`);
  }
  throw new HranaRequestError('a statement needs sql or sql_id');
}

function fromProto(value: ProtoValue): unknown {
  switch (value.type) {
    case 'null':
      return null;
    case 'integer':
      return BigInt(value.value);
    case 'float':
      return Number(value.value);
    case 'text':
      return value.value;
    case 'blob':
      return new Uint8Array(Buffer.from(value.base64, 'base64'));
    default:
      throw new HranaRequestError(`unknown value type ${JSON.stringify((value as { type: unknown }).type)}`);
  }
}

function toProto(value: unknown): ProtoValue {
  if (value === null || value === undefined) return { type: 'null' };
  if (typeof value === 'bigint') return { type: 'integer', value: value.toString() };
  if (typeof value === 'number') return { type: 'float', value };
  if (typeof value === 'string') return { type: 'text', value };
  if (value instanceof Uint8Array) return { type: 'blob', base64: Buffer.from(value).toString('base64') };
  return { type: 'text', value: String(value) };
}

function toProtoError(error: unknown): ProtoError {
  if (error instanceof Error) {
    const errcode = (error as { errcode?: unknown }).errcode;
    const code = typeof errcode === 'number' ? (SQLITE_CODES[errcode & 0xff] ?? 'SQLITE_ERROR') : 'SQLITE_ERROR';
    return { message: error.message, code };
  }
  return { message: String(error), code: 'SQLITE_ERROR' };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HranaRequestError('request body too large', 413);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  // A development server should say when it refuses something.
  if (status >= 400 && status !== 404) console.error(`libSQL dev server: ${status} ${JSON.stringify(body)}`);
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/plain' : 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Starts the server; resolves once it listens. */
export async function startLibsqlHttpServer(options: LibsqlHttpServerOptions): Promise<LibsqlHttpServer> {
  const database = new HranaDatabase(toPath(options.path), options.clock);
  const expected = options.authToken ? `Bearer ${options.authToken}` : undefined;
  const idleMs = options.streamIdleMs ?? 15_000;
  const sweeper = setInterval(() => database.expireIdle(idleMs), Math.min(1000, idleMs));
  sweeper.unref();

  const server: Server = createServer((req, res) => {
    void (async () => {
      try {
        const path = (req.url ?? '/').split('?')[0];
        if (req.method === 'GET' && (path === '/' || path === '/health')) return send(res, 200, 'ok');
        if (expected && req.headers.authorization !== expected) {
          return send(res, 401, { message: 'Unauthorized: send Authorization: Bearer <DATABASE_AUTH_TOKEN>', code: 'UNAUTHORIZED' });
        }
        if (req.method === 'GET' && (path === '/v2' || path === '/v3')) return send(res, 200, '');
        if (req.method === 'POST' && (path === '/v2/pipeline' || path === '/v3/pipeline')) {
          const text = await readBody(req);
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            throw new HranaRequestError('the body is not JSON');
          }
          if (!body || typeof body !== 'object' || !Array.isArray((body as { requests?: unknown }).requests)) {
            throw new HranaRequestError('expected {"baton": ..., "requests": [...]}');
          }
          return send(res, 200, await database.pipeline(body as { baton?: string | null; requests: StreamRequest[] }));
        }
        return send(res, 404, { message: `${req.method} ${path} is not supported by this development server`, code: 'NOT_FOUND' });
      } catch (error) {
        if (error instanceof HranaRequestError) return send(res, error.status, { message: error.message });
        return send(res, 500, { message: error instanceof Error ? error.message : String(error) });
      }
    })();
  });

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  const shownHost = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
  return {
    url: `http://${shownHost}:${port}`,
    port,
    pid: process.pid,
    reopen: async (path) => database.reopen(toPath(path)),
    expireIdleStreams: async () => database.expireIdle(idleMs),
    close: () =>
      (closing ??= new Promise<void>((done) => {
        clearInterval(sweeper);
        server.close(() => {
          database.close();
          done();
        });
        server.closeAllConnections();
      })),
  };
}

function toPath(pathOrUrl: string): string {
  return pathOrUrl.startsWith('file:') ? pathOrUrl.slice('file:'.length) : pathOrUrl;
}

/** What the parent of a {@link spawnLibsqlHttpServer} child asks it, over the IPC channel. */
type ChildRequest = { id: number } & ({ type: 'reopen'; path: string } | { type: 'expire' } | { type: 'close' });
type ChildMessage = { type: 'listening'; url: string; port: number } | { type: 'done'; id: number; error?: string };

/**
 * {@link startLibsqlHttpServer} in a child process of its own (see the module's comment on SQLite's
 * locks): for a caller that also opens the database file through `@libsql/client`. The same
 * interface; `reopen` and `expireIdleStreams` are asked of the child and done when they resolve.
 * The child stops when closed or when this process exits.
 */
export async function spawnLibsqlHttpServer(options: Omit<LibsqlHttpServerOptions, 'clock'>): Promise<LibsqlHttpServer> {
  const args = ['--db', toPath(options.path), '--port', String(options.port ?? 0), '--host', options.host ?? '127.0.0.1', '--ipc'];
  if (options.authToken) args.push('--auth-token', options.authToken);
  if (options.streamIdleMs !== undefined) args.push('--stream-idle-ms', String(options.streamIdleMs));
  const child = fork(fileURLToPath(import.meta.url), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map<number, { done: () => void; fail: (error: Error) => void }>();
  const exited = new Promise<void>((done) =>
    child.once('exit', (code) => {
      for (const waiting of pending.values()) waiting.fail(new Error(`the libSQL HTTP server exited (${code})`));
      pending.clear();
      done();
    }),
  );
  let nextId = 0;
  const listening = await new Promise<{ url: string; port: number }>((done, fail) => {
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`the libSQL HTTP server exited (${code}) before it listened`)));
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'listening') done(message);
      else {
        const waiting = pending.get(message.id);
        pending.delete(message.id);
        if (message.error) waiting?.fail(new Error(message.error));
        else waiting?.done();
      }
    });
  });
  const ask = (request: { type: 'reopen'; path: string } | { type: 'expire' } | { type: 'close' }) =>
    new Promise<void>((done, fail) => {
      const id = nextId++;
      pending.set(id, { done, fail });
      child.send({ ...request, id });
    });
  return {
    url: listening.url,
    port: listening.port,
    pid: child.pid!,
    reopen: (path) => ask({ type: 'reopen', path: toPath(path) }),
    expireIdleStreams: () => ask({ type: 'expire' }),
    close: async () => {
      if (child.exitCode === null && child.connected) await ask({ type: 'close' }).catch(() => undefined);
      await exited;
    },
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      db: { type: 'string' },
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      'auth-token': { type: 'string' },
      'stream-idle-ms': { type: 'string' },
      // Started by spawnLibsqlHttpServer: answers over the IPC channel, stops with its parent.
      ipc: { type: 'boolean', default: false },
    },
  });
  const fromEnv = process.env.DATABASE_URL?.startsWith('file:') ? process.env.DATABASE_URL : undefined;
  const path = values.db ?? fromEnv ?? 'data/portal.db';
  const running = await startLibsqlHttpServer({
    path,
    port: Number(values.port),
    host: values.host,
    authToken: values['auth-token'],
    streamIdleMs: values['stream-idle-ms'] === undefined ? undefined : Number(values['stream-idle-ms']),
  });
  if (values.ipc && process.send) {
    const send = (message: ChildMessage) => process.send!(message);
    send({ type: 'listening', url: running.url, port: running.port });
    process.on('message', (request: ChildRequest) => {
      void (async () => {
        try {
          if (request.type === 'reopen') await running.reopen(request.path);
          else if (request.type === 'expire') await running.expireIdleStreams();
          else {
            await running.close();
            send({ type: 'done', id: request.id });
            process.disconnect();
            return;
          }
          send({ type: 'done', id: request.id });
        } catch (error) {
          send({ type: 'done', id: request.id, error: error instanceof Error ? error.message : String(error) });
        }
      })();
    });
    // The parent gone (closed or crashed): nobody is left to serve.
    process.once('disconnect', () => void running.close().then(() => process.exit(0)));
  } else {
    console.log(`libSQL HTTP dev server on ${running.url} over ${toPath(path)}`);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => void running.close().then(() => process.exit(0)));
    }
  }
}
