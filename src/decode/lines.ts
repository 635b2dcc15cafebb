/**
 * `lines()`, and the line splitter that `ndjson()` and `sse()` are built on.
 *
 * One streaming `TextDecoder` turns the bytes into text (UTF-8 split across chunks is
 * joined; one leading BOM is dropped, as `Response.text()` does). Line ends are found with
 * `indexOf` on `\n` and `\r`, each position cached until it has been passed, so a chunk is
 * scanned once and no per-line regex or array is needed. A line that spans chunks is
 * kept as one growing string and only scanned in its new parts.
 *
 * Memory is bounded by the line limit, not by the body: a line is given up (LimitError,
 * source cancelled) as soon as its unfinished part passes the limit, and text trickled in
 * small chunks is gathered 1 KiB at a time, so a line never costs much more than its text.
 *
 * @module
 */
import { LimitError, type LimitKind } from "../errors/limit-error.js";
import { DEFAULT_MAX_LINE_BYTES, byteLimit, overLimit, utf8Length } from "./limits.js";
import { cancelUnopened, openByteSource, type ByteReader, type ByteSource } from "./source.js";

const LF = 10;

/** Nothing read yet: the source is not locked. */
const IDLE = 0;
const OPEN = 1;
/** Ended, failed or cancelled: `next()` resolves done. */
const CLOSED = 2;

/** Texts shorter than this that continue an unfinished line are gathered before joining it. */
const PIECE = 1024;

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });
const noop = (): void => {};

/**
 * UTF-8 to text, chunk by chunk, with the output of one streaming `TextDecoder` (one
 * leading BOM dropped, invalid bytes as U+FFFD) whatever the chunk boundaries.
 *
 * Why not just `decode(chunk, { stream: true })`: Node's `TextDecoder` only takes its
 * SIMD path (about 4x faster on ASCII) for calls without `stream`. So each chunk is cut
 * after its last complete character; the few bytes of an unfinished one wait for the next
 * chunk. A cut before a byte that is not a continuation byte (or after a finished
 * sequence) is a point where decoding can restart without changing the output, so the
 * pieces can be decoded one by one. Text that is not ASCII decodes faster through the
 * streaming (ICU) path in Node, so after a non-ASCII piece the next one goes there; the
 * two decoders give the same text, and the streaming one is flushed before a switch back.
 * Elsewhere (browsers, Deno, Bun) both paths are fast and this costs a few comparisons.
 */
class Utf8Decoder {
  /** Never called with `stream`: the engine's fast path. */
  private readonly whole = new TextDecoder("utf-8", { ignoreBOM: true });
  private streaming: TextDecoder | undefined;
  /** The streaming decoder may hold the start of an invalid sequence (a U+FFFD to come). */
  private streamingUsed = false;
  /** The last piece was ASCII (its text is as long as its bytes). */
  private ascii = true;
  /** Bytes of an unfinished character, from the end of the last chunk. */
  private partial: Uint8Array | undefined;
  /** No text has come out yet: a BOM would be the first character. */
  private atStart = true;

  decode(chunk: Uint8Array): string {
    let bytes = chunk;
    const partial = this.partial;
    if (partial !== undefined) {
      this.partial = undefined;
      bytes = new Uint8Array(partial.length + chunk.length);
      bytes.set(partial);
      bytes.set(chunk, partial.length);
    }
    const n = bytes.length;
    // The last byte that is not a continuation byte (10xxxxxx), among the last three.
    const stop = n > 3 ? n - 3 : 0;
    for (let i = n - 1; i >= stop; i--) {
      const b = bytes[i];
      if ((b & 0xc0) !== 0x80) {
        const need = b < 0xc2 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : b < 0xf5 ? 4 : 1;
        if (n - i < need) {
          // Copied: the source may reuse its buffer (and Buffer#slice would not copy).
          const rest = new Uint8Array(n - i);
          rest.set(bytes.subarray(i));
          this.partial = rest;
          bytes = bytes.subarray(0, i);
        }
        break;
      }
    }
    return bytes.length === 0 ? "" : this.text(bytes, true);
  }

  /** The end of the bytes: an unfinished character becomes U+FFFD. */
  end(): string {
    const partial = this.partial;
    this.partial = undefined;
    let text = partial === undefined ? "" : this.text(partial, false);
    if (this.streamingUsed) {
      this.streamingUsed = false;
      text = this.streaming!.decode() + text;
    }
    return text;
  }

