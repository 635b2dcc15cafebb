/**
 * `sse()`: Server-Sent Events, parsed by the WHATWG rules for `text/event-stream`
 * (HTML Living Standard, "Interpreting an event stream").
 *
 * @module
 */
import { LimitError } from "../errors/limit-error.js";
import { ItemIterator, type TextParser } from "./items.js";
import { DEFAULT_MAX_EVENT_BYTES, byteLimit, utf8Length } from "./limits.js";
import type { ByteSource } from "./source.js";
import { BlockSplitter } from "./splitter.js";

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
  /**
   * The largest event accepted: no event's `data` (its lines joined with `\n`) and no
   * single line of the stream may pass this many UTF-8 bytes. Past it the source is
   * cancelled and the iteration ends with a {@link LimitError} (`kind: "event"`); the
   * events before it are yielded. Memory held for an event stays about this size,
   * whatever the stream sends. A positive integer; anything else is a TypeError.
   * @default 16777216 (16 MiB)
   */
  maxEventBytes?: number;
}

/** Data lines after the first are gathered this many at a time, then joined. */
const JOIN_EVERY = 64;

const COLON = 58;
const SPACE = 32;
const LF = 10;

/**
 * The event-stream rules over the lines of each text, synchronously: every event a text
 * completes is made while its block of lines is read in place (one search per line end,
 * one slice per value), so `sse()` serves them without going back to the source.
 */
export class SseParser implements TextParser<ServerSentEvent> {
  private readonly splitter: BlockSplitter;
  /** The event type buffer. */
  private type = "";
  /**
   * The data buffer, without the trailing LF the standard adds (lines joined with `\n`),
   * except for the last few lines, still in `more`: a rope node per line (an event of a
   * million one-character lines) would cost many times the data.
   */
  private data = "";
  private more: string[] | undefined;
  /** How many `data` fields the data buffer holds (the standard's "buffer is empty" test). */
  private dataLines = 0;
  /** Length of the data buffer (with `more` and the `\n`s) in UTF-16 units. */
  private dataUnits = 0;
  /** Its exact size in UTF-8 bytes, counted once it may be near the limit; else -1. */
  private dataBytes = -1;
  private readonly maxEventBytes: number;
  /** The last event ID buffer. */
  private id: string;
  /** A valid `retry` received since the last dispatched event, or -1. */
  private retry = -1;

  constructor(lastEventId: string, maxEventBytes: number) {
    this.splitter = new BlockSplitter(maxEventBytes, "event");
    this.id = lastEventId;
    this.maxEventBytes = maxEventBytes;
  }

  push(text: string, out: ServerSentEvent[]): void {
    const splitter = this.splitter;
    const block = splitter.take(text);
    const first = splitter.first;
    if (first !== undefined) this.line(first, 0, first.length, out);
    const start = splitter.blockStart;
    const stop = splitter.blockEnd;
    if (splitter.lfOnly) this.lfLines(block, start, stop, out);
    else {
      for (let pos = start; pos < stop; ) {
        const end = splitter.lineEnd(block, pos);
        this.line(block, pos, end, out);
        pos = splitter.after(block, end);
      }
    }
    splitter.checkHeld();
  }

  /**
   * The lines of a block without `\r` (what servers send), as {@link push} reads them but
   * with one search per line and the commonest lines inline: `event:`, `id:`, and the first
   * `data:` line of an event, dispatched at once when the blank line follows it.
   */
  private lfLines(block: string, start: number, stop: number, out: ServerSentEvent[]): void {
    const limit = this.maxEventBytes;
    for (let pos = start; pos < stop; ) {
      const end = block.indexOf("\n", pos);
      if (end - pos > limit / 3) this.line(block, pos, end, out);
      else if (
        this.dataLines === 0 &&
        block.charCodeAt(pos) === 100 &&
        block.charCodeAt(pos + 1) === 97 &&
        block.charCodeAt(pos + 2) === 116 &&
        block.charCodeAt(pos + 3) === 97 &&
        block.charCodeAt(pos + 4) === COLON
      ) {
        const v = block.charCodeAt(pos + 5) === SPACE ? pos + 6 : pos + 5;
        const data = block.slice(v, end);
        // The blank line follows (never past `stop`: a \n there would end the block).
        if (block.charCodeAt(end + 1) === LF) {
          this.emit(data, out);
          pos = end + 2;
          continue;
        }
        this.data = data;
        this.dataLines = 1;
        this.dataUnits = end - v;
      } else if (
        block.charCodeAt(pos) === 101 &&
        block.charCodeAt(pos + 5) === COLON &&
        block.charCodeAt(pos + 1) === 118 &&
        block.charCodeAt(pos + 2) === 101 &&
        block.charCodeAt(pos + 3) === 110 &&
        block.charCodeAt(pos + 4) === 116
      ) {
        // "event:", the line before each data line in most typed streams.
        this.type = block.slice(block.charCodeAt(pos + 6) === SPACE ? pos + 7 : pos + 6, end);
      } else if (block.charCodeAt(pos) === 105 && block.charCodeAt(pos + 1) === 100 && block.charCodeAt(pos + 2) === COLON) {
        // "id:", on every event of a resumable stream; ignored when it holds a NUL.
        const id = block.slice(block.charCodeAt(pos + 3) === SPACE ? pos + 4 : pos + 3, end);
        if (id.indexOf("\0") === -1) this.id = id;
      } else this.line(block, pos, end, out);
      pos = end + 1;
    }
  }

