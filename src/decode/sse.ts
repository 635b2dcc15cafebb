/**
 * `sse()`: Server-Sent Events, parsed by the WHATWG rules for `text/event-stream`
 * (HTML Living Standard, "Interpreting an event stream").
 *
 * @module
 */
import { LineDecoder } from "./lines.js";
import type { ByteSource } from "./source.js";

/**
 * One dispatched Server-Sent Event, as {@link sse} yields it.
 *
 * @example
 * ```ts
 * // event: delta\nid: 7\nretry: 3000\ndata: {"text":"Hi"}\n\n  gives
 * const event: ServerSentEvent = { event: "delta", data: '{"text":"Hi"}', id: "7", retry: 3000 };
 * ```
 */
export interface ServerSentEvent {
  /** The `event` field of the event, `"message"` when it had none (or an empty one). */
  event: string;
  /** The event's `data` lines joined with `\n`. */
  data: string;
  /**
   * The last event ID at dispatch time: the latest `id` field received so far in the
   * stream (it carries over to later events), else `options.lastEventId`, else `""`.
   */
  id: string;
  /**
   * A reconnection time in milliseconds, present only on the first event dispatched
   * after a valid `retry` field was received (see {@link sse}).
   */
  retry?: number;
}

/**
 * Options of {@link sse}.
 *
 * @example
 * ```ts
 * // Resuming: events carry the ID sent as Last-Event-ID until the stream sends its own.
 * for await (const e of sse(res, { lastEventId: "41" })) console.log(e.id);
 * ```
 */
export interface SseOptions {
  /**
   * The last event ID the stream starts with, e.g. the one sent as `Last-Event-ID` when
   * resuming; events report it as `id` until an `id` field replaces it.
   * @default ""
   */
  lastEventId?: string;
}

const COLON = 58;
const SPACE = 32;

class SseIterator extends LineDecoder<ServerSentEvent> {
  /** The event type buffer. */
  private type = "";
  /** The data buffer, without the trailing LF the standard adds (lines joined with `\n`). */
  private data = "";
  /** How many `data` fields the data buffer holds (the standard's "buffer is empty" test). */
  private dataLines = 0;
  /** The last event ID buffer. */
  private id: string;
  /** A valid `retry` received since the last dispatched event, or -1. */
  private retry = -1;

  constructor(source: ByteSource, lastEventId: string) {
    super(source);
    this.id = lastEventId;
  }

  protected line(buf: string, start: number, end: number): ServerSentEvent | undefined {
    if (start === end) return this.dispatch();
    const c = buf.charCodeAt(start);
    // Only the four known field names matter; any other line (a `:` comment, an unknown
    // field) is ignored, so the colon is only looked for right after a known name.
    // Comparing past `end` is safe: `buf[end]` is a line terminator (or past the text),
    // which no field name contains.
    if (c === 100) {
      // "data"
      if (
        buf.charCodeAt(start + 1) === 97 &&
        buf.charCodeAt(start + 2) === 116 &&
        buf.charCodeAt(start + 3) === 97
      ) {
        const v = valueStart(buf, start + 4, end);
        if (v !== -1) {
          const value = v === end ? "" : buf.slice(v, end);
          this.data = this.dataLines++ === 0 ? value : this.data + "\n" + value;
        }
      }
    } else if (c === 101) {
      if (buf.startsWith("event", start)) {
        const v = valueStart(buf, start + 5, end);
        if (v !== -1) this.type = buf.slice(v, end);
      }
    } else if (c === 105) {
      if (buf.charCodeAt(start + 1) === 100) {
        const v = valueStart(buf, start + 2, end);
        if (v !== -1) {
          const value = buf.slice(v, end);
          // An id containing NUL is ignored (it could not be sent back as a header).
          if (value.indexOf("\0") === -1) this.id = value;
        }
      }
    } else if (c === 114) {
      if (buf.startsWith("retry", start)) {
        const v = valueStart(buf, start + 5, end);
        if (v !== -1 && v < end) {
          let i = v;
          while (i < end && isDigit(buf.charCodeAt(i))) i++;
          if (i === end) this.retry = Number(buf.slice(v, end));
        }
      }
    }
    return undefined;
  }

