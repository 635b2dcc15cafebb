/** Merging and validating headers. Names are kept lower case in a plain record. */
import { check, optionError } from "./option-error.js";
import type { HeadersOption } from "./options.js";

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FORBIDDEN_VALUE = /[\r\n\0]/;

/** Header record: lower-case name → value; `undefined` marks a header a request removes. */
export type HeaderRecord = Record<string, string | undefined>;

/** Throws a TypeError naming the header (never its value) when a name or value is invalid. */
export function checkHeader(name: string, value: string, option = "headers"): void {
  if (!TOKEN.test(name)) {
    throw optionError(option, `has an invalid header name ${JSON.stringify(name)}`);
  }
  if (FORBIDDEN_VALUE.test(value)) {
    throw optionError(option, `header "${name}" has CR, LF or NUL in its value`);
  }
}

/**
 * Adds `headers` to `into` (a copy is made when `into` is given), validating each;
 * names are lower-cased, `undefined`/`null` values remove a header.
 */
export function mergeHeaders(into: HeaderRecord | undefined, headers: HeadersOption | undefined): HeaderRecord {
  const out: HeaderRecord = into ? { ...into } : {};
  if (headers === undefined || headers === null) return out;
  check(typeof headers === "object", "headers", "must be an object, a Headers or [name, value] pairs");
  const add = (name: string, value: unknown) => {
    if (value === undefined || value === null) {
      out[String(name).toLowerCase()] = undefined;
      return;
    }
    const v = String(value);
    checkHeader(String(name), v);
    out[name.toLowerCase()] = v.trim();
  };
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
  return out;
}

/** The record without removed entries, ready for fetch. */
export function finalHeaders(record: HeaderRecord): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in record) {
    const v = record[name];
    if (v !== undefined) out[name] = v;
  }
  return out;
}
