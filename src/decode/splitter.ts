/**
 * The line splitter under `lines()`, `ndjson()` and `sse()`: decoded text in, whole lines
 * out, synchronously, the same lines whatever way the text was cut.
 *
 * Lines end at `\n`, `\r\n` or a lone `\r` (also a `\r` ending one text and a `\n`
 * starting the next). Each text is searched once from its end for its last terminator:
 * what comes before it (with the line held from earlier texts) is a block of whole lines,
 * handed out as one string and read in place; what follows is held as the unfinished line.
 * A text without a terminator is only appended (no search of what is held), so a line
 * trickled a byte at a time costs linear time, and its pieces are joined a few dozen at a
 * time so that it never costs much more memory than its text.
 *
 * Memory is bounded by the limit, not by the body: {@link BlockSplitter.checkHeld} fails as
 * soon as the unfinished line passes it, and each line is checked as it is read.
 *
 * @module
 */
import { LimitError, type LimitKind } from "../errors/limit-error.js";
import { overLimit, utf8Length } from "./limits.js";

const LF = 10;
const CR = 13;
/** Texts continuing the unfinished line are joined this many at a time. */
const JOIN_EVERY = 64;

/**
 * Text into blocks of whole lines, read in place (what `sse()` does): each text is taken
 * as one block, its lines read with {@link lineEnd} and {@link after}; the unfinished line
 * is held for the next. {@link LineSplitter} adds the line-by-line form.
 *
 * @example
 * ```ts
 * const splitter = new BlockSplitter(1024, "event");
 * const block = splitter.take("x\ny\nz"); // "z" is held; splitter.first is undefined
 * for (let pos = splitter.blockStart; pos < splitter.blockEnd; ) {
 *   const end = splitter.lineEnd(block, pos);
 *   console.log(block.slice(pos, end));
 *   pos = splitter.after(block, end);
 * }
 * splitter.checkHeld();
 * ```
 *
 * @internal
 */
export class BlockSplitter {
  /** The longest line allowed, in UTF-8 bytes, and what a longer one is reported as. */
  readonly limit: number;
  readonly kind: LimitKind;
  /** The unfinished line: `head`, then the texts in `pieces` (not joined yet). */
  private head = "";
  private pieces: string[] | undefined;
  /** Its length in UTF-16 units. */
  private units = 0;
  /** Its length in UTF-8 bytes, kept once it may be near the limit; else -1. */
  private bytes = -1;
  /** The last text ended with `\r`: a `\n` starting the next one belongs to it. */
  private skipLF = false;
  /** The line held from earlier texts that the block last taken completes, if any. */
  first: string | undefined;
  /** Where the whole lines of the block last taken start (after {@link first}) and end. */
  blockStart = 0;
  blockEnd = 0;
  /** The block last taken holds no `\r`: its lines all end with a lone `\n`. */
  lfOnly = true;
  /** Next `\n` / `\r` in the block at or after the last position asked, its length when none. */
  private nl = -1;
  private cr = -1;

  constructor(limit: number, kind: LimitKind) {
    this.limit = limit;
    this.kind = kind;
  }

  /**
   * Takes `text` and returns it as the block to read: its whole lines lie between
   * {@link blockStart} and {@link blockEnd}, each with its terminator. A line held from
   * earlier texts that `text` completes is {@link first} (joined, without its terminator),
   * to be read before them. What follows the last terminator is held. Read the lines with
   * {@link lineEnd} and {@link after}, then call {@link checkHeld}. Never throws.
   *
   * The text is read in place, never cut or copied: a flat string from the decoder is
   * searched and sliced faster than a slice or a concatenation of it.
   */
  take(text: string): string {
    if (this.skipLF) {
      this.skipLF = false;
      if (text.charCodeAt(0) === LF) text = text.slice(1);
    }
    const firstCr = text.indexOf("\r");
    const lastNl = text.lastIndexOf("\n");
    const cut = (firstCr === -1 ? lastNl : Math.max(lastNl, text.lastIndexOf("\r"))) + 1;
    this.first = undefined;
    this.blockStart = 0;
    this.blockEnd = cut;
    if (cut === 0) {
      this.hold(text);
      return text;
    }
    // A \r ending the text may be the first half of a \r\n.
    this.skipLF = cut === text.length && text.charCodeAt(cut - 1) === CR;
    this.lfOnly = firstCr === -1;
    this.nl = this.cr = -1;
    if (this.units > 0) {
      const end = this.lineEnd(text, 0);
      this.first = this.joined() + text.slice(0, end);
      this.blockStart = this.after(text, end);
    }
    this.head = cut === text.length ? "" : text.slice(cut);
    this.pieces = undefined;
    this.units = this.head.length;
    this.bytes = -1;
    return text;
  }

