/**
 * `.sse({ reconnect: true })`: an event stream that, like EventSource, opens again when it
 * ends or drops, sending `Last-Event-ID`, after the server's `retry` interval (or the retry
 * policy's backoff), up to `maxRetries` reconnections in a row without an event. A 204 ends
 * it. Events the server sends again after a reconnection (ids already delivered) are skipped.
 */
import { sse, type ServerSentEvent } from "./decode/sse.js";
import type { Closer } from "./closer.js";
import type { Kit } from "./lazy-kit.js";
import type { HeadersOption } from "./options.js";
import type { RetryPolicy } from "./retry.js";

const REMEMBERED_IDS = 1024;

/** The request to reconnect, as the client hands it over. */
export interface ReconnectPlan {
  kit: Kit;
  method: string;
  /** The request's own headers; each reconnection adds Last-Event-ID. */
  headers: HeadersOption | undefined;
  /** Sends the request again with these headers. */
  again: (headers: Record<string, unknown>) => Promise<Response>;
  /** The request's retry policy (asked for once the method is known to be GET). */
  policy: () => RetryPolicy;
  signal: AbortSignal | undefined;
  closer: Closer;
}

export async function* reconnectingSse(first: Promise<Response>, plan: ReconnectPlan): AsyncGenerator<ServerSentEvent, void, undefined> {
  const { kit } = plan;
  const { sleep } = kit; // called as a plain function, as when imported: stack traces name it `sleep`
  kit.check(plan.method.toUpperCase() === "GET", "reconnect", "works with GET requests only");
  const policy = plan.policy();
  const seen = new Set<string>();
  let lastId = "";
  let retryMs: number | undefined;
  let failures = 0;
  let next: Promise<Response> = first;
  let reconnected = false;
  let last: ServerSentEvent | undefined;
  for (;;) {
    let failure: unknown;
    let serverDelay: number | undefined;
    try {
      const response = await next;
      if (response.status === 204) return;
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
        last = event;
        yield event;
      }
    } catch (error) {
      // Only a dropped or timed-out stream, or a retryable status, reconnects.
      const http = error instanceof kit.HttpError;
      if (!(http ? kit.isRetryable(policy, "GET", false, error.status) : error instanceof kit.NetworkError || error instanceof kit.TimeoutError)) throw error;
      if (http) serverDelay = kit.parseRetryAfter(error.response.headers);
      failure = error;
    }
    if (failures >= policy.maxRetries) {
      if (failure) throw failure;
      return;
    }
    const delay = serverDelay ?? retryMs ?? kit.backoffDelay(policy, failures);
    failures++;
    await sleep(delay, plan.signal, plan.closer);
    reconnected = true;
    // The same request with Last-Event-ID (none: a default one removed).
    const headers: Record<string, unknown> = {};
    kit.eachHeader(plan.headers, (name, value) => (headers[name] = value));
    headers["last-event-id"] = lastId || undefined;
    next = plan.again(headers);
  }
}
