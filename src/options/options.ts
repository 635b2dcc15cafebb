/**
 * Public option types with their defaults. Each option is one entry of option-table.ts (an
 * option added to these types without its entry there fails to compile).
 */
import type { Duration } from "../resilience/durations.js";
import type { ServerSentEvent } from "../decode/sse.js";
import type { UploadTracker } from "../http/upload-tracker.js";
import type { Progress } from "./progress.js";
import type { Tracer } from "../observe/tracing.js";

/** A named timeout tier. */
export type TierName = "short" | "medium" | "long";

/** A tier name, a {@link Duration}, or `"none"` for no timeout. */
export type TimeoutOption = TierName | "none" | Duration;

/** Tier lengths and the cap that growing timeouts never pass. */
export interface TimeoutTiers {
  /** @default "5s" */
  short?: Duration;
  /** @default "30s" */
  medium?: Duration;
  /** @default "6m" */
  long?: Duration;
  /**
   * Cap of a timeout grown over retries: attempt `n` gets `min(t·2ⁿ, max(t, max))`.
   * @default "15m"
   */
  max?: Duration;
}

/** A client-wide budget that stops retry storms (as Envoy and Finagle do). */
export interface RetryBudgetOptions {
  /** Retries allowed per first attempt over the window. @default 0.2 */
  ratio?: number;
  /** Retries always allowed per second, whatever the traffic. @default 10 */
  minPerSecond?: number;
  /** Length of the sliding window. @default "10s" */
  window?: Duration;
}

/** What a `shouldRetry` function and a `beforeRetry` hook are told about a failed attempt. */
export interface RetryContext extends HookContext {
  /** The response of the failed attempt, for an error status. */
  response?: Response;
  /** The error of the failed attempt (TimeoutError, NetworkError or HttpError). */
  error: unknown;
  /** Milliseconds the client would wait before the next attempt. */
  delay: number;
  /** Milliseconds the server asked for with Retry-After / retry-after-ms, if it did. */
  retryAfter?: number;
}

/** The retry policy. */
export interface RetryOptions {
  /** Retries after the first attempt. @default 4 */
  maxRetries?: number;
  /** No retry starts sooner than this after a failure. @default "500ms" */
  minDelay?: Duration;
  /** Cap of the computed backoff (a server's Retry-After may exceed it). @default "15s" */
  maxDelay?: Duration;
  /** Backoff is `minDelay · factorⁿ`, capped, with jitter in its upper half. @default 2 */
  factor?: number;
  /** No retry starts later than this after the first attempt began. @default "3m" */
  deadline?: Duration;
  /** Statuses that may be retried. @default [408, 429, 500, 502, 503, 504] */
  statuses?: number[];
  /**
   * Overrides the decision for one failure: `true` retries, `false` does not, `undefined`
   * keeps the default decision. Hard limits (maxRetries, deadline, budget, a body that
   * cannot be replayed, an abort) still apply.
   * @example shouldRetry: ({ response }) => response?.status === 409 ? true : undefined
   */
  shouldRetry?: (ctx: RetryContext) => boolean | undefined;
  /**
   * Client-wide retry budget, shared with `extend()` children; `false` disables it.
   * @default { ratio: 0.2, minPerSecond: 10, window: "10s" }
   */
  budget?: RetryBudgetOptions | false;
}

/** Hedged requests. */
export interface HedgeOptions {
  /** Send a copy when no headers came this long after the attempt began: a Duration, or "p50"…"p99" of the family's times to headers. */
  after: Duration | `p${number}`;
  /** Extra copies at most (one more each `after`). @default 1 */
  max?: number;
}

/** A query value: arrays repeat the key, `undefined` and `null` are dropped, Dates become ISO 8601. */
export type QueryValue = string | number | boolean | bigint | Date | null | undefined;
/** Query parameters. */
export type QueryOptions = Record<string, QueryValue | readonly QueryValue[]> | URLSearchParams;
/** Headers; in a request, a header set to `undefined` (or `null`) removes the client's default. */
export type HeadersOption = Record<string, string | undefined | null> | Headers | [string, string][];

/** What every hook is given: one object per call, updated as the call goes on. */
export interface HookContext {
  /** The request of the current attempt. */
  request: Request;
  /** HTTP method, upper case. */
  method: string;
  /** The URL of the request, with query. */
  url: string;
  /** 0-based number of the current attempt. */
  attempt: number;
  /** Retries made so far. */
  retryCount: number;
  /** The response of the current attempt, once there is one. */
  response?: Response;
  /** The error of the current attempt, once there is one. */
  error?: unknown;
}

