/** Structured logs: one JSON object per line, with the request ID when there is one. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A logger writing JSON lines to the console (stdout in Node, Workers Logs on Cloudflare). */
export function createJsonLogger(minLevel: LogLevel = 'info', now: () => Date = () => new Date()): Logger {
  return {
    log(level, message, fields = {}) {
      if (RANK[level] < RANK[minLevel]) return;
      const line = JSON.stringify({ time: now().toISOString(), level, message, ...fields });
      if (level === 'error' || level === 'warn') console.error(line);
      else console.log(line);
    },
  };
}

/** A logger that records entries in memory, for tests. */
export function createMemoryLogger(): Logger & { entries: Array<{ level: LogLevel; message: string; fields: Record<string, unknown> }> } {
  const entries: Array<{ level: LogLevel; message: string; fields: Record<string, unknown> }> = [];
  return { entries, log: (level, message, fields = {}) => void entries.push({ level, message, fields }) };
}
