/**
 * A response body watched while it is read: the attempt's timer ends when the body does,
 * `idleTimeout` bounds the gap between chunks, progress is reported, and an abort of the
 * attempt ends the stream with the classified error (a TimeoutError, the user's reason, or
 * ERR_CLOSED) even where a runtime's fetch would not error the body itself.
 */
import type { Progress } from "../options/options.js";
import { clearTimer, noop, setTimer, type Timer } from "../resilience/timers.js";
import { isNullBodyStatus, standIn } from "./fetched-response.js";

/** The attempt a body belongs to. */
export interface BodyWatch {
  readonly controller: AbortController;
  /** The longest gap allowed between two chunks (undefined: none). */
  readonly idle: number | undefined;
  readonly onProgress: ((p: Progress) => void) | undefined;
  /** Called by the attempt's abort(), after its controller aborted. */
  onAbort: ((reason: unknown) => void) | undefined;
  /** Ends the attempt: called once the body ends, errors or is cancelled. */
  finish(): void;
  /** Turns a read error (or the abort reason) into the error the reader sees. */
  classify(error: unknown): unknown;
  /** Set to an error the caller's callback threw: it is passed on as it is, never retried. */
  callbackError: unknown;
  /** Aborts the attempt with its own TimeoutError (here: the idle gap's). */
  expire(kind: "idle"): void;
  /** Set once the caller reads the body (a first pull): a timeout before that interrupted no read. */
  reading: boolean;
  /** The attempt's maxConcurrent slot: a body dropped unread frees it. (Holds nothing of the body.) */
  readonly lease?: { release(): void } | undefined;
}

const onIdle = (watch: BodyWatch) => watch.expire("idle");

/** A Response whose body goes through the watch, showing what `response` shows (status, headers, url...); `asFetch`: for api.fetch. */
export function trackBody(response: Response, watch: BodyWatch, asFetch = false): Response {
  // A null-body status has nothing to watch. Browsers hand a 204 an empty, non-null body:
  // api.fetch shows the runtime's own Response as fetch does; the client's Response has none.
  if (isNullBodyStatus(response.status)) {
    watch.finish();
    if (asFetch || response.body === null) return response;
    response.body.cancel().catch(noop);
    return standIn(response, null);
  }
  const reader = response.body?.getReader();
  if (!reader) {
    watch.finish();
    return response;
  }
  const out = standIn(response, new ReadableStream<Uint8Array>(new WatchedSource(reader, watch, contentLength(response)), { highWaterMark: 0 }));
  // The runtime frees an unread body when its Response is collected, but only an unlocked one:
  // ours holds its reader, so a body dropped unread cancels it here (socket and buffers freed).
  // Registered on the body stream, not the Response: a Response whose body is being read
  // (`await (await p).text()`) may be collected first (Bun does), and that read must go on.
  // (A 204/205/304 rebuilt without a body has none to hold.) A maxConcurrent slot is freed with it.
  // A body dropped unread: its reader cancelled, and its maxConcurrent slot (if any) freed.
  if (out.body) unread?.register(out.body, { reader, lease: watch.lease }, reader);
  return out;
}

/** Bodies dropped unread (the held value keeps nothing of the body: its reader, and the slot it holds). */
const unread =
  typeof FinalizationRegistry === "function"
    ? /* @__PURE__ */ new FinalizationRegistry((held: { reader: ReadableStreamDefaultReader<Uint8Array>; lease: { release(): void } | undefined }) => {
        held.reader.cancel().catch(noop);
        held.lease?.release();
      })
    : undefined;

/** The body's size when Content-Length gives it (and the body is not content-encoded). */
function contentLength(response: Response): number | undefined {
  const encoded = response.headers.get("content-encoding");
  const length = encoded && encoded !== "identity" ? null : response.headers.get("content-length");
  return length && /^\d{1,16}$/.test(length) ? Number(length) : undefined;
}

/** The source of a watched body: pulls from the runtime's reader under the idle limit, reports progress, ends the attempt. */
class WatchedSource implements UnderlyingDefaultSource<Uint8Array> {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #watch: BodyWatch;
  readonly #total: number | undefined;
  #loaded = 0;
  #idle: Timer | undefined;
  #ended = false;
  #sink: ReadableStreamDefaultController<Uint8Array> | undefined;

  constructor(reader: ReadableStreamDefaultReader<Uint8Array>, watch: BodyWatch, total: number | undefined) {
    this.#reader = reader;
    this.#watch = watch;
    this.#total = total;
  }

