/**
 * `ndjson()`: newline-delimited JSON, one value per line.
 *
 * @module
 */
import { DEFAULT_MAX_LINE_BYTES, byteLimit } from "./limits.js";
import { LineDecoder, type LinesOptions } from "./lines.js";
import type { ByteSource } from "./source.js";

/** How much of a bad line its error message quotes, and of the parser's own message. */
const PREVIEW_CHARS = 60;
const REASON_CHARS = 80;

class NdjsonIterator<T> extends LineDecoder<T> {
  private lineNumber = 0;

  protected line(buf: string, start: number, end: number): T | undefined {
    this.lineNumber++;
    // Blank (empty, or spaces and tabs only): skipped. Any other line must be JSON.
    let i = start;
    while (i < end) {
      const c = buf.charCodeAt(i);
      if (c !== 32 && c !== 9) break;
      i++;
    }
    if (i === end) return undefined;
    const text = buf.slice(start, end);
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw badLine(this.lineNumber, text, error);
    }
  }
}

/**
 * The error for a line that is not JSON. It quotes at most the first 60 characters of
 * the line and 80 of the parser's message (which some engines fill with the bad token),
 * so a huge or secret-bearing line does not end up whole in logs; the parser's error is
 * not kept as `cause` for the same reason.
 */
function badLine(lineNumber: number, text: string, parseError: unknown): SyntaxError {
  const reason = truncate(parseError instanceof Error ? parseError.message : String(parseError), REASON_CHARS);
  return new SyntaxError(
    `NDJSON line ${lineNumber} is not valid JSON (${reason}): ${JSON.stringify(truncate(text, PREVIEW_CHARS))}`,
  );
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}

/**
 * Parses newline-delimited JSON (NDJSON, JSON Lines) as it streams in.
 *
 * - Every non-blank line is parsed with `JSON.parse`; blank lines (empty, or only
 *   spaces and tabs) are skipped. Lines end at `\n`, `\r\n` or `\r`, exactly as in
 *   {@link lines}, and the last line needs no terminator.
 * - A line that is not valid JSON ends the iteration with a `SyntaxError` whose message
 *   names its 1-based line number (blank lines count), the parser's reason, and at most
 *   the first 60 characters of the line. The source is cancelled first, so the
 *   connection is released.
 * - The output does not depend on how the bytes were split into chunks; leaving the
 *   loop early cancels the source; an error of the source is thrown from the loop as is.
 * - A line longer than `maxLineBytes` (default 8 MiB) cancels the source and ends the
 *   loop with a {@link LimitError} (`kind: "line"`), before any of it is parsed.
 *
 * The type parameter is a claim about the data, not a check: validate it if it comes
 * from outside.
 *
 * @param source A `Response`, a `ReadableStream<Uint8Array>` or an `AsyncIterable<Uint8Array>`.
 * @param options `maxLineBytes`: the longest line accepted (a bad value throws a TypeError).
 * @returns An async iterator of the parsed values.
 *
 * @example
 * ```ts
 * import { ndjson } from "tierfetch";
 *
 * type Row = { id: number; name: string };
 * for await (const row of ndjson<Row>(await fetch("https://example.com/export.ndjson"))) {
 *   console.log(row.id, row.name);
 * }
 * ```
 */
export function ndjson<T = unknown>(source: ByteSource, options?: LinesOptions): AsyncIterableIterator<T> {
  return new NdjsonIterator<T>(source, byteLimit(options, "maxLineBytes", DEFAULT_MAX_LINE_BYTES), "line");
}