  /** Where the line of `block` starting at `pos` ends (the index of its terminator). */
  lineEnd(block: string, pos: number): number {
    // Without \r, the next \n it is (one search per line, none cached).
    if (this.lfOnly) return block.indexOf("\n", pos);
    let nl = this.nl;
    if (nl < pos) {
      nl = block.indexOf("\n", pos);
      this.nl = nl = nl === -1 ? block.length : nl;
    }
    let cr = this.cr;
    if (cr < pos) {
      cr = block.indexOf("\r", pos);
      this.cr = cr = cr === -1 ? block.length : cr;
    }
    return nl < cr ? nl : cr;
  }

  /** Where the next line starts, after the terminator at `end`. */
  after(block: string, end: number): number {
    return block.charCodeAt(end) === CR && block.charCodeAt(end + 1) === LF ? end + 2 : end + 1;
  }

  /** Throws a LimitError when `text.slice(start, end)` is longer than the limit in UTF-8 bytes. */
  checkLine(text: string, start: number, end: number): void {
    if ((end - start) * 3 > this.limit && overLimit(text, start, end, this.limit)) this.fail();
  }

  /** Throws a LimitError when the unfinished line is already longer than the limit. */
  checkHeld(): void {
    const limit = this.limit;
    if (this.units * 3 <= limit) return;
    if (this.units > limit) this.fail();
    if (this.bytes === -1) {
      const held = this.joined();
      this.bytes = utf8Length(held, 0, held.length);
    }
    if (this.bytes > limit) this.fail();
  }

  private fail(): never {
    throw new LimitError(this.kind, this.limit);
  }

  /** Takes the unfinished line (the text after the last terminator), `undefined` when there is none. */
  rest(): string | undefined {
    if (this.units === 0) return undefined;
    const line = this.joined();
    this.head = "";
    this.pieces = undefined;
    this.units = 0;
    this.bytes = -1;
    return line;
  }

  /** Text without a terminator: it lengthens the unfinished line. */
  private hold(text: string): void {
    if (text.length === 0) return;
    if (this.bytes !== -1) this.bytes += utf8Length(text, 0, text.length);
    if (this.units === 0) this.head = text;
    else {
      const pieces = (this.pieces ??= []);
      pieces.push(text);
      if (pieces.length === JOIN_EVERY) this.head = this.joined();
    }
    this.units += text.length;
  }

  /** The unfinished line as one string (the pieces joined into `head`). */
  private joined(): string {
    const pieces = this.pieces;
    if (pieces !== undefined) {
      this.pieces = undefined;
      this.head += pieces.join("");
    }
    return this.head;
  }
}

/**
 * Splits text into lines, text by text: the lines each text completes, as strings (what
 * `lines()` and `ndjson()` use; `sse()` reads the blocks in place and does without these).
 *
 * @example
 * ```ts
 * const splitter = new LineSplitter(1024, "line");
 * splitter.push("a\r", []);     // ["a"]
 * splitter.push("\nb\nc", []);  // ["b"] (the \n after the \r was part of its terminator)
 * splitter.end([]);             // ["c"]
 * ```
 *
 * @internal
 */
export class LineSplitter extends BlockSplitter {
  /** The lines `text` completes, appended to `out`. Throws a LimitError for a line past the limit. */
  push(text: string, out: string[]): string[] {
    const block = this.take(text);
    const first = this.first;
    if (first !== undefined) {
      this.checkLine(first, 0, first.length);
      out.push(first);
    }
    const stop = this.blockEnd;
    for (let pos = this.blockStart; pos < stop; ) {
      const end = this.lineEnd(block, pos);
      this.checkLine(block, pos, end);
      out.push(block.slice(pos, end));
      pos = this.after(block, end);
    }
    this.checkHeld();
    return out;
  }

  /** The end of the text: the unfinished line, if any, appended to `out`. */
  end(out: string[]): string[] {
    const last = this.rest();
    if (last !== undefined) {
      this.checkLine(last, 0, last.length);
      out.push(last);
    }
    return out;
  }
}