  private text(bytes: Uint8Array, more: boolean): string {
    let text: string;
    if (this.ascii || !more) {
      text = this.whole.decode(bytes);
      if (this.streamingUsed) {
        this.streamingUsed = false;
        text = this.streaming!.decode() + text;
      }
    } else {
      this.streaming ??= new TextDecoder("utf-8", { ignoreBOM: true });
      text = this.streaming.decode(bytes, { stream: true });
      this.streamingUsed = true;
    }
    this.ascii = text.length === bytes.length;
    if (this.atStart && text.length > 0) {
      this.atStart = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    return text;
  }
}

/**
 * An async iterator of items made from the lines of a byte source. A subclass turns
 * each line (`buf.slice(start, end)`, without its terminator) into an item or into
 * nothing (`undefined`); the base class reads, decodes, splits, and releases the source.
 *
 * `next()` serves items straight from the decoded text while it lasts and only goes
 * asynchronous to read another chunk; concurrent `next()` calls are served in order.
 *
 * @example
 * ```ts
 * // Lines of "key=value", as [key, value] pairs; lines without "=" are skipped.
 * class Pairs extends LineDecoder<[string, string]> {
 *   protected line(buf: string, start: number, end: number) {
 *     const eq = buf.indexOf("=", start);
 *     return eq === -1 || eq >= end ? undefined : [buf.slice(start, eq), buf.slice(eq + 1, end)];
 *   }
 * }
 * ```
 *
 * @internal
 */
export abstract class LineDecoder<T> implements AsyncIterableIterator<T> {
  private readonly source: ByteSource;
  private reader: ByteReader | undefined;
  private decoder: Utf8Decoder | undefined;
  private state: number = IDLE;
  /** Text not consumed yet starts at `pos`; from there on it holds no terminator before `nl`/`cr`. */
  protected buf = "";
  protected pos = 0;
  /** Index of the next `\n` at or after `pos`, `buf.length` when none; stale when below `pos`. */
  protected nl = 0;
  /** Same for `\r`. */
  protected cr = 0;
  /** The last line ended with a `\r` that closed the text: a `\n` starting the next text belongs to it. */
  private skipLF = false;
  /** Text to go on with once `buf` (one line that spanned chunks) is taken; see {@link push}. */
  private queued: string | undefined;
  private queuedPos = 0;
  private queuedNl = 0;
  private queuedCr = 0;
  /** The source has ended and the decoder was flushed: what is left of `buf` is the last line. */
  private ended = false;
  /** Small texts that continue the unfinished line after `buf`, not joined yet (see {@link extend}). */
  private pieces: string[] | undefined;
  private piecesLength = 0;
  /** UTF-8 bytes of the unfinished line (with `pieces`), counted once it may be near the limit; else -1. */
  private tailBytes = -1;
  /** The longest line allowed, in UTF-8 bytes, and what a longer one is reported as. */
  protected readonly limit: number;
  private readonly kind: LimitKind;
  /** How many `next()` calls wait on an asynchronous step; `tail` settles after the last. */
  private pending = 0;
  private tail: Promise<void> = Promise.resolve();

  constructor(source: ByteSource, limit: number, kind: LimitKind) {
    this.source = source;
    this.limit = limit;
    this.kind = kind;
  }

  /** Turns one line into an item, or `undefined` for none. May throw: the source is then cancelled. */
  protected abstract line(buf: string, start: number, end: number): T | undefined;

  /** The last line, when the text does not end with a terminator. Defaults to {@link line}. */
  protected lastLine(buf: string, start: number, end: number): T | undefined {
    return this.line(buf, start, end);
  }

  /**
   * Reading, with no `next()` waiting: `buf` from `pos` is text not consumed yet, which a
   * subclass may take items from directly (keeping `pos`, `nl` and `cr` right).
   */
  protected idle(): boolean {
    return this.state === OPEN && this.pending === 0;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.pending === 0) {
      let result: IteratorResult<T, undefined> | undefined;
      try {
        result = this.poll();
      } catch (error) {
        return this.fail(error);
      }
      if (result !== undefined) return Promise.resolve(result);
    }
    return this.enqueue(() => this.pull());
  }

  /** Stops early: cancels the source (releasing the connection) and ends the iteration. */
  return(): Promise<IteratorResult<T, undefined>> {
    return this.close(undefined).then(() => DONE);
  }

