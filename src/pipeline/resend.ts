/**
 * What a client's ResponsePromise knows to send its request again: the capability that SSE
 * reconnection (features/sse-request.ts) is built on, and the only one. Plain data and one
 * function, so the core carries no reconnect code: a bundle that does not import `sse` has none.
 */
import type { RunOptions } from "./call.js";
import type { CallPlan } from "./plan.js";
import type { BudgetedDecision, Reservation, RetryBudget } from "../resilience/retry-budget.js";
import type { RetryFacts } from "../resilience/retry-decision.js";
import type { RetryPolicy } from "../resilience/retry.js";
import type { sleep } from "../resilience/timers.js";

/**
 * @internal The key of a ResponsePromise's hold on its request, for a reader that decides
 * before it is sent (`sse()`, `lines()`): `p[HOLD](refused, single)` returns its Resend. Read
 * by key, not by `instanceof`, so a reader given a Response bundles none of the client.
 */
export const HOLD: unique symbol = Symbol("tierfetch.hold");

/** What holds a request before it is sent: a client's ResponsePromise. */
export interface Holdable {
  [HOLD](refused: TypeError | undefined, single: boolean): Resend | undefined;
}

export interface Resend {
  /** The request's method: only a GET reconnects. */
  readonly method: string;
  /**
   * How the first request's single attempt runs: its `handOver` hands the stream the retry it
   * took from the budget (set before the request starts).
   */
  readonly once: RunOptions;
  /** The call's plan, resolved as the first request was (throws the TypeError of a bad option). */
  plan(): CallPlan;
  /**
   * Sends the request again, as `run` says (SSE: one attempt), with `headers` over its own (a
   * header set to undefined is removed); an error status rejects as an HttpError.
   */
  send(headers: Record<string, string | undefined>, run: RunOptions): Promise<Response>;
  /** The client's own retry rule, for a stream that does its retrying itself. */
  readonly retry: RetryRule;
}

/**
 * The retry rule a client already holds for its calls, handed to SSE reconnection with the
 * capability: reconnection then decides exactly as a call does, and a decoder given a plain
 * Response (which never reaches a capability) bundles none of it.
 */
export interface RetryRule {
  /** The one retry decision (decideRetry), then the retry taken from the budget (takeRetry). */
  decide(facts: RetryFacts, budget: RetryBudget | undefined, held: Reservation | undefined): BudgetedDecision;
  /** Whether the policy retries this status of an idempotent request. */
  retries(policy: RetryPolicy, status: number): boolean;
  /** Milliseconds the server asked to wait (Retry-After, retry-after-ms), if it did. */
  retryAfter(headers: Headers): number | undefined;
  sleep: typeof sleep;
}
