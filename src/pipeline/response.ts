/**
 * ResponsePromise: a real Promise of the standard Response, with shortcuts. The request starts
 * on the next microtask, so a shortcut chained at once (`api.get(u).json()`) reads the body
 * inside the attempt, where the timeout and the retries cover it.
 */
import { readData } from "./attempt.js";
import type { CallResult } from "./call.js";
import { lines, ndjson, sse, type LinesOptions, type ServerSentEvent } from "../decode/index.js";
import type { SseRequestOptions } from "../options/options.js";
import type { ReadMode } from "./plan.js";
import { validate, type StandardSchemaV1 } from "../features/schema.js";
import { noop } from "../resilience/timers.js";
import { redactUrl } from "../security/redact.js";
import { ParseError } from "../errors/parse-error.js";
import { maskSecrets } from "../security/secrets.js";
import { checkEventStream } from "./event-stream-check.js";

/** Starts the call in a mode; `single` sends one attempt (SSE reconnection does its own retrying). */
export type StartCall = (mode: ReadMode, single: boolean) => Promise<CallResult>;

/** What `.sse({ reconnect: true })` is handed: the first response, or the error to end with before anything is sent. */
export interface Reconnect {
  /** A TypeError when this request cannot reconnect (not a GET): nothing is sent then. */
  refuse(options: SseRequestOptions): TypeError | undefined;
  open(options: SseRequestOptions, first: Promise<Response>): AsyncIterableIterator<ServerSentEvent>;
}

const resolved = Promise.resolve();

/** A Promise<Response> with `.json()`, `.text()`, `.bytes()`, `.blob()`, `.arrayBuffer()`, `.lines()`, `.ndjson()` and `.sse()`. */
export class ResponsePromise<T = unknown> extends Promise<Response> {
  // then/catch/finally return plain Promises, not ResponsePromises.
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  /** How the call reads the body: "response" (the caller does) until a buffered shortcut asks first. */
  #mode: ReadMode = "response";
  #started = false;
  #single = false;
  #refused: TypeError | undefined;
  /** The call's outcome; read only by buffered shortcuts, which pass its rejection on. */
  #result!: Promise<CallResult>;
  #reconnect: Reconnect | undefined;

  /** @internal Starts `start` on the next microtask. */
  static start<T>(start: StartCall, reconnect?: Reconnect): ResponsePromise<T> {
    let resolve!: (r: Response) => void;
    let reject!: (e: unknown) => void;
    const p = new ResponsePromise<T>((a, b) => {
      resolve = a;
      reject = b;
    });
    let settle!: (r: Promise<CallResult>) => void;
    (p.#result = new Promise<CallResult>((a) => (settle = a))).catch(noop);
    p.#reconnect = reconnect;
    // A resolved promise rather than queueMicrotask: Node wraps each queued microtask in an async resource.
    void resolved.then(() => {
      p.#started = true;
      let run: Promise<CallResult>;
      try {
        run = p.#refused ? Promise.reject(p.#refused) : start(p.#mode, p.#single);
      } catch (error) {
        run = Promise.reject(error);
      }
      settle(run);
      run.then((r) => resolve(r.response), reject);
    });
    return p;
  }

  /** Reads the body in the given mode: inside the attempt when the call has not started yet. */
  #read(mode: ReadMode): Promise<CallResult> {
    const m = this.#mode;
    if (!this.#started && m === "response") {
      this.#mode = mode;
      this.then(undefined, noop); // the shortcut's promise carries the rejection
    } else if (m !== mode && !(m === "json" && mode === "text") && !(m === "text" && mode === "json")) {
      return this.#result.then(async (r) => ({ ...r, data: await readData(r.response, mode) }));
    }
    return this.#result;
  }

  /**
   * Parses the body as JSON (undefined for an empty body); sets `Accept: application/json`
   * unless given. With a Standard Schema (zod, valibot, arktype...), validates it and rejects
   * with a ValidationError carrying the issues.
   * @example const user = await api.get("users/42").json(UserSchema);
   */
  json<J = T>(schema?: StandardSchemaV1<unknown, J>): Promise<J> {
    const parsed = this.#read("json").then(parseJson);
    if (!schema) return parsed as Promise<J>;
    return Promise.all([parsed, this]).then(([value, response]) => validate(schema, value, response.url ? redactUrl(response.url) : "response"));
  }

  /** The body as text. */
  text(): Promise<string> {
    return this.#read("text").then(dataOf) as Promise<string>;
  }

  /** The body as bytes. */
  bytes(): Promise<Uint8Array> {
    return this.#read("bytes").then((r) => new Uint8Array(r.data as ArrayBuffer));
  }

  /** The body as an ArrayBuffer. */
  arrayBuffer(): Promise<ArrayBuffer> {
    return this.#read("arrayBuffer").then(dataOf) as Promise<ArrayBuffer>;
  }

  /** The body as a Blob. */
  blob(): Promise<Blob> {
    return this.#read("blob").then(dataOf) as Promise<Blob>;
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
    if (options?.reconnect && this.#reconnect) {
      const refused = this.#reconnect.refuse(options);
      if (!this.#started) {
        // Chained at once: the stream does the retrying, and a refused request is never sent.
        this.#single = true;
        this.#refused = refused;
        this.then(undefined, noop);
      }
      if (refused) return failing(refused);
      return this.#reconnect.open(options, this);
    }
    const anyContentType = options?.anyContentType;
    const limit = options?.maxEventBytes === undefined ? undefined : { maxEventBytes: options.maxEventBytes };
    return afterResponse(this, (r) => (checkEventStream(r, undefined, anyContentType), sse(r, limit)));
  }
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

const dataOf = (r: CallResult): unknown => r.data;

/** The JSON of a body read as text; a ParseError with the request, status and the start of the body when it is not JSON. */
function parseJson({ data, response, context }: CallResult): unknown {
  const text = data as string;
  if (!text) return undefined; // an empty body
  try {
    return JSON.parse(text);
  } catch (error) {
    const start = maskSecrets(text.slice(0, 200), context?.secrets() ?? []);
    const type = response.headers.get("content-type");
    throw new ParseError(context?.request, response, `the body is not valid JSON (${(error as Error).message.slice(0, 120)})${type ? `, content-type ${type.slice(0, 80)}` : ""}: ${start}${text.length > 200 ? "…" : ""}`, {
      attempts: context ? context.attempt + 1 : undefined,
      cause: error,
    });
  }
}
