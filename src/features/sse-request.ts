/**
 * `sse()` over what a client returns as well as over bytes. Given a client's ResponsePromise it
 * checks the content-type, refuses bad options before the request is sent and, with
 * `{ reconnect: true }`, reconnects through the promise's capability to send its request again
 * (pipeline/resend.ts, features/sse-reconnect.ts). The parser itself is decode/sse.ts.
 */
import { sse as decodeSse, type ServerSentEvent, type SseOptions } from "../decode/sse.js";
import type { SseRequestOptions } from "../options/options.js";
import { optionError } from "../options/option-error.js";
import { checkEventStream } from "../pipeline/event-stream-check.js";
import type { Resend } from "../pipeline/resend.js";
import type { ResponsePromise } from "../pipeline/response.js";
import { noop } from "../resilience/timers.js";
import { reconnectingSse } from "./sse-reconnect.js";
import { afterResponse, failing, hold, isHoldable, isPending, type ResponseSource } from "./pending-response.js";

const SSE_OPTIONS = ["reconnect", "anyContentType", "maxEventBytes"];
/** Without reconnection, the decoder's `lastEventId` too (a reconnecting stream keeps its own). */
const SSE_ONCE_OPTIONS = [...SSE_OPTIONS, "lastEventId"];

/**
 * Server-Sent Events, parsed by the WHATWG `text/event-stream` rules as they arrive; leaving
 * the loop early cancels the body. Yields `{ event, data, id, retry? }`.
 *
 * Given what a request returns (`sse(api.get(u), options)`): a response that is not
 * `text/event-stream` is refused with a ParseError (`anyContentType: true` accepts it); bad
 * options reject before the request is sent; `lastEventId` (without reconnect) is the id
 * events carry until the stream sends one; `reconnect: true` (GET only) sends the request
 * again when the stream ends or drops, with `Last-Event-ID`, within the retry policy's limits
 * (the first request then goes as one attempt: the stream does the retrying).
 *
 * Given a `Response`, a `ReadableStream<Uint8Array>`, an `AsyncIterable<Uint8Array>` or any other
 * promise of a Response: the decoder's options (`lastEventId`, `maxEventBytes`); there is no
 * request to send again, so `reconnect` is a TypeError.
 * @example
 * import { createClient, sse } from "tierfetch";
 * const api = createClient({ baseUrl: "https://api.example.com/v1/" });
 * for await (const { event, data } of sse(api.get("events", { timeout: "none", idleTimeout: "30s" }), { reconnect: true })) {
 *   if (event === "delta") render(JSON.parse(data));
 * }
 */
export function sse(source: ResponsePromise<any>, options?: SseRequestOptions | (SseOptions & Omit<SseRequestOptions, "reconnect"> & { reconnect?: false })): AsyncIterableIterator<ServerSentEvent>;
export function sse(source: ResponseSource, options?: SseOptions): AsyncIterableIterator<ServerSentEvent>;
export function sse(source: ResponseSource, options?: SseOptions & SseRequestOptions): AsyncIterableIterator<ServerSentEvent> {
  if (!isHoldable(source)) {
    const refused = options?.reconnect ? noRequest() : undefined;
    if (!isPending(source)) {
      if (refused) throw refused;
      return decodeSse(source, options);
    }
    if (refused) {
      Promise.resolve(source).then(undefined, noop);
      return failing(refused);
    }
    return afterResponse(source, (response) => decodeSse(response, options));
  }
  let refused = sseOptionsError(options);
  if (!refused && !options?.reconnect) {
    // Read now (the decoder takes the keys it knows and leaves anyContentType).
    const decoder: SseOptions & SseRequestOptions = { ...options };
    return afterResponse(source, (response) => (checkEventStream(response, undefined, decoder.anyContentType), decodeSse(response, decoder)));
  }
  // Chained at once: a refused request is never sent, and a reconnecting stream does the retrying.
  const resend = hold(source, refused, true);
  refused ??= !resend ? noRequest() : resend.method.toUpperCase() !== "GET" ? optionError("reconnect", "works with GET requests only") : undefined;
  if (refused) {
    hold(source, refused, true);
    return failing(refused);
  }
  return reconnectingSse(source, resend!, options!);
}

/** `reconnect` on a source that is no client's request. */
const noRequest = () => optionError("reconnect", "needs a promise a client's request returned: there is no request to send again");

/** Options of `sse(p)` that are not an object, or that name a key it does not know. */
function sseOptionsError(options: unknown): TypeError | undefined {
  if (options == null) return undefined;
  if (typeof options !== "object") return optionError("sse", "options must be an object");
  const known = (options as SseRequestOptions).reconnect ? SSE_OPTIONS : SSE_ONCE_OPTIONS;
  for (const key of Object.keys(options)) if (!known.includes(key)) return optionError(`sse.${key.slice(0, 64)}`, `is not an option of sse() on a request${known === SSE_OPTIONS ? " with reconnect" : ""}: use ${known.join(", ")}`);
  return undefined;
}
