/**
 * `.sse({ reconnect: true })`: an event stream that, like EventSource, opens again when it
 * ends or drops, sending `Last-Event-ID`. Each request is ONE attempt: this loop does the
 * retrying, with the same decision as a plain call (decideRetry: maxRetries, deadline,
 * Retry-After, the client's budget). Bound: at most `maxRetries + 1` requests in a row
 * without an event (each may add one token refresh); an event resets the count and the
 * deadline's clock. The delay is the server's Retry-After, else its `retry` field, else the
 * policy's backoff. A 204 ends the stream. Events the server sends again after a reconnection
 * (ids already delivered) are skipped.
 */
import { sse, type ServerSentEvent } from "./decode/index.js";
import type { Closer } from "./closer.js";
import { HttpError } from "./errors/http-error.js";
import { NetworkError } from "./errors/network-error.js";
import { TimeoutError } from "./errors/timeout-error.js";
import type { RetryBudget } from "./retry-budget.js";
import { parseRetryAfter } from "./retry-after.js";
import { decideRetry } from "./retry-decision.js";
import { isRetryable, type RetryPolicy } from "./retry.js";
import type { Stats } from "./stats.js";
import { noop, sleep } from "./timers.js";
import { checkEventStream } from "./event-stream-check.js";

const REMEMBERED_IDS = 1024;

/** What the reconnecting stream needs from the client. */
export interface ReconnectPlan {
  /** Sends the request once more (one attempt) with this Last-Event-ID ("" for none). */
  open: (lastEventId: string) => Promise<Response>;
  policy: RetryPolicy;
  budget: RetryBudget | undefined;
  stats: Stats;
  signal: AbortSignal | undefined;
  closer: Closer;
  /** Accept a stream whatever its content-type says. */
  anyContentType: boolean | undefined;
}

export async function* reconnectingSse(first: Promise<Response>, plan: ReconnectPlan): AsyncGenerator<ServerSentEvent, void, undefined> {
  first.catch(noop); // awaited below; never an unhandled rejection meanwhile
  const { policy } = plan;
  const seen = new Set<string>();
  let lastId = "";
  let retryMs: number | undefined;
  let failures = 0;
  let streakStart = Date.now();
  let next: Promise<Response> = first;
  let reconnected = false;
  let last: ServerSentEvent | undefined;
  for (;;) {
    let failure: unknown;
    let status: number | undefined;
    let retryAfter: number | undefined;
    try {
      const response = await next;
      if (response.status === 204) return;
      checkEventStream(response, undefined, plan.anyContentType);
      // After a reconnection a server that ignores Last-Event-ID replays: skip events whose id
      // was delivered already. An event without an id of its own carries the resumed id, so one
      // with that id is skipped only in a replay or when it repeats the last event delivered.
      let catchingUp = reconnected;
      let replaying = false;
      for await (const event of sse(response, { lastEventId: lastId })) {
        if (event.retry !== undefined) retryMs = event.retry;
        const resent = event.id !== lastId || replaying || (event.data === last?.data && event.event === last.event);
        if (catchingUp && event.id !== "" && seen.has(event.id) && resent) {
          replaying = true;
          continue;
        }
        catchingUp = false;
        if (event.id !== lastId) {
          lastId = event.id;
          seen.add(lastId);
          if (seen.size > REMEMBERED_IDS) seen.delete(seen.values().next().value as string);
        }
        failures = 0;
        streakStart = Date.now();
        last = event;
        yield event;
      }
    } catch (error) {
      // Only a dropped or timed-out stream, or a retryable status, reconnects.
      if (error instanceof HttpError) {
        status = error.status;
        if (!isRetryable(policy, true, status)) throw error;
        retryAfter = parseRetryAfter(error.response.headers);
        error.response.body?.cancel().catch(noop);
      } else if (!(error instanceof NetworkError || error instanceof TimeoutError)) throw error;
      failure = error;
    }
    const decision = decideRetry({
      policy,
      retries: failures,
      idempotent: true,
      replayable: true,
      status,
      retryAfter,
      elapsed: Date.now() - streakStart,
      preferredDelay: retryMs,
      override: undefined,
      budgetRoom: plan.budget?.hasRoom() ?? true,
    });
    if (!decision.retry) {
      if (decision.reason === "budget") plan.stats.budgetExhausted++;
      if (failure) throw failure;
      return;
    }
    plan.budget?.spend();
    plan.stats.retries++;
    failures++;
    await sleep(decision.delay, plan.signal, plan.closer);
    reconnected = true;
    next = plan.open(lastId);
    next.catch(noop);
  }
}

/**
 * An event id as a Last-Event-ID header value: its UTF-8 bytes, one character each (a header
 * value is a byte string; EventSource sends the id UTF-8 encoded).
 */
export function lastEventIdHeader(id: string): string {
  if (!/[^\x00-\x7f]/.test(id)) return id;
  let out = "";
  for (const byte of new TextEncoder().encode(id)) out += String.fromCharCode(byte);
  return out;
}
