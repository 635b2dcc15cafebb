/** Joining request paths under `baseUrl`, and merging query parameters. */
import { check, optionError } from "../options/option-error.js";
import { redactUrl } from "../security/redact.js";
import type { QueryOptions, QueryValue } from "../options/options.js";

/** A normalised base URL: `href` without a trailing slash, and its origin. */
export interface BaseUrl {
  href: string;
  origin: string;
  /** The base's path without a trailing slash ("" for the root). */
  path: string;
}

/** Query pairs after normalisation: each key's values (none: the key was removed). */
export type QueryPairs = Map<string, string[]>;

/** True for a URL with a scheme and an authority (or data:, blob:, about:): it bypasses baseUrl. */
export const isAbsolute = (input: string): boolean => /^[a-z][a-z\d+.-]*:\/\/|^(?:data|blob|about):/i.test(input);

/**
 * A plain relative path: segments of letters, digits, `_`, `~`, `-`, with single dots between
 * them (`users/42`, `v1/file.json`, `items/`). Joined under the base as it is, with none of
 * joinUrl's checks to run: it has no scheme, no leading slash, no `?`/`#`, no `.`/`..` segment,
 * no escape and nothing the URL parser strips.
 */
const PLAIN_PATH = /^[\w~-]+(?:\.[\w~-]+)*(?:\/[\w~-]+(?:\.[\w~-]+)*)*\/?$/;
export const isPlainPath = (input: string): boolean => PLAIN_PATH.test(input);

/** A URL as shown in a message: quoted, its secrets masked. */
export const shownUrl = (input: unknown): string => JSON.stringify(redactUrl(String(input)));

/** `text` without the characters it ends with that `isTrailing` picks (a loop: `/\/+$/` is quadratic on a long run of slashes). */
function trimEnd(text: string, isTrailing: (code: number) => boolean): string {
  let end = text.length;
  while (end > 0 && isTrailing(text.charCodeAt(end - 1))) end--;
  return text.slice(0, end);
}
const isSlash = (code: number): boolean => code === 47;
/** C0 controls and space: what the URL parser strips from the ends of its input. */
const isControlOrSpace = (code: number): boolean => code <= 32;

/**
 * Throws a TypeError naming `option` when the URL holds a user name or password
 * (`https://user:password@host`): credentials belong in a header or the `token` option, where
 * they are masked, not in a URL that ends up in messages and logs (and that fetch refuses with
 * a message quoting the password). The message shows the URL with them masked. A string that
 * is not a URL passes: other checks report it.
 */
export function checkNoCredentials(url: URL | string, option: string): void {
  let parsed: URL;
  try {
    parsed = url instanceof URL ? url : new URL(String(url));
  } catch {
    return;
  }
  if (parsed.username || parsed.password) {
    throw optionError(option, `has credentials in it (user:password@): send them in a header or with the token option instead: ${shownUrl(url)}`);
  }
}

/** Validates and normalises `baseUrl` (none: undefined). */
export function parseBaseUrl(input: string | URL | undefined): BaseUrl | undefined {
  if (input === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    throw optionError("baseUrl", `is not an absolute URL: ${shownUrl(input)}`);
  }
  if (!/^https?:$/.test(url.protocol)) throw optionError("baseUrl", "must be http: or https:");
  checkNoCredentials(url, "baseUrl");
  url.search = url.hash = "";
  return { href: trimEnd(url.href, isSlash), origin: url.origin, path: trimEnd(url.pathname, isSlash) };
}

/**
 * The URL of a request. A relative path joins under the base keeping the base's path
 * (`/v2` + `users` or `/users` → `/v2/users`); it can never leave the base's origin, whatever
 * it holds (`//evil.com`, `..`, `\`). A URL with a scheme bypasses the base.
 */
