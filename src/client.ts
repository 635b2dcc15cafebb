/** createClient, extend, close, the method shortcuts and `api.fetch`. */
import { bounded } from "./pipeline/bounded.js";
import { runCall, type RunOptions } from "./pipeline/call.js";
import { normaliseClient, type ClientConfig } from "./options/config.js";
import { fromFetchArguments } from "./pipeline/fetch-adapter.js";
import { check, optionError } from "./options/option-error.js";
import type { ClientOptions, RequestOptions, SseRequestOptions } from "./options/options.js";
import { paginate, type PaginateOptions } from "./features/paginate.js";
import { prepareCall, type ReadMode } from "./pipeline/plan.js";
import { ResponsePromise, type Reconnect } from "./pipeline/response.js";
import { lastEventIdHeader, reconnectingSse } from "./features/sse-reconnect.js";
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
   * The global fetch's contract on this client's tiers, retries, budget, hooks, stats and token
   * rules: hand it to any SDK that takes a custom `fetch`. Resolves with the Response for every
   * status (the last one when retries run out), rejects only where fetch would (network
   * failure, abort with the signal's reason, a TimeoutError). A streamed body is bounded by
   * the tier between chunks, not as a whole.
   * @example const openai = new OpenAI({ fetch: api.fetch, maxRetries: 0 });
   */
  fetch: typeof globalThis.fetch;
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
  return makeClient(normaliseClient(options));
}

function makeClient(config: ClientConfig): Client {
  const call = (method: string, url: Input, opts: RequestOptions | undefined, mode: ReadMode, run: RunOptions) => runCall(prepareCall(config, method, url as string | URL, opts, mode), run);

  const request = <T>(method: string, input: Input, options?: RequestOptions): ResponsePromise<T> => {
    const { url, opts } = fromInput(input, options);
    return ResponsePromise.start<T>(
      // A reconnecting stream (single) judges every status itself: an error status is a failure, never events.
      (mode, single) => (single ? call(method, url, { ...opts, throwHttpErrors: true }, mode, { retries: false }) : call(method, url, opts, mode, ALL_RETRIES)),
      sseReconnect(config, method, url, opts, call),
    );
  };

  const close = async () => config.closer.close();
  const client: Client = {
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
      const signal = init?.signal ?? (typeof Request !== "undefined" && input instanceof Request ? input.signal : undefined);
      const { method, url, options } = await bounded({ signal: signal ?? undefined, closer: config.closer }, () => fromFetchArguments(input, init));
      return (await runCall(prepareCall(config, method, url, options, "fetch"))).response;
    },
    paginate: (url, opts) => paginate((u, o) => request("GET", u, o), (signal, work) => bounded({ signal, closer: config.closer }, work), url, opts),
    extend: (opts) => makeClient(normaliseClient(opts, config)),
    close,
    get stats() {
      return config.stats;
    },
    [asyncDispose]: close,
  };
  return client;
}

const ALL_RETRIES: RunOptions = { retries: true };

type CallFn = (method: string, url: Input, opts: RequestOptions | undefined, mode: ReadMode, run: RunOptions) => Promise<{ response: Response }>;

/** What `.sse({ reconnect: true })` needs: the method check, and how to send the request again. */
function sseReconnect(config: ClientConfig, method: string, url: Input, opts: RequestOptions | undefined, call: CallFn): Reconnect {
  return {
    refuse: (options: SseRequestOptions) => {
      try {
        check(typeof options === "object" && options !== null, "sse", "options must be an object");
        for (const key of Object.keys(options)) check(key === "reconnect" || key === "anyContentType" || key === "maxEventBytes", `sse.${key}`, "is not an option of .sse(): use reconnect, anyContentType, maxEventBytes");
        if (method.toUpperCase() !== "GET") throw optionError("reconnect", "works with GET requests only");
        return undefined;
      } catch (error) {
        return error as TypeError;
      }
    },
    open: (options, first) => {
      // The policy as the request resolved it (the first request was prepared the same way).
      let plan: ReturnType<typeof prepareCall>;
      try {
        plan = prepareCall(config, method, url as string | URL, opts, "response");
      } catch (error) {
        first.catch(() => undefined);
        return (async function* () {
          throw error;
        })();
      }
      return reconnectingSse(first, {
        open: (lastEventId, priorRetries, since) =>
          call(method, url, { ...opts, throwHttpErrors: true, headers: withLastEventId(opts?.headers, lastEventId) }, "response", { retries: false, priorRetries, since, reconnection: true }).then((r) => r.response),
        policy: plan.retry,
        budget: config.budget,
        stats: config.stats,
        signal: plan.signal,
        closer: config.closer,
        anyContentType: options.anyContentType,
        maxEventBytes: options.maxEventBytes,
      });
    },
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

/** The request's headers with Last-Event-ID (none: a default one removed). */
function withLastEventId(headers: RequestOptions["headers"], id: string): RequestOptions["headers"] {
  const out = headerEntries<string | undefined | null>(headers);
  out["last-event-id"] = id ? lastEventIdHeader(id) : undefined;
  return out;
}

/** A client with the default options. */
export const tierfetch: Client = /* @__PURE__ */ createClient();
