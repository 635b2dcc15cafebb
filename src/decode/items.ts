/**
 * The async side of the stream decoders: reads a byte source chunk by chunk, decodes it
 * as UTF-8, hands the text to a synchronous parser and serves what it made, one item per
 * `next()`. Everything about lines and fields is in the parsers (./splitter.ts, ./sse.ts);
 * everything about reading, cancelling and releasing the source is here.
 *
 * @module
 */
import { cancelUnopened, openByteSource, type ByteReader, type ByteSource } from "./source.js";
import { Utf8Decoder } from "./utf8.js";

/**
 * What a decoder makes of text: items appended to `out`, synchronously. A parser may
 * throw after appending some: those items are served first, then the error ends the
 * iteration (the source is cancelled with it).
 *
 * @example
 * ```ts
 * // Words, one item each (a word cut between two texts would come out as two: a real
 * // parser holds what is unfinished, as LineSplitter does).
 * const words: TextParser<string> = {
 *   push(text, out) { for (const w of text.split(/\s+/)) if (w) out.push(w); },
 *   end() {},
 * };
 * ```
 *
 * @internal
 */
export interface TextParser<T> {
  /** The next decoded text (never empty). */
  push(text: string, out: T[]): void;
  /** The source has ended: what is left, if it makes an item. */
  end(out: T[]): void;
}

/** Nothing read yet: the source is not locked. */
const IDLE = 0;
const OPEN = 1;
/** The source has ended: what the parser made is served, then done. */
const ENDED = 2;
/** Failed or cancelled: `next()` resolves done. */
const CLOSED = 3;

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });
const noop = (): void => {};

/**
 * An async iterator of the items a {@link TextParser} makes from a byte source.
 *
 * `next()` serves items already made at once (one resolved promise, no read) and only
 * goes asynchronous to read another chunk; concurrent `next()` calls are served in order.
 * Nothing is read (and a `Response` body is not locked) until the first `next()`.
 *
 * @internal
 */
export class ItemIterator<T> implements AsyncIterableIterator<T> {
  private readonly source: ByteSource;
  private readonly parser: TextParser<T>;
  private reader: ByteReader | undefined;
  private decoder: Utf8Decoder | undefined;
  private state: number = IDLE;
  /** Items made and not served yet: `items[index]` on. */
  private items: T[] = [];
  private index = 0;
  /** The parser failed after the items still held: the iteration ends with this. */
  private failure: { error: unknown } | undefined;
  /** How many `next()` calls wait on an asynchronous step; `tail` settles after the last. */
  private pending = 0;
  private tail: Promise<void> = Promise.resolve();

  constructor(source: ByteSource, parser: TextParser<T>) {
    this.source = source;
    this.parser = parser;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    const index = this.index;
    if (index < this.items.length && this.pending === 0) {
      this.index = index + 1;
      return Promise.resolve({ done: false, value: this.items[index]! });
    }
    return this.enqueue();
  }

  /** Stops early: cancels the source (releasing the connection) and ends the iteration. */
  return(): Promise<IteratorResult<T, undefined>> {
    return this.close(undefined).then(() => DONE);
  }

  /** Like {@link return}, then rejects with `error`. */
  throw(error?: unknown): Promise<IteratorResult<T, undefined>> {
    return this.close(error).then(() => Promise.reject(error));
  }

  /** Reads chunks until an item (or the end, or the parser's error) comes out. */
  private async pull(): Promise<IteratorResult<T, undefined>> {
    for (;;) {
      const items = this.items;
      if (this.index < items.length) return { done: false, value: items[this.index++]! };
      items.length = 0;
      this.index = 0;
      if (this.failure !== undefined) throw this.failure.error;
      if (this.state === ENDED || this.state === CLOSED) {
        void this.close(undefined); // ended: nothing to cancel, only the state to settle
        return DONE;
      }
      if (this.state === IDLE) {
        this.reader = openByteSource(this.source);
        this.decoder = new Utf8Decoder();
        this.state = OPEN;
      }
      const chunk = await this.reader!.read();
      if (this.state !== OPEN) return DONE; // cancelled while reading
      this.parse(chunk);
    }
  }

  /** Hands a chunk's text (or the end) to the parser; an error waits behind the items made before it. */
  private parse(chunk: Uint8Array | undefined): void {
    const decoder = this.decoder!;
    try {
      if (chunk === undefined) {
        this.state = ENDED;
        this.reader = undefined;
        const text = decoder.end();
        if (text !== "") this.parser.push(text, this.items);
        this.parser.end(this.items);
      } else {
        const text = decoder.decode(chunk);
        if (text !== "") this.parser.push(text, this.items);
      }
    } catch (error) {
      this.failure = { error };
    }
  }

  private close(reason: unknown): Promise<void> {
    const state = this.state;
    const reader = this.reader;
    this.state = CLOSED;
    this.reader = undefined;
    this.items = [];
    this.index = 0;
    this.failure = undefined;
    if (state === IDLE) return cancelUnopened(this.source, reason);
    return reader === undefined ? Promise.resolve() : reader.cancel(reason);
  }

  private enqueue(): Promise<IteratorResult<T, undefined>> {
    // `pending` drops back to 0 in the same reaction that settles the last result, so
    // the consumer's next call, made after its `await`, takes the synchronous path again.
    const settle = (result: IteratorResult<T, undefined>): IteratorResult<T, undefined> => {
      this.pending--;
      return result;
    };
    // The source's own error (its reader has already let go) or the parser's: either way
    // the source is cancelled and the iteration ends with it.
    const failed = (error: unknown): Promise<never> => {
      this.pending--;
      return this.close(error).then(() => Promise.reject(error));
    };
    const run = (): Promise<IteratorResult<T, undefined>> => this.pull().then(settle, failed);
    const result = this.pending++ === 0 ? run() : this.tail.then(run);
    this.tail = result.then(noop, noop);
    return result;
  }
}
