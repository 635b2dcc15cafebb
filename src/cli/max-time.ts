/**
 * -m/--max-time as curl has it: one limit on the whole transfer — every attempt, the backoff
 * sleeps between them and the body — ending with exit status 28. Not a per-attempt timeout
 * (that is --timeout): the request is given a signal that aborts when the time is up.
 */
import { clearTimer, setTimer } from "../resilience/timers.js";

/** The abort reason when -m ran out. */
export class MaxTimeExceeded extends Error {
  override name = "MaxTimeExceeded";
  readonly ms: number;
  constructor(ms: number) {
    super(`operation timed out after ${ms} ms (-m/--max-time)`);
    this.ms = ms;
  }
}

/** `signal`, also aborted with MaxTimeExceeded after `ms` (none: `signal` itself); `stop()` ends the clock. */
export function withMaxTime(signal: AbortSignal, ms: number | undefined): { signal: AbortSignal; stop: () => void } {
  if (ms === undefined) return { signal, stop: () => {} };
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  const timer = setTimer((c: AbortController) => c.abort(new MaxTimeExceeded(ms)), ms, controller);
  return {
    signal: controller.signal,
    stop: () => {
      clearTimer(timer);
      signal.removeEventListener("abort", onAbort);
    },
  };
}
