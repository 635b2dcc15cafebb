/** createClient, extend, close, and the method shortcuts. */
import { prepareCall, runCall, type CallResult, type ReadMode } from "./call.js";
import { normaliseClient, type ClientConfig } from "./config.js";
import type { ClientOptions, RequestOptions, SseRequestOptions } from "./options.js";
import type { PaginateOptions } from "./paginate.js";
import { ResponsePromise } from "./response.js";
import { check } from "./option-error.js";
import { deferIterator } from "./deferred.js";
import { createStats, type Stats } from "./stats.js";

/** A URL: a path joined under `baseUrl`, or an absolute URL. */
export type Input = string | URL;

/** An HTTP client made by {@link createClient}. */
export interface Client {
  /** Sends a request with any method. */
  request<T = unknown>(method: string, url: Input, options?: RequestOptions): ResponsePromise<T>;
  get<T = unknown>(url: Input, options?: RequestOptions): ResponsePromise<T>;
  post<T = unknown>(url: Input, options?: RequestOptions): ResponsePromise<T>;
  put<T = unknown>(url: Input, options?: RequestOptions): ResponsePromise<T>;
  patch<T = unknown>(url: Input, options?: RequestOptions): ResponsePromise<T>;
  delete<T = unknown>(url: Input, options?: RequestOptions): ResponsePromise<T>;
  head(url: Input, options?: RequestOptions): ResponsePromise<never>;
  options<T = unknown>(url: Input, options?: RequestOptions): ResponsePromise<T>;
  /**
   * The items of every page, following `Link: rel="next"` or a `next()` function; each page
   * goes through the same tiers and retries.
   * @example for await (const user of api.paginate<User>("users", { limit: 100 })) console.log(user.name);
   */
  paginate<T = unknown>(url: Input, options?: PaginateOptions<T>): AsyncIterableIterator<T>;
  /** A client with these options merged over this one's (headers and query merged, hooks appended), sharing `stats`. */
  extend(options: ClientOptions): Client;
  /** Aborts every request in flight; they and any later ones reject with ERR_CLOSED. Closing a parent closes its children. */
  close(): Promise<void>;
  /** Counters shared with `extend()` children. */
  readonly stats: Stats;
  [Symbol.asyncDispose](): Promise<void>;
}

const asyncDispose: typeof Symbol.asyncDispose = (Symbol as { asyncDispose?: symbol }).asyncDispose as typeof Symbol.asyncDispose ?? (Symbol.for("Symbol.asyncDispose") as typeof Symbol.asyncDispose);

/**
 * Makes a client.
 * @example
 * const api = createClient({ baseUrl: "https://api.example.com/v2/", token: "…", timeout: "short" });
 * const user = await api.get<User>("users/42").json();
 */
export function createClient(options: ClientOptions = {}): Client {
  return makeClient(options, undefined);
}

function makeClient(options: ClientOptions, parent: ClientConfig | undefined): Client {
  const config = normaliseClient(options, parent);
  config.stats = parent?.stats ?? createStats();

  const start = <T>(method: string, url: Input, opts: RequestOptions | undefined): ResponsePromise<T> => {
    const run = (mode: ReadMode): Promise<CallResult> => runCall(prepareCall(config, method, url, opts, mode));
    const reconnect = (_options: SseRequestOptions, first: Promise<Response>) =>
      deferIterator((lazy) => {
        check(method.toUpperCase() === "GET", "reconnect", "works with GET requests only");
        const again = (lastEventId: string) => start<T>(method, url, { ...opts, headers: { ...toRecord(opts?.headers), "last-event-id": lastEventId || undefined } });
        const policy = prepareCall(config, method, url, opts, "response").retry;
        return lazy.reconnectingSse(first, { policy, signal: opts?.signal ?? undefined, closer: config.closer, again });
      });
    return ResponsePromise.start<T>(run, reconnect);
  };

  const client: Client = {
    request: (method, url, opts) => start(method, url, opts),
    get: (url, opts) => start("GET", url, opts),
    post: (url, opts) => start("POST", url, opts),
    put: (url, opts) => start("PUT", url, opts),
    patch: (url, opts) => start("PATCH", url, opts),
    delete: (url, opts) => start("DELETE", url, opts),
    head: (url, opts) => start("HEAD", url, opts),
    options: (url, opts) => start("OPTIONS", url, opts),
    paginate: (url, opts) => deferIterator((lazy) => lazy.paginate((u, o) => start("GET", u, o), url, opts)),
    extend: (opts) => makeClient(opts, config),
    close: async () => {
      config.closer.close();
    },
    get stats() {
      return config.stats;
    },
    [asyncDispose]: async () => client.close(),
  } as Client;
  return client;
}

function toRecord(headers: RequestOptions["headers"]): Record<string, string | undefined | null> {
  if (!headers) return {};
  if (Array.isArray(headers)) return Object.fromEntries(headers);
  if (typeof (headers as Headers).forEach === "function" && typeof (headers as Headers).get === "function") {
    const out: Record<string, string> = {};
    (headers as Headers).forEach((v, k) => (out[k] = v));
    return out;
  }
  return headers as Record<string, string | undefined | null>;
}

/** A client with the default options. */
export const tierfetch: Client = /* @__PURE__ */ createClient();
