/**
 * Where the stream decoders read their bytes from, and how they let go of it.
 *
 * A `Response` or a `ReadableStream` is read through `getReader()` (never through
 * `ReadableStream` async iteration, which older Safari lacks); any other async iterable
 * through its own iterator. Either way, stopping early cancels the source, so the
 * connection behind it is released, and the stream's lock is always given back.
 *
 * @module
 */

/**
 * Bytes the decoders accept: a fetch `Response` (its body is read; a `null` body is
 * empty), a `ReadableStream<Uint8Array>`, or any `AsyncIterable<Uint8Array>` (an async
 * generator, a Node `Readable`, ...).
 *
 * @example
 * ```ts
 * import { lines, type ByteSource } from "tierfetch";
 *
 * async function countLines(source: ByteSource): Promise<number> {
 *   let n = 0;
 *   for await (const _ of lines(source)) n++;
 *   return n;
 * }
 * ```
 */
export type ByteSource = Response | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/**
 * A pull handle on a {@link ByteSource}: `read()` gives the next chunk, `undefined` once
 * the source has ended; `cancel()` stops the source early.
 *
 * After the end, an error of the source or a `cancel()`, the handle is finished: the
 * stream's lock has been released and `read()` resolves `undefined`.
 *
 * @example
 * ```ts
 * const reader: ByteReader = openByteSource(stream);
 * for (let chunk = await reader.read(); chunk; chunk = await reader.read()) {
 *   if (chunk.includes(0)) return reader.cancel(new Error("binary data"));
 * }
 * ```
 */
export interface ByteReader {
  /** The next chunk, or `undefined` when the source has ended. Rejects with the source's own error. */
  read(): Promise<Uint8Array | undefined>;
  /**
   * Stops reading: cancels the stream (`reader.cancel(reason)`) or ends the iterator
   * (`iterator.return()`), then releases the lock. Does nothing once the source has ended.
   * Never rejects: a source that fails to cancel is dropped all the same.
   */
  cancel(reason?: unknown): Promise<void>;
}

interface StreamLike {
  getReader(): ReadableStreamDefaultReader<Uint8Array>;
}

const END: Promise<undefined> = /* @__PURE__ */ Promise.resolve(undefined);
const DONE: Promise<void> = /* @__PURE__ */ Promise.resolve();

function isStream(value: unknown): value is StreamLike {
  return typeof (value as StreamLike | null)?.getReader === "function";
}

