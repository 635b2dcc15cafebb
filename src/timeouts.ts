/**
 * Timeout tiers, the timeout of each attempt, and the one place where abort signals are
 * watched (the user's, the client's close() and the attempt's own timer meet in attempt.ts).
 */
import { check, optionError } from "./option-error.js";
import type { Closer } from "./closer.js";
import { parseDuration, type Duration } from "./durations.js";
import type { TierName, TimeoutOption, TimeoutTiers } from "./options.js";

/** Tier lengths in milliseconds. */
export interface Tiers {
  short: number;
  medium: number;
  long: number;
  max: number;
}

/** A request's timeout: milliseconds (undefined: none) and the tier it came from. */
export interface ResolvedTimeout {
  ms: number | undefined;
  tier: string | undefined;
}

/** Validates `timeouts`, filling in the defaults: 5 s, 30 s, 6 min and 15 min. */
export function resolveTiers(input: TimeoutTiers | undefined): Tiers {
  const out: Tiers = { short: 5e3, medium: 3e4, long: 36e4, max: 9e5 };
  if (input === undefined) return out;
  check(typeof input === "object" && input, "timeouts", "must be an object");
  for (const key of Object.keys(input) as (keyof TimeoutTiers)[]) {
    check(key in out, "timeouts", `has no tier ${JSON.stringify(key)}: use short, medium, long, max`);
    const value = input[key];
    if (value !== undefined) out[key] = durationOption(value, `timeouts.${key}`);
  }
  return out;
}

/** Resolves a `timeout` option against the tiers: a tier name, "none", or a duration. */
export function resolveTimeout(option: TimeoutOption, tiers: Tiers): ResolvedTimeout {
  if (option === "none") return { ms: undefined, tier: undefined };
  if (typeof option === "string" && /^[a-z]+$/i.test(option)) {
    check(/^(?:short|medium|long)$/.test(option), "timeout", `has no tier ${JSON.stringify(option)}: use short, medium, long, none or a duration`);
    return { ms: tiers[option as TierName], tier: option };
  }
  return { ms: durationOption(option as Duration, "timeout"), tier: undefined };
}

/** Attempt `n` (0-based) gets `min(t · 2ⁿ, max(t, cap))`. */
export function attemptTimeout(t: number, n: number, cap: number): number {
  return Math.min(t * 2 ** n, Math.max(t, cap));
}

/** parseDuration with the option's name in the error. */
export function durationOption(value: Duration, name: string): number {
  try {
    return parseDuration(value);
  } catch (error) {
    throw optionError(name, (error as Error).message);
  }
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

/**
 * Waits `ms`, or rejects at once with the reason of the user's signal or of close(). The timer
 * is a normal (ref'd) one: a Node script waiting for a retry does not exit early.
 */
export function sleep(ms: number, signal: AbortSignal | undefined, closer: Closer): Promise<void> {
  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stop = noop;
    // Ends the sleep: `abort` (close(), the signal) rejects, the timer resolves.
    const end = (reason?: unknown, aborted?: boolean) => {
      clearTimeout(timer);
      stop();
      closer.release(op);
      if (aborted) reject(reason);
      else resolve();
    };
    const op = { abort: (reason: unknown) => end(reason, true) };
    if (signal?.aborted) return reject(signal.reason);
    if (!closer.track(op)) return;
    stop = watchSignal(signal, op.abort);
    timer = setTimeout(end, ms);
  });
}

/** Lets the process exit while only this timer is pending (Node, Bun, Deno); a no-op elsewhere. */
export function unrefTimer(timer: unknown): void {
  // Node and Bun timers are objects with unref() (which returns the timer); Deno's are numbers.
  if (timer !== undefined) (timer as { unref?: () => unknown }).unref?.() ?? (globalThis as { Deno?: { unrefTimer?: (id: unknown) => void } }).Deno?.unrefTimer?.(timer);
}
