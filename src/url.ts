/** Joining request paths under `baseUrl`, and merging query parameters. */
import { check, optionError } from "./option-error.js";
import { redactUrl } from "./redact.js";
import type { QueryOptions, QueryValue } from "./options.js";

/** A normalised base URL: `href` without a trailing slash, and its origin. */
export interface BaseUrl {
  href: string;
  origin: string;
  /** The base's path without a trailing slash ("" for the root). */
  path: string;
}

/** Query pairs after normalisation; `undefined` marks a key a request removed. */
export type QueryPairs = Map<string, string[] | undefined>;

const ABSOLUTE = /^[a-z][a-z\d+.-]*:\/\/|^(?:data|blob|about):/i;

/** Validates and normalises `baseUrl`. */
export function parseBaseUrl(input: string | URL): BaseUrl {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    throw optionError("baseUrl", `is not an absolute URL: ${JSON.stringify(redactUrl(String(input)))}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw optionError("baseUrl", "must be http: or https:");
  }
  url.search = "";
  url.hash = "";
  return { href: url.href.replace(/\/+$/, ""), origin: url.origin, path: url.pathname.replace(/\/+$/, "") };
}

/**
 * The URL of a request. A relative path joins under the base keeping the base's path
 * (`/v2` + `users` or `/users` → `/v2/users`); it can never leave the base's origin, whatever
 * it holds (`//evil.com`, `..`, `\`). A URL with a scheme bypasses the base.
 */
export function joinUrl(base: BaseUrl | undefined, input: string | URL): string {
  if (typeof input !== "string") {
    if (input instanceof URL) return input.href;
    throw optionError("url", "must be a string or a URL");
  }
  if (ABSOLUTE.test(input)) return input;
  if (base) {
    let path = input;
    let i = 0;
    while (i < path.length && (path.charCodeAt(i) === 47 /* / */ || path.charCodeAt(i) === 92 /* \ */)) i++;
    if (i) path = path.slice(i);
    let joined: string;
    if (path === "") joined = base.href + "/";
    else if (path.charCodeAt(0) === 63 /* ? */ || path.charCodeAt(0) === 35 /* # */) joined = base.href + path;
    else joined = `${base.href}/${path}`;
    // Dot segments (also spelled %2e, or with tabs, newlines and trailing spaces that URL parsing
    // drops) could climb out of the base path: a path traversal through an id an SDK put in a
    // path. When the path holds any such character, parse and check; refuse rather than send.
    if (SUSPECT.test(path)) {
      let resolved: URL;
      try {
        resolved = new URL(joined);
      } catch {
        throw new TypeError(`Invalid URL ${JSON.stringify(redactUrl(input))}`);
      }
      if (resolved.origin !== base.origin || !(resolved.pathname + "/").startsWith(base.path + "/") || hasDotDot(path)) {
        throw optionError("url", `${JSON.stringify(redactUrl(input))} would leave baseUrl (".."): pass an absolute URL to go elsewhere`);
      }
    }
    return joined;
  }
  const location = (globalThis as { location?: { href?: string } }).location;
  if (location?.href) return new URL(input, location.href).href;
  throw optionError("url", `${JSON.stringify(redactUrl(input))} is relative: set baseUrl`);
}

const SUSPECT = /[.%\x00-\x20]/;

/** True when the path holds a segment URL parsing reads as ".." (tabs and newlines dropped). */
function hasDotDot(path: string): boolean {
  const clean = path.replace(/[\t\n\r]/g, "").replace(/[\x00-\x20]+$/, "");
  const q = clean.search(/[?#]/);
  return (q < 0 ? clean : clean.slice(0, q)).split(/[/\\]/).some((seg) => /^(?:\.|%2e){2}$/i.test(seg));
}

function queryString(value: QueryValue): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Date) {
    check(value.getTime() === value.getTime(), "query", "has an Invalid Date");
    return value.toISOString();
  }
  return String(value);
}

/** Normalises a query option to pairs; `undefined` or `null` at the top level removes a key. */
export function normaliseQuery(query: QueryOptions | undefined, into?: QueryPairs): QueryPairs | undefined {
  if (query === undefined || query === null) return into;
  check(typeof query === "object", "query", "must be an object or URLSearchParams");
  const out: QueryPairs = into ? new Map(into) : new Map();
  if (query instanceof URLSearchParams) {
    const seen = new Set<string>();
    query.forEach((value, key) => {
      if (!seen.has(key)) {
        seen.add(key);
        out.set(key, []);
      }
      out.get(key)!.push(value);
    });
    return out;
  }
  for (const key of Object.keys(query)) {
    const value = query[key];
    if (Array.isArray(value)) {
      const list: string[] = [];
      for (const v of value) {
        const s = queryString(v);
        if (s !== undefined) list.push(s);
      }
      out.set(key, list);
    } else {
      const s = queryString(value as QueryValue);
      out.set(key, s === undefined ? undefined : [s]);
    }
  }
  return out;
}

/**
 * Appends the client's query pairs merged with a request's `query` (its keys replace the
 * client's) to a URL, keeping the parameters already in it. Encoded as URLSearchParams does.
 */
export function appendQuery(url: string, pairs: QueryPairs | undefined, query?: QueryOptions): string {
  if (query !== undefined && (query instanceof URLSearchParams || typeof query !== "object" || query === null)) {
    pairs = normaliseQuery(query, pairs);
    query = undefined;
  }
  let search = "";
  const add = (key: string, value: string) => (search += `${search ? "&" : ""}${formEncode(key)}=${formEncode(value)}`);
  const addOwn = (key: string) => {
    const value = query![key];
    for (const v of Array.isArray(value) ? value : [value]) {
      const s = queryString(v);
      if (s !== undefined) add(key, s);
    }
  };
  // A request key takes the client key's place; the request's other keys follow.
  if (pairs) {
    for (const [key, values] of pairs) {
      if (query && Object.hasOwn(query, key)) addOwn(key);
      else if (values) for (const v of values) add(key, v);
    }
  }
  if (query) for (const key in query) if (!pairs?.has(key)) addOwn(key);
  if (!search) return url;
  const hash = url.indexOf("#");
  const head = hash < 0 ? url : url.slice(0, hash);
  const tail = hash < 0 ? "" : url.slice(hash);
  const sep = head.includes("?") ? (head.endsWith("?") || head.endsWith("&") ? "" : "&") : "?";
  return head + sep + search + tail;
}

/** application/x-www-form-urlencoded, byte for byte as URLSearchParams serialises it. */
function formEncode(s: string): string {
  if (/^[\w.*-]*$/.test(s)) return s;
  return encodeURIComponent(s).replace(/%20/g, "+").replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** True for localhost, 127.0.0.0/8 and [::1]. */
export function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname) || hostname.endsWith(".localhost");
}
