/**
 * `createClient`: the one factory. Its requests return a ResponsePromise with the buffered
 * shortcuts; streaming reads (`lines`, `ndjson`, `sse`), `paginate` and upload progress are
 * functions an app imports (features/), so a bundle holds only what it uses. What they need of
 * a client or its promises is reached through symbol-keyed members (`CLOSER`, the promise's `HOLD`).
 */
import { bounded } from "./pipeline/bounded.js";
import { runCall, type RunOptions } from "./pipeline/call.js";
import { normaliseClient, type ClientConfig } from "./options/config.js";
import { fetchSignal, fromFetchArguments } from "./pipeline/fetch-adapter.js";
import type { ClientOptions, RequestOptions } from "./options/options.js";
import { prepareCall } from "./pipeline/plan.js";
import { ResponsePromise } from "./pipeline/response.js";
import type { Resend } from "./pipeline/resend.js";
import { RETRY_RULE } from "./pipeline/retry-rule.js";
import { headerEntries } from "./http/headers.js";
import type { Closer } from "./resilience/closer.js";
import type { Stats } from "./stats.js";

/** What to request: a path joined under `baseUrl`, an absolute URL, or a `Request`. */
export type Input = string | URL | Request;

/**
 * `[Symbol.asyncDispose]()` where the consumer's lib declares `Symbol.asyncDispose`
 * (`esnext.disposable`, TypeScript 5.2+), so `await using api = createClient()` works there;
 * nothing otherwise, so the declarations compile with any lib.
 */
type AsyncDisposeMember = SymbolConstructor extends { readonly asyncDispose: infer S extends symbol } ? { [K in S]: () => Promise<void> } : {};

/** @internal The key of a client's closer: what `paginate()` waits for the caller's `next()` within. */
export const CLOSER: unique symbol = Symbol("tierfetch.closer");

/** An HTTP client made by `createClient` (or `extend()`). */
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
   * The global fetch's contract on this client's tiers, retries, budget, hooks, stats and token
   * rules: hand it to any SDK that takes a custom `fetch`. Resolves with the Response for every
   * status (the last one when retries run out), rejects only where fetch would (network
   * failure, abort with the signal's reason, a TimeoutError). A streamed body is bounded by
   * the tier between chunks, not as a whole.
   * @example const openai = new OpenAI({ fetch: api.fetch, maxRetries: 0 });
   */
  fetch: typeof globalThis.fetch;
  /** A client with these options merged over this one's (headers and query merged, hooks appended), sharing `stats`. */
  extend(options: ClientOptions): Client;
  /** Aborts every request in flight; they and any later ones reject with ERR_CLOSED. Closing a parent closes its children. */
  close(): Promise<void>;
  /** Counters shared with `extend()` children. */
  readonly stats: Stats;
  /** @internal */
  readonly [CLOSER]: Closer;
}

const asyncDispose: typeof Symbol.asyncDispose = (Symbol as { asyncDispose?: symbol }).asyncDispose as typeof Symbol.asyncDispose ?? (Symbol.for("Symbol.asyncDispose") as typeof Symbol.asyncDispose);

const ALL_RETRIES: RunOptions = { retries: true };

/**
 * Makes a client.
 * @example
 * const api = createClient({ baseUrl: "https://api.example.com/v2/", token: "…", timeout: "short" });
 * const user = await api.get<User>("users/42").json();
 */
export function createClient(options: ClientOptions = {}): Client {
  return makeClient(normaliseClient(options));
}

/** A client with the default options. */
export const tierfetch: Client = /* @__PURE__ */ createClient();

/** @internal A client on `config` (tests attach attempt listeners to a config directly). */
export function makeClient(config: ClientConfig): Client {
  const request = <T>(method: string, input: Input, options?: RequestOptions): ResponsePromise<T> => {
    const { url, opts } = fromInput(input, options);
    const resend: Resend = {
      method,
      once: { retries: false },
      plan: () => prepareCall(config, method, url, opts, "response"),
      // Sent again by a reconnecting stream, which judges every status itself: an error status is a failure, never events.
      send: (headers, run) => runCall(prepareCall(config, method, url, { ...opts, throwHttpErrors: true, headers: { ...headerEntries(opts?.headers), ...headers } }, "response"), run).then((r) => r.response),
      retry: RETRY_RULE,
    };
    return ResponsePromise.start(
      (mode, single) => runCall(prepareCall(config, method, url, single ? { ...opts, throwHttpErrors: true } : opts, mode), single ? resend.once : ALL_RETRIES),
      resend,
    );
  };

  const close = async () => config.closer.close();
  return {
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
    extend: (opts) => makeClient(normaliseClient(opts, config)),
    close,
    get stats() {
      return config.stats;
    },
    [CLOSER]: config.closer,
    [asyncDispose]: close,
  };
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
