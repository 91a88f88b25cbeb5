/**
 * The clock a test target's app reads, and what a case may do with it.
 *
 * A case never assumes that the machine's clock and the app's clock agree, and never writes a
 * literal "today": it asks `clock.now()` (then `shanghaiDate(...)` for the China day) and arranges
 * its data around that. Two kinds:
 *
 * - `injected`: the Node app was given this clock (createApp's `clock`). It follows the machine's
 *   clock until a case sets it, and then it can be frozen and moved at will.
 * - `real`: the Worker in workerd reads its own clock. workerd cannot run under libfaketime (its
 *   tcmalloc deadlocks at start), so when the suite runs with the machine's clock moved, the Worker
 *   is on the real clock while the test process is not: `now()` is the Worker's time, read once from
 *   its health check and kept as an offset.
 *
 * A case that crosses a fixed time window (a throttle's 10 minutes, a form's fill time) uses
 * `stayInOneWindow` or `pass`, so that it cannot straddle a window edge or depend on load.
 */
import { windowStart } from '../../src/domain/access/throttle.ts';

export interface TargetClock {
  readonly kind: 'injected' | 'real';
  /** The app's current time. */
  now(): Date;
  /** How far `now()` may be from the app's own reading (0 when the app reads this very clock). */
  readonly uncertaintyMs: number;
  /**
   * Makes the next `needSeconds` of the case fall inside one fixed window of `windowSeconds`
   * (aligned to the epoch, as src/domain/access/throttle.ts aligns them): an injected clock jumps to 1 s
   * after the next window's start; on the real clock this waits out a window that ends too soon.
   */
  stayInOneWindow(windowSeconds: number, needSeconds?: number): Promise<void>;
  /** Lets `ms` pass as the app sees it: an injected clock moves on at once, the real one is waited for. */
  pass(ms: number): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** A clock the app is given: follows the machine (plus an offset) until frozen with `set`. */
export class InjectedClock implements TargetClock {
  readonly kind = 'injected';
  readonly uncertaintyMs = 0;
  private offsetMs = 0;
  private frozenAt: number | undefined;

  /** A clock frozen at `instant` (ISO text or a Date). */
  static at(instant: string | Date): InjectedClock {
    const clock = new InjectedClock();
    clock.set(instant);
    return clock;
  }

  now(): Date {
    return new Date(this.frozenAt ?? Date.now() + this.offsetMs);
  }

  /** Freezes the clock at `instant`; `pass` then moves it. */
  set(instant: string | Date): void {
    const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
    if (!Number.isFinite(ms)) throw new Error(`not an instant: ${String(instant)}`);
    this.frozenAt = ms;
  }

  async pass(ms: number): Promise<void> {
    if (this.frozenAt !== undefined) this.frozenAt += ms;
    else this.offsetMs += ms;
  }

  async stayInOneWindow(windowSeconds: number, needSeconds = 30): Promise<void> {
    if (needSeconds >= windowSeconds) throw new Error(`${needSeconds} s do not fit in a ${windowSeconds} s window`);
    const next = (windowStart(this.now(), windowSeconds) + windowSeconds + 1) * 1000;
    if (this.frozenAt !== undefined) this.frozenAt = next;
    else this.offsetMs = next - Date.now();
  }

  /** The function createApp takes. */
  readonly read = (): Date => this.now();
}

/** Another process's real clock, seen through an offset measured against this process's clock. */
export class RealClock implements TargetClock {
  readonly kind = 'real';
  private readonly offsetMs: number;
  readonly uncertaintyMs: number;
  constructor(offsetMs = 0, uncertaintyMs = 0) {
    this.offsetMs = offsetMs;
    this.uncertaintyMs = uncertaintyMs;
  }

  /**
   * Measures the offset from a `time` the server reported at some instant between `before` and
   * `after` (this process's clock). When the two clocks are the same one (no libfaketime), the
   * offset is 0 and exact.
   */
  static fromReport(reported: string, before: number, after: number): RealClock {
    const at = Date.parse(reported);
    if (!Number.isFinite(at)) throw new Error(`the server reported no time: ${reported}`);
    if (at >= before && at <= after) return new RealClock(0, 0);
    // Plus the report's own rounding and workerd's coarse timer.
    return new RealClock(at - (before + after) / 2, Math.ceil((after - before) / 2) + 50);
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  async pass(ms: number): Promise<void> {
    await sleep(ms);
  }

  async stayInOneWindow(windowSeconds: number, needSeconds = 30): Promise<void> {
    if (needSeconds >= windowSeconds) throw new Error(`${needSeconds} s do not fit in a ${windowSeconds} s window`);
    const now = this.now();
    // One extra second either side for the offset's error (a request's round trip).
    const left = (windowStart(now, windowSeconds) + windowSeconds) * 1000 - now.getTime();
    if (left < (needSeconds + 1) * 1000) await sleep(left + 1000);
  }
}
