/**
 * ResponsePromise: a real Promise of the standard Response, with shortcuts. The request starts
 * on the next microtask, so a shortcut chained at once (`api.get(u).json()`) reads the body
 * inside the attempt, where the timeout and the retries cover it.
 */
import { readData } from "./attempt.js";
import type { CallResult, ReadMode } from "./call.js";
import type { ServerSentEvent } from "./decode/sse.js";
import type { SseRequestOptions } from "./options.js";
import type { StandardSchemaV1 } from "./schema.js";
import { deferIterator, loadLazy } from "./deferred.js";
import { noop } from "./timeouts.js";

type Lazy = typeof import("./lazy.js");
import { redactUrl } from "./redact.js";
import { kit } from "./lazy-kit.js";

/** Opens a reconnecting SSE stream for `.sse({ reconnect: true })`, starting from `first`. */
export type ReconnectingSse = (options: SseRequestOptions, first: Promise<Response>) => AsyncIterableIterator<ServerSentEvent>;


/** A Promise<Response> with `.json()`, `.text()`, `.bytes()`, `.blob()`, `.arrayBuffer()`, `.lines()`, `.ndjson()` and `.sse()`. */
export class ResponsePromise<T = unknown> extends Promise<Response> {
  // then/catch/finally return plain Promises, not ResponsePromises.
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  /** How the call reads the body: "response" (the caller does) until a buffered shortcut asks first. */
  #mode: ReadMode = "response";
  #started = false;
  /** The call's outcome; read only by buffered shortcuts, which pass its rejection on. */
  #result!: Promise<CallResult>;
  #sse?: ReconnectingSse;

  /** @internal Starts `start` on the next microtask. */
  static start<T>(start: (mode: ReadMode) => Promise<CallResult>, sseStream?: ReconnectingSse): ResponsePromise<T> {
    let resolve!: (r: Response) => void;
    let reject!: (e: unknown) => void;
    const p = new ResponsePromise<T>((a, b) => {
      resolve = a;
      reject = b;
    });
    let settle!: (r: Promise<CallResult>) => void;
    (p.#result = new Promise<CallResult>((a) => (settle = a))).catch(noop);
    p.#sse = sseStream;
    queueMicrotask(() => {
      p.#started = true;
      let run: Promise<CallResult>;
      try {
        run = start(p.#mode);
      } catch (error) {
        run = Promise.reject(error);
      }
      settle(run);
      run.then((r) => resolve(r.response), reject);
    });
    return p;
  }

  /** Reads the body in the given mode: inside the attempt when the call has not started yet. */
  #read(mode: ReadMode): Promise<unknown> {
    const m = this.#mode;
    if (!this.#started && m === "response") {
      this.#mode = mode;
      this.then(undefined, noop); // the shortcut's promise carries the rejection
    } else if (m !== mode && !(m === "json" && mode === "text") && !(m === "text" && mode === "json")) {
      return this.then((r) => readData(r, mode));
    }
    return this.#result.then((r) => r.data);
  }

  /**
   * Parses the body as JSON (undefined for an empty body); sets `Accept: application/json`
   * unless given. With a Standard Schema (zod, valibot, arktype...), validates it and rejects
   * with a ValidationError carrying the issues.
   * @example const user = await api.get("users/42").json(UserSchema);
   */
  json<J = T>(schema?: StandardSchemaV1<unknown, J>): Promise<J> {
    const parsed = this.#read("json").then((text) => parseJson(text as string));
    if (!schema) return parsed as Promise<J>;
    return Promise.all([parsed, this, loadLazy()]).then(([value, response, lazy]) => lazy.validate(schema, value, response.url ? redactUrl(response.url) : "response", kit));
  }

  /** The body as text. */
  text(): Promise<string> {
    return this.#read("text") as Promise<string>;
  }

  /** The body as bytes. */
  bytes(): Promise<Uint8Array> {
    return this.#read("bytes").then((b) => new Uint8Array(b as ArrayBuffer));
  }

  /** The body as an ArrayBuffer. */
  arrayBuffer(): Promise<ArrayBuffer> {
    return this.#read("arrayBuffer") as Promise<ArrayBuffer>;
  }

  /** The body as a Blob. */
  blob(): Promise<Blob> {
    return this.#read("blob") as Promise<Blob>;
  }

  /** The body's lines, decoded as they arrive; leaving the loop early cancels the body. */
  lines(): AsyncIterableIterator<string> {
    return later(this, "lines");
  }

  /** The body as newline-delimited JSON, parsed as it arrives. */
  ndjson<J = T>(): AsyncIterableIterator<J> {
    return later(this, "ndjson") as AsyncIterableIterator<J>;
  }

  /**
   * The body as Server-Sent Events. With `{ reconnect: true }` (GET only) the request is sent
   * again when the stream ends or drops, with `Last-Event-ID`, up to the retry policy's limits.
   */
  sse(options?: SseRequestOptions): AsyncIterableIterator<ServerSentEvent> {
    if (options?.reconnect && this.#sse) return this.#sse(options, this);
    return later(this, "sse");
  }
}

/** A decoder over the response once it arrives; leaving before the first item cancels its body. */
function later<K extends "lines" | "ndjson" | "sse">(p: Promise<Response>, decoder: K): ReturnType<Lazy[K]> {
  p.catch(noop); // the iterator's next() carries the failure
  return deferIterator(
    (lazy) => p.then((r) => lazy[decoder](r)),
    () => p.then((r) => r.body?.cancel(), noop),
  ) as ReturnType<Lazy[K]>;
}

function parseJson(text: string): unknown {
  if (!text) return undefined; // an empty body
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SyntaxError(`The response body is not valid JSON: ${(error as Error).message}`);
  }
}
