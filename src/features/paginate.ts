/**
 * `paginate(api, url)`: the items of every page, one by one. Follows `Link: <…>; rel="next"` by
 * default, or a `next()` function (cursor, offset, page number). Every page goes through the
 * same tiers, retries and hooks as any request.
 */
import { TierfetchError } from "../errors/tierfetch-error.js";
import { check } from "../options/option-error.js";
import type { RequestOptions } from "../options/options.js";
import type { ResponsePromise } from "../pipeline/response.js";
import { bounded } from "../pipeline/bounded.js";
import { CLOSER, type Client } from "../client.js";
import { redactUrl } from "../security/redact.js";

/** What `next()` is told about a page; `B` is the type of the page's body. */
export interface PageContext<T, B = unknown> {
  response: Response;
  /** The parsed JSON body of the page. */
  body: B;
  /** The items taken from this page. */
  items: T[];
  /** The URL and options that fetched this page. */
  url: string | URL;
  options: RequestOptions;
  /** 0-based page number. */
  page: number;
}

/** The next request: a URL, `{ url?, ...options }` merged over the current one, or `null` to stop. */
export type NextPage = string | URL | (RequestOptions & { url?: string | URL }) | null | undefined | false;

/**
 * Options of `paginate()`. `B` is the type of a page's parsed JSON body, the same for
 * `items` and `next`: `any` unless given (`paginate<User, UsersPage>(…)`) or taken from an
 * annotated `items: (body: UsersPage) => body.data`.
 */
export interface PaginateOptions<T, B = any> extends RequestOptions {
  /**
   * Takes the items out of a page body.
   * @default the body itself when it is an array
   * @example items: (body) => body.data
   */
  items?: (body: B, response: Response) => T[];
  /**
   * The request of the next page; return `null` to stop.
   * @default follows `Link: <url>; rel="next"`
   * @example next: ({ body, options }) => body.nextCursor ? { query: { ...options.query, cursor: body.nextCursor } } : null
   */
  next?: (page: PageContext<T, B>) => NextPage | Promise<NextPage>;
  /** Stop after this many items. @default Infinity */
  limit?: number;
  /** Stop after this many pages. @default Infinity */
  pageLimit?: number;
  /**
   * Give up (ERR_PAGINATION) after this many empty pages in a row: a server that pages on
   * forever without items. @default 16
   */
  maxEmptyPages?: number;
}

type Get = (url: string | URL, options: RequestOptions) => ResponsePromise;
/** Waits for the caller's `next()` within the client's bounds (its signal, close()). */
type Bound = <R>(signal: AbortSignal | undefined, work: () => R | PromiseLike<R>) => Promise<R>;

/**
 * The items of every page of `url` on `api`, following `Link: rel="next"` or a `next()`
 * function; each page is a GET through the client's tiers, retries and hooks. A next page that
 * repeats one already fetched ends the iteration with ERR_PAGINATION, as do more than
 * `maxEmptyPages` empty pages in a row. The caller's `next()` is bounded by the request's
 * signal and the client's `close()`.
 * @example
 * import { createClient, paginate } from "tierfetch";
 * for await (const user of paginate<User>(api, "users", { limit: 100 })) console.log(user.name);
 */
export function paginate<T = unknown, B = any>(api: Client, url: string | URL, options?: PaginateOptions<T, B>): AsyncIterableIterator<T> {
  const closer = api?.[CLOSER];
  check(closer !== undefined && typeof api.get === "function", "paginate", "needs a client made by createClient() as its first argument");
  return pages((u, o) => api.get(u, o), (signal, work) => bounded({ signal, closer }, work), url, options as PaginateOptions<T>);
}