/** May return a Request to send instead, or a Response to use without sending anything. */
export type BeforeRequestHook = (ctx: HookContext) => Request | Response | void | Promise<Request | Response | void>;
/** Called before each retry's sleep; returning `false` gives up with the current error. */
export type BeforeRetryHook = (ctx: RetryContext) => boolean | void | Promise<boolean | void>;
/** May return a new Response that replaces the one received (before it is judged). */
export type AfterResponseHook = (ctx: HookContext & { response: Response }) => Response | void | Promise<Response | void>;
/** May return another error to throw instead. */
export type BeforeErrorHook = (error: Error, ctx: HookContext) => Error | void | Promise<Error | void>;

/** Hooks; a client's and a request's are appended, never replaced. */
export interface Hooks {
  /** Before each attempt is sent. */
  beforeRequest?: BeforeRequestHook[];
  /** Before each retry sleeps. */
  beforeRetry?: BeforeRetryHook[];
  /** After each response arrives, before its status is judged. */
  afterResponse?: AfterResponseHook[];
  /** Before the final error is thrown. */
  beforeError?: BeforeErrorHook[];
}

export type { Progress } from "./progress.js";

/** `fetch` as tierfetch calls it. */
export type FetchFunction = (input: Request | string, init?: RequestInit) => Promise<Response>;

/** A token, or a function that returns one; called before each attempt, and with `{ refresh: true }` after a 401. */
export type TokenOption = string | ((ctx: { refresh: boolean }) => string | Promise<string>);

/** RequestInit fields passed through to `fetch` unchanged. */
export interface PassThroughInit {
  /** Passed to fetch unchanged (browsers: whether cookies go cross-origin). @example credentials: "include" */
  credentials?: RequestCredentials;
  /** Passed to fetch unchanged. A cross-origin redirect drops Authorization. @default "follow" */
  redirect?: RequestRedirect;
  /** Passed to fetch unchanged (the HTTP cache mode). @example cache: "no-store" */
  cache?: RequestCache;
  /** Passed to fetch unchanged (browsers: cors, same-origin, no-cors). */
  mode?: RequestMode;
  /** Passed to fetch unchanged: let the request outlive the page (browsers). */
  keepalive?: boolean;
  /** Passed to fetch unchanged: a hint where the runtime supports it. */
  priority?: "high" | "low" | "auto";
  /** Passed to fetch unchanged. */
  referrer?: string;
  /** Passed to fetch unchanged. */
  referrerPolicy?: ReferrerPolicy;
  /** Passed to fetch unchanged: a subresource-integrity hash the body must match. */
  integrity?: string;
}

/**
 * Fetch extensions of one runtime, passed through to its `fetch` unchanged. Typed loosely, so
 * that no runtime's own types are needed to use them.
 */
export interface RuntimeInit {
  /**
   * Cloudflare Workers: the `cf` request properties (cache, image resizing, …).
   * @example cf: { cacheTtl: 60, cacheEverything: true }
   */
  cf?: object;
  /**
   * Node (undici): the Dispatcher (an `Agent`, `ProxyAgent`, `MockAgent`) that sends the request.
   * @example dispatcher: new Agent({ connect: { timeout: 5_000 } })
   */
  dispatcher?: object;
  /**
   * Deno: the `Deno.HttpClient` that sends the request (proxies, client certificates).
   * @example client: Deno.createHttpClient({ proxy: { url: "http://127.0.0.1:3128" } })
   */
  client?: object;
}

/** Options shared by a client and a single request. */
export interface CommonOptions extends PassThroughInit, RuntimeInit {
  /** Default headers, merged by name case-insensitively. */
  headers?: HeadersOption;
  /**
   * Query parameters merged into every URL; a request's keys replace the client's.
   * @example query: { locale: "en", tags: ["a", "b"] }
   */
  query?: QueryOptions;
  /**
   * A tier name, a Duration or `"none"`. Bounds one attempt, from sending until the body has
   * been read; grows on each retry up to `timeouts.max`.
   * @default "medium"
   * @example timeout: "long"
   */
  timeout?: TimeoutOption;
  /**
   * Longest gap allowed between two body chunks; for long streams use
   * `timeout: "none", idleTimeout: "30s"`.
   * @default undefined (none)
   */
  idleTimeout?: Duration;
  /** Retry policy: a number of retries, `false`, or an object. @default { maxRetries: 4 } */
  retry?: number | false | RetryOptions;
  /** Reject with HttpError for a status of 400 or more. @default true */
  throwHttpErrors?: boolean;
  /** Called as the response body downloads. */
  onDownloadProgress?: (progress: Progress) => void;
  /** Hooks, appended to the client's. */
  hooks?: Hooks;
  /**
   * Extra RequestInit fields passed to fetch as they are: the escape hatch for a runtime
   * extension tierfetch does not list. Any other unknown option is a TypeError (a typo).
   * @example init: { mySpecialFlag: true }
   */
  init?: Record<string, unknown>;
}

