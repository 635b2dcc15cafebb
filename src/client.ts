/** createClient, extend, close, and the method shortcuts. */
import { prepareCall, runCall, type CallResult, type ReadMode } from "./call.js";
import { normaliseClient, type ClientConfig } from "./config.js";
import type { ClientOptions, RequestOptions, SseRequestOptions } from "./options.js";
import type { PaginateOptions } from "./paginate.js";
import { ResponsePromise } from "./response.js";
import { check } from "./option-error.js";
import { deferIterator } from "./deferred.js";
import { kit } from "./lazy-kit.js";
import type { Stats } from "./stats.js";

/** What to request: a path joined under `baseUrl`, an absolute URL, or a `Request`. */
export type Input = string | URL | Request;

/**
 * `[Symbol.asyncDispose]()` where the consumer's lib declares `Symbol.asyncDispose`
 * (`esnext.disposable`, TypeScript 5.2+), so `await using api = createClient()` works there;
 * nothing otherwise, so the declarations compile with any lib.
 */
type AsyncDisposeMember = SymbolConstructor extends { readonly asyncDispose: infer S extends symbol } ? { [K in S]: () => Promise<void> } : {};

/** An HTTP client made by {@link createClient}. */
export interface Client extends AsyncDisposeMember {
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
  paginate<T = unknown, B = any>(url: string | URL, options?: PaginateOptions<T, B>): AsyncIterableIterator<T>;
  /** A client with these options merged over this one's (headers and query merged, hooks appended), sharing `stats`. */
  extend(options: ClientOptions): Client;
  /** Aborts every request in flight; they and any later ones reject with ERR_CLOSED. Closing a parent closes its children. */
  close(): Promise<void>;
  /** Counters shared with `extend()` children. */
  readonly stats: Stats;
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

  const start = <T>(method: string, url: Input, opts?: RequestOptions): ResponsePromise<T> =>
    ResponsePromise.start<T>(
      (mode) => runCall(prepareCall(config, method, url as string | URL, opts, mode)),
      (_options, first) =>
        deferIterator((lazy) =>
          lazy.reconnectingSse(first, {
            kit,
            method,
            headers: opts?.headers,
            again: (headers) => start<T>(method, url, { ...opts, headers: headers as RequestOptions["headers"] }),
            policy: () => prepareCall(config, method, url as string | URL, opts, "response").retry,
            signal: opts?.signal ?? undefined,
            closer: config.closer,
          }),
        ),
    );

  const close = async () => config.closer.close();
  const client = {
    request: start,
    paginate: (url, opts) => deferIterator((lazy) => lazy.paginate((u, o) => start("GET", u, o), check, url, opts)),
    extend: (opts) => makeClient(opts, config),
    close,
    get stats() {
      return config.stats;
    },
    [asyncDispose]: close,
  } as Client;
  for (const name of ["get", "post", "put", "patch", "delete", "head", "options"] as const) {
    client[name] = (url: Input, opts?: RequestOptions) => start(name.toUpperCase(), url, opts);
  }
  return client;
}

/** A client with the default options. */
export const tierfetch: Client = /* @__PURE__ */ createClient();
