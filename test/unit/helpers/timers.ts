/**
 * Scheduled delays instead of wall-clock time (ky's withCapturedTimeouts habit): fake
 * setTimeout/clearTimeout/Date, record every delay handed to setTimeout, and drive a call
 * to its end by jumping from timer to timer. setImmediate stays real, so msw's promise work
 * and stream pumping go on between jumps.
 */
import { vi, type MockInstance } from "vitest";

/** 2030-01-01T00:00:00Z: a whole second, so HTTP dates compare exactly. */
export const EPOCH = Date.UTC(2030, 0, 1, 0, 0, 0);

/** Fakes setTimeout, clearTimeout and Date (starting at `now`). Undo with vi.useRealTimers(). */
export function fakeClock(now: number = EPOCH): void {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"], now });
}

/**
 * Records the delay of every setTimeout call from now on (call after fakeClock), but the short
 * wait for an error body's first bytes (tracked-body.ts `withinMs`), which is not a retry delay.
 */
export function captureDelays(): { delays: () => number[]; spy: MockInstance } {
  const original = globalThis.setTimeout;
  const delays: number[] = [];
  const spy = vi.spyOn(globalThis, "setTimeout").mockImplementation(((fn: () => void, ms?: number, ...args: unknown[]) => {
    if (!(new Error().stack ?? "").includes("withinMs")) delays.push(Number(ms ?? 0));
    return original(fn, ms, ...args);
  }) as typeof setTimeout);
  return { spy, delays: () => [...delays] };
}

/** A promise's outcome, observed without leaving a rejection unhandled. */
export interface Tracked<T> {
  settled: boolean;
  fulfilled: boolean;
  value: T | undefined;
  error: unknown;
}

export function track<T>(promise: Promise<T>): Tracked<T> {
  const t: Tracked<T> = { settled: false, fulfilled: false, value: undefined, error: undefined };
  promise.then(
    (value) => Object.assign(t, { settled: true, fulfilled: true, value }),
    (error) => Object.assign(t, { settled: true, error }),
  );
  return t;
}

/** Lets real macrotasks run (setImmediate is not faked). */
export async function flush(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r));
}

/** Runs the fake clock from timer to timer until the tracked promise settles. */
export async function drive<T>(t: Tracked<T>, maxTimers = 200): Promise<Tracked<T>> {
  for (let i = 0; i < maxTimers && !t.settled; i++) {
    await flush();
    if (t.settled) break;
    await vi.advanceTimersToNextTimerAsync();
  }
  await flush();
  if (!t.settled) throw new Error("drive(): the call did not settle");
  return t;
}

/** Rejects when `promise` is still pending after `ms` of real time: a hang fails fast and says so. */
export function within<T>(promise: Promise<T>, ms: number, what = "the call"): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} was still pending after ${ms} ms`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}