/** Options of `createClient` and `extend`. */
export interface ClientOptions extends CommonOptions {
  /**
   * Relative request paths join under it, keeping its path.
   * @example baseUrl: "https://api.example.com/v2/"
   */
  baseUrl?: string | URL;
  /** Sent as `Authorization: Bearer <token>`, only to the origin of `baseUrl`. */
  token?: TokenOption;
  /** Tier lengths. @default { short: "5s", medium: "30s", long: "6m", max: "15m" } */
  timeouts?: TimeoutTiers;
  /** The fetch to call. @default globalThis.fetch, looked up per request */
  fetch?: FetchFunction;
  /** Allow the token over plain http to a host that is not loopback. @default false */
  allowHttp?: boolean;
  /**
   * At most this many attempts of the client family in flight at once; the rest wait in order.
   * A streamed response holds its slot until its body is read, cancelled or dropped. Shared with
   * `extend()` children unless a child sets its own.
   * @default undefined (no limit)
   * @example maxConcurrent: 6
   */
  maxConcurrent?: number;
  /**
   * Hedged requests: an idempotent request still waiting for its response headers `after`
   * (a Duration, or "p50"…"p99" of the times to headers this client family has seen, once it
   * has seen 20) is sent again, up to `max` extra copies (one more each `after`); the first
   * usable response wins and the other copies are aborted. Copies take from the retry budget.
   * @default undefined (no hedging)
   * @example hedge: { after: "p95" }
   */
  hedge?: HedgeOptions;
  /**
   * An OpenTelemetry `Tracer`: one CLIENT span per request sent (each attempt and each redirect
   * hop), with the stable HTTP client attributes, and a W3C `traceparent` header naming it.
   * Spans start in the tracer's active context. Inherited by `extend()` children.
   * @default undefined (no tracing)
   * @example tracer: trace.getTracer("my-app")
   */
  tracer?: Tracer;
}

/** Options of one request. */
export interface RequestOptions extends CommonOptions {
  /** A value sent as JSON (sets Content-Type unless given). Not with `body`. */
  json?: unknown;
  /** A body sent as is. A ReadableStream is sent once and never retried. Not with `json`. */
  body?: BodyInit | ArrayBufferView | null;
  /** Aborting it rejects at once with its reason, in an attempt or a backoff sleep. */
  signal?: AbortSignal | null;
  /**
   * Sent as `Idempotency-Key` (the same on every attempt); lets POST and PATCH retry like
   * safe methods. `true` makes a random UUID.
   */
  idempotencyKey?: string | true;
  /**
   * Upload progress: a callback made by `trackUpload()` (imported from "tierfetch", so only an
   * app that uses it bundles the upload code). Where the runtime streams uploads (Node, Deno,
   * Bun, workerd, edge-runtime) the body goes as a counted stream (chunked); in a browser it
   * goes through XMLHttpRequest. A plain function is refused with a TypeError.
   * @example onUploadProgress: trackUpload(({ percent }) => bar.set(percent))
   */
  onUploadProgress?: UploadTracker;
}

/** Options of `sse()` given a client's ResponsePromise (`sse(api.get(u), options)`). */
export interface SseRequestOptions {
  /**
   * Re-issue the request (GET only) when the stream ends or drops, after the server's `retry`
   * interval or the retry policy's backoff, with `Last-Event-ID`; a 204 ends it.
   * @default false
   */
  reconnect?: boolean;
  /**
   * Read the body as an event stream whatever its content-type says (by default anything but
   * `text/event-stream` is refused with a ParseError saying what arrived).
   * @default false
   */
  anyContentType?: boolean;
  /** The largest event accepted, in UTF-8 bytes; past it a LimitError ends the stream. @default 16 MiB */
  maxEventBytes?: number;
}
export type { ServerSentEvent };
