/**
 * `ndjson()`: newline-delimited JSON, one value per line.
 *
 * @module
 */
import { LineDecoder } from "./lines.js";
import type { ByteSource } from "./source.js";

/** How much of a bad line its error message quotes. */
const PREVIEW_CHARS = 80;

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
    } catch (cause) {
      throw badLine(this.lineNumber, text, cause);
    }
  }
}

function badLine(lineNumber: number, text: string, cause: unknown): SyntaxError {
  const preview =
    text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}… (${text.length} chars)` : text;
  const error = new SyntaxError(
    `NDJSON line ${lineNumber} is not valid JSON: ${JSON.stringify(preview)}`,
  );
  // Set after construction: `new SyntaxError(message, { cause })` needs ES2022 runtimes.
  Object.defineProperty(error, "cause", { value: cause, configurable: true, writable: true });
  return error;
}

/**
 * Parses newline-delimited JSON (NDJSON, JSON Lines) as it streams in.
 *
 * - Every non-blank line is parsed with `JSON.parse`; blank lines (empty, or only
 *   spaces and tabs) are skipped. Lines end at `\n`, `\r\n` or `\r`, exactly as in
 *   {@link lines}, and the last line needs no terminator.
 * - A line that is not valid JSON ends the iteration with a `SyntaxError` whose message
 *   names its 1-based line number (blank lines count) and quotes at most its first 80
 *   characters; `cause` holds the parser's own error. The source is cancelled first,
 *   so the connection is released.
 * - The output does not depend on how the bytes were split into chunks; leaving the
 *   loop early cancels the source; an error of the source is thrown from the loop as is.
 *
 * The type parameter is a claim about the data, not a check: validate it if it comes
 * from outside.
 *
 * @param source A `Response`, a `ReadableStream<Uint8Array>` or an `AsyncIterable<Uint8Array>`.
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
export function ndjson<T = unknown>(source: ByteSource): AsyncIterableIterator<T> {
  return new NdjsonIterator<T>(source);
}
