/**
 * Unhandled rejections in the integration tests.
 *
 * A library bug seen while writing this suite (fixed in 56b666d): a request that failed and
 * was awaited directly (`await api.get(u)`, or a stream shortcut like `.lines()`) ALSO rejected
 * an internal promise nobody handled, so Node reported an unhandled rejection carrying the
 * very error the caller had already caught. Vitest turns each one into a run-level error
 * attributed to whatever test happens to be running, which drowns every other result.
 *
 * So: an error that a test has already received through `delivered()` is not reported again
 * here (the duplicate is counted in `swallowed`); any other unhandled rejection goes on to
 * Vitest's own listeners unchanged. The bug itself is asserted by its own tests ("promise
 * hygiene" in responses.test.ts), which use `captureUnhandled()` to see every unhandled
 * rejection while they run, so a regression shows there and only there.
 */
const received = new WeakSet<object>();
let installed = false;
let capture: ((reason: unknown) => void) | undefined;

/** Duplicates of already-delivered errors that were not forwarded. */
export let swallowed = 0;

/** Marks an error as received by the test (the caller did handle it). */
export function delivered<T>(error: T): T {
  if (typeof error === "object" && error !== null) received.add(error);
  return error;
}

/** Routes unhandled rejections through the filter above; idempotent. */
export function installUnhandledFilter(): void {
  if (installed) return;
  installed = true;
  const downstream = process.listeners("unhandledRejection");
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", (reason, promise) => {
    if (capture) {
      capture(reason);
      return;
    }
    if (typeof reason === "object" && reason !== null && received.has(reason)) {
      swallowed++;
      return;
    }
    for (const listener of downstream) listener(reason, promise);
  });
}

/** Records every unhandled rejection until the returned function is called. */
export function captureUnhandled(): { reasons: unknown[]; stop: () => void } {
  installUnhandledFilter();
  const reasons: unknown[] = [];
  capture = (r) => reasons.push(r);
  return {
    reasons,
    stop: () => {
      capture = undefined;
    },
  };
}