  start(controller: ReadableStreamDefaultController<Uint8Array>): void {
    this.#sink = controller;
    const { signal } = this.#watch.controller;
    if (signal.aborted) this.fail(signal.reason);
    else this.#watch.onAbort = (reason) => this.fail(reason);
  }

  async pull(controller: ReadableStreamDefaultController<Uint8Array>): Promise<void> {
    const watch = this.#watch;
    watch.reading = true;
    if (watch.idle !== undefined) this.#idle = setTimer(onIdle, watch.idle, watch);
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await this.#reader.read();
    } catch (error) {
      return this.fail(error);
    } finally {
      clearTimer(this.#idle);
    }
    if (this.#ended) return;
    if (chunk.done) {
      if (!this.#report({ loaded: this.#loaded, total: this.#loaded, percent: 100 })) return;
      this.#end();
      controller.close();
    } else {
      this.#loaded += chunk.value.byteLength;
      const total = this.#total;
      if (!this.#report({ loaded: this.#loaded, total, percent: total ? Math.min(100, (this.#loaded / total) * 100) : undefined })) return;
      controller.enqueue(chunk.value);
    }
  }

  /** Calls the progress callback; an error it throws ends the body with that error (false then). */
  #report(progress: Progress): boolean {
    try {
      this.#watch.onProgress?.(progress);
      return true;
    } catch (error) {
      this.#watch.callbackError = error;
      this.fail(error, error);
      return false;
    }
  }

  /**
   * Cancels the runtime's body without waiting for it: a source whose cancel never settles (a
   * custom fetch, an interceptor) must not hang the caller's `break` or a decoder's error.
   */
  cancel(reason: unknown): void {
    this.#end();
    this.#reader.cancel(reason).catch(noop);
  }

  /** Ends the stream with the error the reader sees: what broke the read, or the abort's reason. */
  fail(error: unknown, classified: unknown = this.#watch.classify(error)): void {
    if (this.#ended) return;
    this.#end();
    try {
      this.#sink?.error(classified);
    } catch {
      /* already closed */
    }
    this.#reader.cancel(classified).catch(noop);
  }

  #end(): void {
    this.#ended = true;
    unread?.unregister(this.#reader);
    clearTimer(this.#idle);
    this.#watch.onAbort = undefined;
    this.#watch.finish();
  }
}

/** A body that gives the chunks already read, then a read still in flight, then the rest of the reader's. */
export function replay(head: Uint8Array[], reader: ReadableStreamDefaultReader<Uint8Array>, pending?: Promise<ReadableStreamReadResult<Uint8Array>>): ReadableStream<Uint8Array> {
  let inFlight = pending;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of head) controller.enqueue(chunk);
    },
    async pull(controller) {
      const read = inFlight ?? reader.read();
      inFlight = undefined;
      const r = await read;
      if (r.done) controller.close();
      else controller.enqueue(r.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/** How much of an error body its message needs, and how long to wait for it once the headers came. */
const HEAD_BYTES = 1024;
const HEAD_WAIT_MS = 1000;

/**
 * Reads the start of a body for an error message: up to HEAD_BYTES, or what arrived within
 * `waitMs` (a 500 whose body never ends still becomes its HttpError at once; 0: only what has
 * arrived already). `done` when that was all of it; `pending` is a read still in flight, for
 * the replay to give first.
 */
export async function readHead(reader: ReadableStreamDefaultReader<Uint8Array>, waitMs: number = HEAD_WAIT_MS): Promise<{ head: Uint8Array[]; done: boolean; pending?: Promise<ReadableStreamReadResult<Uint8Array>> }> {
  const head: Uint8Array[] = [];
  const until = Date.now() + waitMs;
  for (let size = 0; size < HEAD_BYTES; ) {
    const read = reader.read();
    const r = await withinMs(read, until - Date.now());
    if (r === undefined) return { head, done: false, pending: read };
    if (r.done) return { head, done: true };
    head.push(r.value);
    size += r.value.byteLength;
  }
  return { head, done: false };
}

/**
 * The value of `promise`, or undefined when `ms` pass first (the promise is left running). A
 * promise settled already (a chunk the runtime had queued) needs no timer.
 */
async function withinMs<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  const NOT_YET = Symbol();
  const now = await Promise.race([promise, Promise.resolve(NOT_YET)]);
  if (now !== NOT_YET) return now as T;
  if (ms <= 0) return undefined;
  let timer: Timer | undefined;
  return Promise.race([promise, new Promise<undefined>((resolve) => (timer = setTimer(resolve, ms, undefined)))]).finally(() => clearTimer(timer));
}
