/**
 * The one retry decision (got's calculate-retry-delay is the model): from the facts of a failed
 * attempt to "retry after N ms" or "stop, because…". Pure: the call loop, SSE reconnection and
 * pagination all ask it, and the stop reason feeds the error message. The retry budget is not a
 * fact but a shared resource: a retry this allows is then taken from it atomically
 * (retry-budget.ts `takeRetry`), which may still stop it with "budget".
 */
import { isRetryable, type RetryPolicy } from "./retry.js";

/** Why retries stopped. */
export type StopReason =
  | "not-retryable" // the method, status or error is not retried by the policy
  | "not-replayable" // the body cannot be sent again
  | "max-retries"
  | "should-retry" // the user's shouldRetry said no
  | "deadline" // the next attempt would start past the deadline
  | "retry-after" // the server asked to wait past the deadline
  | "budget" // the client's retry budget is spent
  | "handed-back"; // a one-attempt call: its caller (SSE reconnection) does the retrying

export type RetryDecision = { retry: true; delay: number } | { retry: false; reason: StopReason; delay: number };

/** What is known when an attempt failed. */
export interface RetryFacts {
  policy: RetryPolicy;
  /** Retries made so far (0 after the first attempt). */
  retries: number;
  idempotent: boolean;
  replayable: boolean;
  /** The status of an error response; undefined for a network error or a timeout. */
  status: number | undefined;
  /** Milliseconds the server asked for (Retry-After, retry-after-ms), if it did. */
  retryAfter: number | undefined;
  /** Milliseconds since the first attempt began (or since a stream last delivered, for SSE). */
  elapsed: number;
  /** The delay to use instead of backoff when the server gave none (SSE's `retry` field). */
  preferredDelay?: number | undefined;
  /** What `shouldRetry` answered, if there is one. */
  override: boolean | undefined;
}

/** Backoff before retry `n` (0-based): `minDelay · factorⁿ` capped at maxDelay, jitter in its upper half, never below minDelay. */
export function backoffDelay(policy: RetryPolicy, n: number, random: () => number = Math.random): number {
  const full = Math.min(policy.maxDelay, policy.minDelay * policy.factor ** n);
  return Math.max(policy.minDelay, full / 2 + (random() * full) / 2);
}

/** The delay before the next attempt: the server's (never below minDelay), else backoff. */
export function retryDelay(facts: Pick<RetryFacts, "policy" | "retries" | "retryAfter" | "preferredDelay">, random?: () => number): number {
  const { policy, retryAfter, preferredDelay } = facts;
  if (retryAfter !== undefined) return Math.max(policy.minDelay, retryAfter);
  if (preferredDelay !== undefined) return preferredDelay;
  return backoffDelay(policy, facts.retries, random);
}

/** Retry after `delay`, or stop with the reason. Hard limits hold whatever `shouldRetry` says; the budget comes after (takeRetry). */
export function decideRetry(facts: RetryFacts, delay: number = retryDelay(facts)): RetryDecision {
  const stop = (reason: StopReason): RetryDecision => ({ retry: false, reason, delay });
  const { policy } = facts;
  if (facts.retries >= policy.maxRetries) return stop("max-retries");
  const byPolicy = isRetryable(policy, facts.idempotent, facts.status);
  if (!(facts.override ?? byPolicy)) return stop(facts.override === false ? "should-retry" : "not-retryable");
  if (!facts.replayable) return stop("not-replayable");
  if (facts.elapsed + delay > policy.deadline) return stop(facts.retryAfter !== undefined ? "retry-after" : "deadline");
  return { retry: true, delay };
}

/** The stop reason as the error message says it ("" when nothing unusual stopped retries). */
export function describeStop(reason: StopReason | undefined, decision: { delay: number; policy: RetryPolicy }): string {
  switch (reason) {
    case "deadline":
      return `not retried: the next attempt (in ${Math.round(decision.delay)} ms) would start past the retry deadline of ${decision.policy.deadline} ms`;
    case "retry-after":
      return `not retried: the server asked to wait ${Math.round(decision.delay)} ms, past the retry deadline of ${decision.policy.deadline} ms`;
    case "budget":
      return "not retried: the client's retry budget is spent";
    case "not-replayable":
      return "not retried: the body cannot be sent again";
    default:
      return "";
  }
}
