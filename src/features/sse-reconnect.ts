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
import { sse, type ServerSentEvent } from "../decode/index.js";
import type { HttpError } from "../errors/http-error.js";
import { isTierfetchError, type ErrorCode } from "../errors/tierfetch-error.js";
import type { Reservation } from "../resilience/retry-budget.js";
import type { RetryPolicy } from "../resilience/retry.js";
import type { Resend, RetryRule } from "../pipeline/resend.js";
import type { SseRequestOptions } from "../options/options.js";
import { noop } from "../resilience/timers.js";
import { checkEventStream } from "../pipeline/event-stream-check.js";
import type { CallPlan } from "../pipeline/plan.js";
import { failing } from "./pending-response.js";

const REMEMBERED_IDS = 1024;

/**
 * The reconnecting stream of a client's request: `first` runs its single attempt (its failure
 * hands the stream the retry it took from the budget); each reconnection is sent again through
 * `resend`, one attempt each. The loop commits a reservation when it reconnects and releases it
 * when it does not after all.
 */
export function reconnectingSse(first: Promise<Response>, resend: Resend, options: SseRequestOptions): AsyncIterableIterator<ServerSentEvent> {
  first.catch(noop); // awaited by the stream; never an unhandled rejection meanwhile
  let firstHanded: Reservation | "spent" | undefined;
  // Set before the first request starts (a microtask later): its failure hands over the retry it took.
  resend.once.handOver = (taken) => (firstHanded = taken);
  let plan: CallPlan;
  try {
    // The policy as the request resolved it (the first request was prepared the same way).
    plan = resend.plan();
  } catch (error) {
    return failing(error);
  }
  return events(first, resend, plan, { ...options }, () => firstHanded);
}

async function* events(first: Promise<Response>, resend: Resend, { retry: policy, config, signal }: CallPlan, options: SseRequestOptions, handedByFirst: () => Reservation | "spent" | undefined): AsyncGenerator<ServerSentEvent, void, undefined> {
  let handed = handedByFirst;
  const budget = policy.budget === false ? undefined : config.budget;
  const { retry: rule } = resend;
  const { sleep } = rule;
  const { anyContentType, maxEventBytes } = options;
  const replays = new ReplayFilter();
  let retryMs: number | undefined;
  let failures = 0;
  let streakStart = Date.now();
  let next: Promise<Response> = first;
  for (;;) {
    let failure: Failure | undefined;
    try {
      const response = await next;
      if (response.status === 204) return;
      checkEventStream(response, undefined, anyContentType);
      replays.reconnected();
      for await (const event of sse(response, { lastEventId: replays.lastId, ...(maxEventBytes !== undefined && { maxEventBytes }) })) {
        if (event.retry !== undefined) retryMs = event.retry;
        if (!replays.isNew(event)) continue;
        failures = 0;
        streakStart = Date.now();
        yield event;
      }
    } catch (error) {
      failure = judge(error, handed(), policy, rule);
    }
    const { status, retryAfter } = failure ?? {};
    const decision = rule.decide(
      { policy, retries: failures, idempotent: true, replayable: true, status, retryAfter, elapsed: Date.now() - streakStart, preferredDelay: retryMs, override: undefined },
      budget,
      failure?.held,
    );
    if (!decision.retry) {
      if (decision.reason === "budget") config.stats.budgetExhausted++;
      if (failure) throw failure.error;
      return;
    }
    try {
      await sleep(decision.delay, signal, config.closer);
    } catch (reason) {
      decision.reservation.release();
      throw reason;
    }
    decision.reservation.commit();
    config.stats.retries++;
    failures++;
    let taken: Reservation | "spent" | undefined;
    handed = () => taken;
    // No id: a default Last-Event-ID removed.
    const id = replays.lastId ? lastEventIdHeader(replays.lastId) : undefined;
    next = resend.send({ "last-event-id": id }, { retries: false, priorRetries: failures, since: streakStart, reconnection: true, handOver: (t) => (taken = t) });
    next.catch(noop);
  }
}

/** What a stream reconnects after, and the retry its attempt took from the budget for it. */
interface Failure {
  error: unknown;
  status?: number;
  retryAfter?: number;
  held?: Reservation | undefined;
}

/**
 * A failed attempt judged, with what it handed over (`taken`): a failure to reconnect after,
 * or thrown on. An attempt that found the budget spent counted that, and its error says so
 * unless a beforeError hook replaced it: which is why the attempt's word is asked first.
 */
function judge(error: unknown, taken: Reservation | "spent" | undefined, policy: RetryPolicy, rule: RetryRule): Failure {
  if (taken === "spent" || (isTierfetchError(error) && error.budgetExhausted)) throw error;
  try {
    return { ...reconnectable(error, policy, rule), held: taken };
  } catch (thrown) {
    taken?.release();
    throw thrown;
  }
}

/**
 * Only a dropped or timed-out stream, or a retryable status, reconnects: anything else is thrown.
 * Judged by the errors' brand and code, not `instanceof`, which would bundle the error classes
 * (and their redaction) into an app that only decodes.
 */
function reconnectable(error: unknown, policy: RetryPolicy, rule: RetryRule): Failure {
  const code: ErrorCode | undefined = isTierfetchError(error) ? error.code : undefined;
  if (code === "ERR_HTTP") {
    const { status, response } = error as HttpError;
    if (!rule.retries(policy, status)) throw error;
    response.body?.cancel().catch(noop);
    return { error, status, retryAfter: rule.retryAfter(response.headers) };
  }
  if (code === "ERR_NETWORK" || code === "ERR_TIMEOUT") return { error };
  throw error;
}

/**
 * After a reconnection a server that ignores Last-Event-ID replays: events whose id was
 * delivered already are skipped. An event without an id of its own carries the resumed id, so
 * one with that id is skipped only in a replay or when it repeats the last event delivered.
 */
class ReplayFilter {
  lastId = "";
  readonly #seen = new Set<string>();
  #last: ServerSentEvent | undefined;
  #opened = 0;
  #catchingUp = false;
  #replaying = false;

  /** A new response starts: after the first, it may replay. */
  reconnected(): void {
    this.#catchingUp = this.#opened++ > 0;
    this.#replaying = false;
  }

  /** Whether to deliver `event` (false: a replay of one delivered already). */
  isNew(event: ServerSentEvent): boolean {
    const last = this.#last;
    const resent = event.id !== this.lastId || this.#replaying || (event.data === last?.data && event.event === last.event);
    if (this.#catchingUp && event.id !== "" && this.#seen.has(event.id) && resent) {
      this.#replaying = true;
      return false;
    }
    this.#catchingUp = false;
    if (event.id !== this.lastId) {
      this.lastId = event.id;
      this.#seen.add(event.id);
      if (this.#seen.size > REMEMBERED_IDS) this.#seen.delete(this.#seen.values().next().value as string);
    }
    this.#last = event;
    return true;
  }
}

/**
 * An event id as a Last-Event-ID header value: its UTF-8 bytes, one character each (a header
 * value is a byte string; EventSource sends the id UTF-8 encoded).
 */
export function lastEventIdHeader(id: string): string | undefined {
  // A control character cannot travel in a header: the id is then not sent (replays are still skipped by id).
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(id)) return undefined;
  if (!/[^\x00-\x7f]/.test(id)) return id;
  let out = "";
  for (const byte of new TextEncoder().encode(id)) out += String.fromCharCode(byte);
  return out;
}
