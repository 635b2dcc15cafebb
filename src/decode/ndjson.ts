/**
 * `ndjson()`: newline-delimited JSON, one value per line.
 *
 * @module
 */
import { ItemIterator, type TextParser } from "./items.js";
import { DEFAULT_MAX_LINE_BYTES, byteLimit } from "./limits.js";
import type { LinesOptions } from "./lines.js";
import type { ByteSource } from "./source.js";
import { LineSplitter } from "./splitter.js";

/** How much of a bad line its error message quotes, and of the parser's own message. */
const PREVIEW_CHARS = 60;
const REASON_CHARS = 80;

class NdjsonParser<T> implements TextParser<T> {
  private readonly splitter: LineSplitter;
  /** Lines split and not parsed yet (reused). */
  private readonly lines: string[] = [];
  private lineNumber = 0;

  constructor(limit: number) {
    this.splitter = new LineSplitter(limit, "line");
  }

  push(text: string, out: T[]): void {
    // A line past the limit throws after the lines before it: those are parsed first.
    try {
      this.splitter.push(text, this.lines);
    } finally {
      this.parse(out);
    }
  }

  end(out: T[]): void {
    try {
      this.splitter.end(this.lines);
    } finally {
      this.parse(out);
    }
  }

  private parse(out: T[]): void {
    const lines = this.lines;
    try {
      for (const line of lines) {
        this.lineNumber++;
        // Blank (empty, or spaces and tabs only): skipped. Any other line must be JSON.
        let i = 0;
        while (i < line.length) {
          const c = line.charCodeAt(i);
          if (c !== 32 && c !== 9) break;
          i++;
        }
        if (i === line.length) continue;
        try {
          out.push(JSON.parse(line) as T);
        } catch (error) {
          throw badLine(this.lineNumber, line, error);
        }
      }
    } finally {
      lines.length = 0;
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
  return new ItemIterator(source, new NdjsonParser<T>(byteLimit(options, "maxLineBytes", DEFAULT_MAX_LINE_BYTES)));
}