  /** The stream ended in the middle of an event: that event is dropped. */
  protected override lastLine(): undefined {
    return undefined;
  }

  /** A blank line: dispatch the event, unless its data buffer is empty. */
  private dispatch(): ServerSentEvent | undefined {
    const type = this.type;
    this.type = "";
    if (this.dataLines === 0) return undefined;
    const data = this.data;
    this.data = "";
    this.dataLines = 0;
    const event = type === "" ? "message" : type;
    const retry = this.retry;
    if (retry === -1) return { event, data, id: this.id };
    this.retry = -1;
    return { event, data, id: this.id, retry };
  }
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Where a field's value starts, given the index just after a known field name: the name
 * must be the whole line or be followed by `:`; one space after the colon is skipped.
 * -1 when the line's field name is longer than the known one.
 */
function valueStart(buf: string, afterName: number, end: number): number {
  if (afterName >= end) return afterName === end ? end : -1;
  if (buf.charCodeAt(afterName) !== COLON) return -1;
  const v = afterName + 1;
  return v < end && buf.charCodeAt(v) === SPACE ? v + 1 : v;
}

/**
 * Parses a `text/event-stream` body into Server-Sent Events, following the WHATWG
 * "Interpreting an event stream" rules:
 *
 * - UTF-8, one leading BOM dropped; lines end at `\n`, `\r\n` or `\r`.
 * - A line starting with `:` is a comment and is skipped. Otherwise the field name runs
 *   up to the first `:` (or is the whole line, with an empty value) and one space after
 *   the colon is removed from the value. Unknown fields are ignored.
 * - `data` appends a line to the event's data (lines joined with `\n`); `event` sets
 *   its type (default `"message"`); `id` sets the last event ID, which carries over to
 *   later events, unless the value contains NUL (then the field is ignored); `retry`
 *   sets the reconnection time when its value is ASCII digits only (else ignored; an
 *   empty value is ignored too).
 * - A blank line dispatches the event. An event with no `data` line is not dispatched,
 *   but its `id` still updates the last event ID. An unterminated event at the end of the
 *   stream is dropped.
 * - `retry` is reported on the first event dispatched after the field was received,
 *   usually the event whose block held it. A block holding only `retry:` (which the
 *   standard never dispatches) is therefore not lost: its value comes with the next event.
 *   A `retry` after the last event is lost with the stream. The key is absent otherwise.
 *
 * The output does not depend on how the bytes were split into chunks. Leaving the loop
 * early (`break`, `throw`, `return`) cancels the source, releasing the connection; an
 * error of the source is thrown from the loop as is. This is a parser, not an
 * `EventSource`: it does not reconnect (use `id` and `retry` to do so).
 *
 * @param source A `Response`, a `ReadableStream<Uint8Array>` or an `AsyncIterable<Uint8Array>`.
 * @param options `lastEventId`: the ID events carry until the stream sends one.
 * @returns An async iterator of {@link ServerSentEvent}s.
 *
 * @example
 * ```ts
 * import { sse } from "tierfetch";
 *
 * const res = await fetch("https://api.example.com/v1/chat", {
 *   method: "POST",
 *   headers: { accept: "text/event-stream", "content-type": "application/json" },
 *   body: JSON.stringify({ prompt: "Hello", stream: true }),
 * });
 * for await (const { event, data } of sse(res)) {
 *   if (data === "[DONE]") break; // cancels the rest of the stream
 *   if (event === "message") render(JSON.parse(data));
 * }
 * ```
 */
export function sse(
  source: ByteSource,
  options?: SseOptions,
): AsyncIterableIterator<ServerSentEvent> {
  return new SseIterator(source, options?.lastEventId ?? "");
}
