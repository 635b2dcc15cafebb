/**
 * `lines()` and `ndjson()` over what a client returns as well as over bytes: a promise of a
 * Response is read once it arrives (features/pending-response.ts); a Response, a
 * ReadableStream or an async iterable goes straight to the decoder (decode/).
 */
import { lines as decodeLines, type LinesOptions } from "../decode/lines.js";
import { ndjson as decodeNdjson } from "../decode/ndjson.js";
import { DEFAULT_MAX_LINE_BYTES, byteLimit } from "../decode/limits.js";
import { afterResponse, failing, hold, isPending, type ResponseSource } from "./pending-response.js";

/**
 * The lines of a body, decoded as they arrive. Lines end at `\n`, `\r\n` or a lone `\r`
 * (also split across chunks) and come without their terminator; UTF-8 is decoded across
 * chunks; a last line without a terminator is yielded. Leaving the loop early cancels the
 * body. A line past `maxLineBytes` (8 MiB) cancels it and ends the loop with a LimitError.
 *
 * `source`: what a request returns (`api.get(u)`: bad options then refuse the request before it
 * is sent, and the first `next()` rejects), a `Response`, a `ReadableStream<Uint8Array>` or an
 * `AsyncIterable<Uint8Array>` (bad options then throw a TypeError at once).
 * @example
 * import { createClient, lines } from "tierfetch";
 * const api = createClient({ baseUrl: "https://logs.example.com/" });
 * for await (const line of lines(api.get("app.log", { timeout: "none", idleTimeout: "30s" }))) console.log(line);
 */
export function lines(source: ResponseSource, options?: LinesOptions): AsyncIterableIterator<string> {
  return read(source, options, decodeLines);
}

/**
 * The body as newline-delimited JSON, each non-blank line parsed as it arrives; a bad line
 * throws a SyntaxError naming its line number, and the body is cancelled. Takes the same
 * sources and options as {@link lines}.
 * @example
 * for await (const row of ndjson<Row>(api.get("export.ndjson"))) rows.push(row);
 */
export function ndjson<T = unknown>(source: ResponseSource, options?: LinesOptions): AsyncIterableIterator<T> {
  return read(source, options, decodeNdjson<T>);
}

function read<T>(source: ResponseSource, options: LinesOptions | undefined, decode: (source: Response | Exclude<ResponseSource, PromiseLike<Response>>, options?: LinesOptions) => AsyncIterableIterator<T>): AsyncIterableIterator<T> {
  if (!isPending(source)) return decode(source, options);
  try {
    byteLimit(options, "maxLineBytes", DEFAULT_MAX_LINE_BYTES);
  } catch (error) {
    hold(source, error as TypeError, false);
    return failing(error);
  }
  return afterResponse(source, (response) => decode(response, options));
}