  /** Like {@link return}, then rejects with `error`. */
  throw(error?: unknown): Promise<IteratorResult<T, undefined>> {
    return this.close(error).then(() => Promise.reject(error));
  }

  /** The next item from text already decoded; `undefined` when a chunk must be read first. */
  private poll(): IteratorResult<T, undefined> | undefined {
    if (this.state !== OPEN) return this.state === CLOSED ? DONE : undefined;
    // Locals in the loop, written back only when leaving it (a line that throws closes
    // the iterator, so its position no longer matters).
    const buf = this.buf;
    const length = buf.length;
    const limit = this.limit;
    let pos = this.pos;
    let nl = this.nl;
    let cr = this.cr;
    for (;;) {
      if (nl < pos) {
        nl = buf.indexOf("\n", pos);
        if (nl === -1) nl = length;
      }
      if (cr < pos) {
        cr = buf.indexOf("\r", pos);
        if (cr === -1) cr = length;
      }
      const start = pos;
      let end: number;
      if (nl < cr) {
        end = nl;
        pos = nl + 1;
      } else if (cr < nl) {
        end = cr;
        if (cr + 1 < length) {
          pos = buf.charCodeAt(cr + 1) === LF ? cr + 2 : cr + 1;
        } else {
          pos = length;
          this.skipLF = true;
        }
      } else {
        // No terminator left (nl === cr === length).
        if (this.queued !== undefined) {
          this.unqueue();
          return this.poll();
        }
        this.pos = pos;
        this.nl = nl;
        this.cr = cr;
        return this.ended ? this.finish() : undefined;
      }
      if ((end - start) * 3 > limit && overLimit(buf, start, end, limit)) {
        throw new LimitError(this.kind, limit);
      }
      const item = this.line(buf, start, end);
      if (item !== undefined) {
        this.pos = pos;
        this.nl = nl;
        this.cr = cr;
        return { done: false, value: item };
      }
    }
  }

  /** The source has ended and every terminated line was taken: the last line, if any, then done. */
  private finish(): IteratorResult<T, undefined> {
    const buf = this.buf;
    const pos = this.pos;
    const length = buf.length;
    if (overLimit(buf, pos, length, this.limit)) throw new LimitError(this.kind, this.limit);
    this.state = CLOSED;
    this.reader = undefined;
    this.buf = "";
    if (pos < length) {
      const item = this.lastLine(buf, pos, length);
      if (item !== undefined) return { done: false, value: item };
    }
    return DONE;
  }

  /** Adds decoded text after what is left of `buf`. */
  private push(text: string): void {
    if (text.length === 0) return;
    if (this.skipLF) {
      this.skipLF = false;
      if (text.charCodeAt(0) === LF) {
        if (text.length === 1) return;
        text = text.slice(1);
      }
    }
    // Where the text's first terminators are: -1 for "look it up when needed" (the \r
    // search is only made here when there is no \n, to know whether a line ends at all).
    const nl = text.indexOf("\n");
    const cr = nl === -1 ? text.indexOf("\r") : -1;
    if (cr === -1 && nl === -1) {
      this.extend(text);
      return;
    }
    this.gather();
    this.tailBytes = -1;
    const buf = this.buf;
    const pos = this.pos;
    if (pos >= buf.length) {
      // Both line ends known from the start (the \r search is one pass over the text, made
      // here rather than by the first poll), so a subclass may take items from it at once.
      const crAt = cr === -1 ? text.indexOf("\r") : cr;
      this.buf = text;
      this.pos = 0;
      this.nl = nl === -1 ? text.length : nl;
      this.cr = crAt === -1 ? text.length : crAt;
      return;
    }
    // An unfinished line continues and ends in this text. That one line, with its
    // terminator, becomes a text of its own; the rest of this text waits in `queued` and is
    // read in place once the line is taken: neither is copied into the other (a joined
    // copy costs a chunk's worth of memory traffic, a rope slows every read that follows).
    const crAt = cr === -1 ? text.indexOf("\r") : cr;
    const first = crAt === -1 || (nl !== -1 && nl < crAt) ? nl : crAt;
    const cut = crAt === first && text.charCodeAt(first + 1) === LF ? first + 2 : first + 1;
    this.buf = (pos === 0 ? buf : buf.slice(pos)) + text.slice(0, cut);
    this.pos = 0;
    this.nl = this.cr = -1;
    if (cut < text.length) {
      this.queued = text;
      this.queuedPos = cut;
      this.queuedNl = nl >= cut ? nl : nl === -1 ? text.length : -1;
      this.queuedCr = crAt >= cut ? crAt : crAt === -1 ? text.length : -1;
    }
  }

