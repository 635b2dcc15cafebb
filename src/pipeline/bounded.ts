/**
 * Waiting for user code (a hook between attempts, `shouldRetry`, a paginate `next()`) or for a
 * body to be read, so that it cannot hang the call: the user's signal, close() and an optional
 * timeout end the wait.
 */
import { closedError, isCloseReason, type Abortable, type Closer } from "../resilience/closer.js";
import { clearTimer, noop, setTimer, watchSignal, type Timer } from "../resilience/timers.js";

export interface Bounds {
  signal: AbortSignal | undefined;
  closer: Closer;
  /** Milliseconds before `expired()` ends the wait (undefined: no time limit). */
  ms?: number | undefined;
  /** The error of a wait that ran out of time. */
  expired?: () => unknown;
  /** The error of a wait ended by close() (default: ERR_CLOSED). */
  closed?: () => unknown;
}

/** Runs `work` and waits for it within `bounds`. */
export function bounded<T>(bounds: Bounds, work: () => T | PromiseLike<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const guard = new Guard(bounds, reject);
    let value: T | PromiseLike<T>;
    try {
      value = work();
    } catch (error) {
      guard.end();
      return reject(error);
    }
    Promise.resolve(value).then(
      (v) => (guard.end(), resolve(v)),
      (e) => (guard.end(), reject(e)),
    );
  });
}

const onExpired = (guard: Guard) => guard.expire();

class Guard implements Abortable {
  prevOp: Abortable | undefined;
  nextOp: Abortable | undefined;
  readonly #bounds: Bounds;
  readonly #reject: (reason: unknown) => void;
  #timer: Timer | undefined;
  #stop: () => void = noop;
  #ended = false;

  constructor(bounds: Bounds, reject: (reason: unknown) => void) {
    this.#bounds = bounds;
    this.#reject = reject;
    // Either may end the wait at once (closed already, aborted already).
    if (!bounds.closer.track(this)) return;
    this.#stop = watchSignal(bounds.signal, (reason) => this.abort(reason));
    if (!this.#ended && bounds.ms !== undefined && bounds.expired) this.#timer = setTimer(onExpired, bounds.ms, this);
  }

  abort(reason: unknown): void {
    this.end();
    this.#reject(isCloseReason(reason) ? (this.#bounds.closed?.() ?? closedError()) : reason);
  }

  expire(): void {
    this.end();
    this.#reject(this.#bounds.expired!());
  }

  end(): void {
    this.#ended = true;
    clearTimer(this.#timer);
    this.#stop();
    this.#bounds.closer.release(this);
  }
}
