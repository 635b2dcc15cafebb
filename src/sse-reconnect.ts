/**
 * `.sse({ reconnect: true })`: an event stream that, like EventSource, opens again when it
 * ends or drops, sending `Last-Event-ID`, after the server's `retry` interval (or the retry
 * policy's backoff), up to `maxRetries` reconnections in a row without an event. A 204 ends
 * it. Events the server sends again after a reconnection (ids already delivered) are skipped.
 */
import { sse, type ServerSentEvent } from "./decode/sse.js";

const REMEMBERED_IDS = 1024;

/**
 * What the client gives the reconnection loop: its retry policy as functions (nothing here is
 * imported from the client's modules, so that bundlers keep the client in one chunk).
 */
export interface ReconnectPlan {
  /** Reconnections allowed in a row without an event. */
  maxRetries: number;
  /**
   * For the error that ended a stream: throws it unless it allows a reconnection (a dropped or
   * timed-out stream, a retryable status); returns the delay its response asked for, if any.
   */
  retryAfter: (error: unknown) => number | undefined;
  /** Waits `ms`, or the retry policy's backoff before reconnection `n` (0-based) when undefined. */
  wait: (ms: number | undefined, n: number) => Promise<void>;
  /** Sends the request again with `Last-Event-ID`. */
  again: (lastEventId: string) => Promise<Response>;
}

export async function* reconnectingSse(first: Promise<Response>, plan: ReconnectPlan): AsyncGenerator<ServerSentEvent, void, undefined> {
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
      serverDelay = plan.retryAfter(error);
      failure = error;
    }
    if (failures >= plan.maxRetries) {
      if (failure) throw failure;
      return;
    }
    await plan.wait(serverDelay ?? retryMs, failures++);
    reconnected = true;
    next = plan.again(lastId);
  }
}
