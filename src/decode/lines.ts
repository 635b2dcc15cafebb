/**
 * `lines()`: a byte stream as lines of text. The bytes are decoded by ./utf8.ts, split by
 * ./splitter.ts and served by ./items.ts; this module only ties them together.
 *
 * @module
 */
import { DEFAULT_MAX_LINE_BYTES, byteLimit } from "./limits.js";
import { ItemIterator } from "./items.js";
import type { ByteSource } from "./source.js";
import { LineSplitter } from "./splitter.js";

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
  return new ItemIterator(source, new LineSplitter(byteLimit(options, "maxLineBytes", DEFAULT_MAX_LINE_BYTES), "line"));
}