  /** The line that continued into `queued` was taken: go on in the rest of that text. */
  private unqueue(): void {
    const text = this.queued!;
    let pos = this.queuedPos;
    this.queued = undefined;
    if (this.skipLF) {
      // The line ended with a \r closing its own text; the \n of a \r\n was cut with it,
      // so the queued text does not start with one.
      this.skipLF = false;
      if (text.charCodeAt(pos) === LF) pos++;
    }
    this.buf = text;
    this.pos = pos;
    this.nl = this.queuedNl;
    this.cr = this.queuedCr;
  }

  /**
   * Text without a terminator: it lengthens the unfinished line. Past the limit the line
   * is given up at once (nothing more of it is read). Small texts are gathered and joined
   * a kilobyte at a time: a rope node per tiny chunk (a body trickled a few bytes at a
   * time) would cost many times the text it holds.
   */
  private extend(text: string): void {
    const buf = this.buf;
    const pos = this.pos;
    const held = buf.length - pos;
    const units = held + this.piecesLength + text.length;
    if (units * 3 > this.limit) this.checkTail(text, units);
    if (held <= 0 && this.pieces === undefined) {
      this.buf = text;
      this.pos = 0;
    } else if (this.pieces === undefined && text.length >= PIECE) {
      this.buf = (pos === 0 ? buf : buf.slice(pos)) + text;
      this.pos = 0;
    } else {
      (this.pieces ??= []).push(text);
      this.piecesLength += text.length;
      if (this.piecesLength >= PIECE) this.gather();
    }
    // No terminator in what is held: both searches resume past its end.
    this.nl = this.cr = this.buf.length;
  }

  /** Joins the gathered pieces to the unfinished line in `buf`. */
  private gather(): void {
    const pieces = this.pieces;
    if (pieces === undefined) return;
    this.pieces = undefined;
    this.piecesLength = 0;
    const buf = this.buf;
    const pos = this.pos;
    this.buf = (pos >= buf.length ? "" : pos === 0 ? buf : buf.slice(pos)) + pieces.join("");
    this.pos = 0;
    this.nl = this.cr = this.buf.length;
  }

  /** The unfinished line would hold `units` UTF-16 units with `text`: fails past the limit. */
  private checkTail(text: string, units: number): void {
    const limit = this.limit;
    if (units > limit) throw new LimitError(this.kind, limit);
    if (this.tailBytes === -1) {
      let bytes = this.pos < this.buf.length ? utf8Length(this.buf, this.pos, this.buf.length) : 0;
      for (const piece of this.pieces ?? []) bytes += utf8Length(piece, 0, piece.length);
      this.tailBytes = bytes;
    }
    this.tailBytes += utf8Length(text, 0, text.length);
    if (this.tailBytes > limit) throw new LimitError(this.kind, limit);
  }

  /** Reads chunks until an item (or the end) comes out. */
  private async pull(): Promise<IteratorResult<T, undefined>> {
    for (;;) {
      const ready = this.poll();
      if (ready !== undefined) return ready;
      let reader = this.reader;
      if (this.state === IDLE) {
        reader = this.reader = openByteSource(this.source);
        this.decoder = new Utf8Decoder();
        this.state = OPEN;
      }
      const chunk = await reader!.read();
      if (this.state !== OPEN) return DONE; // cancelled while reading
      const decoder = this.decoder!;
      if (chunk === undefined) {
        this.ended = true;
        this.push(decoder.end());
        this.gather();
      } else {
        this.push(decoder.decode(chunk));
      }
    }
  }

  /** A line could not be decoded: cancel the source, end the iteration, reject. */
  private fail(error: unknown): Promise<never> {
    return this.close(error).then(() => Promise.reject(error));
  }

  private close(reason: unknown): Promise<void> {
    const state = this.state;
    const reader = this.reader;
    this.state = CLOSED;
    this.reader = undefined;
    this.buf = "";
    this.pos = 0;
    this.pieces = undefined;
    this.queued = undefined;
    if (state === IDLE) return cancelUnopened(this.source, reason);
    return reader === undefined ? Promise.resolve() : reader.cancel(reason);
  }

