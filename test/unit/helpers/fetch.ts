/**
 * An injected `fetch` for what msw makes awkward: seeing the exact RequestInit, the signal
 * of each attempt, or a fetch that never answers until it is aborted.
 */
import { vi } from "vitest";

/** One call the fake fetch received. */
export interface FetchCall {
  input: Request | string;
  init: RequestInit | undefined;
  /** The attempt's signal, as fetch got it. */
  signal: AbortSignal | undefined;
  /** Whether that signal was already aborted when fetch was called. */
  abortedAtStart: boolean;
  /** Lower-case header names, from init or from the Request. */
  headers: Record<string, string>;
  url: string;
  method: string;
}

/** What one call answers: a Response, a rejection, a fetch that hangs until aborted, or a function. */
export type Step = Response | Error | "hang" | ((call: FetchCall) => Response | Promise<Response>);

/** A fetch that answers its n-th call with `steps[n]` (the last step repeats). */
export function scriptedFetch(...steps: Step[]) {
  const calls: FetchCall[] = [];
  const fn = vi.fn(async (input: Request | string, init?: RequestInit): Promise<Response> => {
    const signal = init?.signal ?? (typeof input === "string" ? undefined : input.signal) ?? undefined;
    const headers: Record<string, string> = {};
    new Headers(init?.headers ?? (typeof input === "string" ? undefined : input.headers)).forEach((v, k) => (headers[k] = v));
    const call: FetchCall = {
      input,
      init,
      signal,
      abortedAtStart: signal?.aborted ?? false,
      headers,
      url: typeof input === "string" ? input : input.url,
      method: init?.method ?? (typeof input === "string" ? "GET" : input.method),
    };
    calls.push(call);
    const step = steps[Math.min(calls.length - 1, steps.length - 1)];
    if (step === undefined) throw new Error("scriptedFetch: no steps");
    if (step === "hang") return untilAborted(signal);
    if (step instanceof Error) throw step;
    if (typeof step === "function") return step(call);
    return step.clone();
  });
  return Object.assign(fn, { calls });
}

/** Rejects with the signal's reason when it aborts; never resolves. */
export function untilAborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise<never>((_, reject) => {
    if (!signal) return;
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}
