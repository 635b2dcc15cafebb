/**
 * The streaming decoders, pagination, SSE reconnection and schema checks live in a module that
 * is loaded with `import()` on first use (src/lazy.ts), so an app that only makes JSON requests
 * never loads them: bundlers put them in a lazy chunk. These are the thin public faces.
 */
import type { ByteSource } from "./decode/source.js";
import type { ServerSentEvent, SseOptions } from "./decode/sse.js";

type Lazy = typeof import("./lazy.js");

/** The lazily loaded module, imported once. */
export const loadLazy = (): Promise<Lazy> => import("./lazy.js");

/**
 * An async iterator whose real iterator is opened on the first `next()`. Leaving before that
 * (`return()`) calls `release` instead, so an unread source is still let go.
 */
export function deferIterator<T>(open: (lazy: Lazy) => AsyncIterableIterator<T> | Promise<AsyncIterableIterator<T>>, release?: (lazy: Lazy) => unknown): AsyncIterableIterator<T> {
  let inner: Promise<AsyncIterableIterator<T>> | undefined;
  const get = () => (inner ??= loadLazy().then(open));
  const done = (value?: unknown) => ({ done: true, value }) as IteratorReturnResult<T>;
  return {
    next: () => get().then((it) => it.next()),
    return: (value?: unknown) =>
      inner ? inner.then((it) => (it.return ? it.return(value) : done(value))) : loadLazy().then((lazy) => release?.(lazy)).then(() => done(value)),
    throw: (error?: unknown) => get().then((it) => (it.throw ? it.throw(error) : Promise.reject(error))),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/**
 * The lines of a byte source, without their terminators: splits on `\n`, `\r\n` and `\r` (also
 * across chunks), decodes UTF-8 across chunk boundaries, strips one leading BOM and yields a last
 * line without a terminator. Leaving the loop early cancels the source.
 * @example
 * for await (const line of lines(await fetch("/logs/tail"))) console.log(line);
 */
export function lines(source: ByteSource): AsyncIterableIterator<string> {
  return deferIterator((lazy) => lazy.lines(source), (lazy) => lazy.cancelUnopened(source));
}

/**
 * Newline-delimited JSON: every non-blank line parsed. A bad line throws a SyntaxError naming
 * its line number, and the source is cancelled.
 * @example
 * for await (const row of ndjson<Row>(response)) db.insert(row);
 */
export function ndjson<T = unknown>(source: ByteSource): AsyncIterableIterator<T> {
  return deferIterator((lazy) => lazy.ndjson<T>(source), (lazy) => lazy.cancelUnopened(source));
}

/**
 * Server-Sent Events by the WHATWG `text/event-stream` rules: yields `{ event, data, id, retry? }`.
 * @example
 * for await (const { event, data } of sse(response)) if (event === "message") render(JSON.parse(data));
 */
export function sse(source: ByteSource, options?: SseOptions): AsyncIterableIterator<ServerSentEvent> {
  return deferIterator((lazy) => lazy.sse(source, options), (lazy) => lazy.cancelUnopened(source));
}