export function joinUrl(base: BaseUrl | undefined, input: string | URL): string {
  if (base && typeof input === "string" && PLAIN_PATH.test(input)) return `${base.href}/${input}`;
  if (typeof input !== "string") {
    if (!(input instanceof URL)) throw optionError("url", "must be a string or a URL");
    checkNoCredentials(input, "url");
    return input.href;
  }
  if (isAbsolute(input)) {
    checkNoCredentials(input, "url");
    return input;
  }
  if (!base) {
    const location = (globalThis as { location?: { href?: string } }).location;
    if (location?.href) {
      // A scheme-relative `//user:password@host` would take credentials from the path.
      const url = new URL(input, location.href);
      checkNoCredentials(url, "url");
      return url.href;
    }
    throw optionError("url", `${shownUrl(input)} is relative: set baseUrl`);
  }
  // Leading slashes and backslashes would make the path an authority (`//evil.com`): dropped.
  const path = input.replace(/^[/\\]+/, "");
  // A ".." segment (also spelled %2e, or with tabs and newlines) could climb out of the base
  // path: a path traversal through an id an SDK put in a path. Refuse rather than send. The
  // check reads the path as WHATWG URL parsing does: tabs and newlines dropped, C0 controls and
  // spaces dropped at the end, segments ending at / or \, the path at ? or #.
  // (Both steps are linear: one regex `[\0-\x20]+$` took seconds on 80,000 spaces.)
  if (/^(?:[^?#]*[/\\])?(?:\.|%2e){2}(?:[/\\?#]|$)/i.test(trimEnd(path, isControlOrSpace).replace(/[\t\n\r]/g, ""))) {
    throw optionError("url", `${shownUrl(input)} would leave baseUrl through "..": use an absolute URL`);
  }
  return base.href + (/^[?#]/.test(path) ? path : `/${path}`);
}

/** A query value as a string; undefined for null and undefined (dropped). */
function queryString(value: QueryValue): string | undefined {
  if (typeof value === "string") return value;
  if (value == null) return undefined;
  if (value instanceof Date) {
    check(value.getTime() === value.getTime(), "query", "has an Invalid Date");
    return value.toISOString();
  }
  return String(value);
}

/**
 * Merges a query option into `into` (a copy is made): each key's values replace the earlier
 * ones in the earlier key's place. Arrays repeat the key; `undefined` and `null` are dropped.
 */
export function normaliseQuery(query: QueryOptions | undefined, into?: QueryPairs): QueryPairs | undefined {
  if (query == null) return into;
  check(typeof query === "object", "query", "must be an object or URLSearchParams");
  const out: QueryPairs = new Map(into);
  if (query instanceof URLSearchParams) {
    for (const key of new Set(query.keys())) out.set(key, query.getAll(key));
    return out;
  }
  for (const key of Object.keys(query)) {
    const value = query[key];
    if (!Array.isArray(value)) {
      // One value (the common case): no array made to loop over.
      const s = queryString(value as QueryValue);
      out.set(key, s === undefined ? [] : [s]);
      continue;
    }
    const list: string[] = [];
    for (const v of value) {
      const s = queryString(v);
      if (s !== undefined) list.push(s);
    }
    out.set(key, list);
  }
  return out;
}

/** Appends query pairs to a URL, keeping the parameters already in it; encoded as URLSearchParams does. */
export function appendQuery(url: string, pairs: QueryPairs | undefined): string {
  let search = "";
  if (pairs) for (const [key, values] of pairs) for (const v of values) search += `${search ? "&" : ""}${formEncode(key)}=${formEncode(v)}`;
  if (!search) return url;
  const hash = url.indexOf("#");
  const head = hash < 0 ? url : url.slice(0, hash);
  const sep = !head.includes("?") ? "?" : /[?&]$/.test(head) ? "" : "&";
  return head + sep + search + (hash < 0 ? "" : url.slice(hash));
}

/** application/x-www-form-urlencoded, as URLSearchParams serialises it (done by it, but for the common plain strings). */
function formEncode(s: string): string {
  return /^[\w.*-]*$/.test(s) ? s : new URLSearchParams({ s }).toString().slice(2);
}

/** True for localhost, 127.0.0.0/8 and [::1]. */
export function isLoopback(hostname: string): boolean {
  return /^(?:localhost|\[::1\]|127(?:\.\d{1,3}){3})$|\.localhost$/.test(hostname);
}
