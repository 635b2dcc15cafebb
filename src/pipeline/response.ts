/**
 * ResponsePromise: the core shortcuts (response-core.ts) and the streaming ones — `.lines()`,
 * `.ndjson()`, `.sse()` (with reconnection) — and `.json(schema)`. What `tierfetch`'s
 * createClient returns; createCoreClient's requests return a CoreResponsePromise and bundle none of this.
 */
import { CoreResponsePromise, type StartCall } from "./response-core.js";
import { lines, ndjson, sse, type LinesOptions, type ServerSentEvent } from "../decode/index.js";
import type { SseRequestOptions } from "../options/options.js";
import { validate, type StandardSchemaV1 } from "../features/schema.js";
import { noop } from "../resilience/timers.js";
import { redactUrl } from "../security/redact.js";
import { checkEventStream } from "./event-stream-check.js";
import { optionError } from "../options/option-error.js";

/** What `.sse({ reconnect: true })` is handed: the first response, or the error to end with before anything is sent. */
export interface Reconnect {
  /** A TypeError when this request cannot reconnect (not a GET): nothing is sent then. */
  refuse(): TypeError | undefined;
  open(options: SseRequestOptions, first: Promise<Response>): AsyncIterableIterator<ServerSentEvent>;
}

/** A Promise<Response> with `.json()`, `.text()`, `.bytes()`, `.blob()`, `.arrayBuffer()`, `.lines()`, `.ndjson()` and `.sse()`. */
export class ResponsePromise<T = unknown> extends CoreResponsePromise<T> {
  #reconnect: Reconnect | undefined;

  /** @internal Starts `start` on the next microtask; `reconnect` is what `.sse({ reconnect: true })` uses. */
  static streaming<T>(start: StartCall, reconnect: Reconnect): ResponsePromise<T> {
    const p = ResponsePromise.start(start) as ResponsePromise<T>;
    p.#reconnect = reconnect;
    return p;
  }

  /**
   * Parses the body as JSON (undefined for an empty body); sets `Accept: application/json`
   * unless given. With a Standard Schema (zod, valibot, arktype...), validates it and rejects
   * with a ValidationError carrying the issues.
   * @example const user = await api.get("users/42").json(UserSchema);
   */
  override json<J = T>(schema?: StandardSchemaV1<unknown, J>): Promise<J> {
    const parsed = super.json<J>();
    if (!schema) return parsed;
    return Promise.all([parsed, this]).then(([value, response]) => validate(schema, value, response.url ? redactUrl(response.url) : "response"));
  }

  /** The body's lines, decoded as they arrive; leaving the loop early cancels the body. A line past `maxLineBytes` (8 MiB) ends it with a LimitError. */
  lines(options?: LinesOptions): AsyncIterableIterator<string> {
    return afterResponse(this, (r) => lines(r, options));
  }

  /** The body as newline-delimited JSON, parsed as it arrives. A line past `maxLineBytes` (8 MiB) ends it with a LimitError. */
  ndjson<J = T>(options?: LinesOptions): AsyncIterableIterator<J> {
    return afterResponse(this, (r) => ndjson<J>(r, options));
  }

  /**
   * The body as Server-Sent Events. With `{ reconnect: true }` (GET only) the request is sent
   * again when the stream ends or drops, with `Last-Event-ID`, up to the retry policy's limits.
   */
  sse(options?: SseRequestOptions): AsyncIterableIterator<ServerSentEvent> {
    const reconnect = options?.reconnect ? this.#reconnect : undefined;
    const refused =
      sseOptionsError(options) ??
      (!options?.reconnect ? undefined : reconnect ? reconnect.refuse() : optionError("reconnect", "needs a promise a client's request returned: there is no request to send again"));
    // Chained at once: a refused request is never sent, and a reconnecting stream does the retrying.
    if (refused || options?.reconnect) this.sendOnce(refused);
    if (refused) return failing(refused);
    if (reconnect) return reconnect.open(options!, this);
    const anyContentType = options?.anyContentType;
    const limit = options?.maxEventBytes === undefined ? undefined : { maxEventBytes: options.maxEventBytes };
    return afterResponse(this, (r) => (checkEventStream(r, undefined, anyContentType), sse(r, limit)));
  }
}

const SSE_OPTIONS = ["reconnect", "anyContentType", "maxEventBytes"];

/** Options of `.sse()` that are not an object, or that name a key it does not know. */
function sseOptionsError(options: unknown): TypeError | undefined {
  if (options == null) return undefined;
  if (typeof options !== "object") return optionError("sse", "options must be an object");
  for (const key of Object.keys(options)) if (!SSE_OPTIONS.includes(key)) return optionError(`sse.${key.slice(0, 64)}`, `is not an option of .sse(): use ${SSE_OPTIONS.join(", ")}`);
  return undefined;
}

/**
 * An iterator over the response once it arrives: after the first `next()` every call goes
 * straight to the decoder. Leaving before the first item cancels the unread body.
 */
function afterResponse<T>(p: Promise<Response>, open: (response: Response) => AsyncIterableIterator<T>): AsyncIterableIterator<T> {
  p.catch(noop); // the iterator's next() carries the failure
  let inner: AsyncIterableIterator<T> | undefined;
  let opening: Promise<AsyncIterableIterator<T>> | undefined;
  const opened = () => (opening ??= p.then((r) => (inner = open(r))));
  const done = (value?: unknown) => ({ done: true, value }) as IteratorReturnResult<T>;
  let closed = false;
  return {
    next: () => (inner ? inner.next() : closed ? Promise.resolve(done()) : opened().then((it) => it.next())),
    return: (value?: unknown) => {
      if (!opening) {
        closed = true;
        return p.then((r) => r.body?.cancel(), noop).then(() => done(value));
      }
      return opened().then((it) => (it.return ? it.return(value) : done(value)), () => done(value));
    },
    throw: (error?: unknown) => opened().then((it) => (it.throw ? it.throw(error) : Promise.reject(error))),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** An iterator that rejects its first `next()` with `error`. */
function failing<T>(error: unknown): AsyncIterableIterator<T> {
  let failed = false;
  return {
    next: () => (failed ? Promise.resolve({ done: true, value: undefined }) : ((failed = true), Promise.reject(error))),
    return: (value?: unknown) => Promise.resolve({ done: true, value }),
    [Symbol.asyncIterator]() {
      return this;
    },
  } as AsyncIterableIterator<T>;
}
