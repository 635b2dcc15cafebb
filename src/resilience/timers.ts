/**
 * Timers that honour every duration the API accepts. `setTimeout` clamps a delay above
 * 2³¹−1 ms (24.8 days) to about 1 ms, so a long delay is chained: each link waits at most
 * MAX_DELAY and re-arms until the due time. Also: signal watching and the abortable sleep.
 */
import type { Abortable, Closer } from "./closer.js";

/** The longest delay one `setTimeout` honours. */
export const MAX_DELAY = 2_147_483_647;

/** A timer handle: the runtime's own for a short delay, a chain for a long one. */
export type Timer = ReturnType<typeof setTimeout> | LongTimer;

/** A delay longer than one setTimeout can hold, waited in links of at most MAX_DELAY. */
class LongTimer {
  #handle: ReturnType<typeof setTimeout> | undefined;
  #unref = false;
  readonly #due: number;
  readonly #fn: (arg: never) => void;
  readonly #arg: unknown;

  constructor(fn: (arg: never) => void, ms: number, arg: unknown) {
    this.#due = Date.now() + ms;
    this.#fn = fn;
    this.#arg = arg;
    this.#arm();
  }

  #arm(): void {
    const left = this.#due - Date.now();
    if (left <= 0) return this.#fn(this.#arg as never);
    this.#handle = setTimeout(() => this.#arm(), Math.min(left, MAX_DELAY));
    if (this.#unref) unrefHandle(this.#handle);
  }

  clear(): void {
    clearTimeout(this.#handle);
  }

  unref(): void {
    this.#unref = true;
    unrefHandle(this.#handle);
  }
}

/** Calls `fn(arg)` after `ms` milliseconds, however long. */
export function setTimer<A>(fn: (arg: A) => void, ms: number, arg: A): Timer {
  return ms <= MAX_DELAY ? setTimeout(fn, ms, arg) : new LongTimer(fn as (arg: never) => void, ms, arg);
}

export function clearTimer(timer: Timer | undefined): void {
  if (timer instanceof LongTimer) timer.clear();
  else clearTimeout(timer);
}

/** Lets the process exit while only this timer is pending (Node, Bun, Deno); a no-op elsewhere. */
export function unrefTimer(timer: Timer | undefined): void {
  if (timer instanceof LongTimer) timer.unref();
  else unrefHandle(timer);
}

function unrefHandle(timer: unknown): void {
  // Node and Bun timers are objects with unref(); Deno's are numbers.
  if (timer === undefined) return;
  if (typeof (timer as { unref?: unknown }).unref === "function") (timer as { unref: () => void }).unref();
  else (globalThis as { Deno?: { unrefTimer?: (id: unknown) => void } }).Deno?.unrefTimer?.(timer);
}

export function noop(): void {}

/**
 * Calls `onAbort(reason)` once when `signal` aborts (at once if it has). Returns the function
 * that stops listening, so nothing is left behind on a long-lived signal.
 */
export function watchSignal(signal: AbortSignal | undefined, onAbort: (reason: unknown) => void): () => void {
  if (!signal) return noop;
  if (signal.aborted) {
    onAbort(signal.reason);
    return noop;
  }
  const listener = () => onAbort(signal.reason);
  signal.addEventListener("abort", listener, { once: true });
  return () => signal.removeEventListener("abort", listener);
}

/** One sleep in flight: close() and the user's signal end it early. */
class Sleep implements Abortable {
  prevOp: Abortable | undefined = undefined;
  nextOp: Abortable | undefined = undefined;
  #timer: Timer | undefined;
  #stop = noop;
  readonly #closer: Closer;
  readonly #resolve: () => void;
  readonly #reject: (reason: unknown) => void;

  constructor(ms: number, signal: AbortSignal | undefined, closer: Closer, resolve: () => void, reject: (reason: unknown) => void) {
    this.#closer = closer;
    this.#resolve = resolve;
    this.#reject = reject;
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    if (!closer.track(this)) return;
    this.#stop = watchSignal(signal, (reason) => this.abort(reason));
    this.#timer = setTimer(endSleep, ms, this);
  }

  /** Ends the sleep: with a reason it rejects (close(), the signal), without one it resolves. */
  end(reason?: unknown, aborted = false): void {
    clearTimer(this.#timer);
    this.#stop();
    this.#closer.release(this);
    if (aborted) this.#reject(reason);
    else this.#resolve();
  }

  abort(reason: unknown): void {
    this.end(reason, true);
  }
}

const endSleep = (sleep: Sleep) => sleep.end();

/**
 * Waits `ms` (however long), or rejects at once with the reason of the user's signal or of
 * close(). The timer is a normal (ref'd) one: a Node script waiting for a retry does not exit.
 */
export function sleep(ms: number, signal: AbortSignal | undefined, closer: Closer): Promise<void> {
  return new Promise((resolve, reject) => void new Sleep(ms, signal, closer, resolve, reject));
}
