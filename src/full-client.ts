/**
 * `createClient`: the core client with every feature — the streaming shortcuts and
 * `.json(schema)` (ResponsePromise), `.sse({ reconnect: true })`, `api.paginate` and
 * `onUploadProgress` (counted streams, XMLHttpRequest in browsers).
 */
import { bounded } from "./pipeline/bounded.js";
import { makeClient, type CallFn, type Client, type ClientFeatures, type Input } from "./client.js";
import { normaliseClient, type ClientConfig } from "./options/config.js";
import { optionError } from "./options/option-error.js";
import type { ClientOptions, RequestOptions } from "./options/options.js";
import { paginate } from "./features/paginate.js";
import { prepareCall } from "./pipeline/plan.js";
import { ResponsePromise, type Reconnect } from "./pipeline/response.js";
import { lastEventIdHeader, reconnectingSse } from "./features/sse-reconnect.js";
import { headerEntries } from "./http/headers.js";
import { UPLOAD_PROGRESS } from "./http/upload-progress.js";
import type { RunOptions } from "./pipeline/call.js";
import type { Reservation } from "./resilience/retry-budget.js";

const FULL: ClientFeatures = {
  respond: (start, config, method, url, opts, call, once) => ResponsePromise.streaming(start, sseReconnect(config, method, url, opts, call, once)),
  extras: (client, config, request) => {
    (client as Client).paginate = (url, opts) =>
      paginate((u, o) => request("GET", u, o) as ResponsePromise, (signal, work) => bounded({ signal, closer: config.closer }, work), url, opts);
  },
};

/**
 * Makes a client.
 * @example
 * const api = createClient({ baseUrl: "https://api.example.com/v2/", token: "…", timeout: "short" });
 * const user = await api.get<User>("users/42").json();
 */
export function createClient(options: ClientOptions = {}): Client {
  return makeClient(normaliseClient(options, undefined, UPLOAD_PROGRESS), FULL) as Client;
}

/** A client with the default options. */
export const tierfetch: Client = /* @__PURE__ */ createClient();

/**
 * What `.sse({ reconnect: true })` needs: the method check, and how to send the request again.
 * `once` runs the first request's single attempt: its failure hands the stream the retry it took.
 */
function sseReconnect(config: ClientConfig, method: string, url: Input, opts: RequestOptions | undefined, call: CallFn, once: RunOptions): Reconnect {
  return {
    refuse: () => (method.toUpperCase() !== "GET" ? optionError("reconnect", "works with GET requests only") : undefined),
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
      let firstHanded: Reservation | "spent" | undefined;
      once.handOver = (taken) => (firstHanded = taken);
      return reconnectingSse(first, {
        open: (lastEventId, priorRetries, since, handOver) =>
          call(method, url, { ...opts, throwHttpErrors: true, headers: withLastEventId(opts?.headers, lastEventId) }, "response", { retries: false, priorRetries, since, reconnection: true, handOver }).then((r) => r.response),
        policy: plan.retry,
        budget: plan.retry.budget === false ? undefined : config.budget,
        stats: config.stats,
        signal: plan.signal,
        closer: config.closer,
        anyContentType: options.anyContentType,
        maxEventBytes: options.maxEventBytes,
      }, () => firstHanded);
    },
  };
}

/** The request's headers with Last-Event-ID (none: a default one removed). */
function withLastEventId(headers: RequestOptions["headers"], id: string): RequestOptions["headers"] {
  const out = headerEntries<string | undefined | null>(headers);
  out["last-event-id"] = id ? lastEventIdHeader(id) : undefined;
  return out;
}