function isResponse(value: unknown): value is Response {
  // Duck-typed so that a Response from another realm (or a polyfill) is accepted too.
  return (
    typeof value === "object" &&
    value !== null &&
    "body" in value &&
    "headers" in value &&
    typeof (value as Response).arrayBuffer === "function"
  );
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array> {
  return typeof (value as AsyncIterable<Uint8Array> | null)?.[Symbol.asyncIterator] === "function";
}

/** The stream behind a source, `null` for an empty `Response`, or the async iterable itself. */
function resolveSource(source: ByteSource): StreamLike | AsyncIterable<Uint8Array> | null {
  if (isStream(source)) return source;
  if (isResponse(source)) {
    const body = source.body;
    if (body === null) return null;
    if (isStream(body)) return body;
  } else if (isAsyncIterable(source)) {
    return source;
  }
  throw new TypeError(
    "Expected a Response, a ReadableStream<Uint8Array> or an AsyncIterable<Uint8Array> as the byte source",
  );
}

/** A chunk as a plain byte view: other views and ArrayBuffers are wrapped, not copied. */
function checkChunk(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  throw new TypeError(
    `Expected the byte source to yield Uint8Array chunks, got ${chunk === null ? "null" : typeof chunk}`,
  );
}

class StreamReader implements ByteReader {
  private reader: ReadableStreamDefaultReader<Uint8Array> | undefined;

  constructor(stream: StreamLike) {
    this.reader = stream.getReader();
  }

  read(): Promise<Uint8Array | undefined> {
    const reader = this.reader;
    if (reader === undefined) return END;
    return reader.read().then(
      (result) => {
        if (result.done) {
          this.release();
          return undefined;
        }
        return checkChunk(result.value);
      },
      (error: unknown) => {
        this.release();
        throw error;
      },
    );
  }

  cancel(reason?: unknown): Promise<void> {
    const reader = this.reader;
    if (reader === undefined) return DONE;
    this.reader = undefined;
    let cancelled: Promise<void>;
    try {
      cancelled = reader.cancel(reason);
    } catch {
      cancelled = DONE;
    }
    return cancelled.then(
      () => releaseLock(reader),
      () => releaseLock(reader),
    );
  }

  private release(): void {
    const reader = this.reader;
    this.reader = undefined;
    if (reader !== undefined) releaseLock(reader);
  }
}

function releaseLock(reader: ReadableStreamDefaultReader<Uint8Array>): void {
  try {
    reader.releaseLock();
  } catch {
    // A read still pending on an old runtime: the lock goes with the reader.
  }
}

class IterableReader implements ByteReader {
  private iterator: AsyncIterator<Uint8Array> | undefined;

  constructor(iterable: AsyncIterable<Uint8Array>) {
    this.iterator = iterable[Symbol.asyncIterator]();
  }

  read(): Promise<Uint8Array | undefined> {
    const iterator = this.iterator;
    if (iterator === undefined) return END;
    let step: Promise<IteratorResult<Uint8Array>>;
    try {
      step = Promise.resolve(iterator.next());
    } catch (error) {
      this.iterator = undefined;
      return Promise.reject(error);
    }
    return step.then(
      (result) => {
        if (result.done) {
          this.iterator = undefined;
          return undefined;
        }
        return checkChunk(result.value);
      },
      (error: unknown) => {
        this.iterator = undefined;
        throw error;
      },
    );
  }

  cancel(): Promise<void> {
    const iterator = this.iterator;
    if (iterator === undefined) return DONE;
    this.iterator = undefined;
    if (typeof iterator.return !== "function") return DONE;
    try {
      return Promise.resolve(iterator.return()).then(
        () => undefined,
        () => undefined,
      );
    } catch {
      return DONE;
    }
  }
}

const EMPTY: ByteReader = {
  read: () => END,
  cancel: () => DONE,
};

/**
 * Opens a {@link ByteSource} for pulling, chunk by chunk. A `Response` or
 * `ReadableStream` is locked at once (a used or locked body throws a `TypeError` here);
 * an async iterable has its iterator created. A `Response` whose body is `null` gives a
 * reader that is already at its end.
 *
 * @example
 * ```ts
 * const reader = openByteSource(response);
 * const first = await reader.read();       // Uint8Array | undefined
 * await reader.cancel();                    // done with it: release the connection
 * ```
 */
export function openByteSource(source: ByteSource): ByteReader {
  const resolved = resolveSource(source);
  if (resolved === null) return EMPTY;
  return isStream(resolved) ? new StreamReader(resolved) : new IterableReader(resolved);
}

/**
 * Cancels a {@link ByteSource} that was never opened (a decoder that was closed before it
 * read anything): an unlocked stream or body is cancelled; an async iterable, whose
 * iterator was never created, is left alone. Never rejects.
 *
 * @example
 * ```ts
 * const events = sse(response);
 * await events.return?.(); // nothing was read yet: cancelUnopened(response) frees the body
 * ```
 */
export function cancelUnopened(source: ByteSource, reason?: unknown): Promise<void> {
  try {
    const resolved = resolveSource(source);
    if (resolved !== null && isStream(resolved)) {
      const stream = resolved as unknown as ReadableStream<Uint8Array>;
      if (typeof stream.cancel === "function" && !stream.locked) {
        return stream.cancel(reason).then(
          () => undefined,
          () => undefined,
        );
      }
    }
  } catch {
    // Not a source we can cancel: nothing was opened, nothing to release.
  }
  return DONE;
}