async function* pages<T>(get: Get, bound: Bound, url: string | URL, options: PaginateOptions<T> = {}): AsyncGenerator<T, void, undefined> {
  const { items: pick = defaultItems as (body: unknown, response: Response) => T[], next = linkNext, limit = Infinity, pageLimit = Infinity, maxEmptyPages = 16, ...first } = options;
  check(typeof pick === "function", "items", "must be a function");
  check(typeof next === "function", "next", "must be a function");
  check(typeof limit === "number" && limit >= 0, "limit", "must be a number >= 0");
  check(typeof pageLimit === "number" && pageLimit >= 0, "pageLimit", "must be a number >= 0");
  check(Number.isInteger(maxEmptyPages) && maxEmptyPages >= 0, "maxEmptyPages", "must be a whole number >= 0");
  let current: { url: string | URL; options: RequestOptions } | undefined = { url, options: first };
  const fetched = new Set<string>();
  let count = 0;
  let empty = 0;
  let base: string | undefined; // the last page's URL: what a relative next link is read against
  const repeat = (page: number, url: unknown) =>
    new TierfetchError(`paginate: page ${page + 1} repeats a page already fetched (${redactUrl(String(url)).slice(0, 200)}): the server's next link loops`, "ERR_PAGINATION");
  for (let page = 0; current && page < pageLimit && count < limit; page++) {
    const key = pageKey(current.url, current.options, base);
    if (fetched.has(key)) throw repeat(page, current.url);
    fetched.add(key);
    const pending = get(current.url, current.options);
    const body = await pending.json();
    const response = await pending;
    if (response.url) {
      // The same page reached another way (a relative link to an absolute one): caught before its items repeat.
      const seen = pageKey(response.url, current.options);
      if (seen !== key && fetched.has(seen)) throw repeat(page, response.url);
      fetched.add(seen);
      base = response.url;
    }
    const list = pick(body, response);
    check(Array.isArray(list), "items", "is needed: the page body is not an array");
    empty = list.length ? 0 : empty + 1;
    if (empty > maxEmptyPages) throw new TierfetchError(`paginate: ${empty} empty pages in a row (maxEmptyPages: ${maxEmptyPages})`, "ERR_PAGINATION");
    for (const item of list) {
      if (count >= limit) return;
      count++;
      yield item as T;
    }
    const ctx: PageContext<T> = { response, body, items: list as T[], url: current.url, options: current.options, page };
    const n: NextPage = await bound(current.options.signal ?? undefined, () => next(ctx));
    if (!n) current = undefined;
    else if (typeof n === "string" || n instanceof URL) current = { url: n, options: withoutQuery(current.options) };
    else {
      const { url: nextUrl, ...rest }: RequestOptions & { url?: string | URL } = n;
      const previous: { url: string | URL; options: RequestOptions } = current;
      current = { url: nextUrl ?? previous.url, options: { ...previous.options, ...rest } };
    }
  }
}

/** What identifies a page request: its URL (resolved, without the fragment, which is never sent) and query. */
function pageKey(url: string | URL, options: RequestOptions, base?: string): string {
  let href = String(url);
  try {
    href = new URL(href, base).href;
  } catch {
    /* relative to a baseUrl we do not know here: kept as given */
  }
  const hash = href.indexOf("#");
  if (hash >= 0) href = href.slice(0, hash);
  return `${href} ${options.query === undefined ? "" : JSON.stringify(options.query instanceof URLSearchParams ? [...options.query] : options.query, (_, v: unknown) => (typeof v === "bigint" ? String(v) : v))}`;
}

function defaultItems(body: unknown): unknown[] {
  return body as unknown[];
}

/** A next URL from a Link header already carries its query: don't add the first page's again. */
function withoutQuery(options: RequestOptions): RequestOptions {
  if (options.query === undefined) return options;
  const { query: _q, ...rest } = options;
  return rest;
}

/** The `rel="next"` target of a Link header, resolved against the response URL. */
export function linkNext({ response }: { response: Response }): string | undefined {
  const link = response.headers.get("link");
  if (!link) return undefined;
  for (const part of link.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (!m) continue;
    const rels = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(m[2]!);
    const rel = (rels?.[1] ?? rels?.[2] ?? "").toLowerCase().split(/\s+/);
    if (rel.includes("next")) return response.url ? new URL(m[1]!, response.url).href : m[1];
  }
  return undefined;
}
