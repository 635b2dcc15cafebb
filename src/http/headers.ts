/** Merging and validating headers. Names are kept lower case in a plain record. */
import { check, optionError } from "../options/option-error.js";
import type { HeadersOption } from "../options/options.js";

/** An HTTP token (RFC 9110): what a header name and a method are made of. */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Headers fetch manages itself (undici refuses them; browsers drop them): refused up front. */
const FETCH_MANAGED = new Set(["transfer-encoding", "content-length", "connection", "keep-alive", "upgrade", "expect", "te", "trailer", "host"]);

/** Header record: lower-case name → value. */
export type HeaderRecord = Record<string, string>;

/**
 * Throws a TypeError naming the header (never its value) when a name or value is invalid; a
 * value must be a string (a token function's result is checked here too).
 */
export function checkHeader(name: string, value: unknown, option = "headers"): asserts value is string {
  if (!TOKEN.test(name)) throw optionError(option, `has an invalid header name ${JSON.stringify(name.slice(0, 64))}`);
  // RFC 9110 field values: visible characters, spaces, tabs and obs-text; fetch refuses the rest.
  if (typeof value !== "string" || /[^\t\x20-\x7e\x80-\xff]/.test(value)) {
    throw optionError(option, `header "${name.slice(0, 64)}" must be a string without CR, LF, NUL, other control characters or characters above U+00FF`);
  }
}

/** Calls `add(name, value)` for every header of a headers option (a record, a Headers, or pairs). */
export function eachHeader(headers: HeadersOption | undefined, add: (name: string, value: unknown) => void): void {
  if (headers == null) return;
  check(typeof headers === "object", "headers", "must be an object, a Headers or [name, value] pairs");
  if (Array.isArray(headers)) {
    for (const pair of headers) {
      check(Array.isArray(pair) && pair.length === 2, "headers", "must be [name, value] pairs");
      add(pair[0], pair[1]);
    }
  } else if (typeof (headers as Headers).forEach === "function" && typeof (headers as Headers).get === "function") {
    (headers as Headers).forEach((value, name) => add(name, value));
  } else {
    for (const name of Object.keys(headers)) add(name, (headers as Record<string, unknown>)[name]);
  }
}

/**
 * The headers of a headers option (a record, a Headers, pairs) as a record with lower-case
 * names, values as given (`undefined`/`null` kept: in a request they remove a default), over `into`.
 */
export function headerEntries<V = unknown>(headers: HeadersOption | Headers | undefined, into: Record<string, V> = {}): Record<string, V> {
  eachHeader(headers, (name, value) => (into[String(name).toLowerCase()] = value as V));
  return into;
}

/**
 * A copy of `into` with `headers` added, each validated; names are lower-cased, and an
 * `undefined` or `null` value removes the header.
 */
export function mergeHeaders(into: HeaderRecord | undefined, headers: HeadersOption | undefined): HeaderRecord {
  // Copied key by key: a spread is a slow path in Node 20's V8, on every request with headers.
  const out: HeaderRecord = {};
  for (const key in into) out[key] = into[key]!;
  eachHeader(headers, (name, value) => {
    const key = String(name).toLowerCase();
    if (value == null) delete out[key];
    else {
      const v = String(value);
      checkHeader(String(name), v);
      if (FETCH_MANAGED.has(key)) throw optionError("headers", `header "${key}" is set by fetch itself and cannot be given`);
      out[key] = v.trim();
    }
  });
  return out;
}
