/** Counters of a client (shared with its `extend()` children). Never holds a header or a token. */
export interface Stats {
  /** Logical requests (one per `request()` call). */
  calls: number;
  /** Attempts sent (first attempts, retries and token refreshes). */
  requests: number;
  /** Retries sent (SSE reconnections included); one given up during its backoff sleep is not counted. */
  retries: number;
  /** Attempts that timed out (whole-attempt or idle). */
  timeouts: number;
  /** Attempts that failed with a network error. */
  networkErrors: number;
  /** Responses with a status of 400 or more, on any attempt. */
  httpErrors: number;
  /** `rateLimitErrors[i]`: 429 responses seen on attempt `i` (0-based). */
  rateLimitErrors: number[];
  /** Failures that would have been retried but found the retry budget spent. */
  budgetExhausted: number;
  /** Hedged copies sent (each counts in `requests` too). */
  hedges: number;
}

/** A fresh set of counters. */
export function createStats(): Stats {
  return { calls: 0, requests: 0, retries: 0, timeouts: 0, networkErrors: 0, httpErrors: 0, rateLimitErrors: [], budgetExhausted: 0, hedges: 0 };
}
