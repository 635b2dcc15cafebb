/**
 * Which timers the library leaves running.
 *
 * `process.getActiveResourcesInfo()` lists ref'd timers only and cannot say who made them, so
 * while tracking, `setTimeout`/`clearTimeout` are wrapped: a timer whose creating stack has a
 * frame in the library's src/ is recorded until it fires or is cleared. The library reads
 * the global `setTimeout` at call time, so every timer it starts goes through the wrapper
 * (unref'd ones included, which getActiveResourcesInfo would not show).
 *
 * It also records the delay of each library timer: tests assert the delays the library
 * scheduled rather than wall-clock gaps. (Node starts a timer from the event loop's cached
 * time, so under load a timer can fire "early" by the length of the current loop turn, as
 * measured by performance.now(): a wall-clock lower bound is not safe on a busy machine.)
 */
import { fileURLToPath } from "node:url";

const SRC = fileURLToPath(new URL("../../../src/", import.meta.url));

export interface ScheduledTimer {
  ms: number;
  /** The innermost library frame that started it, e.g. "/…/src/resilience/timeouts.ts:107:13" or "runAttempt (/…/src/pipeline/attempt.ts:37:13)". */
  frame: string;
  /** Every library frame on the stack, innermost first. */
  frames: string[];
}

export interface TimerTracker {
  /** Library timers still pending, with where they were created. */
  live: Map<unknown, string>;
  /** Every library timer started while tracking, in order. */
  scheduled: ScheduledTimer[];
  /** The delays of the library timers started in `file` (e.g. "timeouts.ts"), within function `fn` when given, in order. */
  delaysFrom(file: string, fn?: string): number[];
  /** Library timers created while tracking. */
  created(): number;
  restore(): void;
}

export function trackLibraryTimers(): TimerTracker {
  const originalSet = globalThis.setTimeout;
  const originalClear = globalThis.clearTimeout;
  const live = new Map<unknown, string>();
  const scheduled: ScheduledTimer[] = [];
  let created = 0;

  const wrappedSet = function (this: unknown, fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) {
    const stack = new Error().stack ?? "";
    const frames = stack
      .split("\n")
      .slice(2)
      .filter((line) => line.includes(SRC))
      .map((line) => line.trim().replace(/^at /, ""));
    const frame = frames[0];
    if (frame === undefined || typeof fn !== "function") return originalSet(fn, ms, ...args);
    created++;
    scheduled.push({ ms: Number(ms ?? 0), frame, frames });
    const timer = originalSet((...a: unknown[]) => {
      live.delete(timer);
      fn(...a);
    }, ms, ...args);
    live.set(timer, `${ms} ms timer from ${frames.join(" < ")}`);
    return timer;
  } as unknown as typeof setTimeout;
  const wrappedClear = ((timer?: Parameters<typeof clearTimeout>[0]) => {
    live.delete(timer);
    originalClear(timer);
  }) as typeof clearTimeout;

  globalThis.setTimeout = wrappedSet;
  globalThis.clearTimeout = wrappedClear;
  return {
    live,
    scheduled,
    delaysFrom: (file, fn) =>
      scheduled
        .filter((t) => t.frame.includes(`/${file}:`) && (fn === undefined || t.frames.some((f) => f.startsWith(`${fn} (`))))
        .map((t) => t.ms),
    created: () => created,
    restore() {
      if (globalThis.setTimeout === wrappedSet) globalThis.setTimeout = originalSet;
      if (globalThis.clearTimeout === wrappedClear) globalThis.clearTimeout = originalClear;
    },
  };
}

/** How many ref'd timers Node reports as active. */
export function activeTimeouts(): number {
  return process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
}
