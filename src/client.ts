/**
 * The client: request, the method shortcuts, `api.fetch`, extend and close, made from a
 * normalised config and a feature set. The core client (`createCoreClient`, core.ts)
 * returns CoreResponsePromises; the full one (`createClient`, full-client.ts) adds the
 * streaming shortcuts, SSE reconnection, `paginate` and upload progress. Each is a separate
 * feature set, so a bundle holds only what its factory reaches.
 */
import { bounded } from "./pipeline/bounded.js";
import { runCall, type RunOptions } from "./pipeline/call.js";
import { normaliseClient, type ClientConfig } from "./options/config.js";
import { fetchSignal, fromFetchArguments } from "./pipeline/fetch-adapter.js";
import type { ClientOptions, RequestOptions } from "./options/options.js";
import type { PaginateOptions } from "./features/paginate.js";
import { prepareCall, type ReadMode } from "./pipeline/plan.js";
import type { CoreResponsePromise, StartCall } from "./pipeline/response-core.js";
import type { ResponsePromise } from "./pipeline/response.js";
import { headerEntries } from "./http/headers.js";
import type { Stats } from "./stats.js";

/** What to request: a path joined under `baseUrl`, an absolute URL, or a `Request`. */
export type Input = string | URL | Request;

/**
 * `[Symbol.asyncDispose]()` where the consumer's lib declares `Symbol.asyncDispose`
 * (`esnext.disposable`, TypeScript 5.2+), so `await using api = createClient()` works there;
 * nothing otherwise, so the declarations compile with any lib.
 */
type AsyncDisposeMember = SymbolConstructor extends { readonly asyncDispose: infer S extends symbol } ? { [K in S]: () => Promise<void> } : {};

/** The core client made by `createCoreClient`: buffered shortcuts only. */
export interface CoreClient extends AsyncDisposeMember {
  /** Sends a request with any method. */
  request<T = unknown>(method: string, url: Input, options?: RequestOptions): CoreResponsePromise<T>;
  get<T = unknown>(url: Input, options?: RequestOptions): CoreResponsePromise<T>;
  post<T = unknown>(url: Input, options?: RequestOptions): CoreResponsePromise<T>;
  put<T = unknown>(url: Input, options?: RequestOptions): CoreResponsePromise<T>;
  patch<T = unknown>(url: Input, options?: RequestOptions): CoreResponsePromise<T>;
  delete<T = unknown>(url: Input, options?: RequestOptions): CoreResponsePromise<T>;
  head(url: Input, options?: RequestOptions): CoreResponsePromise<never>;
  options<T = unknown>(url: Input, options?: RequestOptions): CoreResponsePromise<T>;
  /**
   * The global fetch's contract on this client's tiers, retries, budget, hooks, stats and token
   * rules: hand it to any SDK that takes a custom `fetch`. Resolves with the Response for every
   * status (the last one when retries run out), rejects only where fetch would (network
   * failure, abort with the signal's reason, a TimeoutError). A streamed body is bounded by
   * the tier between chunks, not as a whole.
   * @example const openai = new OpenAI({ fetch: api.fetch, maxRetries: 0 });
   */
  fetch: typeof globalThis.fetch;
  /** A client with these options merged over this one's (headers and query merged, hooks appended), sharing `stats`. */
  extend(options: ClientOptions): CoreClient;
  /** Aborts every request in flight; they and any later ones reject with ERR_CLOSED. Closing a parent closes its children. */
  close(): Promise<void>;
  /** Counters shared with `extend()` children. */
  readonly stats: Stats;
}

/** An HTTP client made by `createClient`: the core client with `.lines()`, `.ndjson()`, `.sse()`, `.json(schema)` and `paginate`. */
export interface Client extends CoreClient {
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
  extend(options: ClientOptions): Client;
}

/** Sends a call: what a feature (SSE reconnection, paginate) sends requests again with. */
export type CallFn = (method: string, url: Input, opts: RequestOptions | undefined, mode: ReadMode, run: RunOptions) => Promise<{ response: Response }>;

/** What a client is made of beyond the core: one object per factory, shared by its `extend()` children. */
export interface ClientFeatures {
  /**
   * The promise a request returns, started by `start` (the rest: what a reconnecting stream
   * sends again, and `once`, how `start` runs its single attempt for one).
   */
  respond(start: StartCall, config: ClientConfig, method: string, url: Input, opts: RequestOptions | undefined, call: CallFn, once: RunOptions): CoreResponsePromise<any>;
  /** Adds members to a new client (the full client's `paginate`). */
  extras?(client: CoreClient, config: ClientConfig, request: CoreClient["request"]): void;
}

const asyncDispose: typeof Symbol.asyncDispose = (Symbol as { asyncDispose?: symbol }).asyncDispose as typeof Symbol.asyncDispose ?? (Symbol.for("Symbol.asyncDispose") as typeof Symbol.asyncDispose);

const ALL_RETRIES: RunOptions = { retries: true };

/** A client on `config` with `features`. */
export function makeClient(config: ClientConfig, features: ClientFeatures): CoreClient {
  const call: CallFn = (method, url, opts, mode, run) => runCall(prepareCall(config, method, url as string | URL, opts, mode), run);

  const request = <T>(method: string, input: Input, options?: RequestOptions): CoreResponsePromise<T> => {
    const { url, opts } = fromInput(input, options);
    const once: RunOptions = { retries: false };
    return features.respond(
      // A reconnecting stream (single) judges every status itself: an error status is a failure, never events.
      (mode, single) => (single ? call(method, url, { ...opts, throwHttpErrors: true }, mode, once) : call(method, url, opts, mode, ALL_RETRIES)),
      config,
      method,
      url,
      opts,
      call,
      once,
    );
  };

  const close = async () => config.closer.close();
  const client: CoreClient = {
    request,
    get: (url, opts) => request("GET", url, opts),
    post: (url, opts) => request("POST", url, opts),
    put: (url, opts) => request("PUT", url, opts),
    patch: (url, opts) => request("PATCH", url, opts),
    delete: (url, opts) => request("DELETE", url, opts),
    head: (url, opts) => request("HEAD", url, opts),
    options: (url, opts) => request("OPTIONS", url, opts),
    fetch: async (input, init) => {
      // A Request's body is read first (to be sent again on a retry): within its signal and close().
      const { method, url, options } = await bounded({ signal: fetchSignal(input, init), closer: config.closer }, () => fromFetchArguments(input, init));
      return (await runCall(prepareCall(config, method, url, options, "fetch"))).response;
    },
    extend: (opts) => makeClient(normaliseClient(opts, config), features),
    close,
    get stats() {
      return config.stats;
    },
    [asyncDispose]: close,
  };
  features.extras?.(client, config, request);
  return client;
}

/**
 * A `Request` given as the URL: its URL, with its headers under the options' own and its
 * signal unless the options give one (the method is the call's; use api.fetch to send a Request whole).
 */
function fromInput(input: Input, options: RequestOptions | undefined): { url: string | URL; opts: RequestOptions | undefined } {
  if (typeof Request === "undefined" || !(input instanceof Request)) return { url: input as string | URL, opts: options };
  const headers = headerEntries<string | undefined | null>(options?.headers, headerEntries(input.headers));
  return { url: input.url, opts: { ...options, headers, signal: options?.signal ?? input.signal } };
}