  /** One line, without its terminator: a blank one dispatches, any other is a field. */
  private line(buf: string, start: number, end: number, out: ServerSentEvent[]): void {
    if (end === start) this.dispatch(out);
    else {
      this.splitter.checkLine(buf, start, end);
      this.field(buf, start, end);
    }
  }

  /** The stream ended: an event without its blank line is dropped, as is an unfinished line. */
  end(): void {
    this.splitter.rest();
  }

  /** One non-blank line. */
  private field(buf: string, start: number, end: number): void {
    const c = buf.charCodeAt(start);
    // Only the four known field names matter; any other line (a `:` comment, an unknown
    // field) is ignored, so the colon is only looked for right after a known name.
    // Comparing past `end` is safe: `buf[end]` is a line terminator, which no field name holds.
    if (c === 100) {
      // "data"
      if (buf.startsWith("ata", start + 1)) {
        const v = valueStart(buf, start + 4, end);
        if (v !== -1) this.addData(buf.slice(v, end));
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
          // An id containing NUL is ignored (it could not be sent back as a header).
          const value = buf.slice(v, end);
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
  }

  /** Appends a `data` value to the data buffer, within the event limit. */
  private addData(value: string): void {
    if (this.dataLines++ === 0) {
      // The first data line of an event: within the limit already (a line is).
      this.data = value;
      this.dataUnits = value.length;
      return;
    }
    const units = this.dataUnits + 1 + value.length;
    const limit = this.maxEventBytes;
    if (units * 3 > limit) {
      if (units > limit) throw new LimitError("event", limit);
      if (this.dataBytes === -1) this.dataBytes = this.countData();
      this.dataBytes += 1 + utf8Length(value, 0, value.length);
      if (this.dataBytes > limit) throw new LimitError("event", limit);
    }
    this.dataUnits = units;
    const more = (this.more ??= []);
    more.push(value);
    if (more.length === JOIN_EVERY) {
      this.data = this.data + "\n" + more.join("\n");
      more.length = 0;
    }
  }

  /** UTF-8 bytes of the data buffer so far. */
  private countData(): number {
    let bytes = utf8Length(this.data, 0, this.data.length);
    for (const line of this.more ?? []) bytes += 1 + utf8Length(line, 0, line.length);
    return bytes;
  }

  /** A blank line: dispatch the event, unless its data buffer is empty. */
  private dispatch(out: ServerSentEvent[]): void {
    if (this.dataLines === 0) {
      this.type = "";
      return;
    }
    const more = this.more;
    const data = more === undefined || more.length === 0 ? this.data : this.data + "\n" + more.join("\n");
    this.data = "";
    this.more = undefined;
    this.dataLines = 0;
    this.dataUnits = 0;
    this.dataBytes = -1;
    this.emit(data, out);
  }

  /** Makes the event of `data` and the fields received, then resets its type. */
  private emit(data: string, out: ServerSentEvent[]): void {
    const type = this.type;
    this.type = "";
    const event = type === "" ? "message" : type;
    const retry = this.retry;
    this.retry = -1;
    out.push(retry === -1 ? { event, data, id: this.id } : { event, data, id: this.id, retry });
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
 * An event whose data, or a line, passes `maxEventBytes` (default 16 MiB) cancels the
 * source and ends the loop with a {@link LimitError} (`code: "ERR_LIMIT"`, `kind:
 * "event"`), so a stream that never ends an event cannot fill the memory.
 *
 * @param source A `Response`, a `ReadableStream<Uint8Array>` or an `AsyncIterable<Uint8Array>`.
 * @param options `lastEventId`: the ID events carry until the stream sends one;
 *   `maxEventBytes`: the largest event accepted. A bad value throws a TypeError.
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
  const maxEventBytes = byteLimit(options, "maxEventBytes", DEFAULT_MAX_EVENT_BYTES);
  const lastEventId: unknown = options?.lastEventId ?? "";
  if (typeof lastEventId !== "string") {
    throw new TypeError(`lastEventId must be a string, got ${typeof lastEventId}`);
  }
  return new ItemIterator(source, new SseParser(lastEventId, maxEventBytes));
}