  private enqueue(
    task: () => Promise<IteratorResult<T, undefined>>,
  ): Promise<IteratorResult<T, undefined>> {
    // `pending` drops back to 0 in the same reaction that settles the last result, so
    // the consumer's next call, made after its `await`, takes the synchronous path again.
    const settle = (result: IteratorResult<T, undefined>): IteratorResult<T, undefined> => {
      this.pending--;
      return result;
    };
    // The source's own error (its reader has already let go) or a line that failed to
    // decode (the source gets cancelled): either way the iteration ends with it.
    const failed = (error: unknown): Promise<never> => {
      this.pending--;
      return this.fail(error);
    };
    const run = (): Promise<IteratorResult<T, undefined>> => task().then(settle, failed);
    const result = this.pending++ === 0 ? run() : this.tail.then(run);
    this.tail = result.then(noop, noop);
    return result;
  }
}

/**
 * Options of {@link lines} and {@link ndjson}.
 *
 * @example
 * ```ts
 * // Log lines are short: refuse anything past 64 KiB instead of buffering it.
 * for await (const line of lines(res, { maxLineBytes: 64 * 1024 })) console.log(line);
 * ```
 */
export interface LinesOptions {
  /**
   * The longest line accepted, in UTF-8 bytes, its terminator not counted. A longer line
   * ends the iteration with a {@link LimitError} (`kind: "line"`) after the source is
   * cancelled; the lines before it are yielded. Memory held for a line stays about this
   * size, whatever the body sends. A positive integer; anything else is a TypeError.
   * @default 8388608 (8 MiB)
   */
  maxLineBytes?: number;
}

class LineIterator extends LineDecoder<string> {
  /** A line ended by `\n` in decoded text is served here, without the line machinery. */
  override next(): Promise<IteratorResult<string, undefined>> {
    const buf = this.buf;
    const pos = this.pos;
    let nl = this.nl;
    if (this.idle() && this.cr >= pos) {
      if (nl < pos) {
        nl = buf.indexOf("\n", pos);
        this.nl = nl = nl === -1 ? buf.length : nl;
      }
      if (nl < this.cr && nl < buf.length && (nl - pos) * 3 <= this.limit) {
        this.pos = nl + 1;
        return Promise.resolve({ done: false, value: buf.slice(pos, nl) });
      }
    }
    return super.next();
  }

  protected line(buf: string, start: number, end: number): string {
    return buf.slice(start, end);
  }
}

/**
 * Splits a byte stream into lines of text.
 *
 * - Lines end at `\n`, `\r\n` or a lone `\r` (also when `\r` ends one chunk and `\n`
 *   starts the next); the terminator is not part of the line.
 * - Bytes are decoded as UTF-8 with one streaming `TextDecoder`: a character split
 *   across chunks comes out whole, one leading BOM is dropped, and invalid bytes become
 *   U+FFFD (as `Response.text()` does).
 * - A last line without a terminator is yielded; a text ending with a terminator yields
 *   no extra empty line. Empty lines in between are yielded as `""`.
 * - The output does not depend on how the bytes were split into chunks.
 * - Leaving the loop early (`break`, `throw`, `return`) cancels the source, which
 *   releases the connection; an error of the source is thrown from the loop as is.
 * - A line longer than `maxLineBytes` (default 8 MiB) cancels the source and ends the
 *   loop with a {@link LimitError} (`code: "ERR_LIMIT"`, `kind: "line"`), so a body that
 *   never sends a line end cannot fill the memory.
 *
 * Nothing is read (and a `Response` body is not locked) until the first `next()`.
 *
 * @param source A `Response`, a `ReadableStream<Uint8Array>` or an `AsyncIterable<Uint8Array>`.
 * @param options `maxLineBytes`: the longest line accepted (a bad value throws a TypeError).
 * @returns An async iterator of lines, usable with `for await`.
 *
 * @example
 * ```ts
 * import { lines } from "tierfetch";
 *
 * const res = await fetch("https://example.com/access.log");
 * for await (const line of lines(res)) {
 *   if (line.includes(" 500 ")) console.log(line);
 * }
 * ```
 */
export function lines(source: ByteSource, options?: LinesOptions): AsyncIterableIterator<string> {
  return new LineIterator(source, byteLimit(options, "maxLineBytes", DEFAULT_MAX_LINE_BYTES), "line");
}
