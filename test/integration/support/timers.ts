/**
 * Which timers the library leaves running.
 *
 * `process.getActiveResourcesInfo()` lists ref'd timers only and cannot say who made them, so
 * while tracking, `setTimeout`/`clearTimeout` are wrapped: a timer whose creating stack has a
 * frame in the library's src/ is recorded until it fires or is cleared. The library reads
 * the global `setTimeout` at call time, so every timer it starts goes through the wrapper
 * (unref'd ones included, which getActiveResourcesInfo would not show).
 */
import { fileURLToPath } from "node:url";

const SRC = fileURLToPath(new URL("../../../src/", import.meta.url));

export interface TimerTracker {
  /** Library timers still pending, with where they were created. */
  live: Map<unknown, string>;
  /** Library timers created while tracking. */
  created(): number;
  restore(): void;
}

export function trackLibraryTimers(): TimerTracker {
  const originalSet = globalThis.setTimeout;
  const originalClear = globalThis.clearTimeout;
  const live = new Map<unknown, string>();
  let created = 0;

  const wrappedSet = function (this: unknown, fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) {
    const stack = new Error().stack ?? "";
    const frame = stack.split("\n").slice(2).find((line) => line.includes(SRC));
    if (frame === undefined || typeof fn !== "function") return originalSet(fn, ms, ...args);
    created++;
    const timer = originalSet((...a: unknown[]) => {
      live.delete(timer);
      fn(...a);
    }, ms, ...args);
    live.set(timer, `${ms} ms timer from ${frame.trim()}`);
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
