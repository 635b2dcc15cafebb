/**
 * Timeout tiers, the timeout of each attempt, and the one place where abort signals are
 * combined (the user's, the client's close signal and the attempt's own timer).
 */
import { check, optionError } from "./option-error.js";
import type { Closer } from "./closer.js";
import { parseDuration, type Duration } from "./durations.js";
import { DEFAULT_TIERS, type TimeoutOption, type TimeoutTiers } from "./options.js";

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

/** Validates `timeouts`, filling in the defaults (or the parent's values). */
export function resolveTiers(input: TimeoutTiers | undefined, parent?: Tiers): Tiers {
  const base = parent ?? {
    short: parseDuration(DEFAULT_TIERS.short),
    medium: parseDuration(DEFAULT_TIERS.medium),
    long: parseDuration(DEFAULT_TIERS.long),
    max: parseDuration(DEFAULT_TIERS.max),
  };
  if (input === undefined) return base;
  check(typeof input === "object" && input, "timeouts", "must be an object like { short: \"5s\" }");
  const out = { ...base };
  for (const key of Object.keys(input) as (keyof TimeoutTiers)[]) {
    check(key in out, "timeouts", `has no tier ${JSON.stringify(key)}: use short, medium, long, max`);
    const value = input[key];
    if (value !== undefined) out[key] = durationOption(`timeouts.${key}`, value);
  }
  return out;
}

/** Resolves a `timeout` option against the tiers. */
export function resolveTimeout(option: TimeoutOption, tiers: Tiers): ResolvedTimeout {
  if (option === "short" || option === "medium" || option === "long") return { ms: tiers[option], tier: option };
  if (option === "none") return { ms: undefined, tier: undefined };
  if (typeof option === "string" && /^[a-z]+$/i.test(option)) {
    throw optionError("timeout", `has no tier ${JSON.stringify(option)}: use short, medium, long, none or a duration`);
  }
  return { ms: durationOption("timeout", option), tier: undefined };
}

/** Attempt `n` (0-based) gets `min(t · 2ⁿ, max(t, cap))`. */
export function attemptTimeout(t: number, n: number, cap: number): number {
  return Math.min(t * 2 ** n, Math.max(t, cap));
}

/** parseDuration with the option's name in the error. */
export function durationOption(name: string, value: Duration): number {
  try {
    return parseDuration(value);
  } catch (error) {
    throw optionError(name, (error as Error).message);
  }
}

/**
 * Calls `onAbort(reason)` once when any of the signals aborts (at once if one already has).
 * Returns the function that stops listening. Works where `AbortSignal.any` is missing
 * (edge-runtime, Node < 18.17) and leaves nothing behind on long-lived signals.
 */
export function watchSignals(a: AbortSignal | null | undefined, b: AbortSignal | null | undefined, onAbort: (reason: unknown) => void): () => void {
  if (a?.aborted) {
    onAbort(a.reason);
    return noop;
  }
  if (b?.aborted) {
    onAbort(b.reason);
    return noop;
  }
  if (!a && !b) return noop;
  const listener = function (this: AbortSignal) {
    stop();
    onAbort(this.reason);
  };
  const stop = () => {
    a?.removeEventListener("abort", listener);
    b?.removeEventListener("abort", listener);
  };
  a?.addEventListener("abort", listener);
  b?.addEventListener("abort", listener);
  return stop;
}

function noop(): void {}

/**
 * Waits `ms`, or rejects at once with the reason of whichever signal aborts first. The timer
 * is a normal (ref'd) one: a Node script waiting for a retry does not exit early.
 */
export function sleep(ms: number, signal: AbortSignal | null | undefined, closer: Closer): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stop = noop;
    const op = {
      abort(reason: unknown) {
        if (timer !== undefined) clearTimeout(timer);
        stop();
        closer.release(op);
        reject(reason);
      },
    };
    if (!closer.track(op)) return;
    stop = watchSignals(signal, undefined, (reason) => op.abort(reason));
    timer = setTimeout(() => {
      stop();
      closer.release(op);
      resolve();
    }, ms);
  });
}

/** Lets the process exit while only this timer is pending (Node, Bun, Deno); a no-op elsewhere. */
export function unrefTimer(timer: unknown): void {
  const t = timer as { unref?: () => void } | number;
  if (typeof t === "object" && t && typeof t.unref === "function") t.unref();
  else if (typeof t === "number") (globalThis as { Deno?: { unrefTimer?: (id: number) => void } }).Deno?.unrefTimer?.(t);
}
