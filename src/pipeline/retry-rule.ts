/**
 * The retry rule a client hands over with its capability to send a request again
 * (pipeline/resend.ts): the same functions its calls retry by, so SSE reconnection decides as
 * a call does without importing them (a decoder-only bundle then holds none of them).
 */
import type { RetryRule } from "./resend.js";
import { parseRetryAfter } from "../resilience/retry-after.js";
import { decideRetry } from "../resilience/retry-decision.js";
import { takeRetry } from "../resilience/retry-budget.js";
import { isRetryable } from "../resilience/retry.js";
import { sleep } from "../resilience/timers.js";

export const RETRY_RULE: RetryRule = {
  decide: (facts, budget, held) => takeRetry(decideRetry(facts), budget, held),
  retries: (policy, status) => isRetryable(policy, true, status),
  retryAfter: parseRetryAfter,
  sleep,
};
